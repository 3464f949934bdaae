"""The ``audio``, ``spectrogram`` and ``handcrafted`` sections, and the spectrogram shape they give a chunk."""
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic.dataclasses import dataclass

from fewlabels.features.fast import check_short_term_window, mid_term_ratios, spectrogram_shape, window_samples
from fewlabels.features.mel import mel_spectrogram_shape
from fewlabels.schema import SECTION, Count, Float, Int, Positive, Str, doc


@dataclass(config=SECTION)
class AudioParams:
    """How every utterance is read and cut into fixed-size chunks, for every feature family."""

    sample_rate: Annotated[Int, Field(ge=1000, le=192000), doc("Hz; every utterance is resampled to it")]
    min_signal: Annotated[Count, doc("chunk length in samples; shorter utterances are dropped or padded")]
    short_signals: Annotated[Literal["drop", "pad"], doc("an utterance shorter than min_signal: dropped or zero-padded")]


HandcraftedSet = Literal["pyaudioanalysis", "egemaps", "compare2016"]


@dataclass(config=SECTION)
class HandcraftedParams:
    """The hand-crafted feature sets of each chunk: pyAudioAnalysis' 136 mid-term features (its windows below),
    and openSMILE's eGeMAPS and ComParE 2016 functionals."""

    sets: Annotated[list[HandcraftedSet], Field(min_length=1),
                    doc("pyaudioanalysis (methods handcrafted/<classifier>, the reference of every feature "
                        "comparison), egemaps (openSMILE eGeMAPS v02, 88 functionals), compare2016 (openSMILE "
                        "ComParE 2016, 6,373 functionals); the openSMILE sets fall under audEERING's research "
                        "licence (docs/features.md)")]
    mid_window_s: Annotated[Positive, doc("mid-term window, seconds")]
    mid_step_s: Annotated[Positive, doc("mid-term step, seconds")]
    short_window_s: Annotated[Positive, doc("short-term window, seconds")]
    short_step_s: Annotated[Positive, doc("short-term step, seconds")]
    backend: Annotated[Literal["fast", "pyaudioanalysis"], doc("vectorised NumPy or pyAudioAnalysis itself, the same "
                                                               "numbers")]

    @field_validator("sets")
    @classmethod
    def _sets(cls, sets):
        if len(set(sets)) < len(sets):
            raise ValueError(f"{sets} names a set twice")
        if "pyaudioanalysis" not in sets:
            raise ValueError(f"{sets} lacks pyaudioanalysis: its features are the reference every feature family "
                             "is compared with; add it, e.g. [pyaudioanalysis, egemaps]")
        return sets


@dataclass(config=SECTION)
class EmbeddingsParams:
    """A pretrained speech model's frozen embeddings of each chunk (the embeddings stage)."""

    preset: Annotated[Str | None, doc("null: off; a keras-hub Whisper preset name (whisper_tiny_en ... "
                                      "whisper_large_multi_v2, downloaded on first use) or a local directory "
                                      "written by save_to_preset (docs/features.md)")]

    @field_validator("preset")
    @classmethod
    def _local_preset(cls, preset):
        if preset is not None and ("/" in preset or preset.startswith(".")) and not Path(preset).is_dir():
            raise ValueError(f"{preset!r} is no directory: give a folder written by keras-hub's save_to_preset, "
                             "or a preset name such as whisper_tiny_en")
        return preset


@dataclass(config=SECTION)
class MelParams:
    """The log-mel front end of the DTU study (``spectrogram.kind: logmel``)."""

    bands: Annotated[Count, doc("mel bands: the spectrogram's bins")]
    window_s: Annotated[Positive, doc("FFT window, seconds, an even number of samples")]
    hop_s: Annotated[Positive, doc("step between frames, seconds")]
    fmin: Annotated[Float, Field(ge=0), doc("lowest mel band edge, Hz")]
    fmax: Annotated[Positive | None, doc("highest mel band edge, Hz; null: the Nyquist frequency")]

    @model_validator(mode="after")
    def _band_edges(self):
        if self.fmax is not None and self.fmin >= self.fmax:
            raise ValueError(f"fmin ({self.fmin:g} Hz) must lie below fmax ({self.fmax:g} Hz)")
        return self


@dataclass(config=SECTION)
class SpectrogramParams:
    """The spectrogram of each chunk, the input of the autoencoder and the networks."""

    kind: Annotated[Literal["linear", "logmel"], doc("pyAudioAnalysis' linear spectrogram (the MSP study) or log-mel "
                                                     "(the DTU study: spectrogram.mel)")]
    window_s: Annotated[Positive, doc("linear: window = step, seconds, a whole number of samples")]
    scale: Annotated[Literal["db", "linear", "standard"],
                     doc("db: dB mapped from [db_floor, 0] to [0, 1]; linear: magnitudes clipped to [0, 1] (the "
                         "original study); standard: dB standardised per chunk (autoencoder.loss mse only)")]
    db_floor: Annotated[Float, Field(lt=0, ge=-300), doc("dB mapped to 0 by the db scale (0 dB maps to 1); the log "
                                                         "floor")]
    backend: Annotated[Literal["fast", "pyaudioanalysis"], doc("linear: vectorised NumPy or pyAudioAnalysis itself, "
                                                               "the same numbers")]
    mel: Annotated[MelParams, doc("the log-mel front end (kind logmel only)")]
    shard_size: Annotated[Count, doc("chunks per pickle shard of the unlabelled spectrograms (memory holds about "
                                     "two)")]


