"""results stage: render docs/results.md from the metrics compare and the data stages wrote, naming the commit
and the machine it was rendered on."""
import csv
import json
from pathlib import Path

from fewlabels import paths
from fewlabels.compare.report import Inputs, Provenance, page
from fewlabels.errors import FewlabelsError, run
from fewlabels.io import atomic_path
from fewlabels.params import load_params
from fewlabels.provenance import commit, machine

F1 = paths.metrics("f1")
OTHER_METRICS = {name: paths.metrics(name) for name in ("corpus", "split", "data")}
CURVE_SUFFIX = "_per_class.csv"


def read_json(path: Path) -> dict | None:
    """A metrics file, or None where it is missing."""
    return json.loads(path.read_text()) if path.exists() else None


def read_curves(directory: Path) -> dict[str, list[dict]]:
    """Per classifier, the rows of ``<classifier>_per_class.csv``: numbers, None for an empty cell."""
    return {path.name.removesuffix(CURVE_SUFFIX): [{key: float(value) if value else None for key, value in row.items()}
                                                   for row in csv.DictReader(path.open())]
            for path in sorted(directory.glob(f"*{CURVE_SUFFIX}"))}


def read_inputs(root: Path = Path(".")) -> Inputs:
    """Everything the page is rendered from, under ``root``; compare's params where the metrics lack them."""
    params = load_params(root / "params.yaml").compare
    f1 = read_json(root / F1)
    if f1 is None:
        raise FewlabelsError(f"{F1}: missing; run the compare stage first (dvc repro compare)")
    others = {name: read_json(root / path) for name, path in OTHER_METRICS.items()}
    return Inputs(f1=f1, **others, curves=read_curves(root / paths.F1_CURVES),
                  params={"low_budgets": params.low_budgets, "confidence": params.confidence,
                          "bootstrap": params.bootstrap})


def main() -> None:
    text = page(read_inputs(), Provenance(commit(), machine()))
    with atomic_path(paths.RESULTS_PAGE) as tmp:
        tmp.write_text(text)
    print(f"{paths.RESULTS_PAGE}: {len(text.splitlines())} lines")


if __name__ == "__main__":
    run(main)
