"""A network stage over its draws (``finetune``, ``end_to_end``): the draws of its budget grid, one network per
method and draw, DVCLive logs of every run, the cost summary and the stage's outputs."""
from pathlib import Path
from typing import Callable

import keras
import numpy as np
import pandas as pd
from dvclive import Live
from tqdm import tqdm

from fewlabels import paths
from fewlabels.compare.draws import check_network_grids, network_budgets
from fewlabels.errors import FewlabelsError
from fewlabels.io import atomic_path, read_pickle, write_json
from fewlabels.methods.params import DrawTrainingParams
from fewlabels.methods.scoring import unit_table
from fewlabels.methods.training import Draw, Run, Spectrograms, draw_rows, train_and_predict


def read_inputs() -> tuple[Spectrograms, Spectrograms, list[str], pd.DataFrame]:
    """The labelled and test chunks, the class names and every draw (axis, budget, repeat, utterance)."""
    labelled = read_pickle(paths.spectrograms("labelled"))
    return (Spectrograms.from_pickle(labelled), Spectrograms.from_pickle(read_pickle(paths.spectrograms("test"))),
            list(labelled["classes"]), pd.read_csv(paths.DRAWS, dtype={"utterance": str}))


def selected_draws(draws: pd.DataFrame, params: DrawTrainingParams, stage: str) -> tuple[pd.DataFrame, dict]:
    """The rows of ``draws`` on ``params.budgets`` and its first ``params.repeats`` repeats, and those budgets per
    axis (``auto`` and ``all`` resolved on the drawn grid); an error naming budgets the draws stage did not draw."""
    grids = {axis: np.sort(rows["budget"].unique()) for axis, rows in draws.groupby("axis")}
    check_network_grids({stage: params.budgets}, grids, "as the draws stage drew it")
    chosen = {axis: network_budgets(spec, grids[axis]) for axis, spec in params.budgets.items()}
    keep = np.zeros(len(draws), dtype=bool)
    for axis, budgets in chosen.items():
        on_grid = (draws["axis"] == axis) & np.isclose(draws["budget"].to_numpy()[:, None], budgets).any(axis=1)
        keep |= on_grid & (draws["repeat"] < params.repeats)
    return draws[keep], chosen


def train_on_draws(builders: dict[str, Callable[[], keras.Model]], train: Spectrograms, test: Spectrograms,
                   draws: pd.DataFrame, params: DrawTrainingParams, stage: str, unit: str,
                   classes: list[str]) -> tuple[pd.DataFrame, list[Run], dict]:
    """For every draw of ``params``' grid (rows of ``data/draws.csv``) and every method (name -> a function that
    builds its untrained model), train on the draw's chunks and predict the test units. Returns the prediction
    table (the common columns), the runs and the budgets per axis."""
    units = unit_table(test.utterance, test.chunk, test.speaker, test.y, unit)
    selected, budgets = selected_draws(draws, params, stage)
    groups = list(selected.groupby(["axis", "budget", "repeat"], sort=False))
    frames, runs = [], []
    for (axis, budget, repeat), drawn in tqdm(groups, desc=stage, unit="draw"):
        draw = Draw(drawn["utterance"].to_numpy(), str(axis), float(budget), int(repeat))
        rows = draw_rows(train, draw, params, stage)
        for method, build in builders.items():
            table, done = train_and_predict(build, method, train, test, units, draw, rows, params, stage, unit, classes)
            frames.append(table)
            runs.append(done)
    return pd.concat(frames, ignore_index=True), runs, budgets


def costs(runs: list[Run]) -> dict:
    """Per method: runs, mean and total seconds per run, mean epochs, and how many stopped on a validation slice."""
    table = pd.DataFrame([{"method": r.method, "seconds": r.seconds, "epochs": r.epochs, "early": r.stopping == "early"}
                          for r in runs])
    return {method: {"runs": len(rows), "seconds_per_run": round(rows["seconds"].mean(), 2),
                     "seconds_total": round(rows["seconds"].sum(), 1), "epochs_mean": round(rows["epochs"].mean(), 1),
                     "early_stopped_runs": int(rows["early"].sum())}
            for method, rows in table.groupby("method", sort=False)}


def log_runs(runs: list[Run], logs: Path) -> None:
    """Each run's per-epoch losses as a DVCLive plot ``<method>/<axis>_<budget>/repeat_<r>/{loss,val_loss}``
    under ``logs``."""
    with Live(dir=str(logs), save_dvc_exp=False, dvcyaml=None) as live:
        for item in runs:
            name = f"{item.method}/{item.axis}_{item.budget:g}/repeat_{item.repeat}"
            for key, values in item.history.items():
                for epoch, value in enumerate(values):
                    live.step = epoch
                    live.log_metric(f"{name}/{key}", value, timestamp=False)


def write_outputs(table: pd.DataFrame, runs: list[Run], predictions: Path, metrics: Path, logs: Path,
                  summary: dict) -> None:
    """The prediction table (parquet), the run logs, and ``summary`` with the costs per method as JSON; prints the
    costs."""
    with atomic_path(predictions) as tmp:
        table.to_parquet(tmp, index=False)
    log_runs(runs, logs)
    summary = {"draws": len({(r.axis, r.budget, r.repeat) for r in runs}), **summary, "methods": costs(runs)}
    write_json(metrics, summary)
    for method, cost in summary["methods"].items():
        print(f"{method:>9}: {cost['runs']} runs, {cost['seconds_per_run']:.1f} s per run, "
              f"{cost['epochs_mean']:.1f} epochs on average, {cost['early_stopped_runs']} stopped early")
    print(f"{len(table)} predictions: {len(summary['methods'])} methods x {summary['draws']} draws")
