"""compare stage: every method's learning curves and AULC with intervals over test speakers, and every method
against its reference, from all prediction tables under data/predictions/."""
import time
from pathlib import Path

import pandas as pd

from fewlabels.compare.figures import plot_learning_curves
from fewlabels.compare.results import X_NAMES, axis_results, curves, summarise
from fewlabels.io import atomic_path, write_csv, write_json
from fewlabels.params import load_params
from fewlabels.stages import run

PREDICTIONS = Path("data/predictions")
CURVES_DIR = Path("plots/f1")
FIGURE = Path("plots/f1_curves.png")
METRICS = Path("metrics/f1.json")


def axis_curves(results: list, confidence: float) -> dict[str, pd.DataFrame]:
    """Per budget axis, the curves of every method on one table (x, then each method's F1 and bounds); a method
    run on fewer budgets (``finetune``) has empty cells at the others."""
    merged: dict[str, pd.DataFrame] = {}
    for result in results:
        curve, x = curves(result, confidence).round(5), X_NAMES[result.axis]
        found = merged.get(result.axis)
        merged[result.axis] = curve if found is None else found.merge(curve, on=x, how="outer").sort_values(x)
    return merged


def per_classifier(table: pd.DataFrame, methods: list[str]) -> dict[str, pd.DataFrame]:
    """A curves table (x, then every method's F1 and bounds) split per classifier: its ``<family>/<classifier>``
    methods, named by family, and the methods without a classifier (on this axis)."""
    x, plain = table.columns[0], [method for method in methods if "/" not in method]
    names: dict[str, dict[str, str]] = {}
    for method in methods:
        if "/" in method:
            family, classifier = method.split("/", 1)
            names.setdefault(classifier, {})[method] = family
    tables = {}
    for classifier, own in names.items():
        renamed = {**own, **{method: method for method in plain}}
        renamed = {method: short for method, short in renamed.items() if method in table}
        columns = [*renamed] + [f"{method}_{end}" for method in renamed for end in ("low", "high")]
        tables[classifier] = table[[x, *columns]].rename(
            columns={f"{method}{end}": f"{short}{end}" for method, short in renamed.items() for end in ("", "_low", "_high")})
    return tables


def adaptations(table: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Per method, the params adapted to small draws or chosen by a search, per budget: "count 1" ->
    "n_neighbors=3 in 5 of 5 draws", "fraction 1" -> "C=1.0 in 3 of 5 draws; C=10.0 in 2 of 5 draws"."""
    draws = table.drop_duplicates(["method", "axis", "budget", "repeat"])
    totals = draws.groupby(["method", "axis", "budget"]).size()
    found = draws[draws["adapted"].fillna("") != ""] if "adapted" in draws else draws.iloc[:0]
    return {method: {f"{axis} {budget:g}": "; ".join(
                         f"{change} in {count} of {totals[(method, axis, budget)]} draws"
                         for change, count in group["adapted"].value_counts(sort=False).sort_index().items())
                     for (axis, budget), group in rows.groupby(["axis", "budget"])}
            for method, rows in found.groupby("method")}


def main() -> None:
    everything = load_params()
    params = everything.compare
    start = time.perf_counter()
    table = pd.concat([pd.read_parquet(path) for path in sorted(PREDICTIONS.glob("*.parquet"))], ignore_index=True)
    classes = [c.removeprefix("p_") for c in table.columns if c.startswith("p_")]
    results = axis_results(table, len(classes), params.bootstrap, params.seed)
    bootstrap_s = time.perf_counter() - start
    summary = summarise(results, params.confidence, params.low_budgets, params.reference, params.also_compare)
    adapted = adaptations(table)
    tables = {}
    for axis, curve in axis_curves(results, params.confidence).items():
        for name, own in per_classifier(curve, list(table["method"].unique())).items():
            suffix = "" if axis == "fraction" else "_per_class"
            write_csv(CURVES_DIR / f"{name}{suffix}.csv", own)
            tables.setdefault(name, {})[X_NAMES[axis]] = own
    with atomic_path(FIGURE) as tmp:
        plot_learning_curves(tables, tmp, everything.classify.unit, params.confidence)
    write_json(METRICS, {"unit_of_replication": "test speaker (cluster bootstrap, jointly with the label draws)",
                         "test_speakers": int(table["speaker"].nunique()), "repeats": int(table["repeat"].nunique()),
                         "bootstrap": params.bootstrap, "confidence": params.confidence, **summary,
                         **({"adapted": adapted} if adapted else {})})
    print(f"{len(table)} predictions of {table['method'].nunique()} methods; {params.bootstrap} resamples of "
          f"{table['speaker'].nunique()} test speakers in {bootstrap_s:.1f} s, compare {time.perf_counter() - start:.1f} s")
    print(f"{'method':>24} | AULC on its headline axis [{params.confidence:.0%} interval]")
    for method, entry in summary["methods"].items():
        print(f"{method:>24} | {entry['aulc']:.3f} [{entry['aulc_low']:.3f}, {entry['aulc_high']:.3f}] "
              f"({entry['aulc_axis']} axis)")
    print(f"{'comparison':>42} | AULC difference [interval] p_holm decision | better up to")
    for key, found in summary["comparisons"].items():
        better = ", ".join(f"{axis} {found[f'better_up_to_{axis}']}" for axis in ("fraction", "per_class")
                           if f"better_up_to_{axis}" in found)
        print(f"{key + ' vs ' + found['reference'] if ' vs ' not in key else key:>42} | "
              f"{found['aulc_difference']:+.3f} [{found['ci_low']:+.3f}, {found['ci_high']:+.3f}] "
              f"{found['p_holm']:.3g} {found['decision']} ({found['aulc_axis']} axis) | {better}")
    for method, changes in adapted.items():
        for budget, change in changes.items():
            print(f"adapted to small draws: {method} at {budget}: {change}")


if __name__ == "__main__":
    run(main)
