"""Typed, strict view of ``params.yaml``: one frozen dataclass per section.

Every key must be present and of its declared type; an unknown key is an error that
names it (with a close match when there is one). Floats in any YAML notation
(``1e-05`` as written by ``dvc exp run -S``) are read as floats.
"""
import dataclasses
import difflib
import re
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml


class ParamsError(ValueError):
    """A params.yaml value is missing, unknown or of the wrong type."""


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


@dataclass(frozen=True)
class ProsodyShift:
    """Shift of one valence step away from neutral, in eSpeak NG units."""

    pitch: float  # base pitch, 0-99
    pitch_range: float  # pitch range, 0-99
    rate: float  # words per minute
    volume: float  # amplitude, 0-200


@dataclass(frozen=True)
class SyntheticParams:
    """The embedded corpus, written by the synthesise stage."""

    seed: int
    speakers: int
    utterances_per_speaker: int
    short_fraction: float  # share of utterances aimed below 3.75 s
    snr_db_min: float
    snr_db_max: float
    sample_rate: int  # Hz
    valence_shift: ProsodyShift
    jitter: float  # per-utterance prosody noise, standard deviation in units of valence_shift


@dataclass(frozen=True)
class CorpusParams:
    source: Literal["synthetic", "msp_podcast", "msp_improv", "tess", "ravdess", "crema_d", "esc50", "folder"]
    path: str  # the corpus in its published layout
    unlabelled_path: str  # extra unlabelled clips (WAV, FLAC, OGG) that only the unlabelled split uses
    on_bad_input: Literal["error", "skip"]
    on_odd_format: Literal["error", "skip", "convert"]  # a file whose rate or channels differ from most files
    label_from: Literal["valence", "emotion"]  # msp_podcast, msp_improv: dimensional valence or consensus emotion
    valence_edges: dict[str, list[float]]  # per corpus: [lowest, negative|neutral, neutral|positive, highest]
    emotions: dict[str, str | None]  # categorical emotion -> class; None: excluded and counted
    folder_speaker: str  # folder: regex on the file name whose group "speaker" is the speaker id
    synthetic: SyntheticParams


@dataclass(frozen=True)
class SplitParams:
    seed: int
    labelled_per_class: int
    test_per_class: int
    unlabelled_per_class: int | None  # None: every utterance of the remaining speakers
    partitions: dict[str, list[str]] | None  # split -> official partitions it draws from; None: any


@dataclass(frozen=True)
class AudioParams:
    sample_rate: int  # Hz; every utterance is resampled to it
    min_signal: int  # chunk length in samples; shorter utterances are dropped or padded
    short_signals: Literal["drop", "pad"]


@dataclass(frozen=True)
class SpectrogramParams:
    window_s: float  # window = step, seconds
    scale: Literal["db", "linear"]  # how magnitudes are mapped into [0, 1]
    db_floor: float  # dB mapped to 0 by the db scale (0 dB maps to 1)
    backend: Literal["fast", "pyaudioanalysis"]  # the same numbers; fast is vectorised NumPy


@dataclass(frozen=True)
class HandcraftedParams:
    mid_window_s: float
    mid_step_s: float
    short_window_s: float
    short_step_s: float
    backend: Literal["fast", "pyaudioanalysis"]  # the same numbers; fast is vectorised NumPy


@dataclass(frozen=True)
class AutoencoderParams:
    architecture: Literal["AE1", "AE2", "AE3", "AE4"]
    latent_dim: int
    bottleneck_activation: Literal["linear", "relu", "softmax"]
    dropout: float
    learning_rate: float
    batch_size: int
    max_epochs: int
    validation_split: float  # share of spectrograms, whole speakers, held out for val_loss
    min_delta: float  # early stopping: smallest val_loss improvement that counts
    patience: int  # early stopping: epochs without improvement before stopping
    seed: int


@dataclass(frozen=True)
class ExperimentParams:
    classifiers: dict[str, dict[str, typing.Any]]  # name -> scikit-learn keyword arguments
    fraction_step: float  # labelled fractions step, 2 * step, ..., 1
    repeats: int  # random draws per fraction
    unit: Literal["utterance", "chunk"]  # what a test prediction is scored on
    seed: int


@dataclass(frozen=True)
class Params:
    corpus: CorpusParams
    split: SplitParams
    audio: AudioParams
    spectrogram: SpectrogramParams
    handcrafted: HandcraftedParams
    autoencoder: AutoencoderParams
    experiment: ExperimentParams


def load_params(path: str | Path = "params.yaml") -> Params:
    """Read and check ``path``; raise :class:`ParamsError` naming the offending key."""
    path = Path(path)
    with path.open() as f:
        raw = yaml.load(f, Loader=_Loader)
    return _build(Params, raw, prefix="", source=path)


def _build(cls, raw, prefix: str, source: Path):
    if not isinstance(raw, dict):
        raise ParamsError(f"{source}: {prefix.rstrip('.') or 'the file'} must be a mapping, got {raw!r}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for key in raw:
        if key not in fields:
            close = difflib.get_close_matches(str(key), fields, n=1)
            hint = f" (did you mean {prefix}{close[0]}?)" if close else ""
            raise ParamsError(f"{source}: unknown param {prefix}{key}{hint}; known: {', '.join(fields)}")
    missing = [name for name in fields if name not in raw]
    if missing:
        raise ParamsError(f"{source}: missing param {', '.join(prefix + m for m in missing)}")
    hints = typing.get_type_hints(cls)
    return cls(**{name: _convert(hints[name], raw[name], prefix + name, source) for name in fields})


def _convert(hint, value, key: str, source: Path):
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, key + ".", source)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _convert(inner, value, key, source)
    if origin is list:
        if not isinstance(value, list):
            raise ParamsError(f"{source}: {key} must be a list, got {value!r}")
        (item_type,) = args
        return [_convert(item_type, item, f"{key}[{i}]", source) for i, item in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ParamsError(f"{source}: {key} must be a mapping, got {value!r}")
        key_type, value_type = args
        return {_convert(key_type, k, f"{key} key", source): _convert(value_type, v, f"{key}.{k}", source)
                for k, v in value.items()}
    if hint is typing.Any:
        return value
    if origin is Literal:
        if value not in args:
            raise ParamsError(f"{source}: {key} must be one of {list(args)}, got {value!r}")
        return value
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if type(value) is not hint:
        raise ParamsError(f"{source}: {key} must be {hint.__name__}, got {type(value).__name__} {value!r}")
    return value
