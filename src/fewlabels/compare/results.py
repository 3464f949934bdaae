"""Every method's learning curve and AULC with intervals, and every method against its reference, from the
prediction tables: what ``metrics/f1.json`` and ``plots/f1/`` hold.

The unit of replication is the test speaker: intervals come from a cluster bootstrap over test
speakers jointly with the label draws (:mod:`fewlabels.compare.statistics`). A method
``<family>/<classifier>`` is compared with ``handcrafted/<classifier>``; a method without a
classifier (``finetune``, ...) with ``compare.reference``. P-values are Holm-corrected in two
families: the AULC-level comparisons (the headline claims) and the per-budget ones.
"""
from dataclasses import dataclass

import numpy as np
import pandas as pd

from fewlabels.compare.confusion import confusion_counts
from fewlabels.compare.params import CompareParams
from fewlabels.compare.statistics import (aulc, bootstrap_f1, crossover, holm, low_budget_count, paired_comparison,
                                          point_f1)
from fewlabels.errors import FewlabelsError

REFERENCE_FAMILY = "handcrafted"
X_NAMES = {"fraction": "fraction", "count": "per_class"}  # the budget column of each axis's curves


@dataclass(frozen=True)
class AxisResult:
    """One budget axis: F1 per method and budget, its resamples, and the axis values the AULC integrates over."""

    axis: str
    methods: list[str]
    budgets: np.ndarray  # (budgets,)
    point: np.ndarray  # (methods, budgets)
    resampled: np.ndarray  # (resamples, methods, budgets)
    native: list[str]  # the methods whose own draws these are; the others are references restricted to them

    @property
    def x(self) -> np.ndarray:
        """The fractions, or log2 of the per-class counts: each doubling of the labels weighs the same."""
        return self.budgets if self.axis == "fraction" else np.log2(self.budgets)


def reference_of(method: str, default: str) -> str | None:
    """The method ``method`` is compared with: hand-crafted features with the same classifier, ``default``
    for a method without a classifier; None for a reference itself."""
    family, _, classifier = method.partition("/")
    if family == REFERENCE_FAMILY:
        return None
    return f"{REFERENCE_FAMILY}/{classifier}" if classifier else default


def draw_grids(rows: pd.DataFrame) -> dict[str, frozenset]:
    """Per method, the (budget, repeat) draws it has predictions for."""
    draws = rows.drop_duplicates(["method", "budget", "repeat"])
    return {method: frozenset(zip(group["budget"], group["repeat"])) for method, group in draws.groupby("method", sort=False)}


def axis_results(table: pd.DataFrame, n_classes: int, resamples: int, seed: int) -> list[AxisResult]:
    """Point and bootstrap F1 on each budget axis of the prediction ``table``, one result per set of draws: the
    methods that ran exactly those draws, plus every method that ran all of them (restricted to them), so that
    a method on a coarser grid (``finetune``) is compared on its own draws."""
    results = []
    for axis, rows in table.groupby("axis", sort=False):
        grids = draw_grids(rows)
        for grid in dict.fromkeys(grids.values()):
            native = [method for method, own in grids.items() if own == grid]
            covering = [method for method, own in grids.items() if own == grid or own > grid]
            budgets, repeats = (np.array(values) for values in zip(*grid))
            drawn = pd.MultiIndex.from_arrays([budgets, repeats])
            keep = rows["method"].isin(covering) & pd.MultiIndex.from_frame(rows[["budget", "repeat"]]).isin(drawn)
            confusion = confusion_counts(rows[keep], n_classes)
            results.append(AxisResult(str(axis), confusion.methods, confusion.budgets.astype(float),
                                      point_f1(confusion.counts), bootstrap_f1(confusion.counts, resamples, seed),
                                      native))
    return results


