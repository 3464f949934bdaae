"""Intervals and p-values of a statistic linear in the per-draw F1: a per-budget F1, an AULC, a paired difference.

Such a statistic varies with two independent things, each with its own replicates: the test speakers
(unit of replication of the test set) and the label draws (unit of replication of the training subset).
Its variance is estimated from both and so is its interval:

* speakers: ``V_S``, the cluster-bootstrap variance over test speakers of the statistic, times
  ``S / (S - 1)`` (a bootstrap variance of a mean is (S - 1) / S of the unbiased one), less the share of
  each draw's own noise on the test utterances that the spread of the draws already counts (below);
* draws: ``V_D = sum_b w_b^2 s_b^2 / R``, where ``s_b^2`` is the variance (R - 1 denominator) of the R draws'
  values of budget b on the whole test set: unbiased whatever R, where resampling R draws shrinks it by
  (R - 1) / R.

The 1 - alpha interval is the estimate +- ``sqrt(t_{S-1}^2 V_S + t_nu^2 V_D)`` (each part's t quantile at
1 - alpha / 2, added in quadrature), ``nu`` the Satterthwaite degrees of freedom of ``V_D``: R - 1 for one
budget, up to budgets x (R - 1) for an AULC. With few draws a t quantile on R - 1 degrees of freedom is wide
(4.3 for 3 draws), which is what keeps the coverage; simulated coverage: docs/methods.md. The p-value is
that interval inverted: the smallest alpha whose interval excludes 0. With one draw there is no spread of
draws to measure: ``V_D`` is 0 and the interval is conditional on that draw.
"""
from dataclasses import dataclass

import numpy as np
from scipy import stats

P_FLOOR = 1e-40  # the smallest p-value reported: far below any level


@dataclass(frozen=True)
class Estimate:
    """A statistic on the whole data, each field (...): its value, its variance over test speakers ``V_S`` and
    between draws ``V_D``, the degrees of freedom of ``V_D``; and the number of test speakers."""

    value: np.ndarray
    speaker_variance: np.ndarray
    draw_variance: np.ndarray
    draw_df: np.ndarray
    speakers: int

    def half_width(self, alpha: float | np.ndarray) -> np.ndarray:
        """Half the width of the 1 - ``alpha`` interval (...) (``alpha`` a number, or (...) per entry)."""
        tail = np.asarray(alpha, dtype=float) / 2
        speaker_t = stats.t.isf(tail, max(self.speakers - 1, 1))
        draw_t = stats.t.isf(tail, self.draw_df)
        return np.sqrt(speaker_t ** 2 * self.speaker_variance + draw_t ** 2 * self.draw_variance)

    def interval(self, confidence: float) -> tuple[np.ndarray, np.ndarray]:
        """The ``confidence`` interval's bounds, each (...)."""
        half = self.half_width(1 - confidence)
        return self.value - half, self.value + half

    def p_value(self) -> np.ndarray:
        """Two-sided p-value of value 0 (...): the smallest alpha whose 1 - alpha interval excludes 0 (found by
        bisection on log10 alpha), 1 for a value of 0, at least :data:`P_FLOOR`."""
        target = np.abs(self.value)
        low, high = np.full(target.shape, np.log10(P_FLOOR)), np.zeros(target.shape)  # log10 alpha brackets p
        for _ in range(50):
            middle = (low + high) / 2
            covers_zero = self.half_width(10 ** middle) >= target
            low, high = np.where(covers_zero, middle, low), np.where(covers_zero, high, middle)
        return np.where(target > 0, 10 ** high, 1.0)


def estimate(point: np.ndarray, resampled: np.ndarray, weights: np.ndarray, speakers: int) -> Estimate:
    """The statistics ``sum_b weights[t, b] * mean over draws of F1[b, draw]`` with their variances, (..., T).

    ``point`` (..., budgets, repeats): each draw's value on the whole test set; ``resampled`` (resamples, ...,
    budgets, repeats): the same in a cluster bootstrap over the ``speakers`` test speakers (every draw on the
    same weights in a resample); ``weights`` (T, budgets): one statistic per row (the identity: every budget's
    own; :func:`fewlabels.compare.statistics.aulc_weights`: an AULC). A difference of two methods is the
    statistic of the difference of their ``point`` and ``resampled``.
    """
    point, resampled, weights = (np.asarray(a, dtype=float) for a in (point, resampled, weights))
    if (point.ndim < 2 or resampled.shape[1:] != point.shape or len(resampled) < 2 or weights.ndim != 2
            or weights.shape[1] != point.shape[-2] or speakers < 1):
        raise ValueError(f"need point (..., budgets, repeats), resampled (resamples >= 2, ...) of the same shape, "
                         f"weights (T, budgets) and at least one speaker, got {point.shape}, {resampled.shape}, "
                         f"{weights.shape}, {speakers}")
    repeats = point.shape[-1]
    inflate = speakers / (speakers - 1) if speakers > 1 else 1.0
    squared = weights ** 2
    mean_resampled = resampled.mean(axis=-1)  # (resamples, ..., budgets): each resample's mean over draws
    speaker_variance = inflate * (mean_resampled @ weights.T).var(axis=0, ddof=1)
    if repeats == 1:
        zero = np.zeros(speaker_variance.shape)
        return Estimate(point[..., 0] @ weights.T, speaker_variance, zero, zero + 1, speakers)
    # each draw's own noise on the test utterances: in the bootstrap of each draw, only 1/R of it in that of their mean
    own_noise = inflate * (resampled.var(axis=0, ddof=1).mean(axis=-1) - mean_resampled.var(axis=0, ddof=1))
    speaker_variance = np.maximum(speaker_variance - (own_noise / (repeats - 1)) @ squared.T, 0)
    per_budget = point.var(axis=-1, ddof=1) / repeats  # (..., budgets)
    draw_variance = per_budget @ squared.T
    spread = (per_budget ** 2 @ (squared ** 2).T) / (repeats - 1)
    draw_df = np.divide(draw_variance ** 2, spread, out=np.full(draw_variance.shape, repeats - 1.0), where=spread > 0)
    return Estimate(point.mean(axis=-1) @ weights.T, speaker_variance, draw_variance, draw_df, speakers)
