"""The learning-curve tables of ``plots/f1/``: every method's F1 and interval bounds per budget, per classifier."""
import pandas as pd

from fewlabels.compare.results import X_NAMES, AxisResult, curves
from fewlabels.paths import FAMILIES


def axis_curves(results: list[AxisResult], confidence: float) -> dict[str, pd.DataFrame]:
    """Per budget axis, the curves of every method on one table (x, then each method's F1 and bounds); a method
    run on fewer budgets (``finetune``) has empty cells at the others."""
    merged: dict[str, pd.DataFrame] = {}
    for result in results:
        curve, x = curves(result, confidence).round(5), X_NAMES[result.axis]
        found = merged.get(result.axis)
        merged[result.axis] = curve if found is None else found.merge(curve, on=x, how="outer").sort_values(x)
    return merged


PLOTTED_FAMILIES = FAMILIES  # dvc.yaml's plots name them: never missing


def per_classifier(table: pd.DataFrame, methods: list[str]) -> dict[str, pd.DataFrame]:
    """A curves table (x, then every method's F1 and bounds) split per classifier: its ``<family>/<classifier>``
    methods, named by family, and the methods without a classifier (on this axis). A family of
    :data:`PLOTTED_FAMILIES` that did not run (an openSMILE set left out) has empty columns, so that the plots
    dvc.yaml defines on these columns still draw the others."""
    x, plain = table.columns[0], [method for method in methods if "/" not in method]
    names: dict[str, dict[str, str]] = {}
    for method in methods:
        if "/" in method:
            family, classifier = method.split("/", 1)
            names.setdefault(classifier, {family: f"{family}/{classifier}" for family in PLOTTED_FAMILIES})
            names[classifier][family] = method
    tables = {}
    for classifier, own in names.items():
        found = {short: method for short, method in {**own, **{method: method for method in plain}}.items()
                 if method in table or short in PLOTTED_FAMILIES}
        columns = [(short, method, "") for short, method in found.items()]
        columns += [(short, method, end) for short, method in found.items() for end in ("_low", "_high")]
        tables[classifier] = pd.DataFrame({x: table[x], **{
            f"{short}{end}": table[f"{method}{end}"] if method in table else float("nan")
            for short, method, end in columns}})
    return tables
