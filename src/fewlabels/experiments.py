"""Reading DVC experiments and commits of the study: which experiments a commit has, and their outputs, through
``dvc.api`` (from the DVC cache or remote: nothing is copied by hand). Shared by the commands that compare or
pool runs of the study: ``fewlabels.replicates``, ``fewlabels.paired_experiments``, ``fewlabels.folds``."""
import io
import json
from collections.abc import Callable
from pathlib import Path

import dvc.api
import pandas as pd

from fewlabels import paths
from fewlabels.compare.report import interval, p_text, sides
from fewlabels.errors import FewlabelsError

COSTS = {"autoencoder": ("objective", "epochs_run", "best_epoch", "training_s", "encoder_params"),
         "finetune": ("seconds_total", "epochs_mean"), "end_to_end": ("seconds_total", "epochs_mean")}


def revisions(names: list[str], baseline: str = "HEAD", columns: tuple[str, ...] = (),
              command: str = "replicates") -> dict[str, dict]:
    """Name -> its commit (``rev``) and the params ``columns`` (e.g. ``split.seed``), for the ``baseline`` commit
    and its experiments ``names`` (all its finished experiments if none); the commit, not the name, identifies an
    experiment whose name other baselines reuse. A :class:`FewlabelsError` (prefixed ``command``) for a name
    the baseline lacks."""
    found = {}
    for row in dvc.api.exp_show(revs=baseline):
        if row["rev"] == "workspace" or row.get("State") in ("Queued", "Running", "Failed"):
            continue
        name = baseline if row.get("typ") == "baseline" else row.get("Experiment")
        if name == baseline or (name and (not names or name in names)):
            found[name] = {"rev": row["rev"], **{column: row.get(column) for column in columns}}
    missing = sorted(set(names) - set(found))
    if missing:
        raise FewlabelsError(f"{command}: no experiment {', '.join(missing)} of {baseline}; `dvc exp show "
                             "--all-commits` lists every experiment with the commit it branched from: pass that "
                             "commit as --baseline")
    order = [baseline, *(names or sorted(set(found) - {baseline}))]
    return {name: found[name] for name in order}


def read_output(revision: str, path: Path) -> bytes | None:
    """The bytes of a git- or DVC-tracked ``path`` at ``revision``; None where it has none."""
    fs = dvc.api.DVCFileSystem(".", rev=revision)
    try:
        return fs.read_bytes(str(path)) if fs.exists(str(path)) else None
    finally:
        fs.close()  # releases git's pack files now, not noisily at interpreter exit


def read_tables(revision: str) -> pd.DataFrame:
    """Every prediction table of ``revision`` (a commit, HEAD or an experiment's), concatenated."""
    fs = dvc.api.DVCFileSystem(".", rev=revision)
    try:
        frames = []
        for path in sorted(fs.glob(f"{paths.PREDICTIONS}/*.parquet")):
            with fs.open(path, mode="rb") as f:
                frames.append(pd.read_parquet(io.BytesIO(f.read())))
    finally:
        fs.close()
    if not frames:
        raise FewlabelsError(f"{revision} has no prediction tables under {paths.PREDICTIONS}/: run the study there")
    return pd.concat(frames, ignore_index=True)


def costs(revision: str) -> dict[str, dict]:
    """What the revision's encoder and networks cost to train (``COSTS``), from its metrics files."""
    found = {}
    for stage, keys in COSTS.items():
        raw = read_output(revision, paths.metrics(stage))
        if raw is not None:
            metrics = json.loads(raw)
            found[stage] = ({key: metrics[key] for key in keys if key in metrics} if stage == "autoencoder" else
                            {method: {key: entry[key] for key in keys if key in entry}
                             for method, entry in metrics.get("methods", {}).items()})
    return found


def write_report(report: dict, output: Path | None, page: Path | None, render: Callable[[dict], str]) -> None:
    """Write ``report`` as JSON to ``output`` and ``render(report)`` (markdown) to ``page``, where given."""
    if output:
        output.write_text(json.dumps(report, indent=2) + "\n")
    if page:
        page.write_text(render(report))


def comparison_line(key: str, entry: dict, width: int) -> str:
    """``code/SVM vs handcrafted/SVM | −0.176 [−0.229, −0.124] p_holm < 0.001 worse``, the name right-aligned."""
    name = " vs ".join(sides(key, entry))
    return (f"{name:>{width}} | {interval(entry['aulc_difference'], entry['ci_low'], entry['ci_high'], signed=True)} "
            f"p_holm {p_text(entry['p_holm'])} {entry['decision']}")
