"""Weighted F1 per label draw, its cluster bootstrap over test speakers, and the area under learning curves.

The unit of replication is the test speaker: a resample draws test speakers with replacement and scores
every label draw (repeat) of every method and budget on the same weights, so a difference between two
methods is paired. The label draws are not resampled: their variance comes from the spread of the
draws themselves (:mod:`fewlabels.compare.intervals`). ``counts`` below is
:attr:`fewlabels.compare.confusion.Confusion.counts`, shape (methods, budgets, repeats, speakers, K, K).
"""
import numpy as np

CHUNK_BYTES = 64 * 2**20  # the pooled margins of one chunk of resamples stay below this


def _weighted_f1(tp: np.ndarray, support: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """Support-weighted F1 from per-class true positives, true and predicted totals (..., K) -> (...)."""
    both = support + predicted
    f1 = np.divide(2 * tp, both, out=np.zeros(both.shape), where=both > 0)
    total = support.sum(axis=-1)
    return np.divide((support * f1).sum(axis=-1), total, out=np.zeros(total.shape), where=total > 0)


def weighted_f1(confusion: np.ndarray) -> np.ndarray:
    """scikit-learn's ``f1_score(average="weighted")`` of confusion matrices (..., K, K) (rows true, columns
    predicted; counts or non-negative weights) -> (...). A class never predicted has F1 0, a class without
    support weighs 0; a matrix without any count scores 0."""
    confusion = np.asarray(confusion, dtype=float)
    if confusion.ndim < 2 or confusion.shape[-1] != confusion.shape[-2] or (confusion < 0).any():
        raise ValueError(f"confusion matrices must be non-negative (..., K, K), got shape {confusion.shape}")
    return _weighted_f1(np.diagonal(confusion, axis1=-2, axis2=-1), confusion.sum(axis=-1), confusion.sum(axis=-2))


def _check_counts(counts: np.ndarray) -> None:
    if counts.ndim != 6 or counts.shape[-1] != counts.shape[-2] or (counts < 0).any():
        raise ValueError("counts must be non-negative (methods, budgets, repeats, speakers, K, K), "
                         f"got shape {counts.shape}")


def resample_weights(n_speakers: int, resamples: int, seed: int) -> np.ndarray:
    """How often each test speaker is drawn with replacement in a resample (resamples, n_speakers); each
    row sums to n_speakers."""
    if min(n_speakers, resamples) < 1:
        raise ValueError(f"need at least one speaker and resample, got {n_speakers}, {resamples}")
    return np.random.default_rng(seed).multinomial(n_speakers, np.full(n_speakers, 1 / n_speakers), size=resamples)


def draw_f1(counts: np.ndarray, speaker_weights: np.ndarray) -> np.ndarray:
    """Weighted F1 of every draw (n, methods, budgets, repeats) under n weightings of the speakers (n, speakers):
    a draw's confusion matrix pooled over speakers with their weights. Computed in chunks of weightings."""
    counts = np.asarray(counts)
    _check_counts(counts)
    methods, budgets, repeats, speakers, k, _ = counts.shape
    speaker_weights = np.asarray(speaker_weights, float)
    n = len(speaker_weights)
    if speaker_weights.shape != (n, speakers) or (speaker_weights < 0).any():
        raise ValueError(f"speaker weights must be non-negative (n, {speakers}), got shape {speaker_weights.shape}")
    # F1 needs only per-class margins, and they are linear in the speaker weights
    margins = np.stack([np.diagonal(counts, axis1=-2, axis2=-1), counts.sum(axis=-1), counts.sum(axis=-2)], axis=-2)
    margins = np.moveaxis(margins, 3, 0).reshape(speakers, -1).astype(float)  # (speakers, m * b * r * 3 * K)
    chunk = max(1, CHUNK_BYTES // (8 * margins.shape[1]))
    f1 = np.empty((n, methods, budgets, repeats))
    for start in range(0, n, chunk):
        pooled = (speaker_weights[start:start + chunk] @ margins).reshape(-1, methods, budgets, repeats, 3, k)
        f1[start:start + chunk] = _weighted_f1(pooled[..., 0, :], pooled[..., 1, :], pooled[..., 2, :])
    return f1


def point_f1(counts: np.ndarray) -> np.ndarray:
    """Weighted F1 of every draw on the whole test set (methods, budgets, repeats): every speaker weighs 1."""
    counts = np.asarray(counts)
    _check_counts(counts)
    return draw_f1(counts, np.ones((1, counts.shape[3])))[0]


def bootstrap_f1(counts: np.ndarray, resamples: int, seed: int) -> np.ndarray:
    """Weighted F1 of every draw (resamples, methods, budgets, repeats) in a cluster bootstrap over test
    speakers (:func:`resample_weights`), the same weights for every method, budget and draw."""
    counts = np.asarray(counts)
    _check_counts(counts)
    return draw_f1(counts, resample_weights(counts.shape[3], resamples, seed))


def aulc_weights(x: np.ndarray, first: int | None = None) -> np.ndarray:
    """The weights (budgets,) that make learning curves' F1 (..., budgets) their area under the curve (AULC),
    ``f1 @ weights``: the trapezoid rule over the budget axis values ``x`` (budgets,), divided by the span of
    the budgets it covers, so the area is a mean F1 over the axis and the weights sum to 1. ``first``: only
    the smallest ``first`` budgets (the low-budget AULC); the others weigh 0.

    Pass the fractions themselves on the fraction axis and ``log2(count)`` on the count axis, where
    each doubling of the labels weighs the same.
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size < 2 or not np.all(np.diff(x) > 0):
        raise ValueError(f"need increasing x (budgets,) with at least 2 budgets, got shape {x.shape}")
    first = x.size if first is None else first
    if not 2 <= first <= x.size:
        raise ValueError(f"the low-budget AULC needs 2 to {x.size} budgets, got {first}")
    gaps = np.diff(x[:first]) / 2
    weights = np.zeros(x.size)
    weights[:first - 1] += gaps
    weights[1:first] += gaps
    return weights / (x[first - 1] - x[0])


def low_budget_count(low_budgets: int, n_budgets: int) -> int:
    """How many of an axis's ``n_budgets`` smallest budgets the low-budget AULC covers: ``compare.low_budgets``,
    at least 2 (an area needs two points), at most all."""
    return min(max(2, low_budgets), n_budgets)