def chunk_spectrogram_shape(audio: AudioParams, spectrogram: SpectrogramParams) -> tuple[int, int]:
    """(frames, bins) of one chunk's spectrogram; a ValueError naming the param when a window is not a whole
    number of samples or the chunk holds no frame."""
    if spectrogram.kind == "logmel":
        return _mel_shape(audio, spectrogram.mel)
    try:
        window = window_samples(spectrogram.window_s, audio.sample_rate)
    except ValueError as error:
        raise ValueError(f"spectrogram.window_s: {error}") from None
    frames, bins = spectrogram_shape(audio.min_signal, window)
    if frames < 1:
        raise ValueError(f"audio.min_signal {audio.min_signal} holds no spectrogram frame: it must be at least "
                         f"{2 * window} samples (two windows of spectrogram.window_s {spectrogram.window_s} s)")
    return frames, bins


def _mel_shape(audio: AudioParams, mel: MelParams) -> tuple[int, int]:
    """(frames, bands) of one chunk's log-mel spectrogram, its windows and band edges checked."""
    try:
        window, hop = window_samples(mel.window_s, audio.sample_rate), window_samples(mel.hop_s, audio.sample_rate)
    except ValueError as error:
        raise ValueError(f"spectrogram.mel: {error}") from None
    if window % 2:
        raise ValueError(f"spectrogram.mel.window_s {mel.window_s} gives an odd window of {window} samples at "
                         f"{audio.sample_rate} Hz; the mel filterbank needs an even one, e.g. "
                         f"{(window + 1) / audio.sample_rate:g} s")
    if mel.fmax is not None and mel.fmax > audio.sample_rate / 2:
        raise ValueError(f"spectrogram.mel.fmax {mel.fmax:g} Hz lies above the Nyquist frequency of "
                         f"audio.sample_rate {audio.sample_rate} Hz; lower it or set it to null")
    if mel.bands > window // 2 + 1:
        raise ValueError(f"spectrogram.mel.bands {mel.bands} exceeds the {window // 2 + 1} frequency bins of a "
                         f"{window}-sample window: lower it or raise spectrogram.mel.window_s")
    if audio.min_signal < window:
        raise ValueError(f"audio.min_signal {audio.min_signal} is shorter than the {window}-sample "
                         f"spectrogram.mel.window_s {mel.window_s}")
    return mel_spectrogram_shape(audio.min_signal, window, hop, mel.bands)


def ways_to_grow(audio: AudioParams, spectrogram: SpectrogramParams, shape: tuple[int, int], need: int) -> list[str]:
    """The param changes that give a chunk's spectrogram of ``shape`` (:func:`chunk_spectrogram_shape`) at least
    ``need`` frames and ``need`` bins."""
    frames, bins = shape
    rate = audio.sample_rate
    if spectrogram.kind == "linear":
        window = window_samples(spectrogram.window_s, rate)
        signal_needed, bins_way = (need + 1) * window, f"raise spectrogram.window_s to at least {2 * need / rate:g} s"
    else:
        mel = spectrogram.mel
        window, hop = window_samples(mel.window_s, rate), window_samples(mel.hop_s, rate)
        signal_needed, bins_way = window + (need - 1) * hop, f"raise spectrogram.mel.bands to at least {need}"
    ways = [f"raise audio.min_signal to at least {signal_needed} samples"] if frames < need else []
    return ways + ([bins_way] if bins < need else [])


def check_handcrafted_windows(audio: AudioParams, handcrafted: HandcraftedParams) -> None:
    """The hand-crafted windows are whole samples that pyAudioAnalysis can compute features on, within a chunk."""
    rate = audio.sample_rate
    try:
        short_window = window_samples(handcrafted.short_window_s, rate)
        short_step = window_samples(handcrafted.short_step_s, rate)
        check_short_term_window(rate, short_window)
        mid_term_ratios(round(handcrafted.mid_window_s * rate), round(handcrafted.mid_step_s * rate), short_window,
                        short_step)
    except ValueError as error:
        raise ValueError(f"handcrafted (audio.sample_rate {rate} Hz): {error}") from None
    if audio.min_signal < short_window:
        raise ValueError(f"audio.min_signal {audio.min_signal} is shorter than the {short_window}-sample "
                         "handcrafted.short_window_s")
