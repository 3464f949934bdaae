"""The five classifiers of the original study, built from params."""
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
