"""The five classifiers of the original study, built from params.

A params entry names one of them (``SVM``) or a variant of it (``SVM_tuned``: the part before the first ``_``
names the estimator), with scikit-learn keyword arguments and optionally ``search``: a grid of values per
parameter, tuned inside each draw (:mod:`fewlabels.methods.search`).
"""
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

from fewlabels.errors import FewlabelsError
from fewlabels.methods.params import ESTIMATORS, estimator_name, split_search

# name (of ESTIMATORS) -> (estimator, features standardised on the training subset first)
CLASSIFIERS = dict(zip(ESTIMATORS, [(SVC, True), (KNeighborsClassifier, True), (DecisionTreeClassifier, False),
                                    (RandomForestClassifier, False), (AdaBoostClassifier, False)]))


class ClassifierError(FewlabelsError):
    """scikit-learn refuses a classifier's keyword arguments in params.yaml."""


def check_classifiers(classifiers: dict[str, dict[str, Any]]) -> None:
    """A :class:`ClassifierError` naming ``classify.classifiers.<name>`` unless scikit-learn accepts every entry's
    keyword arguments and every value of its search grid (names, types and ranges; checked without fitting).
    The entries' names and grids are checked with the params (:func:`fewlabels.methods.params.check_entry`)."""
    for name, kwargs in classifiers.items():
        estimator, _ = CLASSIFIERS[estimator_name(name)]
        fixed, grid = split_search(kwargs)
        candidates = [fixed] + [{**fixed, key: value} for key, values in (grid or {}).items() for value in values]
        try:
            for candidate in candidates:
                estimator(**candidate)._validate_params()
        except (TypeError, ValueError) as error:
            raise ClassifierError(f"params.yaml: classify.classifiers: {name}: {error}") from None


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
    ``random_state``, where it has one, comes from ``seed`` (the draw's: :mod:`fewlabels.methods.classical`)
    and the entry's name, not its position in params."""
    estimator, standardise = CLASSIFIERS[estimator_name(name)]
    model = estimator(**split_search(kwargs)[0])
    if "random_state" in model.get_params() and "random_state" not in kwargs:
        model.set_params(random_state=int(np.random.SeedSequence([seed, zlib.crc32(name.encode())]).generate_state(1)[0]))
    return make_pipeline(StandardScaler(), model) if standardise else model
