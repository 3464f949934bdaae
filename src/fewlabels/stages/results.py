"""results stage: render docs/results.md from the metrics compare and the data stages wrote, naming the commit
and the machine it was rendered on."""
import csv
import json
import os
import platform
import subprocess
from pathlib import Path

from fewlabels.compare.report import Inputs, Provenance, page
from fewlabels.errors import FewlabelsError
from fewlabels.io import atomic_path
from fewlabels.params import load_params
from fewlabels.stages import run

PAGE = Path("docs/results.md")
F1 = Path("metrics/f1.json")
OTHER_METRICS = {"corpus": Path("metrics/corpus.json"), "split": Path("metrics/split.json"),
                 "data": Path("metrics/data.json")}
CURVES = Path("plots/f1")
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
    return Inputs(f1=f1, **others, curves=read_curves(root / CURVES),
                  params={"low_budgets": params.low_budgets, "confidence": params.confidence,
                          "bootstrap": params.bootstrap})


def git(*args: str) -> str | None:
    """A git command's output, or None where git fails (no repository, no git)."""
    try:
        return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


def commit() -> str:
    """``git rev-parse --short HEAD``, with ``+ uncommitted changes`` where a tracked file differs from it."""
    head = git("rev-parse", "--short", "HEAD")
    if head is None:
        return "unknown (not a git repository)"
    changed = any(not line.startswith("??") for line in (git("status", "--porcelain") or "").splitlines())
    return head.strip() + (" + uncommitted changes" if changed else "")


def machine() -> str:
    """The CPU model (from /proc/cpuinfo where there is one) and the core count."""
    cpuinfo = Path("/proc/cpuinfo")
    models = [line.split(":", 1)[1].strip() for line in (cpuinfo.read_text().splitlines() if cpuinfo.exists() else [])
              if line.startswith("model name")]
    cpu = models[0] if models else platform.processor() or platform.machine() or "unknown CPU"
    return f"{cpu}, {os.cpu_count()} cores"


def main() -> None:
    text = page(read_inputs(), Provenance(commit(), machine()))
    with atomic_path(PAGE) as tmp:
        tmp.write_text(text)
    print(f"{PAGE}: {len(text.splitlines())} lines")


if __name__ == "__main__":
    run(main)
