"""classify stage: the classical classifiers on hand-crafted and code features, for every draw: the prediction table."""
from pathlib import Path

import pandas as pd

from fewlabels.io import atomic_path, read_pickle
from fewlabels.methods.classical import FAMILIES, aligned_features, classify
from fewlabels.params import load_params
from fewlabels.stages import run

FEATURES = Path("data/features")
SUFFIXES = {"handcrafted": "hlf", "code": "cf"}
DRAWS = Path("data/draws.csv")
PREDICTIONS = Path("data/predictions/classify.parquet")


def load_split(name: str):
    pickles = {family: read_pickle(FEATURES / f"{name}_{SUFFIXES[family]}.pkl") for family in FAMILIES}
    return aligned_features(pickles), pickles["handcrafted"]["classes"]


def main() -> None:
    params = load_params().classify
    train, classes = load_split("labelled")
    test, _ = load_split("test")
    draws = pd.read_csv(DRAWS, dtype={"utterance": str})
    table = classify(train, test, draws, params.classifiers, params.unit, classes, params.seed)
    with atomic_path(PREDICTIONS) as tmp:
        table.to_parquet(tmp, index=False)
    print(f"{len(table)} predictions: {table['method'].nunique()} methods x {len(draws.groupby(['axis', 'budget', 'repeat']))} "
          f"draws x {table['utterance'].nunique()} test {params.unit}s")
    adapted = table[table["adapted"] != ""].drop_duplicates(["method", "axis", "budget", "repeat"])
    for (method, axis, budget, change), rows in adapted.groupby(["method", "axis", "budget", "adapted"]):
        if method.startswith(FAMILIES[0]):
            print(f"adapted to a small draw: {method.split('/')[1]} at {axis} {budget:g}: {change} in {len(rows)} draws")


if __name__ == "__main__":
    run(main)
