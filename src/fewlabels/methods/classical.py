"""The classical method family: each scikit-learn classifier on each feature family, trained on every draw,
predicting every test unit. Methods are named ``<family>/<classifier>`` (``handcrafted/SVM``, ``code/SVM``,
``egemaps/SVM``).

Every random choice of a draw — a classifier's ``random_state``, its search's speaker folds, the ties of its
predictions — comes from the seed, the classifier's name, the axis, the budget's value and the repeat
(:func:`fewlabels.methods.scoring.draw_rng`): a classifier's randomness differs between the draws of a budget,
so it is part of the draw-to-draw variation the compare intervals measure, and is the same for both feature
families on one draw, so their comparison is paired in it too.
"""
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from tqdm import tqdm

from fewlabels.methods.classifiers import adapt_to_draw, make_classifier
from fewlabels.methods.params import split_search
from fewlabels.methods.scoring import chunk_probabilities, draw_rng, prediction_rows, unit_table
from fewlabels.methods.search import tuned


@dataclass(frozen=True)
class Features:
    """One split's chunks: a matrix (n, d) per feature family; labels, utterance ids, chunk indices, speakers (n,)."""

    X: dict[str, np.ndarray]
    y: np.ndarray
    utterance: np.ndarray
    chunk: np.ndarray
    speaker: np.ndarray


def aligned_features(pickles: dict[str, dict]) -> Features:
    """Pair the feature pickles of a split (family -> pickle); a clear error unless they describe the same chunks."""
    first, *others = pickles.values()
    for other in others:
        for key in ("utterance", "classes", "y", "chunk"):
            if not np.array_equal(np.asarray(first[key]), np.asarray(other[key])):
                raise ValueError(f"the feature pickles differ in {key!r}: they must describe the same chunks in "
                                 "the same order")
    return Features({family: data["X"] for family, data in pickles.items()}, np.asarray(first["y"]),
                    np.asarray(first["utterance"]), np.asarray(first["chunk"]), np.asarray(first["speaker"]))


def _fit(name: str, kwargs: dict[str, Any], X: np.ndarray, y: np.ndarray, speakers: np.ndarray, folds: int,
         seed: int) -> tuple[Any, str]:
    """The classifier fitted on one draw's chunks, its ``search`` grid (if any) tuned on speaker folds of the draw;
    and the chosen grid point ("" without a search). ``seed``: the draw's, for the classifier and the folds."""
    model = make_classifier(name, kwargs, seed)
    grid = split_search(kwargs)[1]
    if grid is None:
        return model.fit(X, y), ""
    return tuned(model, grid, X, y, speakers, folds, seed)


def _job(name: str, kwargs: dict[str, Any], axis: str, budget: float, repeat: int, drawn: np.ndarray,
         train: Features, test: Features, units: pd.DataFrame, unit: str, classes: list[str], seed: int,
         folds: int) -> pd.DataFrame:
    rows = np.isin(train.utterance, drawn)
    kwargs, adapted = adapt_to_draw(name, kwargs, int(rows.sum()))
    ties = draw_rng(seed, name, axis, budget, repeat)
    fit_seed = int(ties.integers(2 ** 31))
    frames = []
    for family in train.X:
        model, chosen = _fit(name, kwargs, train.X[family][rows], train.y[rows], train.speaker[rows], folds, fit_seed)
        changes = " ".join([*(f"{key}={value}" for key, value in sorted(adapted.items())), *([chosen] if chosen else [])])
        frames.append(prediction_rows(units, chunk_probabilities(model, test.X[family], len(classes)), test.utterance,
                                      test.chunk, unit, classes, ties, method=f"{family}/{name}", axis=axis,
                                      budget=budget, repeat=repeat, adapted=changes))
    return pd.concat(frames, ignore_index=True)


def classify(train: Features, test: Features, draws: pd.DataFrame, classifiers: dict[str, dict[str, Any]],
             unit: str, classes: list[str], seed: int, folds: int, n_jobs: int = -1) -> pd.DataFrame:
    """The prediction table of every classifier x feature family x draw (``draws``: axis, budget, repeat,
    utterance), one row per test unit: method, axis, budget, repeat, utterance, speaker, y_true, y_pred,
    ``p_<class>``, adapted (params changed for a small draw, the grid point a search chose: ``folds`` speaker
    folds inside the draw). The same whatever ``n_jobs``."""
    units = unit_table(test.utterance, test.chunk, test.speaker, test.y, unit)
    subsets = [(key, group["utterance"].to_numpy()) for key, group in draws.groupby(["axis", "budget", "repeat"], sort=False)]
    jobs = [delayed(_job)(name, kwargs, axis, float(budget), int(repeat), drawn, train, test, units, unit, classes, seed,
                          folds)
            for name, kwargs in classifiers.items() for (axis, budget, repeat), drawn in subsets]
    results = Parallel(n_jobs=n_jobs, return_as="generator")(jobs)
    return pd.concat(list(tqdm(results, total=len(jobs), desc="classify", unit="draw")), ignore_index=True)
