"""The learning-curve tables of ``plots/f1/``: every method's F1 and interval bounds per budget, per classifier."""
import pandas as pd

from fewlabels.compare.results import X_NAMES, AxisResult, curves


def axis_curves(results: list[AxisResult], confidence: float) -> dict[str, pd.DataFrame]:
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
