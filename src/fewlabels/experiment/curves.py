"""Learning curves: every (classifier, fraction, repeat) job trains one model per feature family on the
same random subset of labelled utterances and scores both on the whole test set."""
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from scipy import stats
from tqdm import tqdm

from fewlabels.experiment.classifiers import adapt_to_draw, make_classifier
from fewlabels.experiment.sampling import draw_utterances
from fewlabels.experiment.scoring import chunk_probabilities, predict_units, scores

FAMILIES = ("handcrafted", "code")


@dataclass(frozen=True)
class Split:
    """One split's chunks: a feature matrix (n, d) per family, labels and utterance ids (n,)."""

    X: dict[str, np.ndarray]
    y: np.ndarray
    utterance: list[str]


def aligned_split(handcrafted: dict, code: dict) -> Split:
    """Pair the two feature pickles of a split; a clear error unless they describe the same chunks."""
    for key in ("utterance", "classes"):
        if list(handcrafted[key]) != list(code[key]):
            raise ValueError(f"hand-crafted and code feature pickles differ in {key!r}: they must describe "
                             "the same chunks in the same order")
    for key in ("y", "chunk"):
        if not np.array_equal(handcrafted[key], code[key]):
            raise ValueError(f"hand-crafted and code feature pickles differ in {key!r}")
    return Split({"handcrafted": handcrafted["X"], "code": code["X"]}, np.asarray(handcrafted["y"]),
                 list(handcrafted["utterance"]))


def _job(name: str, kwargs: dict[str, Any], fraction: float, repeat: int, subset_seed: list[int], model_seed: int,
         train: Split, test: Split, unit: str, n_classes: int) -> list[dict]:
    drawn = draw_utterances(train.utterance, train.y, fraction, np.random.default_rng(subset_seed))
    kwargs, adapted = adapt_to_draw(name, kwargs, int(drawn.sum()))
    rows = []
    for family in FAMILIES:
        model = make_classifier(name, kwargs, model_seed)
        try:
            model.fit(train.X[family][drawn], train.y[drawn])
        except ValueError as error:
            raise ValueError(f"{name} on {family} features, fraction {fraction:g}, repeat {repeat} "
                             f"({drawn.sum()} training chunks): {error}") from None
        y_true, y_pred = predict_units(chunk_probabilities(model, test.X[family], n_classes), test.y,
                                       test.utterance, unit)
        rows.append({"classifier": name, "fraction": fraction, "repeat": repeat, "family": family,
                     **scores(y_true, y_pred), "train_utterances": len(set(np.asarray(train.utterance)[drawn])),
                     "train_chunks": int(drawn.sum()),
                     "adapted": " ".join(f"{key}={value}" for key, value in sorted(adapted.items()))})
    return rows


def run_learning_curves(train: Split, test: Split, classifiers: dict[str, dict[str, Any]], fractions: np.ndarray,
                        repeats: int, unit: str, seed: int, n_classes: int, n_jobs: int = -1) -> pd.DataFrame:
    """One row per (classifier, fraction, repeat, family) with its scores; the same whatever ``n_jobs``.

    The subset of a (fraction, repeat) is the same for every classifier and both families.
    """
    if repeats < 1:
        raise ValueError(f"experiment.repeats must be at least 1, got {repeats}")
    jobs = [
        delayed(_job)(name, kwargs, float(fraction), repeat, [seed, f, repeat],
                      int(np.random.SeedSequence([seed, f, repeat, c]).generate_state(1)[0]),
                      train, test, unit, n_classes)
        for c, (name, kwargs) in enumerate(classifiers.items())
        for f, fraction in enumerate(fractions)
        for repeat in range(repeats)
    ]
    results = Parallel(n_jobs=n_jobs, return_as="generator")(jobs)
    return pd.DataFrame([row for rows in tqdm(results, total=len(jobs), desc="learning curves", unit="job")
                         for row in rows])


def curve(runs: pd.DataFrame, metric: str = "f1_weighted", confidence: float = 0.95) -> pd.DataFrame:
    """Mean ``metric`` over repeats per fraction and family, with a t interval of the mean.

    Columns: fraction, handcrafted, code, handcrafted_low, handcrafted_high, code_low, code_high.
    """
    table = pd.DataFrame({"fraction": np.sort(runs["fraction"].unique())})
    for family in FAMILIES:
        grouped = runs[runs["family"] == family].groupby("fraction")[metric]
        mean, sem, n = grouped.mean(), grouped.sem().fillna(0), grouped.count()
        half = sem * stats.t.ppf(0.5 + confidence / 2, np.maximum(n - 1, 1))
        table[family] = table["fraction"].map(mean)
        table[f"{family}_low"] = table["fraction"].map(mean - half)
        table[f"{family}_high"] = table["fraction"].map(mean + half)
    return table[["fraction", *FAMILIES, *(f"{family}_{end}" for family in FAMILIES for end in ("low", "high"))]]


def wins_up_to(table: pd.DataFrame) -> float:
    """Largest fraction up to which the mean code F1 beats the hand-crafted one at every fraction (0: never)."""
    wins = (table["code"] > table["handcrafted"]).to_numpy()
    losing = np.flatnonzero(~wins)
    last = len(wins) if losing.size == 0 else losing[0]
    return float(table["fraction"].iloc[last - 1]) if last > 0 else 0.0


def paired_test(runs: pd.DataFrame, metric: str = "f1_weighted") -> dict[str, float]:
    """Wilcoxon signed-rank test of code minus hand-crafted over all (fraction, repeat) pairs."""
    wide = runs.pivot_table(index=["fraction", "repeat"], columns="family", values=metric)
    difference = (wide["code"] - wide["handcrafted"]).to_numpy()
    if np.all(difference == 0):
        statistic, p_value = 0.0, 1.0
    else:
        statistic, p_value = stats.wilcoxon(difference)
    return {"test": "wilcoxon signed-rank", "pairs": int(difference.size),
            "mean_difference": round(float(difference.mean()), 5),
            "statistic": float(statistic), "p_value": float(p_value)}


def adaptations(runs: pd.DataFrame) -> dict[str, str]:
    """Per fraction (as text), the classifier params adapted to small draws: "n_neighbors=3 in 5 of 5 draws"."""
    draws = runs[runs["family"] == FAMILIES[0]]
    return {f"{fraction:g}": "; ".join(f"{change} in {n} of {len(own)} draws"
                                        for change, n in own.loc[own["adapted"] != "", "adapted"].value_counts().items())
            for fraction, own in draws.groupby("fraction") if (own["adapted"] != "").any()}


def summarise(runs: pd.DataFrame) -> dict:
    """Per classifier: AULC (mean weighted F1 over fractions) and F1 at 100 % per family,
    the fraction up to which code features win, the paired test, and the params adapted to small draws (``adapted``, only where there were any)."""
    summary = {}
    for name, own in runs.groupby("classifier", sort=False):
        table = curve(own)
        adapted = adaptations(own)
        summary[name] = {
            **{family: {"aulc": round(float(table[family].mean()), 5),
                        "f1_full": round(float(table[family].iloc[-1]), 5)} for family in FAMILIES},
            "code_wins_up_to": wins_up_to(table),
            "paired_test": paired_test(own),
            **({"adapted": adapted} if adapted else {}),  # DVC drops empty mappings from metrics
        }
    return summary
