"""Typed, validated view of ``params.yaml``: the sections, each owned by the package it configures, composed.

Each section's model and its own checks live beside the code they configure (``corpus.params``,
``split``, ``features.params``, ``autoencoder.params``, ``compare.params``, ``methods.params``,
``compute``); this module composes them, runs the checks of params that can only fail together (the
spectrogram shape vs the autoencoder, the hand-crafted windows vs the sample rate, the networks'
budgets vs the draws) before any stage runs, and turns every problem into one :class:`ParamsError`
whose message names the key, the value and the range or choices. Floats in any YAML notation
(``1e-05`` as written by ``dvc exp run -S``) are read as floats. Reading params imports neither
scikit-learn nor TensorFlow.
"""
import re
from pathlib import Path

import yaml
from pydantic import TypeAdapter, ValidationError, model_validator
from pydantic.dataclasses import dataclass

from fewlabels.autoencoder.params import (AutoencoderParams, architectures_for, check_pooled_bottleneck,
                                          encoded_shape, smallest_input)
from fewlabels.compare.draws import ALL, AUTO, budget_grid, missing_budgets
from fewlabels.compare.params import CompareParams, DrawsParams
from fewlabels.compute import ComputeParams
from fewlabels.corpus.params import CorpusParams
from fewlabels.errors import FewlabelsError
from fewlabels.features.params import (AudioParams, EmbeddingsParams, HandcraftedParams, SpectrogramParams,
                                       check_handcrafted_windows, chunk_spectrogram_shape, ways_to_grow)
from fewlabels.methods.params import ClassifyParams, DrawTrainingParams, EndToEndParams, FinetuneParams
from fewlabels.schema import SECTION, did_you_mean
from fewlabels.split import SplitParams


NETWORK_SECTIONS = ("finetune", "end_to_end")  # the sections that train a network on each draw of a budget grid


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


@dataclass(config=SECTION)
class Params:
    """Every section of params.yaml (each section's model says what it configures)."""

    corpus: CorpusParams
    split: SplitParams
    audio: AudioParams
    spectrogram: SpectrogramParams
    handcrafted: HandcraftedParams
    embeddings: EmbeddingsParams
    autoencoder: AutoencoderParams
    draws: DrawsParams
    classify: ClassifyParams
    finetune: FinetuneParams
    end_to_end: EndToEndParams
    compare: CompareParams
    compute: ComputeParams

    @model_validator(mode="after")
    def _consistent(self):
        check_spectrogram_fits_autoencoder(self.audio, self.spectrogram, self.autoencoder)
        check_loss_fits_scale(self.autoencoder.loss, self.spectrogram.scale)
        check_handcrafted_windows(self.audio, self.handcrafted)
        for section in NETWORK_SECTIONS:
            check_network_budgets(section, getattr(self, section), self.draws)
        return self

    @property
    def network_budgets(self) -> dict[str, dict]:
        """The ``budgets`` of every section that trains networks on the draws, by section name."""
        return {section: getattr(self, section).budgets for section in NETWORK_SECTIONS}


def check_spectrogram_fits_autoencoder(audio: AudioParams, spectrogram: SpectrogramParams,
                                       autoencoder: AutoencoderParams) -> None:
    """The spectrogram of one chunk has a frame, and the autoencoder can encode its shape (contrastive: a crop's)."""
    chunk = chunk_spectrogram_shape(audio, spectrogram)
    shape = encoded_shape(autoencoder, chunk)
    check_pooled_bottleneck(autoencoder, shape[0])
    need = smallest_input(autoencoder.architecture)
    if need is None or min(shape) >= need:
        return
    contrastive = autoencoder.objective == "contrastive"
    crops = ([f"raise autoencoder.contrastive.segment_frames to at least {need}"]
             if contrastive and shape[0] < need else [])
    ways = [*crops, *ways_to_grow(audio, spectrogram, chunk, need + contrastive),
            f"set autoencoder.architecture to {' or '.join(architectures_for(shape))}"]
    raise ValueError(f"autoencoder.architecture {autoencoder.architecture} cannot encode spectrograms of shape "
                     f"{shape}{' (crops of autoencoder.contrastive.segment_frames)' if contrastive else ''} "
                     f"(audio.min_signal {audio.min_signal} at {audio.sample_rate} Hz, spectrogram.kind "
                     f"{spectrogram.kind}): it needs at least {need} frames and {need} bins; {', or '.join(ways)}")


