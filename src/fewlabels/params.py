"""Typed, validated view of ``params.yaml``: one pydantic dataclass per section.

Every key must be present and of its declared type (an int is accepted where a float is
declared, never a bool or a string for a number); every number has a range; an unknown key is
an error that names it, with a close match when there is one. Floats in any YAML notation
(``1e-05`` as written by ``dvc exp run -S``) are read as floats. Params that can only fail
together (the spectrogram shape vs the autoencoder, the hand-crafted windows vs the sample
rate) are checked here, before any stage runs. Every problem is a :class:`ParamsError` whose
message names the key, the value and the range or choices.
"""
import difflib
import math
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import ConfigDict, Field, Strict, TypeAdapter, ValidationError, field_validator, model_validator
from pydantic.dataclasses import dataclass

from fewlabels.autoencoder.families import FAMILIES, axis_sizes, can_encode, dtu_axis_size, smallest_axis
from fewlabels.corpus.labels import EMOTIONS
from fewlabels.errors import FewlabelsError
from fewlabels.methods.classifiers import check_classifier
from fewlabels.compare.draws import fractions
from fewlabels.features.fast import check_short_term_window, mid_term_ratios, spectrogram_shape, window_samples
from fewlabels.features.mel import mel_spectrogram_shape


class ParamsError(FewlabelsError):
    """A params.yaml value is missing, unknown, of the wrong type, out of range or inconsistent with another."""


class _Loader(yaml.SafeLoader):
    """SafeLoader that also reads ``1e-05``, ``1E5`` and ``.5`` as floats (YAML 1.2 core schema)."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
                  |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
                  |[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?
                  |[-+]?\.(?:inf|Inf|INF)
                  |\.(?:nan|NaN|NAN))$""", re.X),
    list("-+0123456789."),
)

Int = Annotated[int, Strict()]
Float = Annotated[float, Strict(), Field(allow_inf_nan=False)]
Str = Annotated[str, Strict()]
Seed = Annotated[Int, Field(ge=0)]
Count = Annotated[Int, Field(ge=1)]
Share = Annotated[Float, Field(ge=0, le=1)]
Positive = Annotated[Float, Field(gt=0)]
_CONFIG = ConfigDict(extra="forbid", frozen=True)


def _speaker_regex(pattern: str | None) -> str | None:
    """A regex with a group named ``speaker``, or None."""
    if pattern is None:
        return None
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        raise ValueError(f"{pattern!r} is not a regular expression: {error}") from None
    if "speaker" not in compiled.groupindex:
        raise ValueError(f"{pattern!r} has no group named speaker, e.g. '^(?P<speaker>[^_]+)_'")
    return pattern


@dataclass(config=_CONFIG)
class ProsodyShift:
    """Shift of one valence step away from neutral, in eSpeak NG units."""

    pitch: Annotated[Float, Field(ge=0, le=99)]  # base pitch, 0-99
    pitch_range: Annotated[Float, Field(ge=0, le=99)]  # pitch range, 0-99
    rate: Annotated[Float, Field(ge=0, le=400)]  # words per minute
    volume: Annotated[Float, Field(ge=0, le=200)]  # amplitude, 0-200


@dataclass(config=_CONFIG)
class SyntheticParams:
    """The embedded corpus, written by the synthesise stage."""

    seed: Seed
    speakers: Count
    utterances_per_speaker: Annotated[Int, Field(ge=3)]  # at least one per class
    short_fraction: Share  # share of utterances aimed below 3.75 s
    snr_db_min: Annotated[Float, Field(ge=-20, le=100)]
    snr_db_max: Annotated[Float, Field(ge=-20, le=100)]
    sample_rate: Annotated[Int, Field(ge=4000, le=48000)]  # Hz
    valence_shift: ProsodyShift
    jitter: Annotated[Float, Field(ge=0, le=10)]  # per-utterance prosody noise, standard deviation in units of valence_shift

    @model_validator(mode="after")
    def _snr_order(self):
        if self.snr_db_min > self.snr_db_max:
            raise ValueError(f"snr_db_min ({self.snr_db_min}) exceeds snr_db_max ({self.snr_db_max})")
        return self


