"""Every method's learning curve and AULC with intervals, and every method against its reference, from the
prediction tables: what ``metrics/f1.json`` and ``plots/f1/`` hold.

The unit of replication is the test speaker: intervals come from a cluster bootstrap over test speakers and
the spread of the label draws (:mod:`fewlabels.compare.intervals`). A method ``<family>/<classifier>`` is
compared with ``handcrafted/<classifier>`` (pyAudioAnalysis) and, if its family is learned (``code``), with each
openSMILE set with the same classifier (``egemaps/<classifier>``); a method without a classifier (``finetune``,
...) with ``compare.reference``. Two families of tests, each test counted once: the AULC-level comparisons (the
headline claims), decided from Holm-adjusted p-values, and the per-budget ones, decided from their unadjusted
intervals (their Holm-adjusted p-values are given beside them). Comparisons with too few test speakers or
draws are not decided and join neither family (:mod:`fewlabels.compare.decisions`).
"""
from dataclasses import dataclass

import numpy as np
import pandas as pd

from fewlabels import paths
from fewlabels.compare.confusion import confusion_counts
from fewlabels.compare.decisions import (DECISIONS, MIN_DRAWS, MIN_TEST_SPEAKERS, PairedComparison, crossover, holm,
                                         holm_decide, paired_comparison)
from fewlabels.compare.intervals import estimate
from fewlabels.compare.params import CompareParams
from fewlabels.compare.statistics import aulc_weights, bootstrap_f1, low_budget_count, point_f1
from fewlabels.errors import FewlabelsError

UNIT_OF_REPLICATION = "test speaker (cluster bootstrap over test speakers, with the spread of the label draws)"
REFERENCE_FAMILY = "handcrafted"
HANDCRAFTED_FAMILIES = (REFERENCE_FAMILY, *paths.OPENSMILE_SETS)
X_NAMES = {"fraction": "fraction", "count": "per_class"}  # the budget column of each axis's curves


@dataclass(frozen=True)
class AxisResult:
    """One budget axis: every draw's F1 per method and budget, its resamples over test speakers, and the axis
    values the AULC integrates over."""

    axis: str
    methods: list[str]
    budgets: np.ndarray  # (budgets,)
    point: np.ndarray  # (methods, budgets, repeats)
    resampled: np.ndarray  # (resamples, methods, budgets, repeats)
    native: list[str]  # the methods whose own draws these are; the others are references restricted to them
    speakers: int  # test speakers

    @property
    def x(self) -> np.ndarray:
        """The fractions, or log2 of the per-class counts: each doubling of the labels weighs the same."""
        return self.budgets if self.axis == "fraction" else np.log2(self.budgets)

    def areas(self, low_budgets: int) -> dict[str, np.ndarray]:
        """The weights (1, budgets) of the AULC and of the low-budget AULC over the ``low_budgets`` smallest
        budgets (:func:`fewlabels.compare.statistics.low_budget_count`)."""
        first = low_budget_count(low_budgets, len(self.budgets))
        return {"aulc": aulc_weights(self.x)[None], "low_budget_aulc": aulc_weights(self.x, first)[None]}


def references_of(method: str, methods: list[str], default: str) -> list[str]:
    """The methods ``method`` is compared with, its main reference first: pyAudioAnalysis features with the same
    classifier, then, for a learned family, each other hand-crafted set among ``methods`` with that classifier;
    ``default`` for a method without a classifier; none for pyAudioAnalysis itself."""
    family, _, classifier = method.partition("/")
    if not classifier:
        return [default]
    if family == REFERENCE_FAMILY:
        return []
    others = [] if family in HANDCRAFTED_FAMILIES else HANDCRAFTED_FAMILIES[1:]
    return [f"{REFERENCE_FAMILY}/{classifier}", *(f"{f}/{classifier}" for f in others if f"{f}/{classifier}" in methods)]


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
                                      native, len(confusion.speakers)))
    return results


def curves(result: AxisResult, confidence: float) -> pd.DataFrame:
    """One row per budget: the budget, each native method's F1 (the mean over its draws) and its ``_low`` /
    ``_high`` interval bounds."""
    found = estimate(result.point, result.resampled, np.eye(len(result.budgets)), result.speakers)
    low, high = found.interval(confidence)
    table = pd.DataFrame({X_NAMES[result.axis]: result.budgets})
    shown = [(i, method) for i, method in enumerate(result.methods) if method in result.native]
    for i, method in shown:
        table[method] = found.value[i]
    for i, method in shown:
        table[f"{method}_low"], table[f"{method}_high"] = low[i], high[i]
    return table


def comparison_pairs(results: list[AxisResult], default_reference: str, also: list[str]) -> list[tuple[str, str, str]]:
    """``(key, method, reference)`` of every comparison: each method with its main reference, keyed by the
    method, and with its other references (:func:`references_of`), then each ``"<method> vs <reference>"`` of
    ``also``, keyed by that text; each pair once."""
    methods = list(dict.fromkeys(method for result in results for method in result.native))
    pairs = [(method if i == 0 else f"{method} vs {reference}", method, reference) for method in methods
             for i, reference in enumerate(references_of(method, methods, default_reference))]
    for text in also:
        method, reference = (side.strip() for side in text.split(" vs "))
        for name in (method, reference):
            if name not in methods:
                raise FewlabelsError(f"params.yaml: compare.also_compare {text!r}: no method {name} in the prediction "
                                     f"tables (they hold {', '.join(methods)})")
        if (method, reference) not in {(m, r) for _, m, r in pairs}:
            pairs.append((text, method, reference))
    return pairs


