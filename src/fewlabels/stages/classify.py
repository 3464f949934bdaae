"""classify stage: the classical classifiers on every feature family (pyAudioAnalysis, code, the openSMILE sets of
data/features/opensmile/, the embeddings of data/features/embeddings/), for every draw: the prediction table."""

import pandas as pd

from fewlabels import paths
from fewlabels.compare.results import REFERENCE_FAMILY
from fewlabels.compute import work_on
from fewlabels.errors import run
from fewlabels.io import atomic_path, read_pickle
from fewlabels.methods.classical import aligned_features, classify
from fewlabels.methods.classifiers import check_classifiers
from fewlabels.methods.search import FALLBACK
from fewlabels.params import load_params

def families() -> list[str]:
    """pyAudioAnalysis and code, then each openSMILE set the opensmile stage wrote and the embeddings if the
    embeddings stage wrote them (:data:`fewlabels.paths.FAMILIES`' order)."""
    return [*paths.FEATURE_FILES, *(name for name in paths.FAMILIES[len(paths.FEATURE_FILES):]
                                    if paths.features("labelled", name).exists())]


def load_split(name: str):
    pickles = {family: read_pickle(paths.features(name, family)) for family in families()}
    return aligned_features(pickles), pickles[REFERENCE_FAMILY]["classes"]


def main() -> None:
    everything = load_params()
    params = everything.classify
    check_classifiers(params.classifiers)
    train, classes = load_split("labelled")
    test, _ = load_split("test")
    draws = pd.read_csv(paths.DRAWS, dtype={"utterance": str})
    with work_on(everything.compute.scheduler):
        table = classify(train, test, draws, params.classifiers, params.unit, classes, params.seed,
                         params.search_folds)
    with atomic_path(paths.predictions("classify")) as tmp:
        table.to_parquet(tmp, index=False)
    print(f"{len(table)} predictions: {table['method'].nunique()} methods x {len(draws.groupby(['axis', 'budget', 'repeat']))} "
          f"draws x {table['utterance'].nunique()} test {params.unit}s")
    draws_of = table.drop_duplicates(["method", "axis", "budget", "repeat"])
    draws_of = draws_of[draws_of["method"].str.startswith(f"{REFERENCE_FAMILY}/")]
    searched = {name for name, kwargs in params.classifiers.items() if "search" in kwargs}
    for name, rows in draws_of.groupby(draws_of["method"].str.split("/").str[1]):
        if name in searched:
            fallback = rows["adapted"].str.contains(FALLBACK, regex=False)
            top = rows.loc[~fallback, "adapted"].value_counts()
            chosen = f"; chosen most often: {top.index[0]} ({top.iloc[0]} draws)" if len(top) else ""
            print(f"{name}: searched on {params.search_folds} speaker folds in {(~fallback).sum()} of {len(rows)} "
                  f"handcrafted draws, defaults in {fallback.sum()} (too few speakers){chosen}")
            continue
        for (axis, budget, change), group in rows[rows["adapted"] != ""].groupby(["axis", "budget", "adapted"]):
            print(f"adapted to a small draw: {name} at {axis} {budget:g}: {change} in {len(group)} draws")


if __name__ == "__main__":
    run(main)
