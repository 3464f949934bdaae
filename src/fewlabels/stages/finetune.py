"""finetune stage: the pretrained encoder with a softmax head (``finetune``) and the same network from random
weights (``scratch``), trained on every draw of ``finetune.budgets``: the prediction table, run logs and costs."""
from pathlib import Path

import keras
import numpy as np
import pandas as pd
from dvclive import Live
from tqdm import tqdm

import fewlabels.autoencoder.codes  # noqa: F401  (registers the encoder's custom layers for load_model)
from fewlabels.errors import FewlabelsError
from fewlabels.io import atomic_path, read_pickle, write_json
from fewlabels.methods.finetune import METHODS, Spectrograms, enable_determinism, run_draw
from fewlabels.methods.scoring import unit_table
from fewlabels.params import FinetuneParams, load_params
from fewlabels.stages import run

SPECTROGRAMS = Path("data/spectrograms")
ENCODER = Path("models/encoder.keras")
DRAWS = Path("data/draws.csv")
PREDICTIONS = Path("data/predictions/finetune.parquet")
METRICS = Path("metrics/finetune.json")
LOGS = Path("plots/finetune")


def selected_draws(draws: pd.DataFrame, params: FinetuneParams) -> pd.DataFrame:
    """The rows of ``draws`` on ``params.budgets`` and its first ``params.repeats`` repeats; an error naming the
    budgets the draws stage did not draw (e.g. a count above the biggest class)."""
    keep = np.zeros(len(draws), dtype=bool)
    for axis, budgets in params.budgets.items():
        drawn = draws.loc[draws["axis"] == axis, "budget"].unique()
        missing = [budget for budget in budgets if not np.isclose(drawn, budget).any()]
        if missing:
            raise FewlabelsError(f"params.yaml: finetune.budgets.{axis} {', '.join(f'{b:g}' for b in missing)} "
                                 f"was not drawn (this corpus' {axis} budgets: "
                                 f"{', '.join(f'{b:g}' for b in sorted(drawn))}); pick budgets from those")
        on_grid = (draws["axis"] == axis) & np.isclose(draws["budget"].to_numpy()[:, None], budgets).any(axis=1)
        keep |= on_grid & (draws["repeat"] < params.repeats)
    return draws[keep]


def log_runs(runs: list, live: Live) -> None:
    """Each run's per-epoch losses as a DVCLive plot ``<method>/<axis>_<budget>/repeat_<r>/{loss,val_loss}``."""
    for item in runs:
        name = f"{item.method}/{item.axis}_{item.budget:g}/repeat_{item.repeat}"
        for key, values in item.history.items():
            for epoch, value in enumerate(values):
                live.step = epoch
                live.log_metric(f"{name}/{key}", value, timestamp=False)


def costs(runs: list) -> dict:
    """Per method: runs, mean and total seconds per run, mean epochs, and how many stopped on a validation slice."""
    table = pd.DataFrame([{"method": r.method, "seconds": r.seconds, "epochs": r.epochs, "early": r.stopping == "early"}
                          for r in runs])
    return {method: {"runs": len(rows), "seconds_per_run": round(rows["seconds"].mean(), 2),
                     "seconds_total": round(rows["seconds"].sum(), 1), "epochs_mean": round(rows["epochs"].mean(), 1),
                     "early_stopped_runs": int(rows["early"].sum())}
            for method, rows in table.groupby("method", sort=False)}


def main() -> None:
    params = load_params()
    finetune = params.finetune
    enable_determinism()
    encoder = keras.models.load_model(ENCODER)
    labelled = read_pickle(SPECTROGRAMS / "labelled.pkl")
    classes = labelled["classes"]
    train = Spectrograms.from_pickle(labelled)
    test = Spectrograms.from_pickle(read_pickle(SPECTROGRAMS / "test.pkl"))
    units = unit_table(test.utterance, test.chunk, test.speaker, test.y, params.classify.unit)
    draws = selected_draws(pd.read_csv(DRAWS, dtype={"utterance": str}), finetune)
    groups = list(draws.groupby(["axis", "budget", "repeat"], sort=False))
    frames, runs = [], []
    with Live(dir=str(LOGS), save_dvc_exp=False, dvcyaml=None) as live:
        for (axis, budget, repeat), rows in tqdm(groups, desc="finetune", unit="draw"):
            table, done = run_draw(encoder, train, test, units, rows["utterance"].to_numpy(), str(axis), float(budget),
                                   int(repeat), finetune, params.classify.unit, classes)
            frames.append(table)
            runs.extend(done)
        log_runs(runs, live)
    table = pd.concat(frames, ignore_index=True)
    with atomic_path(PREDICTIONS) as tmp:
        table.to_parquet(tmp, index=False)
    summary = {"draws": len(groups), "freeze_encoder": finetune.freeze_encoder, "methods": costs(runs)}
    write_json(METRICS, summary)
    for method, cost in summary["methods"].items():
        print(f"{method:>9}: {cost['runs']} runs, {cost['seconds_per_run']:.1f} s per run, "
              f"{cost['epochs_mean']:.1f} epochs on average, {cost['early_stopped_runs']} stopped early")
    print(f"{len(table)} predictions: {len(METHODS)} methods x {len(groups)} draws x {len(units)} test units")


if __name__ == "__main__":
    run(main)
