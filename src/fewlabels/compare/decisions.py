"""Paired comparisons and their decisions: better, no evidence or worse, when the data can decide at all.

A comparison is decided only with at least :data:`MIN_TEST_SPEAKERS` test speakers and :data:`MIN_DRAWS`
draws per budget; below, its decision names what is missing (``UNDECIDED``) and it joins no family of tests.
A decision is read either from the unadjusted interval (:func:`decide`: a per-budget difference) or from a
Holm-adjusted p-value (:func:`holm_decide`: the AULC-level family, the headline claims).
"""
from dataclasses import dataclass

import numpy as np

from fewlabels.compare.intervals import estimate

DECISIONS = ("better", "no evidence", "worse")
TOO_FEW_SPEAKERS, TOO_FEW_DRAWS = "too few test speakers", "too few draws"
UNDECIDED = (TOO_FEW_SPEAKERS, TOO_FEW_DRAWS)
# The fewest test speakers at which the intervals kept a 95 % coverage of at least 93 % in every simulated
# regime: benchmarks/speaker_threshold.py, figures in docs/methods.md.
MIN_TEST_SPEAKERS = 10
MIN_DRAWS = 2  # the spread of the draws needs two of them


def undecided(speakers: int, draws: int) -> str | None:
    """Why ``speakers`` test speakers and ``draws`` draws per budget cannot decide a comparison; None if they can."""
    if speakers < MIN_TEST_SPEAKERS:
        return TOO_FEW_SPEAKERS
    return TOO_FEW_DRAWS if draws < MIN_DRAWS else None


@dataclass(frozen=True)
class PairedComparison:
    """A method minus its reference, each field of shape (...): the difference, its interval
    (:mod:`fewlabels.compare.intervals`), the p-value (that interval inverted), the effect size and the
    unadjusted decision (one of ``DECISIONS``, or of ``UNDECIDED``)."""

    difference: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    p_value: np.ndarray
    effect_size: np.ndarray
    decision: np.ndarray


def paired_comparison(point: np.ndarray, reference_point: np.ndarray, resampled: np.ndarray,
                      reference_resampled: np.ndarray, weights: np.ndarray, speakers: int,
                      confidence: float = 0.95) -> PairedComparison:
    """A method's statistics (``weights`` (T, budgets): per budget, an AULC) against its reference's, paired by
    draw and by resample, each field (..., T).

    ``point`` and ``reference_point`` (..., budgets, repeats) are every draw's F1 on the whole test set;
    ``resampled`` and ``reference_resampled`` (resamples, ..., budgets, repeats) the same on the same bootstrap
    weights over the ``speakers`` test speakers. The decision is "better" where the interval lies above 0,
    "worse" below, else "no evidence" (:func:`decide`), unless too few speakers or draws (:func:`undecided`).
    The effect size is the relative error reduction ``difference / (1 - reference)``: the share of the
    reference's distance to a perfect F1 that the method closes (negative: the share it adds); NaN where the
    reference is perfect. Unlike a difference over its standard error, it does not grow with the test set.
    """
    point, reference_point = np.asarray(point, float), np.asarray(reference_point, float)
    resampled, reference_resampled = np.asarray(resampled, float), np.asarray(reference_resampled, float)
    if (point.ndim < 2 or reference_point.shape != point.shape or resampled.shape != reference_resampled.shape
            or resampled.shape[1:] != point.shape):
        raise ValueError(f"need points (..., budgets, repeats) and resampled values (resamples, ...) of equal "
                         f"shapes, got {point.shape}, {reference_point.shape}, {resampled.shape}, "
                         f"{reference_resampled.shape}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence}")
    found = estimate(point - reference_point, resampled - reference_resampled, weights, speakers)
    reference = reference_point.mean(axis=-1) @ np.asarray(weights, float).T
    low, high = found.interval(confidence)
    reason = undecided(speakers, point.shape[-1])
    return PairedComparison(
        difference=found.value, ci_low=low, ci_high=high, p_value=found.p_value(),
        effect_size=np.divide(found.value, 1 - reference, out=np.full(reference.shape, np.nan), where=reference < 1),
        decision=decide(low, high) if reason is None else np.full(low.shape, reason),
    )


def decide(low, high) -> np.ndarray:
    """The decision of intervals ``[low, high]`` (any shape) of a difference: "better" above 0, "worse" below,
    else "no evidence"."""
    low, high = np.asarray(low), np.asarray(high)
    return np.where(low > 0, DECISIONS[0], np.where(high < 0, DECISIONS[2], DECISIONS[1]))


def holm_decide(difference, p_holm, alpha: float) -> np.ndarray:
    """The decision of differences (any shape) from their Holm-adjusted p-values: "better" or "worse" (by the
    sign of the difference) where ``p_holm < alpha``, else "no evidence"."""
    difference, p_holm = np.asarray(difference, dtype=float), np.asarray(p_holm, dtype=float)
    return np.where(p_holm >= alpha, DECISIONS[1], np.where(difference > 0, DECISIONS[0], DECISIONS[2]))


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
            or not np.all(np.diff(budgets) > 0) or not np.isin(decisions, DECISIONS + UNDECIDED).all()):
        raise ValueError(f"need decisions (budgets,) from {DECISIONS + UNDECIDED} and increasing budgets of the same "
                         f"length, got {decisions.shape} and {budgets.shape}")
    better = decisions == DECISIONS[0]
    if not better[0]:
        return None
    return float(budgets[better.size - 1 if better.all() else np.argmin(better) - 1])