def interval(values: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval over the first axis (resamples)."""
    return tuple(np.quantile(values, [(1 - confidence) / 2, (1 + confidence) / 2], axis=0))


def curves(result: AxisResult, confidence: float) -> pd.DataFrame:
    """One row per budget: the budget, each native method's F1 and its ``_low`` / ``_high`` interval bounds."""
    low, high = interval(result.resampled, confidence)
    table = pd.DataFrame({X_NAMES[result.axis]: result.budgets})
    shown = [(i, method) for i, method in enumerate(result.methods) if method in result.native]
    for i, method in shown:
        table[method] = result.point[i]
    for i, method in shown:
        table[f"{method}_low"], table[f"{method}_high"] = low[i], high[i]
    return table


def comparison_pairs(results: list[AxisResult], default_reference: str, also: list[str]) -> list[tuple[str, str, str]]:
    """``(key, method, reference)`` of every comparison: each method with its reference, keyed by the method,
    then each ``"<method> vs <reference>"`` of ``also``, keyed by that text."""
    methods = list(dict.fromkeys(method for result in results for method in result.native))
    pairs = [(method, method, reference) for method in methods
             if (reference := reference_of(method, default_reference)) is not None]
    for text in also:
        method, reference = (side.strip() for side in text.split(" vs "))
        for name in (method, reference):
            if name not in methods:
                raise FewlabelsError(f"params.yaml: compare.also_compare {text!r}: no method {name} in the prediction "
                                     f"tables (they hold {', '.join(methods)})")
        pairs.append((text, method, reference))
    return pairs


def comparison_metrics(results: list[AxisResult], confidence: float, low_budgets: int, default_reference: str,
                       also: list[str] = ()) -> dict:
    """``metrics/f1.json``: per method the AULC (and its interval) on each axis, the low-budget AULC and F1 with
    all labels; per comparison the AULC differences, per-budget differences, decisions and crossovers.
    ``aulc`` is the fraction axis' where a method has one, else the per-class axis' (``aulc_axis`` says which)."""
    methods: dict[str, dict] = {}
    comparisons: dict[str, dict] = {}
    headline, per_budget = [], []  # (entry, key) of every p-value, in the two Holm families
    pairs = comparison_pairs(results, default_reference, list(also))
    for result in results:
        suffix = "" if result.axis == "fraction" else f"_{X_NAMES[result.axis]}"
        first = low_budget_count(low_budgets, len(result.budgets))
        areas = {"aulc": (aulc(result.point, result.x), aulc(result.resampled, result.x)),
                 "low_budget_aulc": (aulc(result.point, result.x, first), aulc(result.resampled, result.x, first))}
        for i, method in enumerate(result.methods):
            if method not in result.native:
                continue
            entry = methods.setdefault(method, {})
            for name, (point, resampled) in areas.items():
                low, high = interval(resampled[:, i], confidence)
                entry.update({f"{name}{suffix}": _round(point[i]), f"{name}{suffix}_low": _round(low),
                              f"{name}{suffix}_high": _round(high)})
            entry[f"f1_all{suffix}"] = _round(result.point[i, -1])
        for key, method, reference in pairs:
            if method not in result.native:
                continue
            if reference not in result.methods:
                raise FewlabelsError(f"compare: {method} has no reference {reference} on its {result.axis} draws; "
                                     f"set compare.reference to one of {', '.join(result.methods)}")
            i, j = result.methods.index(method), result.methods.index(reference)
            entry = comparisons.setdefault(key, {"reference": reference})
            for name, (point, resampled) in areas.items():
                found = paired_comparison(resampled[:, i], resampled[:, j], point[i], point[j], confidence)
                entry[f"{name}{suffix}"] = _comparison(found)
                headline.append(entry[f"{name}{suffix}"])
            found = paired_comparison(result.resampled[:, i], result.resampled[:, j], result.point[i], result.point[j],
                                      confidence)
            rows = [{"axis": result.axis, "budget": float(budget), **_comparison(found, b)}
                    for b, budget in enumerate(result.budgets)]
            entry.setdefault("per_budget", []).extend(rows)
            per_budget.extend(rows)
            entry[f"better_up_to{suffix or '_fraction'}"] = crossover(found.decision, result.budgets)
    for family in (headline, per_budget):
        for item, adjusted in zip(family, holm(np.array([item["p_value"] for item in family]))):
            item["p_holm"] = _round(adjusted)
    for entry in methods.values():  # a method without the fraction axis has its per-class AULC as headline
        entry["aulc_axis"] = "fraction" if "aulc" in entry else "count"
        for end in ("", "_low", "_high"):
            entry.setdefault(f"aulc{end}", entry.get(f"aulc_per_class{end}"))
    for entry in comparisons.values():  # the AULC comparison on the headline axis is the comparison's headline
        entry["aulc_axis"] = "fraction" if "aulc" in entry else "count"
        headline_entry = dict(entry.pop("aulc", None) or entry["aulc_per_class"])
        entry.update({"aulc_difference": headline_entry.pop("difference"), **headline_entry})
    return {"methods": methods, "comparisons": comparisons}


def compare_tables(table: pd.DataFrame, params: CompareParams) -> tuple[list[AxisResult], dict]:
    """The bootstrap results of the prediction ``table`` (every method's rows) per axis, and their
    :func:`comparison_metrics` under the ``compare`` params."""
    n_classes = sum(column.startswith("p_") for column in table.columns)
    results = axis_results(table, n_classes, params.bootstrap, params.seed)
    return results, comparison_metrics(results, params.confidence, params.low_budgets, params.reference,
                                       params.also_compare)


def adaptations(table: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Per method, the params adapted to small draws or chosen by a search, per budget: "count 1" ->
    "n_neighbors=3 in 5 of 5 draws", "fraction 1" -> "C=1.0 in 3 of 5 draws; C=10.0 in 2 of 5 draws"; and, for a
    method trained on fewer draws than others (the networks), "budgets" -> "count 1, 4, 14 of 1, 2, 4, 8, 14;
    3 of 5 repeats"."""
    draws = table.drop_duplicates(["method", "axis", "budget", "repeat"])
    totals = draws.groupby(["method", "axis", "budget"]).size()
    found = draws[draws["adapted"].fillna("") != ""] if "adapted" in draws else draws.iloc[:0]
    adapted = {method: {f"{axis} {budget:g}": "; ".join(
                            f"{change} in {count} of {totals[(method, axis, budget)]} draws"
                            for change, count in group["adapted"].value_counts(sort=False).sort_index().items())
                        for (axis, budget), group in rows.groupby(["axis", "budget"])}
               for method, rows in found.groupby("method")}
    for method, fewer in fewer_draws(draws).items():
        adapted.setdefault(method, {})["budgets"] = fewer
    return adapted


def fewer_draws(draws: pd.DataFrame) -> dict[str, str]:
    """Per method that ran fewer budgets or repeats than the most any method ran (rows: one per method, axis,
    budget and repeat), which: "count 1, 4, 14 of 1, 2, 4, 8, 14; 3 of 5 repeats"."""
    def listed(values) -> str:
        return ", ".join(f"{value:g}" for value in sorted(values))
    grids = {axis: set(rows["budget"]) for axis, rows in draws.groupby("axis")}
    repeats = draws["repeat"].nunique()
    fewer = {}
    for method, rows in draws.groupby("method", sort=False):
        own = {axis: set(group["budget"]) for axis, group in rows.groupby("axis")}
        parts = [f"{axis} {listed(own.get(axis, ()))} of {listed(grid)}" if own.get(axis) else f"no {axis} axis"
                 for axis, grid in grids.items() if own.get(axis) != grid]
        if rows["repeat"].nunique() < repeats:
            parts.append(f"{rows['repeat'].nunique()} of {repeats} repeats")
        if parts:
            fewer[method] = "; ".join(parts)
    return fewer


def _comparison(found, index=()) -> dict:
    return {"difference": _round(found.difference[index]), "ci_low": _round(found.ci_low[index]),
            "ci_high": _round(found.ci_high[index]), "p_value": _round(found.p_value[index]),
            "effect_size": _round(found.effect_size[index]), "decision": str(found.decision[index])}


def _round(value) -> float | None:
    value = float(value)
    return None if np.isnan(value) else round(value, 5)
