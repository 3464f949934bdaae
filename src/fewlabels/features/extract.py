"""Run a per-chunk feature function over every utterance of a split, on all cores, in a fixed order:
into memory, or streamed into shards."""
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed, effective_n_jobs
from tqdm import tqdm

from fewlabels import paths
from fewlabels.audio import fixed_size_chunks, load_signal
from fewlabels.features import FeatureError
from fewlabels.features.params import AudioParams
from fewlabels.manifest import read_manifest
from fewlabels.shards import ShardWriter

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


def read_splits(names: tuple[str, ...], audio: AudioParams) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The rows of each split CSV of ``names`` (labelled and test among them), checked by :func:`check_chunks` to
    give chunks under the ``audio`` params, and the class names of labelled and test (:func:`class_names`)."""
    rows = {name: read_manifest(paths.split_table(name)) for name in names}
    check_chunks(rows, audio.sample_rate, audio.min_signal, audio.short_signals)
    return rows, class_names(rows["labelled"], rows["test"])


UTTERANCES_PER_TASK = 16  # at most: a worker task reads and featurises this many utterances (less per-task overhead)


def _chunks(path: str, sample_rate: int, min_signal: int, short_signals: str, read_rate: int | None,
            planned: int) -> tuple[np.ndarray, int]:
    """The chunks of one utterance (chunks, samples) and its length in samples at ``sample_rate``; with
    ``read_rate``, the same ``planned`` chunks (their count at ``sample_rate``) read at ``read_rate`` instead."""
    if read_rate is None:
        signal = load_signal(path, sample_rate)
        return fixed_size_chunks(signal, min_signal, short_signals), signal.size
    signal, length = load_signal(path, read_rate), scaled_length(min_signal, sample_rate, read_rate)
    padded = np.pad(signal, (0, max(0, planned * length - signal.size)))
    return fixed_size_chunks(padded[:planned * length], length), -(-signal.size * sample_rate // read_rate)


def scaled_length(samples: int, sample_rate: int, read_rate: int) -> int:
    """``samples`` at ``sample_rate`` Hz as a whole number of samples at ``read_rate`` Hz; a :class:`FeatureError`
    naming audio.min_signal if it is not one."""
    scaled = samples * read_rate / sample_rate
    if scaled != int(scaled):
        raise FeatureError(f"a chunk of {samples} samples at {sample_rate} Hz is {scaled:g} samples at {read_rate} Hz: "
                         f"choose audio.min_signal so that it is a whole number")
    return int(scaled)


def _utterance_features(path: str, utterance: str, featurize: Callable[[np.ndarray], np.ndarray],
                        sample_rate: int, min_signal: int, short_signals: str, read_rate: int | None = None,
                        planned: int = 0) -> tuple[list[np.ndarray], int]:
    """Features of each chunk of one utterance, and its length in samples after resampling to ``sample_rate``."""
    chunks, length = _chunks(path, sample_rate, min_signal, short_signals, read_rate, planned)
    features = []
    for index, chunk in enumerate(chunks):
        try:
            values = featurize(chunk)
        except FeatureError as error:
            raise FeatureError(f"{path}: chunk {index} of utterance {utterance}: {error}") from None
        features.append(values.astype(np.float32))
    return features, length


def _batch_features(paths: list[str], utterances: list[str], planned: list[int],
                    *args) -> list[tuple[list[np.ndarray], int]]:
    return [_utterance_features(path, utterance, *args, planned=n)
            for path, utterance, n in zip(paths, utterances, planned)]


def utterance_features(rows: pd.DataFrame, featurize: Callable[[np.ndarray], np.ndarray], *, sample_rate: int,
                       min_signal: int, short_signals: str, desc: str, n_jobs: int = -1,
                       read_rate: int | None = None) -> Iterator[tuple[list[np.ndarray], int]]:
    """For each utterance of ``rows`` (a split CSV's rows), in order: the features of its chunks (a list of
    float32 arrays, one per chunk; empty if it is shorter than ``min_signal`` and dropped) and its length in
    samples after resampling.

    ``read_rate`` (a model's own rate, e.g. 16,000 Hz) reads the audio at that rate instead and cuts the same
    chunks: as many as at ``sample_rate``, each ``min_signal`` samples at ``sample_rate`` long.
    Runs on all cores (or the Dask cluster of :func:`fewlabels.compute.work_on`), a few utterances
    per task; paths are made absolute, so workers need not share the working directory.
    """
    paths = [os.path.abspath(path) for path in rows["path"]]
    utterances = rows["utterance"].tolist()
    planned = (planned_chunks(rows, sample_rate, min_signal, short_signals).tolist() if read_rate is not None
               else [0] * len(paths))
    step = max(1, min(UTTERANCES_PER_TASK, -(-len(paths) // effective_n_jobs(n_jobs))))
    batches = Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(_batch_features)(paths[i:i + step], utterances[i:i + step], planned[i:i + step], featurize,
                                 sample_rate, min_signal, short_signals, read_rate)
        for i in range(0, len(paths), step))
    with tqdm(total=len(paths), desc=desc, unit="utt") as progress:
        for batch in batches:
            yield from batch
            progress.update(len(batch))


def extract(rows: pd.DataFrame, classes: list[str], featurize: Callable[[np.ndarray], np.ndarray], *,
            sample_rate: int, min_signal: int, short_signals: str, desc: str, n_jobs: int = -1,
            read_rate: int | None = None) -> tuple[dict, dict]:
    """Features of every fixed-size chunk of the utterances in ``rows`` (a split CSV's rows), in memory.

    ``featurize`` maps one chunk (min_signal,) — or, with ``read_rate``, the same chunk read at that rate
    (:func:`utterance_features`) — to an array of fixed shape. Returns the artifact
    dict (``X`` float32 (n_chunks, ...), ``y``, ``classes``, ``utterance``, ``speaker``, ``chunk``;
    rows in utterance order, then chunk order; ``y`` is -1 for a label outside ``classes`` or none)
    and :func:`chunk_counts` (call :func:`check_chunks` first: at least one chunk is expected).
    """
    results = list(utterance_features(rows, featurize, sample_rate=sample_rate, min_signal=min_signal,
                                      short_signals=short_signals, desc=desc, n_jobs=n_jobs, read_rate=read_rate))
    n_chunks = np.array([len(features) for features, _ in results], dtype=int)
    artifact = {
        "X": np.stack([f for features, _ in results for f in features]),
        "y": np.repeat(class_indices(rows, classes), n_chunks),
        "classes": list(classes),
        "utterance": [u for u, n in zip(rows["utterance"], n_chunks) for _ in range(n)],
        "speaker": [s for s, n in zip(rows["speaker"], n_chunks) for _ in range(n)],
        "chunk": np.concatenate([np.arange(n) for n in n_chunks]),
    }
    return artifact, chunk_counts(rows, n_chunks, np.array([length for _, length in results]), min_signal)


def extract_to_shards(rows: pd.DataFrame, classes: list[str], featurize: Callable[[np.ndarray], np.ndarray],
                      directory: str | Path, shard_size: int, *, sample_rate: int, min_signal: int,
                      short_signals: str, desc: str, n_jobs: int = -1) -> dict:
    """:func:`extract` streamed into a :class:`fewlabels.shards.ShardWriter` directory of ``shard_size`` rows a
    shard: memory holds about two shards (the rows pending and the shard being written), whatever the
    number of utterances. Returns :func:`chunk_counts`."""
    n_chunks, lengths = np.zeros(len(rows), dtype=int), np.zeros(len(rows), dtype=int)
    metadata = zip(class_indices(rows, classes), rows["utterance"], rows["speaker"])
    results = utterance_features(rows, featurize, sample_rate=sample_rate, min_signal=min_signal,
                                 short_signals=short_signals, desc=desc, n_jobs=n_jobs)
    with ShardWriter(directory, shard_size, classes) as writer:
        for i, ((features, length), (y, utterance, speaker)) in enumerate(zip(results, metadata)):
            writer.add(features, y, utterance, speaker)
            n_chunks[i], lengths[i] = len(features), length
    return chunk_counts(rows, n_chunks, lengths, min_signal)


def class_indices(rows: pd.DataFrame, classes: list[str]) -> list[int]:
    """The class index of each utterance's label; -1 for a label outside ``classes`` or none."""
    index = {label: i for i, label in enumerate(classes)}
    return [index.get(label, -1) for label in rows["label"].fillna(NO_LABEL)]


def chunk_counts(rows: pd.DataFrame, n_chunks: np.ndarray, lengths: np.ndarray, min_signal: int) -> dict:
    """Per label of ``rows``: utterances, kept, dropped (shorter than ``min_signal``), padded, chunks;
    from the chunks (n,) and resampled lengths in samples (n,) of each utterance."""
    labels = rows["label"].fillna(NO_LABEL).to_numpy()
    short = lengths < min_signal
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
    return counts
