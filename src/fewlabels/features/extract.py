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


def resampled_length(frames: np.ndarray, native_rate: np.ndarray, sample_rate: int) -> np.ndarray:
    """Samples of signals of ``frames`` samples at ``native_rate`` Hz after :func:`fewlabels.audio.load_signal`
    resamples them to ``sample_rate`` (polyphase: ceil(frames * up / down)); int arrays (n,)."""
    frames, native_rate = np.asarray(frames, dtype=np.int64), np.asarray(native_rate, dtype=np.int64)
    divisor = np.gcd(sample_rate, native_rate)
    up, down = sample_rate // divisor, native_rate // divisor
    return -(-frames * up // down)


def planned_chunks(rows: pd.DataFrame, sample_rate: int, min_signal: int, short_signals: str) -> np.ndarray:
    """Chunks each utterance of ``rows`` (a split CSV's rows, with ``frames`` and ``sample_rate``) will give,
    known from the manifest before any audio is decoded; int (n,)."""
    length = resampled_length(rows["frames"].to_numpy(), rows["sample_rate"].to_numpy(), sample_rate)
    chunks = length // min_signal
    return np.where((chunks == 0) & (short_signals == "pad"), 1, chunks)


def check_chunks(splits: dict[str, pd.DataFrame], sample_rate: int, min_signal: int, short_signals: str,
                 require_classes: tuple[str, ...] = ("labelled", "test")) -> None:
    """A :class:`FeatureError` before any extraction when a split would have no chunk at all, or a class
    of a ``require_classes`` split would lose every utterance to ``audio.min_signal``."""
    seconds = f"{min_signal} samples ({min_signal / sample_rate:g} s at {sample_rate} Hz)"
    how = "lower audio.min_signal or set audio.short_signals: pad"
    for name, rows in splits.items():
        chunks = planned_chunks(rows, sample_rate, min_signal, short_signals)
        if chunks.sum() == 0:
            longest = rows["duration_s"].max() if len(rows) else 0
            raise FeatureError(f"no utterance of the {name} split ({len(rows)}, the longest {longest:g} s) is at "
                               f"least audio.min_signal {seconds} long: {how}")
        if name not in require_classes:
            continue
        kept = pd.Series(chunks > 0).groupby(rows["label"].to_numpy()).agg(["sum", "size"])
        for label, (n_kept, n_all) in kept.iterrows():
            if n_kept == 0:
                longest = rows.loc[rows["label"].to_numpy() == label, "duration_s"].max()
                raise FeatureError(f"class {label!r} vanishes from the {name} split: none of its {n_all} utterances "
                                   f"(the longest {longest:g} s) is at least audio.min_signal {seconds} long; {how}, "
                                   "or leave the class out with split.exclude_classes")


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
    and counts per class (call :func:`check_chunks` first: at least one chunk is expected): utterances, kept, dropped (shorter than ``min_signal``), padded, chunks.
    """
    jobs = Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(_utterance_features)(path, utterance, featurize, sample_rate, min_signal, short_signals)
        for path, utterance in zip(rows["path"], rows["utterance"]))
    results = list(tqdm(jobs, total=len(rows), desc=desc, unit="utt"))
    n_chunks = np.array([len(features) for features, _ in results], dtype=int)
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
