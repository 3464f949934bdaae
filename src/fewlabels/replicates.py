"""Pool replicates of the study: what a different split or autoencoder seed does, which resampling test
speakers cannot show.

A replicate is a DVC experiment of the same study with other seeds, e.g.

    dvc exp run --queue -n replicate1 -S split.seed=1 -S autoencoder.seed=1 -S finetune.seed=1 -S end_to_end.seed=1
    dvc exp run --queue -n replicate2 -S split.seed=2 -S autoencoder.seed=2 -S finetune.seed=2 -S end_to_end.seed=2
    dvc queue start -j 1
    python -m fewlabels.replicates            # HEAD's study and every experiment of HEAD

Each replicate's prediction tables are read through DVC (``dvc.api``, from the experiment's commit:
nothing is copied by hand) and compared as the compare stage does. The unit of replication of the
pooled interval is the replicate: per comparison the mean AULC difference over replicates with a
t interval (replicates - 1 degrees of freedom) from their spread, which holds the between-replicate
variance (split, autoencoder) and the within-replicate variance (test speakers, label draws) alike.
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np
from scipy import stats

from fewlabels.compare.results import compare_tables
from fewlabels.compare.decisions import decide
from fewlabels.errors import FewlabelsError, run
from fewlabels.experiments import read_tables, revisions
from fewlabels.params import load_params

SEEDS = ("split.seed", "autoencoder.seed", "draws.seed", "classify.seed", "finetune.seed", "end_to_end.seed")


def pool(per_replicate: dict[str, dict], confidence: float) -> dict:
    """Per comparison that every replicate makes: each replicate's AULC difference, their mean, between-replicate
    SD, mean within-replicate interval half-width, and a t interval of the mean over replicates."""
    pooled = {}
    methods = next(iter(per_replicate.values()))["comparisons"]
    for method in [m for m in methods if all(m in summary["comparisons"] for summary in per_replicate.values())]:
        differences = np.array([summary["comparisons"][method]["aulc_difference"] for summary in per_replicate.values()])
        half_widths = [(summary["comparisons"][method]["ci_high"] - summary["comparisons"][method]["ci_low"]) / 2
                       for summary in per_replicate.values()]
        n, mean = len(differences), float(differences.mean())
        spread = float(differences.std(ddof=1)) if n > 1 else float("nan")
        half = stats.t.ppf((1 + confidence) / 2, n - 1) * spread / np.sqrt(n) if n > 1 else float("nan")
        pooled[method] = {
            "reference": methods[method]["reference"], "replicates": n,
            "aulc_difference": dict(zip(per_replicate, np.round(differences, 5).tolist())),
            "mean": round(mean, 5), "between_replicate_sd": round(spread, 5),
            "mean_within_replicate_half_width": round(float(np.mean(half_widths)), 5),
            "ci_low": round(mean - half, 5), "ci_high": round(mean + half, 5),
            "decision": str(decide(mean - half, mean + half))}
    return pooled


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m fewlabels.replicates", description=__doc__.split("\n\n")[0])
    parser.add_argument("experiments", nargs="*", help="experiment names (default: every experiment of the baseline)")
    parser.add_argument("--baseline", default="HEAD", help="the commit the experiments branched from (default: HEAD)")
    parser.add_argument("--without-baseline", action="store_true",
                        help="pool the experiments only, e.g. replicates of a variant whose params the baseline lacks")
    parser.add_argument("-o", "--output", type=Path, help="also write the pooled comparison as JSON here")
    args = parser.parse_args(argv)
    params = load_params().compare
    runs = revisions(args.experiments, args.baseline, SEEDS)
    if args.without_baseline:
        runs.pop(args.baseline)
    if len(runs) < 2:
        raise FewlabelsError(f"replicates: fewer than 2 replicates to pool from {args.baseline}; queue experiments "
                             "with other seeds, e.g. dvc exp run --queue -S split.seed=1 -S autoencoder.seed=1")
    per_replicate = {}
    for revision, found in runs.items():
        per_replicate[revision] = compare_tables(read_tables(found["rev"]), params)[1]
    pooled = pool(per_replicate, params.confidence)
    report = {"unit_of_replication": "replicate (split, autoencoder and network seeds)", "seeds": runs,
              "confidence": params.confidence, "comparisons": pooled}
    if args.output:
        args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"{len(runs)} replicates: {', '.join(runs)}")
    print(f"{'method':>20} | AULC difference per replicate | mean [{params.confidence:.0%} t interval] | "
          "between-replicate SD | mean within-replicate half-width")
    for method, entry in pooled.items():
        per = " ".join(f"{value:+.3f}" for value in entry["aulc_difference"].values())
        print(f"{method:>20} | {per} | {entry['mean']:+.3f} [{entry['ci_low']:+.3f}, {entry['ci_high']:+.3f}] | "
              f"{entry['between_replicate_sd']:.3f} | {entry['mean_within_replicate_half_width']:.3f}")


if __name__ == "__main__":
    run(lambda: main(sys.argv[1:]))
