"""The classical method family: each scikit-learn classifier on each feature family, trained on every draw,
predicting every test unit. Methods are named ``<family>/<classifier>`` (``handcrafted/SVM``, ``code/SVM``)."""
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from tqdm import tqdm

from fewlabels.methods.classifiers import adapt_to_draw, make_classifier
from fewlabels.methods.scoring import chunk_probabilities, predict, unit_probabilities

FAMILIES = ("handcrafted", "code")


@dataclass(frozen=True)
class Features:
    """One split's chunks: a matrix (n, d) per feature family; labels, utterance ids, chunk indices, speakers (n,)."""

    X: dict[str, np.ndarray]
    y: np.ndarray
    utterance: np.ndarray
    chunk: np.ndarray
    speaker: np.ndarray


def aligned_features(pickles: dict[str, dict]) -> Features:
    """Pair the feature pickles of a split (family -> pickle); a clear error unless they describe the same chunks."""
    first, *others = pickles.values()
    for other in others:
        for key in ("utterance", "classes", "y", "chunk"):
            if not np.array_equal(np.asarray(first[key]), np.asarray(other[key])):
                raise ValueError(f"the feature pickles differ in {key!r}: they must describe the same chunks in "
                                 "the same order")
    return Features({family: data["X"] for family, data in pickles.items()}, np.asarray(first["y"]),
                    np.asarray(first["utterance"]), np.asarray(first["chunk"]), np.asarray(first["speaker"]))


def unit_table(test: Features, unit: str) -> pd.DataFrame:
    """The test units in prediction order: ``utterance`` (id, ``<utterance>#<chunk>`` for chunks), ``speaker``, ``y_true``."""
    ids, _ = unit_probabilities(np.zeros((len(test.y), 1)), list(test.utterance), test.chunk, unit)
    per_chunk = pd.DataFrame({"speaker": test.speaker, "y_true": test.y})
    first = per_chunk.groupby(test.utterance, sort=False).first() if unit == "utterance" else per_chunk
    return pd.DataFrame({"utterance": ids, "speaker": first["speaker"].to_numpy(), "y_true": first["y_true"].to_numpy()})


def _job(name: str, kwargs: dict[str, Any], axis: str, budget: float, repeat: int, drawn: np.ndarray,
         train: Features, test: Features, units: pd.DataFrame, unit: str, classes: list[str], seed: int) -> pd.DataFrame:
    rows = np.isin(train.utterance, drawn)
    kwargs, adapted = adapt_to_draw(name, kwargs, int(rows.sum()))
    ties = np.random.default_rng([seed, zlib.crc32(name.encode()), zlib.crc32(f"{axis}:{budget:.10g}".encode()), repeat])
    frames = []
    for family in FAMILIES:
        model = make_classifier(name, kwargs, seed).fit(train.X[family][rows], train.y[rows])
        _, probabilities = unit_probabilities(chunk_probabilities(model, test.X[family], len(classes)),
                                              list(test.utterance), test.chunk, unit)
        frames.append(units.assign(
            method=f"{family}/{name}", axis=axis, budget=budget, repeat=repeat, y_pred=predict(probabilities, ties),
            **{f"p_{c}": probabilities[:, i].astype(np.float32) for i, c in enumerate(classes)},
            adapted=" ".join(f"{key}={value}" for key, value in sorted(adapted.items()))))
    return pd.concat(frames, ignore_index=True)


def classify(train: Features, test: Features, draws: pd.DataFrame, classifiers: dict[str, dict[str, Any]],
             unit: str, classes: list[str], seed: int, n_jobs: int = -1) -> pd.DataFrame:
    """The prediction table of every classifier x feature family x draw (``draws``: axis, budget, repeat,
    utterance), one row per test unit: method, axis, budget, repeat, utterance, speaker, y_true, y_pred,
    ``p_<class>``, adapted (params changed for a small draw). The same whatever ``n_jobs``."""
    units = unit_table(test, unit)
    subsets = [(key, group["utterance"].to_numpy()) for key, group in draws.groupby(["axis", "budget", "repeat"], sort=False)]
    jobs = [delayed(_job)(name, kwargs, axis, float(budget), int(repeat), drawn, train, test, units, unit, classes, seed)
            for name, kwargs in classifiers.items() for (axis, budget, repeat), drawn in subsets]
    results = Parallel(n_jobs=n_jobs, return_as="generator")(jobs)
    table = pd.concat(list(tqdm(results, total=len(jobs), desc="classify", unit="draw")), ignore_index=True)
    columns = ["method", "axis", "budget", "repeat", "utterance", "speaker", "y_true", "y_pred",
               *(f"p_{c}" for c in classes), "adapted"]
    return table[columns]
