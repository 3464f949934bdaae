"""Stratified random subsets of labelled utterances."""
import numpy as np


def fractions(step: float) -> np.ndarray:
    """Labelled fractions ``step, 2 step, ..., 1`` (the last one is always 1), shape (n,)."""
    if not 0 < step <= 1:
        raise ValueError(f"experiment.fraction_step must lie in (0, 1], got {step}")
    n = int(np.floor(1 / step + 1e-9))
    values = np.round(step * np.arange(1, n + 1), 10)
    return values if values[-1] == 1 else np.append(values, 1.0)


def draw_utterances(utterances: list[str], y: np.ndarray, fraction: float, rng: np.random.Generator) -> np.ndarray:
    """Mask over chunks: all chunks of a random ``fraction`` of each class's utterances.

    ``utterances`` and ``y`` have one entry per chunk; an utterance's chunks share its label.
    Each class contributes ``max(1, round(fraction * its utterances))`` utterances, so every class
    is present; chunks of one utterance are never split between drawn and not drawn.
    """
    names, first = np.unique(np.asarray(utterances), return_index=True)
    labels = np.asarray(y)[first]
    drawn = []
    for label in np.unique(labels):
        members = names[labels == label]
        drawn.append(rng.choice(members, max(1, round(fraction * members.size)), replace=False))
    return np.isin(utterances, np.concatenate(drawn))