def _known_emotion(emotion: str) -> None:
    """Refuse a name outside the vocabulary :data:`EMOTIONS`, with a close match."""
    if emotion not in EMOTIONS:
        close = difflib.get_close_matches(emotion, EMOTIONS, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ValueError(f"unknown emotion {emotion!r}{hint}; known: {', '.join(EMOTIONS)}")


def _corpus_emotions() -> dict[str, tuple[str, ...]]:
    """Each ``corpus.source`` -> the emotions its importer's ``EMOTIONS`` table names (none: no categorical emotions)."""
    from fewlabels.corpus.importers import IMPORTERS  # here, not at the top: the importers import this module
    return {source: tuple(emotion for emotion in EMOTIONS if emotion in getattr(module, "EMOTIONS", {}).values())
            for source, module in IMPORTERS.items()}


@dataclass(config=_CONFIG)
class CorpusParams:
    source: Literal["synthetic", "msp_podcast", "msp_improv", "tess", "ravdess", "crema_d", "emodb", "esc50", "folder"]
    path: Str  # the corpus in its published layout
    unlabelled_path: Str  # extra unlabelled clips (WAV, FLAC, OGG) that only the unlabelled split uses
    unlabelled_speaker: Str | None  # regex (group "speaker") on a clip's path below unlabelled_path; None: first folder
    on_bad_input: Literal["error", "skip"]
    on_odd_format: Literal["error", "skip", "convert"]  # a file whose rate, channels or container differ from most
    unknown_speaker: Literal["podcast", "skip", "error"]  # msp_podcast: SpkrID Unknown -> podcast id as proxy speaker
    classes: Literal["valence", "emotion"]  # valence: negative/neutral/positive; emotion: those of keep_emotions
    keep_emotions: Annotated[list[Str], Field(min_length=2)]  # classes emotion: the classes; other emotions excluded
    label_from: Literal["valence", "emotion"]  # msp_podcast, msp_improv with classes valence: rating or consensus emotion
    valence_edges: dict[Str, list[Float]]  # classes valence, per corpus: [lowest, neg|neutral, neutral|pos, highest]
    emotions: dict[Str, Str | None]  # classes valence: categorical emotion -> class; None: excluded and counted
    folder_speaker: Str  # folder: regex on the file name whose group "speaker" is the speaker id
    synthetic: SyntheticParams

    @field_validator("valence_edges")
    @classmethod
    def _increasing(cls, table):
        for source, edges in table.items():
            if len(edges) != 4 or not all(a < b for a, b in zip(edges, edges[1:])):
                raise ValueError(f"{source} must be four increasing numbers "
                                 f"[lowest, negative|neutral, neutral|positive, highest], got {edges}")
        return table

    @field_validator("emotions")
    @classmethod
    def _every_emotion(cls, table):
        for emotion in table:
            _known_emotion(emotion)
        missing = [emotion for emotion in EMOTIONS if emotion not in table]
        if missing:
            raise ValueError(f"no entry for {', '.join(missing)}: map each to a class, or to null to leave it out")
        return table

    @field_validator("keep_emotions")
    @classmethod
    def _known_emotions(cls, kept):
        for emotion in kept:
            _known_emotion(emotion)
        twice = sorted({emotion for emotion in kept if kept.count(emotion) > 1})
        if twice:
            raise ValueError(f"lists an emotion twice: {', '.join(twice)}; keep each once")
        return kept

    @model_validator(mode="after")
    def _emotions_exist(self):
        """``classes: emotion`` needs a corpus with categorical emotions, and every kept emotion among them."""
        if self.classes == "valence":
            return self
        emotions = _corpus_emotions()
        has = emotions[self.source]
        if not has:
            sources = [source for source, names in emotions.items() if names]
            raise ValueError(f"classes emotion needs a corpus with categorical emotions ({', '.join(sources)}); "
                             f"{self.source} has none: set corpus.classes to valence")
        absent = [emotion for emotion in self.keep_emotions if emotion not in has]
        if absent:
            raise ValueError(f"keep_emotions lists {', '.join(absent)}, which {self.source} does not have (its "
                             f"emotions: {', '.join(has)}): keep only those")
        return self

    @property
    def reads_valence(self) -> bool:
        """MSP-Podcast and MSP-IMPROV read the dimensional valence rating (else the consensus emotion)."""
        return self.classes == "valence" and self.label_from == "valence"

    @field_validator("folder_speaker", "unlabelled_speaker")
    @classmethod
    def _speaker_regexes(cls, pattern):
        return _speaker_regex(pattern)


SPLIT_NAMES = ("labelled", "test", "unlabelled")


@dataclass(config=_CONFIG)
class SplitParams:
    seed: Seed
    labelled_per_class: Count
    test_per_class: Count
    unlabelled_per_class: Count | None  # None: every utterance of the remaining speakers
    partitions: dict[Str, list[Str]] | None  # split -> official partitions it draws from; None: any
    exclude_classes: list[Str]  # classes left out of every split (listed and counted in metrics/split.json)

    @field_validator("partitions")
    @classmethod
    def _known_splits(cls, partitions):
        for split in partitions or {}:
            if split not in SPLIT_NAMES:
                raise ValueError(f"unknown split {split!r}; expected some of {', '.join(SPLIT_NAMES)}")
        return partitions


@dataclass(config=_CONFIG)
class AudioParams:
    sample_rate: Annotated[Int, Field(ge=1000, le=192000)]  # Hz; every utterance is resampled to it
    min_signal: Count  # chunk length in samples; shorter utterances are dropped or padded
    short_signals: Literal["drop", "pad"]


@dataclass(config=_CONFIG)
class MelParams:
    """The log-mel front end of the DTU study (``spectrogram.kind: logmel``)."""

    bands: Count  # mel bands: the spectrogram's bins
    window_s: Positive  # FFT window, seconds
    hop_s: Positive  # step between frames, seconds
    fmin: Annotated[Float, Field(ge=0)]  # Hz, lowest mel band edge
    fmax: Positive | None  # Hz, highest mel band edge; None: the Nyquist frequency

    @model_validator(mode="after")
    def _band_edges(self):
        if self.fmax is not None and self.fmin >= self.fmax:
            raise ValueError(f"fmin ({self.fmin:g} Hz) must lie below fmax ({self.fmax:g} Hz)")
        return self


@dataclass(config=_CONFIG)
class SpectrogramParams:
    kind: Literal["linear", "logmel"]  # pyAudioAnalysis' linear spectrogram (the MSP study) or log-mel (the DTU study)
    window_s: Positive  # linear: window = step, seconds
    scale: Literal["db", "linear", "standard"]  # db / linear: into [0, 1]; standard: dB standardised per chunk (MSE)
    db_floor: Annotated[Float, Field(lt=0, ge=-300)]  # dB mapped to 0 by the db scale (0 dB maps to 1); the log floor
    backend: Literal["fast", "pyaudioanalysis"]  # linear: the same numbers; fast is vectorised NumPy
    mel: MelParams
    shard_size: Count  # chunks per pickle shard of the unlabelled spectrograms (memory holds about two)


@dataclass(config=_CONFIG)
class HandcraftedParams:
    mid_window_s: Positive
    mid_step_s: Positive
    short_window_s: Positive
    short_step_s: Positive
    backend: Literal["fast", "pyaudioanalysis"]  # the same numbers; fast is vectorised NumPy


@dataclass(config=_CONFIG)
class AutoencoderParams:
    architecture: Literal["AE1", "AE2", "AE3", "AE4", "DTU"]  # the MSP study's families or the DTU study's
    filters: Count  # DTU: filters of each convolution
    decoder: Literal["upsampling", "unpooling"]  # DTU: how the decoder undoes max-pooling
    bottleneck: Literal["dense", "pooled"]  # code from the flattened map, or from its mean and SD over time
    loss: Literal["bce", "mse"]  # binary cross-entropy (sigmoid output) or mean squared error (linear output)
    latent_dim: Count
    bottleneck_activation: Literal["linear", "relu", "softmax"]
    dropout: Annotated[Float, Field(ge=0, lt=1)]
    learning_rate: Annotated[Float, Field(gt=0, le=10)]
    batch_size: Count
    max_epochs: Count
    validation_split: Annotated[Float, Field(gt=0, lt=1)]  # share of spectrograms, whole speakers, held out for val_loss
    min_delta: Annotated[Float, Field(ge=0)]  # early stopping: smallest val_loss improvement that counts
    patience: Annotated[Int, Field(ge=0)]  # early stopping: epochs without improvement before stopping
    seed: Seed


@dataclass(config=_CONFIG)
class DrawsParams:
    fraction_step: Annotated[Float, Field(gt=0, le=1)]  # labelled fractions step, 2 * step, ..., 1
    largest_count: Count  # utterances per class 1, 2, 4, ... up to this, then all
    repeats: Count  # random draws per budget
    seed: Seed


@dataclass(config=_CONFIG)
class ClassifyParams:
    classifiers: Annotated[dict[Str, dict[Str, Any]], Field(min_length=1)]  # name -> scikit-learn keyword arguments
    unit: Literal["utterance", "chunk"]  # what a test prediction is made for
    search_folds: Annotated[Int, Field(ge=2)]  # speaker folds inside a draw for a classifier's search grid
    seed: Seed

    @field_validator("classifiers")
    @classmethod
    def _known_classifiers(cls, classifiers):
        for name, kwargs in classifiers.items():
            check_classifier(name, kwargs)
        return classifiers


@dataclass(config=_CONFIG)
class DrawTrainingParams:
    """A network trained on each draw of a budget grid (the sections of ``finetune`` and ``end_to_end``)."""

    budgets: Annotated[dict[Literal["fraction", "count"], Annotated[list[Positive], Field(min_length=2)]],
                       Field(min_length=1)]  # axis -> at least 2 budgets (for an AULC), a subset of the draws' grid
    repeats: Count  # the first repeats of each budget's draws
    learning_rate: Annotated[Float, Field(gt=0, le=10)]
    batch_size: Count
    max_epochs: Count  # with early stopping
    patience: Annotated[Int, Field(ge=0)]  # early stopping: epochs without a lower validation loss
    validation_split: Annotated[Float, Field(gt=0, lt=1)]  # share of a draw's utterances, whole speakers, held out
    early_stopping_from: Annotated[Int, Field(ge=2)]  # utterances a draw needs for a validation slice
    fixed_epochs: Count  # epochs for a draw too small for a validation slice
    seed: Seed


@dataclass(config=_CONFIG)
class FinetuneParams(DrawTrainingParams):
    """The DTU method: the pretrained encoder plus a softmax head trained on each draw, and the same net from scratch."""

    freeze_encoder: Annotated[bool, Strict()]  # true: train the head only (a linear probe on the pretrained code)
    hidden_units: Count  # the head's ReLU Dense layer before the softmax


@dataclass(config=_CONFIG)
class EndToEndParams(DrawTrainingParams):
    """The Glasgow method: a CNN-LSTM trained from random weights on each draw's spectrogram chunks."""

    filters: Annotated[list[Count], Field(min_length=1)]  # one Conv2D 3x3 + average pooling block per entry
    pool: Count  # average pooling size over frames and bins after each convolution
    lstm_units: Count  # the LSTM over the frame axis
    hidden_units: Count  # the ReLU Dense layer before the softmax
    dropout: Annotated[Float, Field(ge=0, lt=1)]
    l1: Annotated[Float, Field(ge=0)]  # L1 penalty on every convolution and Dense kernel (the seed: 0.001)


@dataclass(config=_CONFIG)
class CompareParams:
    bootstrap: Annotated[Int, Field(ge=100)]  # resamples of test speakers (and label draws)
    confidence: Annotated[Float, Field(ge=0.5, lt=1)]  # level of every interval
    low_budgets: Count  # the smallest budgets of each axis that the low-budget AULC covers
    reference: Str  # the reference of methods without a classifier (handcrafted/<classifier>)
    also_compare: list[Str]  # further paired comparisons, "<method> vs <reference>", e.g. "finetune vs scratch"
    seed: Seed

    @field_validator("also_compare")
    @classmethod
    def _pairs(cls, pairs):
        for pair in pairs:
            if len(pair.split(" vs ")) != 2 or not all(side.strip() for side in pair.split(" vs ")):
                raise ValueError(f"{pair!r} is not '<method> vs <reference>', e.g. 'finetune vs scratch'")
        return pairs


@dataclass(config=_CONFIG)
class ComputeParams:
    scheduler: Str  # local (joblib processes on this machine) or a Dask scheduler's address, tcp://host:8786

    @field_validator("scheduler")
    @classmethod
    def _address(cls, scheduler):
        if scheduler != "local" and not re.fullmatch(r"tcp://\S+", scheduler):
            raise ValueError(f"{scheduler!r} is neither local nor a Dask scheduler address such as tcp://10.0.0.5:8786 "
                             "(the address `dask scheduler` prints)")
        return scheduler


@dataclass(config=_CONFIG)
class Params:
    corpus: CorpusParams
    split: SplitParams
    audio: AudioParams
    spectrogram: SpectrogramParams
    handcrafted: HandcraftedParams
    autoencoder: AutoencoderParams
    draws: DrawsParams
    classify: ClassifyParams
    finetune: FinetuneParams
    end_to_end: EndToEndParams
    compare: CompareParams
    compute: ComputeParams

    @model_validator(mode="after")
    def _consistent(self):
        check_spectrogram_fits_autoencoder(self)
        check_loss_fits_scale(self)
        check_handcrafted_windows(self)
        for section in ("finetune", "end_to_end"):
            check_draw_training_budgets(self, section)
        return self


def chunk_spectrogram_shape(params: Params) -> tuple[int, int]:
    """(frames, bins) of one chunk's spectrogram under the ``audio`` and ``spectrogram`` params; a ValueError
    naming the param when a window is not a whole number of samples or the chunk holds no frame."""
    audio, spec = params.audio, params.spectrogram
    if spec.kind == "logmel":
        mel = spec.mel
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
    try:
        window = window_samples(spec.window_s, audio.sample_rate)
    except ValueError as error:
        raise ValueError(f"spectrogram.window_s: {error}") from None
    frames, bins = spectrogram_shape(audio.min_signal, window)
    if frames < 1:
        raise ValueError(f"audio.min_signal {audio.min_signal} holds no spectrogram frame: it must be at least "
                         f"{2 * window} samples (two windows of spectrogram.window_s {spec.window_s} s)")
    return frames, bins


def check_spectrogram_fits_autoencoder(params: Params) -> None:
    """The spectrogram of one chunk has a frame, and the autoencoder can encode its shape."""
    audio, architecture = params.audio, params.autoencoder.architecture
    frames, bins = chunk_spectrogram_shape(params)
    check_pooled_bottleneck(params.autoencoder, frames)
    if architecture not in FAMILIES:  # DTU: 'same' convolutions and pooling that rounds up encode any shape
        return
    if not can_encode((frames, bins), FAMILIES[architecture]):
        need = smallest_axis(FAMILIES[architecture])
        fitting = [name for name, family in FAMILIES.items() if can_encode((frames, bins), family)] + ["DTU"]
        spec, rate = params.spectrogram, audio.sample_rate
        if spec.kind == "linear":
            window = window_samples(spec.window_s, rate)
            signal_needed, bins_way = (need + 1) * window, f"raise spectrogram.window_s to at least {2 * need / rate:g} s"
        else:
            window, hop = window_samples(spec.mel.window_s, rate), window_samples(spec.mel.hop_s, rate)
            signal_needed, bins_way = window + (need - 1) * hop, f"raise spectrogram.mel.bands to at least {need}"
        ways = [f"raise audio.min_signal to at least {signal_needed} samples"] if frames < need else []
        if bins < need:
            ways.append(bins_way)
        ways.append(f"set autoencoder.architecture to {' or '.join(fitting)}")
        raise ValueError(f"autoencoder.architecture {architecture} cannot encode spectrograms of shape "
                         f"{(frames, bins)} (audio.min_signal {audio.min_signal} at {audio.sample_rate} Hz, "
                         f"spectrogram.kind {params.spectrogram.kind}): it needs at least {need} frames "
                         f"and {need} bins; {', or '.join(ways)}")


def check_pooled_bottleneck(autoencoder: AutoencoderParams, frames: int) -> None:
    """A pooled bottleneck takes an SD over the last encoder map's frames: it needs at least two."""
    if autoencoder.bottleneck != "pooled":
        return
    if autoencoder.architecture in FAMILIES:
        family = FAMILIES[autoencoder.architecture]
        last = axis_sizes(frames, family)[-1] if can_encode((frames, frames), family) else 0
    else:
        last = dtu_axis_size(frames)
    if last < 2:
        raise ValueError(f"autoencoder.bottleneck pooled needs at least 2 frames in the last encoder map, but "
                         f"{autoencoder.architecture} leaves {last} of the spectrogram's {frames} frames: raise "
                         "audio.min_signal or set autoencoder.bottleneck to dense")


def check_loss_fits_scale(params: Params) -> None:
    """Binary cross-entropy needs spectrograms in [0, 1]; the standard scale is not."""
    if params.autoencoder.loss == "bce" and params.spectrogram.scale == "standard":
        raise ValueError("autoencoder.loss bce needs spectrograms in [0, 1], but spectrogram.scale standard "
                         "standardises them: set autoencoder.loss to mse or spectrogram.scale to db")


def check_draw_training_budgets(params: Params, section: str) -> None:
    """Every budget of a network ``section`` (finetune, end_to_end) is one the draws stage draws, and the section
    uses no more repeats than it draws."""
    network, draws = getattr(params, section), params.draws
    if network.repeats > draws.repeats:
        raise ValueError(f"{section}.repeats {network.repeats} exceeds draws.repeats {draws.repeats}: "
                         "lower it or raise draws.repeats")
    grids = {"fraction": [float(f) for f in fractions(draws.fraction_step)],
             "count": [float(2 ** k) for k in range(int(math.log2(draws.largest_count)) + 1)]}
    for axis, budgets in network.budgets.items():
        off = [budget for budget in budgets if not any(math.isclose(budget, value) for value in grids[axis])]
        if off:
            shown = ", ".join(f"{value:g}" for value in grids[axis][:12]) + (", ..." if len(grids[axis]) > 12 else "")
            raise ValueError(f"{section}.budgets.{axis} {', '.join(f'{b:g}' for b in off)} is not among the draws' "
                             f"{axis} budgets ({shown}; set by draws.fraction_step and draws.largest_count)")


def check_handcrafted_windows(params: Params) -> None:
    """The hand-crafted windows are whole samples that pyAudioAnalysis can compute features on, within a chunk."""
    hand, rate = params.handcrafted, params.audio.sample_rate
    try:
        short_window = window_samples(hand.short_window_s, rate)
        short_step = window_samples(hand.short_step_s, rate)
        check_short_term_window(rate, short_window)
        mid_term_ratios(round(hand.mid_window_s * rate), round(hand.mid_step_s * rate), short_window, short_step)
    except ValueError as error:
        raise ValueError(f"handcrafted (audio.sample_rate {rate} Hz): {error}") from None
    if params.audio.min_signal < short_window:
        raise ValueError(f"audio.min_signal {params.audio.min_signal} is shorter than the {short_window}-sample "
                         "handcrafted.short_window_s")


_ADAPTER = TypeAdapter(Params)


def load_params(path: str | Path = "params.yaml") -> Params:
    """Read and check ``path``; raise :class:`ParamsError` naming the offending key."""
    path = Path(path)
    with path.open() as f:
        raw = yaml.load(f, Loader=_Loader)
    if not isinstance(raw, dict):
        raise ParamsError(f"{path}: the file must be a mapping of sections, got {raw!r}")
    try:
        return _ADAPTER.validate_python(raw)
    except ValidationError as error:
        problems = sorted(error.errors(), key=lambda problem: problem["type"] != "unexpected_keyword_argument")
        more = f" ({len(problems) - 1} more problem(s) after this one)" if len(problems) > 1 else ""
        raise ParamsError(f"{path}: {describe(problems[0])}{more}") from None


_TYPE_NAMES = {"int_type": "int", "float_type": "float", "string_type": "str", "bool_type": "bool",
               "list_type": "a list", "dict_type": "a mapping", "dataclass_type": "a mapping"}
_BOUNDS = {"greater_than_equal": ("ge", "at least"), "greater_than": ("gt", "greater than"),
           "less_than_equal": ("le", "at most"), "less_than": ("lt", "less than")}


def _key(loc: tuple) -> str:
    key = ""
    for part in loc:
        key += f"[{part}]" if isinstance(part, int) else f".{part}" if key else str(part)
    return key


def _fields_at(loc: tuple) -> list[str]:
    """The field names of the section at ``loc`` (names of dataclass fields only)."""
    fields = Params.__dataclass_fields__
    for part in loc:
        fields = getattr(fields[part].type, "__dataclass_fields__", {}) if part in fields else {}
    return list(fields)


def describe(problem: dict) -> str:
    """One pydantic error as a sentence that names the param: "autoencoder.batch_size must be at least 1, got 0"."""
    kind, loc, value = problem["type"], problem["loc"], problem.get("input")
    key = _key(loc)
    if kind == "unexpected_keyword_argument":
        known = _fields_at(loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        prefix = _key(loc[:-1]) + "." if len(loc) > 1 else ""
        hint = f" (did you mean {prefix}{close[0]}?)" if close else ""
        return f"unknown param {key}{hint}; known: {', '.join(known)}"
    if kind in ("missing", "missing_argument"):
        return f"missing param {key}"
    if kind in _TYPE_NAMES:
        got = value if kind in ("list_type", "dict_type", "dataclass_type") else f"{type(value).__name__} {value!r}"
        return f"{key} must be {_TYPE_NAMES[kind]}, got {got}"
    if kind == "literal_error":
        return f"{key} must be one of [{problem['ctx']['expected'].replace(' or ', ', ')}], got {value!r}"
    if kind in _BOUNDS:
        bound, words = _BOUNDS[kind]
        return f"{key} must be {words} {problem['ctx'][bound]:g}, got {value!r}"
    if kind == "too_short":
        need = problem["ctx"]["min_length"]
        return f"{key} must hold at least {need} {'entry' if need == 1 else 'entries'}, got {value!r}"
    if kind == "finite_number":
        return f"{key} must be a finite number, got {value!r}"
    message = problem["msg"].removeprefix("Value error, ")
    return f"{key}: {message}" if key else message
