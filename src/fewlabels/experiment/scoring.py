"""Predictions at the chunk or utterance level, and their scores."""
import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score


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


def predict_units(probabilities: np.ndarray, y: np.ndarray, utterances: list[str], unit: str) -> tuple[np.ndarray, np.ndarray]:
    """``(y_true, y_pred)`` per chunk, or per utterance with the chunk probabilities averaged."""
    if unit == "chunk":
        return np.asarray(y), probabilities.argmax(axis=1)
    if unit != "utterance":
        raise ValueError(f"experiment.unit must be 'utterance' or 'chunk', got {unit!r}")
    frame = pd.DataFrame(probabilities).groupby(np.asarray(utterances), sort=False)
    return pd.Series(y).groupby(np.asarray(utterances), sort=False).first().to_numpy(), frame.mean().to_numpy().argmax(axis=1)


def scores(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    """Weighted F1 (true labels first, unlike the original code), macro F1 and accuracy."""
    return {
        "f1_weighted": float(f1_score(y_true, y_pred, average="weighted")),
        "f1_macro": float(f1_score(y_true, y_pred, average="macro")),
        "accuracy": float(accuracy_score(y_true, y_pred)),
    }
