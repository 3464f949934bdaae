"""The sections of the methods that train on the draws: ``classify`` (scikit-learn classifiers on each feature
family), ``finetune`` (the pretrained encoder with a head, and the same net from scratch) and ``end_to_end``
(a CNN-LSTM). Checked without importing scikit-learn or TensorFlow; scikit-learn checks each classifier's
keyword arguments itself (:func:`fewlabels.methods.classifiers.check_classifiers`)."""
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator
from pydantic.dataclasses import dataclass

from fewlabels.schema import SECTION, Bool, Count, Float, Int, Positive, Seed, Str, did_you_mean, doc

ESTIMATORS = ("SVM", "kNN", "DecisionTree", "RandomForest", "AdaBoost")  # the five classifiers of the original study


def estimator_name(name: str) -> str:
    """The classifier a params entry names: ``SVM`` for ``SVM`` and for a variant such as ``SVM_tuned``."""
    return name.split("_", 1)[0]


def split_search(kwargs: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list] | None]:
    """``kwargs`` without ``search``, and the search grid (parameter -> values), None when there is none."""
    fixed = {key: value for key, value in kwargs.items() if key != "search"}
    return fixed, kwargs.get("search")


def check_entry(name: str, kwargs: dict[str, Any]) -> None:
    """A ValueError naming ``name`` unless it is a known classifier (or a variant ``<classifier>_<label>``) whose
    ``search`` grid, if any, maps parameters that are not also set to non-empty lists of values."""
    base = estimator_name(name)
    if base not in ESTIMATORS:
        raise ValueError(f"unknown classifier {name!r}{did_you_mean(base, ESTIMATORS)}; known: {', '.join(ESTIMATORS)}, "
                         "or a variant such as SVM_tuned")
    fixed, grid = split_search(kwargs)
    if grid is not None and (not isinstance(grid, dict) or not grid
                             or not all(isinstance(values, list) and values for values in grid.values())):
        raise ValueError(f"{name}: search must map parameter names to non-empty lists of values, "
                         f"e.g. {{C: [1, 10, 100]}}, got {grid!r}")
    both = sorted(set(grid or {}) & set(fixed))
    if both:
        raise ValueError(f"{name}: {', '.join(both)} is both set and searched; remove one")


@dataclass(config=SECTION)
class ClassifyParams:
    """scikit-learn classifiers trained on each draw of each feature family."""

    classifiers: Annotated[dict[Str, dict[Str, Any]], Field(min_length=1),
                           doc("name -> scikit-learn keyword arguments ({} keeps its defaults); a variant "
                               "<classifier>_<label> may add search: a grid tuned on speaker folds inside each draw")]
    unit: Annotated[Literal["utterance", "chunk"], doc("what a test prediction is made for: an utterance (its chunks' "
                                                       "probabilities averaged) or each chunk; finetune, end_to_end "
                                                       "and compare follow it")]
    search_folds: Annotated[Int, Field(ge=2), doc("speaker folds inside a draw for a classifier's search grid")]
    seed: Annotated[Seed, doc("seed of the classifiers' randomness and of ties")]

    @field_validator("classifiers")
    @classmethod
    def _known_classifiers(cls, classifiers):
        for name, kwargs in classifiers.items():
            check_entry(name, kwargs)
        return classifiers


AxisBudgets = Annotated[list[Positive | Literal["all"]], Field(min_length=2)] | Literal["auto"]
Budgets = Annotated[dict[Literal["fraction", "count"], AxisBudgets], Field(min_length=1)]


@dataclass(config=SECTION)
class DrawTrainingParams:
    """A network trained on each draw of a budget grid (the sections ``finetune`` and ``end_to_end``)."""

    budgets: Annotated[Budgets, doc("axis (fraction, count) -> at least 2 budgets (for an AULC) of the draws' grid; "
                                    "on the count axis 'all' is every labelled utterance and 'auto' (the default) "
                                    "follows the corpus: 1, 4, 16, ... up to its largest budget, then all")]
    repeats: Annotated[Count, doc("the first repeats of each budget's draws, at most draws.repeats")]
    learning_rate: Annotated[Float, Field(gt=0, le=10), doc("Adam's learning rate")]
    batch_size: Annotated[Count, doc("chunks per batch")]
    max_epochs: Annotated[Count, doc("epochs at most, with early stopping")]
    patience: Annotated[Int, Field(ge=0), doc("early stopping: epochs without a lower validation loss, best "
                                              "weights restored")]
    validation_split: Annotated[Float, Field(gt=0, lt=1), doc("share of a draw's utterances, whole speakers, held "
                                                              "out for early stopping")]
    early_stopping_from: Annotated[Int, Field(ge=2), doc("utterances a draw needs for a validation slice; smaller "
                                                         "draws train fixed_epochs")]
    fixed_epochs: Annotated[Count, doc("epochs for a draw too small for a validation slice")]
    seed: Annotated[Seed, doc("seed of the weights, the validation speakers and the batch order")]

    @field_validator("budgets")
    @classmethod
    def _words_on_the_count_axis(cls, budgets):
        fraction = budgets.get("fraction")
        if fraction == "auto" or (isinstance(fraction, list) and "all" in fraction):
            raise ValueError("'auto' and 'all' are count budgets; list the fractions, e.g. fraction: [0.1, 0.5, 1]")
        return budgets


@dataclass(config=SECTION)
class FinetuneParams(DrawTrainingParams):
    """The DTU method: the pretrained encoder plus a softmax head trained on each draw, and the same net from scratch."""

    freeze_encoder: Annotated[Bool, doc("true: train the head only (a linear probe on the pretrained code)")]
    hidden_units: Annotated[Count, doc("the head's ReLU Dense layer before the softmax (the DTU study: 128)")]


@dataclass(config=SECTION)
class EndToEndParams(DrawTrainingParams):
    """The Glasgow method: a CNN-LSTM trained from random weights on each draw's spectrogram chunks (the seed study:
    Adam at 5e-4, batches of 32, 25 epochs)."""

    filters: Annotated[list[Count], Field(min_length=1), doc("one Conv2D 3x3 ReLU + average pooling block per "
                                                             "entry (the seed study: 32, 64)")]
    pool: Annotated[Count, doc("average pooling size over frames and bins after each convolution "
                               "(the seed study: 3)")]
    lstm_units: Annotated[Count, doc("the LSTM over the frame axis")]
    hidden_units: Annotated[Count, doc("the ReLU Dense layer before the softmax")]
    dropout: Annotated[Float, Field(ge=0, lt=1), doc("dropout rate before the softmax")]
    l1: Annotated[Float, Field(ge=0), doc("L1 penalty on every convolution and Dense kernel (the seed study: 0.001; "
                                          "0: none)")]
