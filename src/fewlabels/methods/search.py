"""Hyper-parameter search inside one draw, without leakage: a grid search whose folds are groups of the draw's
speakers (stratified by class), scored by weighted F1 over the held-out chunks. The test split is never seen.
Where a draw is too small for grouped folds, the classifier keeps its defaults (the stated fallback)."""
import warnings

import numpy as np
from sklearn.base import ClassifierMixin, clone
from sklearn.metrics import f1_score, make_scorer
from sklearn.model_selection import GridSearchCV, StratifiedGroupKFold
from sklearn.pipeline import Pipeline

FALLBACK = "search=defaults"  # recorded where a draw is too small for grouped folds


def speaker_folds(y: np.ndarray, speakers: np.ndarray, folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]] | None:
    """``folds`` (train, validation) index pairs over a draw's chunks (n,), whole speakers per fold, stratified by
    class as far as speakers allow; None where the draw has fewer speakers than folds or a fold's training part
    misses a class."""
    if len(np.unique(speakers)) < folds:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "the least populated class has fewer members": checked below
        try:
            splits = list(StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed).split(y, y, speakers))
        except ValueError:  # every class has fewer chunks than folds
            return None
    classes = np.unique(y)
    if any(len(np.unique(y[train])) < len(classes) or len(validation) == 0 for train, validation in splits):
        return None
    return splits


def tuned(model: ClassifierMixin, grid: dict[str, list], X: np.ndarray, y: np.ndarray, speakers: np.ndarray,
          folds: int, seed: int) -> tuple[ClassifierMixin, str]:
    """``model`` (a classifier or a pipeline ending in one) fitted on ``X`` (n, d), ``y`` (n,) with the grid point
    of best mean weighted F1 over speaker folds, refitted on the whole draw; and what was chosen, as
    ``"C=10 gamma=scale"``, or :data:`FALLBACK` (fitted with its own params) where no search was possible."""
    splits = speaker_folds(y, speakers, folds, seed)
    if splits is not None:
        prefix = f"{model.steps[-1][0]}__" if isinstance(model, Pipeline) else ""
        search = GridSearchCV(model, {prefix + key: values for key, values in grid.items()},
                              scoring=make_scorer(f1_score, average="weighted", zero_division=0), cv=splits,
                              error_score=np.nan, n_jobs=1)
        try:
            search.fit(X, y)
        except ValueError as error:  # every grid point failed on some fold, e.g. more neighbours than rows
            if "fits failed" not in str(error):
                raise
        else:
            if np.isfinite(search.best_score_):
                return search.best_estimator_, " ".join(f"{key}={search.best_params_[prefix + key]}" for key in grid)
    return clone(model).fit(X, y), FALLBACK
