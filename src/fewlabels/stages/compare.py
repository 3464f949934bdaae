"""compare stage: every method's learning curves and AULC with intervals over test speakers, and every method
against its reference, from all prediction tables under data/predictions/."""
import time

import pandas as pd

from fewlabels import paths
from fewlabels.compare.curves import axis_curves, per_classifier
from fewlabels.compare.figures import plot_learning_curves
from fewlabels.compare.results import UNIT_OF_REPLICATION, X_NAMES, adaptations, compare_tables
from fewlabels.errors import run
from fewlabels.io import atomic_path, write_csv, write_json
from fewlabels.params import load_params


def main() -> None:
    everything = load_params()
    params = everything.compare
    start = time.perf_counter()
    table = pd.concat([pd.read_parquet(path) for path in sorted(paths.PREDICTIONS.glob("*.parquet"))], ignore_index=True)
    results, summary = compare_tables(table, params)
    adapted = adaptations(table)
    tables = {}
    for axis, curve in axis_curves(results, params.confidence).items():
        for name, own in per_classifier(curve, list(table["method"].unique())).items():
            suffix = "" if axis == "fraction" else "_per_class"
            write_csv(paths.F1_CURVES / f"{name}{suffix}.csv", own)
            tables.setdefault(name, {})[X_NAMES[axis]] = own
    with atomic_path(paths.F1_FIGURE) as tmp:
        plot_learning_curves(tables, tmp, everything.classify.unit, params.confidence)
    speakers, rules = int(table["speaker"].nunique()), summary["decisions"]
    write_json(paths.metrics("f1"), {"unit_of_replication": UNIT_OF_REPLICATION, "test_speakers": speakers,
                                     "repeats": int(table["repeat"].nunique()), "bootstrap": params.bootstrap,
                                     "confidence": params.confidence, **summary,
                                     **({"adapted": adapted} if adapted else {})})
    print(f"{len(table)} predictions of {table['method'].nunique()} methods; {params.bootstrap} resamples of "
          f"{speakers} test speakers in {time.perf_counter() - start:.1f} s")
    if speakers < rules["min_test_speakers"]:
        print(f"too few test speakers: {speakers}, where the intervals keep their coverage from "
              f"{rules['min_test_speakers']} on (docs/methods.md); no comparison is decided")
    print(f"decisions: AULC-level ones Holm-adjusted over {rules['aulc_level_tests']} tests, per-budget ones "
          f"unadjusted (each interval at its own level)")
    print(f"{'method':>24} | AULC on its headline axis [{params.confidence:.0%} interval]")
    for method, entry in summary["methods"].items():
        print(f"{method:>24} | {entry['aulc']:.3f} [{entry['aulc_low']:.3f}, {entry['aulc_high']:.3f}] "
              f"({entry['aulc_axis']} axis)")
    print(f"{'comparison':>42} | AULC difference [interval] p_holm decision | better up to (unadjusted)")
    for key, found in summary["comparisons"].items():
        better = ", ".join(f"{axis} {found[f'better_up_to_{axis}']}" for axis in ("fraction", "per_class")
                           if f"better_up_to_{axis}" in found)
        print(f"{key + ' vs ' + found['reference'] if ' vs ' not in key else key:>42} | "
              f"{found['aulc_difference']:+.3f} [{found['ci_low']:+.3f}, {found['ci_high']:+.3f}] "
              f"{'–' if found['p_holm'] is None else format(found['p_holm'], '.3g')} {found['decision']} "
              f"({found['aulc_axis']} axis) | {better}")
    for method, changes in adapted.items():
        for budget, change in changes.items():
            print(f"adapted to small draws: {method} at {budget}: {change}")


if __name__ == "__main__":
    run(main)
