"""Run a per-chunk feature function over every utterance of a split, on all cores, in a fixed order."""
from collections.abc import Callable

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from tqdm import tqdm

from fewlabels.audio import fixed_size_chunks, load_signal
from fewlabels.features import FeatureError

NO_LABEL = "(no label)"  # the count key of clips from corpus.unlabelled_path


def class_names(*splits: pd.DataFrame) -> list[str]:
    """Sorted labels of the given splits: ``classes[y]`` is the label of class index ``y``."""
    return sorted(set().union(*(rows["label"].dropna() for rows in splits)))


def _utterance_features(path: str, utterance: str, featurize: Callable[[np.ndarray], np.ndarray],
                        sample_rate: int, min_signal: int, short_signals: str) -> tuple[list[np.ndarray], int]:
    """Features of each chunk of one utterance, and its length in samples after resampling."""
    signal = load_signal(path, sample_rate)
    features = []
    for index, chunk in enumerate(fixed_size_chunks(signal, min_signal, short_signals)):
        try:
            values = featurize(chunk)
        except FeatureError as error:
            raise FeatureError(f"{path}: chunk {index} of utterance {utterance}: {error}") from None
        features.append(values.astype(np.float32))
    return features, signal.size


def extract(rows: pd.DataFrame, classes: list[str], featurize: Callable[[np.ndarray], np.ndarray], *,
            sample_rate: int, min_signal: int, short_signals: str, desc: str, n_jobs: int = -1) -> tuple[dict, dict]:
    """Features of every fixed-size chunk of the utterances in ``rows`` (a split CSV's rows).

    ``featurize`` maps one chunk (min_signal,) to an array of fixed shape. Returns the artifact
    dict (``X`` float32 (n_chunks, ...), ``y``, ``classes``, ``utterance``, ``speaker``, ``chunk``;
    rows in utterance order, then chunk order; ``y`` is -1 for a label outside ``classes`` or none)
    and counts per class: utterances, kept, dropped (shorter than ``min_signal``), padded, chunks.
    """
    jobs = Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(_utterance_features)(path, utterance, featurize, sample_rate, min_signal, short_signals)
        for path, utterance in zip(rows["path"], rows["utterance"]))
    results = list(tqdm(jobs, total=len(rows), desc=desc, unit="utt"))
    n_chunks = np.array([len(features) for features, _ in results], dtype=int)
    if n_chunks.sum() == 0:
        raise ValueError(f"{desc}: no utterance is at least {min_signal} samples long; "
                         "lower audio.min_signal or set audio.short_signals: pad")
    index = {label: i for i, label in enumerate(classes)}
    labels = rows["label"].fillna(NO_LABEL).to_numpy()
    artifact = {
        "X": np.stack([f for features, _ in results for f in features]),
        "y": np.repeat([index.get(label, -1) for label in labels], n_chunks),
        "classes": list(classes),
        "utterance": [u for u, n in zip(rows["utterance"], n_chunks) for _ in range(n)],
        "speaker": [s for s, n in zip(rows["speaker"], n_chunks) for _ in range(n)],
        "chunk": np.concatenate([np.arange(n) for n in n_chunks]),
    }
    short = np.array([length < min_signal for _, length in results])
    counts = {}
    for label in sorted(set(labels), key=str):
        mine = labels == label
        counts[str(label)] = {
            "utterances": int(mine.sum()),
            "kept": int((n_chunks[mine] > 0).sum()),
            "dropped_short": int((short & mine & (n_chunks == 0)).sum()),
            "padded": int((short & mine & (n_chunks > 0)).sum()),
            "chunks": int(n_chunks[mine].sum()),
        }
    return artifact, counts
