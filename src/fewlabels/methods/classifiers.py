"""The five classifiers of the original study, built from params."""
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


def check_classifier(name: str, kwargs: dict[str, Any]) -> None:
    """A ValueError naming ``classify.classifiers.<name>`` unless it is a known classifier whose keyword
    arguments scikit-learn accepts (names, types and ranges; checked without fitting)."""
    if name not in CLASSIFIERS:
        close = difflib.get_close_matches(name, CLASSIFIERS, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ValueError(f"unknown classifier {name!r}{hint}; known: {', '.join(CLASSIFIERS)}")
    estimator, _ = CLASSIFIERS[name]
    try:
        estimator(**kwargs)._validate_params()
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name}: {error}") from None


def adapt_to_draw(name: str, kwargs: dict[str, Any], training_rows: int) -> tuple[dict[str, Any], dict[str, int]]:
    """``kwargs`` adapted to a draw of ``training_rows`` rows, and what was changed (param -> value used).

    kNN cannot ask for more neighbours than there are training rows: ``n_neighbors`` becomes
    ``min(n_neighbors, training_rows)`` (scikit-learn's default 5 when not given).
    """
    if name == "kNN":
        asked = kwargs.get("n_neighbors", KNeighborsClassifier().n_neighbors)
        if asked > training_rows:
            return {**kwargs, "n_neighbors": training_rows}, {"n_neighbors": training_rows}
    return kwargs, {}


def make_classifier(name: str, kwargs: dict[str, Any], seed: int) -> ClassifierMixin:
    """A fresh, unfitted classifier (``kwargs`` checked by params); ``random_state``, where it has one, comes
    from ``seed`` and the classifier's name, not its position in params."""
    estimator, standardise = CLASSIFIERS[name]
    model = estimator(**kwargs)
    if "random_state" in model.get_params() and "random_state" not in kwargs:
        model.set_params(random_state=int(np.random.SeedSequence([seed, zlib.crc32(name.encode())]).generate_state(1)[0]))
    return make_pipeline(StandardScaler(), model) if standardise else model
