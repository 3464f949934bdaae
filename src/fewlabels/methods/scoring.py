"""From a fitted classifier to predictions per test unit: chunk probabilities, averaged per utterance,
ties broken at random."""
import zlib

import numpy as np
import pandas as pd

from fewlabels.compare.draws import draw_key


def chunk_probabilities(model, X: np.ndarray, n_classes: int) -> np.ndarray:
    """Class probabilities (n_chunks, n_classes); one-hot votes for models without ``predict_proba``."""
    columns = model.classes_
    if hasattr(model, "predict_proba"):
        scores = model.predict_proba(X)
    else:
        scores = (model.predict(X)[:, None] == columns[None, :]).astype(float)
    probabilities = np.zeros((len(X), n_classes))
    probabilities[:, columns] = scores
    return probabilities


def unit_probabilities(probabilities: np.ndarray, utterances: list[str], chunks: np.ndarray,
                       unit: str) -> tuple[np.ndarray, np.ndarray]:
    """``(unit ids (n_units,), probabilities (n_units, n_classes))``: per utterance the mean of its chunks'
    probabilities (``unit="utterance"``, in first-seen order), or every chunk as ``<utterance>#<chunk>``."""
    if unit == "chunk":
        return np.array([f"{u}#{c}" for u, c in zip(utterances, chunks)]), probabilities
    mean = pd.DataFrame(probabilities).groupby(np.asarray(utterances), sort=False).mean()
    return mean.index.to_numpy(), mean.to_numpy()


def prediction_columns(classes: list[str]) -> list[str]:
    """The columns of the common prediction table, in order."""
    return ["method", "axis", "budget", "repeat", "utterance", "speaker", "y_true", "y_pred",
            *(f"p_{c}" for c in classes), "adapted"]


def unit_table(utterance: np.ndarray, chunk: np.ndarray, speaker: np.ndarray, y: np.ndarray,
               unit: str) -> pd.DataFrame:
    """The test units of chunks (n,) in prediction order: ``utterance`` (id, ``<utterance>#<chunk>`` for chunks),
    ``speaker``, ``y_true``."""
    ids, _ = unit_probabilities(np.zeros((len(y), 1)), list(utterance), chunk, unit)
    per_chunk = pd.DataFrame({"speaker": np.asarray(speaker), "y_true": np.asarray(y)})
    first = per_chunk.groupby(np.asarray(utterance), sort=False).first() if unit == "utterance" else per_chunk
    return pd.DataFrame({"utterance": ids, "speaker": first["speaker"].to_numpy(), "y_true": first["y_true"].to_numpy()})


def predict(probabilities: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The most probable class of each row of ``probabilities`` (n, n_classes); a tie goes to one of the
    tied classes at random (not always the first), drawn from ``rng``; int (n,)."""
    tied = probabilities >= probabilities.max(axis=1, keepdims=True) - 1e-12
    return np.where(tied, rng.random(probabilities.shape), -1.0).argmax(axis=1)


def prediction_rows(units: pd.DataFrame, chunk_p: np.ndarray, utterances: np.ndarray, chunks: np.ndarray, unit: str,
                    classes: list[str], ties: np.random.Generator, **columns) -> pd.DataFrame:
    """One method's rows of the common prediction table on one draw: the test ``units`` (utterance, speaker,
    y_true in prediction order) with the unit probabilities of the chunk probabilities ``chunk_p`` (n_chunks,
    n_classes; chunks named by ``utterances`` and ``chunks``), the predicted class (ties at random from ``ties``)
    and ``columns``: method, axis, budget, repeat, adapted."""
    _, probabilities = unit_probabilities(chunk_p, list(utterances), chunks, unit)
    table = units.assign(**columns, y_pred=predict(probabilities, ties),
                         **{f"p_{c}": probabilities[:, i].astype(np.float32) for i, c in enumerate(classes)})
    return table[prediction_columns(classes)]


def draw_rng(seed: int, method: str, axis: str, budget: float, repeat: int) -> np.random.Generator:
    """The random generator of one method on one draw: from the seed, the method's name (not its position),
    the budget's value and the repeat."""
    return np.random.default_rng([seed, zlib.crc32(method.encode()), draw_key(axis, budget), repeat])