def check_loss_fits_scale(loss: str, scale: str) -> None:
    """Binary cross-entropy needs spectrograms in [0, 1]; the standard scale is not."""
    if loss == "bce" and scale == "standard":
        raise ValueError("autoencoder.loss bce needs spectrograms in [0, 1], but spectrogram.scale standard "
                         "standardises them: set autoencoder.loss to mse or spectrogram.scale to db")


def check_network_budgets(section: str, network: DrawTrainingParams, draws: DrawsParams) -> None:
    """Every budget of a network ``section`` (finetune, end_to_end) is one the draws stage draws, and the section
    uses no more repeats than it draws."""
    if network.repeats > draws.repeats:
        raise ValueError(f"{section}.repeats {network.repeats} exceeds draws.repeats {draws.repeats}: "
                         "lower it or raise draws.repeats")
    for axis, budgets in network.budgets.items():
        grid = budget_grid(axis, draws.fraction_step, draws.largest_count)
        off = [] if budgets == AUTO else missing_budgets([b for b in budgets if b != ALL], grid)
        if off:
            shown = ", ".join(f"{value:g}" for value in grid[:12]) + (", ..." if len(grid) > 12 else "")
            every = f", {ALL}" if axis == "count" else ""
            raise ValueError(f"{section}.budgets.{axis} {', '.join(f'{b:g}' for b in off)} is not among the draws' "
                             f"{axis} budgets ({shown}{every}; set by draws.fraction_step and draws.largest_count"
                             + (f"; {ALL}: every labelled utterance" if every else "") + ")")


_ADAPTER = TypeAdapter(Params)


def read_params_file(path: str | Path) -> dict:
    """``path``'s YAML as plain values, floats in any notation as floats; unchecked."""
    with Path(path).open() as f:
        return yaml.load(f, Loader=_Loader)


def load_params(path: str | Path = "params.yaml") -> Params:
    """Read and check ``path``; raise :class:`ParamsError` naming the offending key."""
    path = Path(path)
    raw = read_params_file(path)
    if not isinstance(raw, dict):
        raise ParamsError(f"{path}: the file must be a mapping of sections, got {raw!r}")
    try:
        return _ADAPTER.validate_python(raw)
    except ValidationError as error:
        problems = sorted(error.errors(), key=lambda problem: (  # unknown keys first, then a misspelt word
            problem["type"] != "unexpected_keyword_argument",
            not (problem["type"] == "literal_error" and isinstance(problem.get("input"), str))))
        more = f" ({len(problems) - 1} more problem(s) after this one)" if len(problems) > 1 else ""
        raise ParamsError(f"{path}: {problem_sentence(problems[0])}{more}") from None


_TYPE_NAMES = {"int_type": "int", "float_type": "float", "string_type": "str", "bool_type": "bool",
               "list_type": "a list", "dict_type": "a mapping", "dataclass_type": "a mapping"}
_BOUNDS = {"greater_than_equal": ("ge", "at least"), "greater_than": ("gt", "greater than"),
           "less_than_equal": ("le", "at most"), "less_than": ("lt", "less than")}


def _key(loc: tuple) -> str:
    """``loc`` as a param key, without the tags pydantic puts in it for the branches of a union."""
    key = ""
    for part in loc:
        if isinstance(part, str) and ("[" in part or part.startswith(("constrained-", "function-"))):
            continue
        key += f"[{part}]" if isinstance(part, int) else f".{part}" if key else str(part)
    return key


def _fields_at(loc: tuple) -> list[str]:
    """The field names of the section at ``loc`` (names of dataclass fields only)."""
    fields = Params.__dataclass_fields__
    for part in loc:
        fields = getattr(section_type(fields[part].type), "__dataclass_fields__", {}) if part in fields else {}
    return list(fields)


def section_type(annotation):
    """The model class of a field's annotation (``Annotated[Model, ...]`` -> ``Model``)."""
    return annotation.__origin__ if hasattr(annotation, "__metadata__") else annotation


def problem_sentence(problem: dict) -> str:
    """One pydantic error as a sentence that names the param: "autoencoder.batch_size must be at least 1, got 0"."""
    kind, loc, value = problem["type"], problem["loc"], problem.get("input")
    key = _key(loc)
    if kind == "unexpected_keyword_argument":
        known = _fields_at(loc[:-1])
        prefix = _key(loc[:-1]) + "." if len(loc) > 1 else ""
        return f"unknown param {key}{did_you_mean(str(loc[-1]), known, prefix)}; known: {', '.join(known)}"
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
