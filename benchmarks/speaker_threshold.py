"""The fewest test speakers at which the compare intervals keep their coverage: where ``MIN_TEST_SPEAKERS``
(fewlabels.compare.decisions) comes from; needs no pipeline data.

    PYTHONPATH=src python benchmarks/speaker_threshold.py [--datasets 1000] [--resamples 200]

For each number of test speakers, simulated null studies (fewlabels.compare.simulation: two equally
informative methods, 10 utterances per speaker on average) in every regime of the calibration tests (3 and 5
draws; draw-to-draw logit SD 0.15 and 0.6; with and without a speaker x method interaction of logit SD 0.5),
with speakers of equal size and of unequal size (shares from a Dirichlet(2): the largest speaker often holds
several times the smallest's utterances). Prints the coverage of 0 by the 95 % intervals of the per-budget,
AULC and low-budget AULC differences: the lowest over all of them per number of speakers, and where it
occurred. The threshold is the smallest number of speakers from which every lowest coverage is at least 93 %
(the calibration tests' bound). The bootstrap uses ``--resamples`` (200) resamples, shared by the datasets of
one setting: the variance over speakers it estimates is a mean over resamples, and 200 change it by a few
per cent at most.
"""
import argparse
import time

import numpy as np

from fewlabels.compare.decisions import paired_comparison
from fewlabels.compare.simulation import BUDGETS, Regime, simulated_counts
from fewlabels.compare.statistics import aulc_weights, bootstrap_f1, point_f1

SPEAKERS = (3, 4, 5, 6, 8, 10, 12, 16, 22)
REGIMES = [Regime(draw_sd, interaction_sd) for draw_sd in (0.15, 0.6) for interaction_sd in (0.0, 0.5)]
SIZES = {"equal": None, "unequal": 2.0}  # Dirichlet concentration of the speakers' shares
STATISTICS = {"per budget": np.eye(BUDGETS.size), "AULC": aulc_weights(BUDGETS)[None],
              "low-budget AULC": aulc_weights(BUDGETS, 2)[None]}
LEVEL = 0.93


def coverages(speakers: int, concentration: float | None, datasets: int, resamples: int,
              seed: int) -> dict[tuple, float]:
    """Coverage of 0 per (regime, draws, statistic) in ``datasets`` null studies."""
    found = {}
    counts = simulated_counts(np.random.default_rng(seed), datasets, speakers, 5, REGIMES, concentration=concentration)
    for regime, regime_counts in counts.items():
        for repeats in (3, 5):
            flat = regime_counts[:, :, :, :repeats].reshape(datasets * 2, BUDGETS.size, repeats, speakers,
                                                            *regime_counts.shape[-2:])
            point = point_f1(flat).reshape(datasets, 2, BUDGETS.size, repeats)
            resampled = bootstrap_f1(flat, resamples, seed).reshape(resamples, datasets, 2, BUDGETS.size, repeats)
            for name, weights in STATISTICS.items():
                ci = paired_comparison(point[:, 1], point[:, 0], resampled[:, :, 1], resampled[:, :, 0], weights,
                                       speakers)
                found[(regime, repeats, name)] = float(np.mean((ci.ci_low <= 0) & (ci.ci_high >= 0)))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=int, default=1000)
    parser.add_argument("--resamples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    lowest = {}
    for speakers in SPEAKERS:
        start = time.perf_counter()
        for size, concentration in SIZES.items():
            found = coverages(speakers, concentration, args.datasets, args.resamples, args.seed + speakers)
            (regime, repeats, name), rate = min(found.items(), key=lambda item: item[1])
            lowest[(speakers, size)] = rate
            print(f"{speakers:>2} test speakers, {size:>7} sizes: lowest coverage {rate:.1%} ({name}, {repeats} draws, "
                  f"draw SD {regime.draw_sd}, interaction SD {regime.interaction_sd}); highest "
                  f"{max(found.values()):.1%}", flush=True)
        print(f"   ({time.perf_counter() - start:.0f} s)", flush=True)
    keeps = [speakers for speakers in SPEAKERS
             if all(rate >= LEVEL for (s, _), rate in lowest.items() if s >= speakers)]
    print(f"threshold: {keeps[0] if keeps else None} test speakers (every coverage at least {LEVEL:.0%} from there on, "
          f"{args.datasets} null datasets per setting)")


if __name__ == "__main__":
    main()