def comparison_metrics(results: list[AxisResult], confidence: float, low_budgets: int, default_reference: str,
                       also: list[str] = ()) -> dict:
    """``metrics/f1.json``: per method the AULC (and its interval) on each axis, the low-budget AULC, F1 with
    all labels and its draws per budget; per comparison the AULC differences, per-budget differences, decisions
    and crossovers; and the rules the decisions follow (``decisions``). ``aulc`` is the fraction axis' where a
    method has one, else the per-class axis' (``aulc_axis`` says which). Where the low-budget AULC covers every
    budget of an axis it is the AULC itself: the same entry, tested once."""
    methods: dict[str, dict] = {}
    comparisons: dict[str, dict] = {}
    families: dict[str, list] = {"aulc_level": [], "per_budget": []}  # (entry, comparison, index) of every test
    pairs = comparison_pairs(results, default_reference, list(also))
    for result in results:
        suffix = "" if result.axis == "fraction" else f"_{X_NAMES[result.axis]}"
        areas = result.areas(low_budgets)
        whole = np.array_equal(*areas.values())
        for name, weights in areas.items():
            found = estimate(result.point, result.resampled, weights, result.speakers)
            low, high = found.interval(confidence)
            for i, method in enumerate(result.methods):
                if method in result.native:
                    methods.setdefault(method, {}).update({
                        f"{name}{suffix}": _round(found.value[i, 0]), f"{name}{suffix}_low": _round(low[i, 0]),
                        f"{name}{suffix}_high": _round(high[i, 0])})
        for i, method in enumerate(result.methods):
            if method in result.native:
                methods[method].update({f"f1_all{suffix}": _round(result.point[i, -1].mean()),
                                        "draws": result.point.shape[-1]})
        for key, method, reference in pairs:
            if method not in result.native:
                continue
            if reference not in result.methods:
                raise FewlabelsError(f"compare: {method} has no reference {reference} on its {result.axis} draws; "
                                     f"set compare.reference to one of {', '.join(result.methods)}")
            i, j = result.methods.index(method), result.methods.index(reference)
            entry = comparisons.setdefault(key, {"reference": reference})

            def paired(weights: np.ndarray) -> PairedComparison:
                return paired_comparison(result.point[i], result.point[j], result.resampled[:, i],
                                         result.resampled[:, j], weights, result.speakers, confidence)

            entry[f"aulc{suffix}"] = _test(families["aulc_level"], paired(areas["aulc"]))
            entry[f"low_budget_aulc{suffix}"] = (entry[f"aulc{suffix}"] if whole else
                                                 _test(families["aulc_level"], paired(areas["low_budget_aulc"])))
            found = paired(np.eye(len(result.budgets)))
            rows = [_test(families["per_budget"], found, b, axis=result.axis, budget=float(budget))
                    for b, budget in enumerate(result.budgets)]
            entry.setdefault("per_budget", []).extend(rows)
            entry[f"better_up_to{suffix or '_fraction'}"] = crossover(found.decision, result.budgets)
    alpha = 1 - confidence
    for name, family in families.items():
        decided = [(item, found, index) for item, found, index in family if item["decision"] in DECISIONS]
        adjusted = holm([found.p_value[index] for _, found, index in decided]) if decided else []
        for (item, found, index), p_holm in zip(decided, adjusted):
            item["p_holm"] = _round_p(p_holm)
            if name == "aulc_level":
                item["decision"] = str(holm_decide(found.difference[index], p_holm, alpha))
    for entry in methods.values():  # a method without the fraction axis has its per-class AULC as headline
        entry["aulc_axis"] = "fraction" if "aulc" in entry else "count"
        for end in ("", "_low", "_high"):
            entry.setdefault(f"aulc{end}", entry.get(f"aulc_per_class{end}"))
    for entry in comparisons.values():  # the AULC comparison on the headline axis is the comparison's headline
        entry["aulc_axis"] = "fraction" if "aulc" in entry else "count"
        headline_entry = dict(entry.pop("aulc", None) or entry["aulc_per_class"])
        entry.update({"aulc_difference": headline_entry.pop("difference"), **headline_entry})
    tests = {name: sum(item["p_holm"] is not None for item, _, _ in family) for name, family in families.items()}
    rules = {"aulc_level": "holm", "aulc_level_tests": tests["aulc_level"], "per_budget": "unadjusted",
             "per_budget_tests": tests["per_budget"], "alpha": _round(alpha), "min_test_speakers": MIN_TEST_SPEAKERS,
             "min_draws": MIN_DRAWS}
    return {"methods": methods, "comparisons": comparisons, "decisions": rules}


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


def _test(family: list, found: PairedComparison, index: int = 0, **where) -> dict:
    """The metrics entry of the ``index``-th statistic of ``found`` (after ``where``: axis, budget), added to
    ``family`` (its Holm family): ``p_holm`` stays None unless the comparison is decided."""
    item = {**where, "difference": _round(found.difference[index]), "ci_low": _round(found.ci_low[index]),
            "ci_high": _round(found.ci_high[index]), "p_value": _round_p(found.p_value[index]),
            "effect_size": _round(found.effect_size[index]), "decision": str(found.decision[index]), "p_holm": None}
    family.append((item, found, index))
    return item


def _round(value) -> float | None:
    value = float(value)
    return None if np.isnan(value) else round(value, 5)


def _round_p(value) -> float:
    """A p-value to 3 significant digits: small ones stay distinguishable from 0."""
    return float(f"{float(value):.3g}")
