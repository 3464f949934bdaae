"""Weighted F1, its cluster bootstrap over test speakers and label draws, AULC and paired comparisons.

The unit of replication is the test speaker: a resample draws test speakers with replacement and,
jointly, label draws (repeats) with replacement; every method and budget sees the same weights in a
resample, so a difference between two methods is paired. ``counts`` below is
:attr:`fewlabels.compare.confusion.Confusion.counts`, shape (methods, budgets, repeats, speakers, K, K).
"""
from dataclasses import dataclass

import numpy as np

DECISIONS = ("better", "no evidence", "worse")
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


def resample_weights(n_speakers: int, n_repeats: int, resamples: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """How often each test speaker (resamples, n_speakers) and each label draw (resamples, n_repeats) is
    drawn with replacement in a resample; each row sums to n_speakers, resp. n_repeats."""
    if min(n_speakers, n_repeats, resamples) < 1:
        raise ValueError(f"need at least one speaker, repeat and resample, got {n_speakers}, {n_repeats}, {resamples}")
    rng = np.random.default_rng(seed)
    return (rng.multinomial(n_speakers, np.full(n_speakers, 1 / n_speakers), size=resamples),
            rng.multinomial(n_repeats, np.full(n_repeats, 1 / n_repeats), size=resamples))


def mean_f1(counts: np.ndarray, speaker_weights: np.ndarray, repeat_weights: np.ndarray) -> np.ndarray:
    """Mean weighted F1 (n, methods, budgets) under n weightings of speakers (n, speakers) and repeats (n, repeats).

    A repeat's F1 is that of its confusion matrix pooled over speakers with their weights; a budget's
    value is the repeat-weighted mean of its repeats' F1. Computed in chunks of weightings.
    """
    counts = np.asarray(counts)
    _check_counts(counts)
    methods, budgets, repeats, speakers, k, _ = counts.shape
    speaker_weights, repeat_weights = np.asarray(speaker_weights, float), np.asarray(repeat_weights, float)
    n = len(speaker_weights)
    if speaker_weights.shape != (n, speakers) or repeat_weights.shape != (n, repeats):
        raise ValueError(f"weights must be (n, {speakers}) for speakers and (n, {repeats}) for repeats, got "
                         f"{speaker_weights.shape} and {repeat_weights.shape}")
    if (speaker_weights < 0).any() or (repeat_weights < 0).any() or (repeat_weights.sum(axis=1) <= 0).any():
        raise ValueError("weights must be non-negative with at least one repeat weighted in every row")
    # F1 needs only per-class margins, and they are linear in the speaker weights
    margins = np.stack([np.diagonal(counts, axis1=-2, axis2=-1), counts.sum(axis=-1), counts.sum(axis=-2)], axis=-2)
    margins = np.moveaxis(margins, 3, 0).reshape(speakers, -1).astype(float)  # (speakers, m * b * r * 3 * K)
    chunk = max(1, CHUNK_BYTES // (8 * margins.shape[1]))
    means = np.empty((n, methods, budgets))
    for start in range(0, n, chunk):
        pooled = (speaker_weights[start:start + chunk] @ margins).reshape(-1, methods, budgets, repeats, 3, k)
        f1 = _weighted_f1(pooled[..., 0, :], pooled[..., 1, :], pooled[..., 2, :])
        weights = repeat_weights[start:start + chunk]
        means[start:start + chunk] = np.einsum("nmbr,nr->nmb", f1, weights) / weights.sum(axis=1)[:, None, None]
    return means


def point_f1(counts: np.ndarray) -> np.ndarray:
    """Mean weighted F1 over repeats on the whole test set (methods, budgets): every weight 1."""
    counts = np.asarray(counts)
    _check_counts(counts)
    return mean_f1(counts, np.ones((1, counts.shape[3])), np.ones((1, counts.shape[2])))[0]


def bootstrap_f1(counts: np.ndarray, resamples: int, seed: int) -> np.ndarray:
    """Mean weighted F1 (resamples, methods, budgets) of a cluster bootstrap over test speakers jointly
    with label draws (:func:`resample_weights`), the same weights for every method and budget."""
    counts = np.asarray(counts)
    _check_counts(counts)
    return mean_f1(counts, *resample_weights(counts.shape[3], counts.shape[2], resamples, seed))


def aulc(f1: np.ndarray, x: np.ndarray, first: int | None = None) -> np.ndarray:
    """Area under learning curves (..., budgets) -> (...) by the trapezoid rule over the budget axis values
    ``x`` (budgets,), divided by ``x[-1] - x[0]``: a mean F1 over the axis. ``first``: only the smallest
    ``first`` budgets (the low-budget AULC).

    Pass the fractions themselves on the fraction axis and ``log2(count)`` on the count axis, where
    each doubling of the labels weighs the same.
    """
    f1, x = np.asarray(f1, dtype=float), np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size < 2 or f1.ndim < 1 or f1.shape[-1] != x.size or not np.all(np.diff(x) > 0):
        raise ValueError(f"need f1 (..., budgets) and increasing x (budgets,) with at least 2 budgets, got shapes "
                         f"{f1.shape} and {x.shape}")
    if first is not None:
        if not 2 <= first <= x.size:
            raise ValueError(f"the low-budget AULC needs 2 to {x.size} budgets, got {first}")
        f1, x = f1[..., :first], x[:first]
    return np.trapezoid(f1, x, axis=-1) / (x[-1] - x[0])


def low_budget_count(low_budgets: int, n_budgets: int) -> int:
    """How many of an axis's ``n_budgets`` smallest budgets the low-budget AULC covers: ``compare.low_budgets``,
    at least 2 (an area needs two points), at most all."""
    return min(max(2, low_budgets), n_budgets)


@dataclass(frozen=True)
class PairedComparison:
    """A method minus its reference, each field of shape (...): the point difference, its percentile
    interval, the two-sided bootstrap p-value, the effect size and the decision (one of ``DECISIONS``)."""

    difference: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    p_value: np.ndarray
    effect_size: np.ndarray
    decision: np.ndarray


def paired_comparison(resampled: np.ndarray, reference_resampled: np.ndarray, point: np.ndarray,
                      reference_point: np.ndarray, confidence: float = 0.95) -> PairedComparison:
    """Compare a method's F1 values (a per-budget F1 or an AULC) with its reference's, paired by resample.

    ``resampled`` and ``reference_resampled`` (resamples, ...) come from the same bootstrap weights;
    ``point`` and ``reference_point`` (...) are the estimates on the whole data. The interval is the
    percentile interval of the resampled differences; the p-value ``2 min(1 + #(d <= 0), 1 + #(d >= 0))
    / (resamples + 1)``, capped at 1, is never 0. The decision is "better" when the interval lies above
    0, "worse" below, else "no evidence". The effect size is the relative error reduction
    ``difference / (1 - reference_point)``: the share of the reference's distance to a perfect F1 that
    the method closes (negative: the share it adds); NaN where the reference is perfect. Unlike a
    difference over a bootstrap SD, it does not grow with the test set.
    """
    resampled, reference_resampled = np.asarray(resampled, float), np.asarray(reference_resampled, float)
    point, reference_point = np.asarray(point, float), np.asarray(reference_point, float)
    if (resampled.ndim < 1 or resampled.shape != reference_resampled.shape
            or point.shape != resampled.shape[1:] or reference_point.shape != point.shape):
        raise ValueError(f"need resampled values (resamples, ...) of equal shapes and points (...), got "
                         f"{resampled.shape}, {reference_resampled.shape}, {point.shape}, {reference_point.shape}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence}")
    d = resampled - reference_resampled
    low, high = np.quantile(d, [(1 - confidence) / 2, (1 + confidence) / 2], axis=0)
    tail = 1 + np.minimum((d <= 0).sum(axis=0), (d >= 0).sum(axis=0))
    difference = point - reference_point
    perfect = reference_point >= 1
    return PairedComparison(
        difference=difference, ci_low=low, ci_high=high,
        p_value=np.minimum(1.0, 2 * tail / (len(d) + 1)),
        effect_size=np.divide(difference, 1 - reference_point, out=np.full(point.shape, np.nan), where=~perfect),
        decision=decide(low, high),
    )


def decide(low, high) -> np.ndarray:
    """The decision of intervals ``[low, high]`` (any shape) of a difference: "better" above 0, "worse" below,
    else "no evidence"."""
    low, high = np.asarray(low), np.asarray(high)
    return np.where(low > 0, DECISIONS[0], np.where(high < 0, DECISIONS[2], DECISIONS[1]))


def holm(p_values: np.ndarray) -> np.ndarray:
    """Holm-Bonferroni adjusted p-values of one family of tests: every entry of ``p_values`` (any shape,
    kept). The i-th smallest of m becomes ``max_{j <= i} (m - j + 1) p_(j)``, capped at 1."""
    p = np.asarray(p_values, dtype=float)
    if not np.all((p >= 0) & (p <= 1)):
        raise ValueError(f"p-values must lie in [0, 1], got {p[~((p >= 0) & (p <= 1))][:5]}")
    flat = p.ravel()
    order = np.argsort(flat, kind="stable")
    adjusted = np.empty_like(flat)
    adjusted[order] = np.minimum(1.0, np.maximum.accumulate((flat.size - np.arange(flat.size)) * flat[order]))
    return adjusted.reshape(p.shape)


def crossover(decisions: np.ndarray, budgets: np.ndarray) -> float | None:
    """The largest budget up to which the decision (budgets,) is "better" at every budget from the smallest
    of ``budgets`` (budgets,) on; None when it is not better at the smallest.

    Testing the budgets in this fixed order, each at the intervals' level, and stopping at the first
    that is not better is the fixed-sequence procedure: the claim "better at every budget up to the
    crossover" keeps that level without a multiplicity correction.
    """
    decisions, budgets = np.asarray(decisions), np.asarray(budgets, dtype=float)
    if (decisions.ndim != 1 or decisions.shape != budgets.shape or decisions.size == 0
            or not np.all(np.diff(budgets) > 0) or not np.isin(decisions, DECISIONS).all()):
        raise ValueError(f"need decisions (budgets,) from {DECISIONS} and increasing budgets of the same length, "
                         f"got {decisions.shape} and {budgets.shape}")
    better = decisions == DECISIONS[0]
    if not better[0]:
        return None
    return float(budgets[better.size - 1 if better.all() else np.argmin(better) - 1])
