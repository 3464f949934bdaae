"""Simulated studies whose truth is known, to check the compare statistics (the calibration tests in
``tests/test_compare_statistics.py`` and ``benchmarks/speaker_threshold.py``).

Two methods ("reference", "method") predict the same test set of 3 classes, ``speakers`` speakers of
``utterances`` utterances each on average, at 4 budgets (fractions 0.1, 0.25, 0.5, 1) with ``repeats``
label draws each. An utterance is predicted right with probability ``expit(eta)``,

    eta = budget level (-0.3 .. 1.2) - speaker difficulty (SD 1) - utterance difficulty (SD 0.5)
          + the method's persistent view of the utterance (SD 1)
          + the method's affinity for the speaker (``interaction_sd``: speaker x method interaction)
          + the draw's luck for the method at that budget (``draw_sd``: draw-to-draw variation; with ``folds``,
            each fold's draw its own luck: speaker s is tested in fold s mod folds, by that fold's models)
          + ``advantage`` for "method",

and a wrong prediction is one of the other classes at random. With ``advantage`` 0 both methods come from
the same model (a null difference). Every regime of one call shares its random numbers (speakers,
utterances, views, the draws' unit luck, the uniform numbers that decide right and wrong), so regimes
differ only by their scales.
"""
from typing import NamedTuple

import numpy as np
from scipy.special import expit

BUDGETS = np.array([0.1, 0.25, 0.5, 1.0])
LEVELS = np.linspace(-0.3, 1.2, BUDGETS.size)
CLASSES = 3


class Regime(NamedTuple):
    """The logit SDs of the draw-to-draw variation and of the speaker x method interaction."""

    draw_sd: float
    interaction_sd: float


def speaker_of(rng: np.random.Generator, datasets: int, speakers: int, utterances: int,
               concentration: float | None) -> np.ndarray:
    """The speaker of each test utterance (datasets, speakers * utterances): ``utterances`` each, or (with a
    ``concentration``) speaker shares drawn from a symmetric Dirichlet (smaller: more unequal), each speaker at
    least one utterance."""
    n = speakers * utterances
    if concentration is None:
        return np.broadcast_to(np.repeat(np.arange(speakers), utterances), (datasets, n))
    shares = rng.dirichlet(np.full(speakers, concentration), datasets).cumsum(axis=1)
    speaker = np.minimum((rng.random((datasets, n, 1)) > shares[:, None, :]).sum(axis=-1), speakers - 1)
    speaker[:, :speakers] = np.arange(speakers)
    return speaker


class Predictions(NamedTuple):
    """Simulated test sets: each utterance's speaker and class (datasets, utterances), and per regime every
    prediction (datasets, 2, budgets, repeats, utterances) of the reference (0) and the method (1)."""

    speaker: np.ndarray
    y_true: np.ndarray
    y_pred: dict[Regime, np.ndarray]


def simulated_predictions(rng: np.random.Generator, datasets: int, speakers: int, repeats: int, regimes: list[Regime],
                          advantage: float = 0.0, utterances: int = 10,
                          concentration: float | None = None, folds: int = 1) -> Predictions:
    """The predictions of ``datasets`` simulated studies in every regime. The first r draws of a call with
    ``repeats`` draws are a study with r draws; with ``folds``, the test speakers of ``folds`` folds pooled."""
    n = speakers * utterances
    speaker = speaker_of(rng, datasets, speakers, utterances, concentration)
    y_true = rng.integers(0, CLASSES, (datasets, n))
    at = speaker[:, None, None, None, :]
    difficulty = (np.take_along_axis(rng.normal(0, 1.0, (datasets, 1, 1, 1, speakers)), at, axis=-1)
                  + rng.normal(0, 0.5, (datasets, 1, 1, 1, n)))
    base = (LEVELS[:, None, None] + np.array([0.0, advantage])[:, None, None, None] - difficulty
            + rng.normal(0, 1.0, (datasets, 2, 1, 1, n)))
    affinity = np.take_along_axis(rng.normal(0, 1.0, (datasets, 2, 1, 1, speakers)), at, axis=-1)
    luck = np.take_along_axis(rng.normal(0, 1.0, (datasets, 2, BUDGETS.size, repeats, folds)), at % folds, axis=-1)
    chance = rng.random((datasets, 2, BUDGETS.size, repeats, n))
    wrong = (y_true[:, None, None, None, :] + rng.integers(1, CLASSES, chance.shape)) % CLASSES
    y_pred = {regime: np.where(chance < expit(base + regime.interaction_sd * affinity + regime.draw_sd * luck),
                               y_true[:, None, None, None, :], wrong)
              for regime in regimes}
    return Predictions(speaker, y_true, y_pred)


def counts_of(speaker: np.ndarray, y_true: np.ndarray, y_pred: np.ndarray, speakers: int) -> np.ndarray:
    """The confusion counts (datasets, methods, budgets, repeats, speakers, K, K) of predictions ``y_pred``
    (datasets, methods, budgets, repeats, utterances) of utterances with ``speaker`` and ``y_true`` (datasets,
    utterances): :class:`fewlabels.compare.confusion.Confusion`'s layout per dataset."""
    shape = (*y_pred.shape[:-1], speakers, CLASSES, CLASSES)
    leading = (index[..., None] for index in np.indices(y_pred.shape[:-1], sparse=True))
    cells = np.ravel_multi_index((*leading, speaker[:, None, None, None, :], y_true[:, None, None, None, :], y_pred),
                                 shape)
    return np.bincount(cells.ravel(), minlength=int(np.prod(shape))).reshape(shape)


def simulated_counts(rng: np.random.Generator, datasets: int, speakers: int, repeats: int, regimes: list[Regime],
                     advantage: float = 0.0, utterances: int = 10, concentration: float | None = None,
                     folds: int = 1) -> dict[Regime, np.ndarray]:
    """Per regime, the confusion counts (:func:`counts_of`) of :func:`simulated_predictions`."""
    found = simulated_predictions(rng, datasets, speakers, repeats, regimes, advantage, utterances, concentration,
                                  folds)
    return {regime: counts_of(found.speaker, found.y_true, y_pred, speakers) for regime, y_pred in found.y_pred.items()}
