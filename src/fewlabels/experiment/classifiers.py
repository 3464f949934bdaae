"""The five classifiers of the original study, built from params."""
import difflib
from typing import Any

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
    """A ValueError naming ``experiment.classifiers.<name>`` unless it is a known classifier whose keyword
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
    """A fresh, unfitted classifier; ``random_state`` is set from ``seed`` where it has one."""
    if name not in CLASSIFIERS:
        raise ValueError(f"unknown classifier {name!r} in experiment.classifiers; known: {', '.join(CLASSIFIERS)}")
    estimator, standardise = CLASSIFIERS[name]
    try:
        model = estimator(**kwargs)
    except TypeError as error:
        raise ValueError(f"experiment.classifiers.{name}: {error}") from None
    if "random_state" in model.get_params() and "random_state" not in kwargs:
        model.set_params(random_state=seed)
    return make_pipeline(StandardScaler(), model) if standardise else model
