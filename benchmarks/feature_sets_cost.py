"""What an openSMILE set adds to the default study's classify stage: its work (every classifier on every draw,
all cores) with pyAudioAnalysis and code features only, and with an openSMILE set beside them, side by side.

    PYTHONPATH=src python benchmarks/feature_sets_cost.py [--set egemaps] [--rounds 1] [--project .]

Needs a project where ``dvc repro classify`` has run with the set in ``handcrafted.sets`` (its pickles in
data/features/opensmile/). The two configurations take turns for ``--rounds`` rounds, so a drift in the
machine's speed affects both alike; prints each time and the median ratio.
"""
import argparse
import os
import statistics
import time

import pandas as pd

from fewlabels import paths
from fewlabels.io import read_pickle
from fewlabels.methods.classical import aligned_features, classify
from fewlabels.params import load_params


def features(split: str, families: list[str]):
    return aligned_features({family: read_pickle(paths.features(split, family)) for family in families})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="egemaps", choices=paths.OPENSMILE_SETS)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--project", default=".")
    args = parser.parse_args()
    os.chdir(args.project)
    params = load_params().classify
    draws = pd.read_csv(paths.DRAWS, dtype={"utterance": str})
    classes = read_pickle(paths.features("labelled", "handcrafted"))["classes"]
    configurations = {"pyAudioAnalysis + code": ["handcrafted", "code"],
                      f"pyAudioAnalysis + code + {args.set}": ["handcrafted", "code", args.set]}
    times: dict[str, list[float]] = {name: [] for name in configurations}
    for _ in range(args.rounds):
        for name, families in configurations.items():
            train, test = features("labelled", families), features("test", families)
            start = time.perf_counter()
            classify(train, test, draws, params.classifiers, params.unit, classes, params.seed, params.search_folds)
            times[name].append(time.perf_counter() - start)
    print(f"classify's work on {draws.groupby(['axis', 'budget', 'repeat']).ngroups} draws x "
          f"{len(params.classifiers)} classifiers, {os.cpu_count()} cores, {args.rounds} round(s):")
    for name, found in times.items():
        print(f"  {name:>36}: {statistics.median(found):6.1f} s (runs: {', '.join(f'{t:.1f}' for t in found)})")
    first, second = times.values()
    print(f"  ratio: {statistics.median(b / a for a, b in zip(first, second)):.2f}")


if __name__ == "__main__":
    main()
