"""The five classifiers of the original study, built from params.

A params entry names one of them (``SVM``) or a variant of it (``SVM_tuned``: the part before the first ``_``
names the estimator), with scikit-learn keyword arguments and optionally ``search``: a grid of values per
parameter, tuned inside each draw (:mod:`fewlabels.methods.search`).
"""
import difflib
import zlib
from typing import Any

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.ensemble import AdaBoostClassifier, RandomForestClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

# name -> (estimator, features standardised on the training subset first)
CLASSIFIERS = {
    "SVM": (SVC, True),
    "kNN": (KNeighborsClassifier, True),
    "DecisionTree": (DecisionTreeClassifier, False),
    "RandomForest": (RandomForestClassifier, False),
    "AdaBoost": (AdaBoostClassifier, False),
}


def estimator_name(name: str) -> str:
    """The classifier a params entry names: ``SVM`` for ``SVM`` and for a variant such as ``SVM_tuned``."""
    return name.split("_", 1)[0]


def split_search(kwargs: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list] | None]:
    """``kwargs`` without ``search``, and the search grid (parameter -> values), None when there is none."""
    fixed = {key: value for key, value in kwargs.items() if key != "search"}
    return fixed, kwargs.get("search")


def check_classifier(name: str, kwargs: dict[str, Any]) -> None:
    """A ValueError naming ``classify.classifiers.<name>`` unless it is a known classifier (or a variant
    ``<classifier>_<label>``) whose keyword arguments, and every value of its search grid, scikit-learn accepts
    (names, types and ranges; checked without fitting)."""
    base = estimator_name(name)
    if base not in CLASSIFIERS:
        close = difflib.get_close_matches(base, CLASSIFIERS, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ValueError(f"unknown classifier {name!r}{hint}; known: {', '.join(CLASSIFIERS)}, or a variant "
                         "such as SVM_tuned")
    estimator, _ = CLASSIFIERS[base]
    fixed, grid = split_search(kwargs)
    if grid is not None and (not isinstance(grid, dict) or not grid
                             or not all(isinstance(values, list) and values for values in grid.values())):
        raise ValueError(f"{name}: search must map parameter names to non-empty lists of values, "
                         f"e.g. {{C: [1, 10, 100]}}, got {grid!r}")
    both = sorted(set(grid or {}) & set(fixed))
    if both:
        raise ValueError(f"{name}: {', '.join(both)} is both set and searched; remove one")
    candidates = [fixed] + [{**fixed, key: value} for key, values in (grid or {}).items() for value in values]
    try:
        for candidate in candidates:
            estimator(**candidate)._validate_params()
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name}: {error}") from None


def adapt_to_draw(name: str, kwargs: dict[str, Any], training_rows: int) -> tuple[dict[str, Any], dict[str, int]]:
    """``kwargs`` adapted to a draw of ``training_rows`` rows, and what was changed (param -> value used).

    kNN cannot ask for more neighbours than there are training rows: ``n_neighbors`` becomes
    ``min(n_neighbors, training_rows)`` (scikit-learn's default 5 when not given).
    """
    if estimator_name(name) == "kNN":
        asked = kwargs.get("n_neighbors", KNeighborsClassifier().n_neighbors)
        if asked > training_rows:
            return {**kwargs, "n_neighbors": training_rows}, {"n_neighbors": training_rows}
    return kwargs, {}


def make_classifier(name: str, kwargs: dict[str, Any], seed: int) -> ClassifierMixin:
    """A fresh, unfitted classifier (``kwargs`` checked by params, ``search`` left to the caller);
    ``random_state``, where it has one, comes from ``seed`` and the entry's name, not its position in params."""
    estimator, standardise = CLASSIFIERS[estimator_name(name)]
    model = estimator(**split_search(kwargs)[0])
    if "random_state" in model.get_params() and "random_state" not in kwargs:
        model.set_params(random_state=int(np.random.SeedSequence([seed, zlib.crc32(name.encode())]).generate_state(1)[0]))
    return make_pipeline(StandardScaler(), model) if standardise else model
