"""A split too large for memory as a directory of pickle shards: written as rows come, read a shard at a time.

Layout of a shard directory (every file a dict of plain values, like every other pickle)::

    shard-00000.pkl, shard-00001.pkl, ...  X (rows, ...) float32, y, utterance, speaker, chunk, classes
    index.pkl                              every shard's metadata without X: shards (file names), rows (per shard),
                                           shape (of one row), y, utterance, speaker, chunk, classes

Rows keep the order they were added in, across shards; every shard but the last holds ``shard_size`` rows.
"""
import contextlib
import sys
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from fewlabels.features import FeatureError
from fewlabels.io import atomic_directory, read_pickle, write_pickle

INDEX = "index.pkl"
METADATA = ("y", "utterance", "speaker", "chunk")


class ShardWriter:
    """Context manager that writes rows to ``directory`` in shards of ``shard_size`` rows as soon as each is full.

    The shards go to a temporary sibling directory, each written atomically; only when the block ends
    without an error is it renamed onto ``directory`` (replacing an earlier one), so an interrupted
    stage leaves the old directory or none, never a partial one.
    """

    def __init__(self, directory: str | Path, shard_size: int, classes: list[str]):
        if shard_size < 1:
            raise ValueError(f"shard_size must be at least 1 row, got {shard_size}")
        self.directory, self.shard_size, self.classes = Path(directory), shard_size, list(classes)
        self._pending: list[np.ndarray] = []  # rows not yet in a shard, (k, ...) each
        self._pending_rows = 0
        self._metadata = {key: [] for key in METADATA}  # of every row added
        self._shards: list[str] = []
        self._sizes: list[int] = []
        self._shape: tuple[int, ...] | None = None

    def __enter__(self) -> "ShardWriter":
        self._stack = contextlib.ExitStack()
        self._tmp = self._stack.enter_context(atomic_directory(self.directory))
        return self

    def add(self, X, y: int, utterance: str, speaker: str) -> None:
        """Append the chunks ``X`` (k, ...) of one utterance (an array, or a list of k arrays), with its class
        index ``y`` and speaker."""
        if len(X) == 0:
            return
        X = np.asarray(X, dtype=np.float32)
        if self._shape is None:
            self._shape = tuple(X.shape[1:])
        self._pending.append(X)
        self._pending_rows += len(X)
        self._metadata["y"].extend([y] * len(X))
        self._metadata["utterance"].extend([utterance] * len(X))
        self._metadata["speaker"].extend([speaker] * len(X))
        self._metadata["chunk"].extend(range(len(X)))
        while self._pending_rows >= self.shard_size:
            self._write_shard(self.shard_size)

    def _write_shard(self, n: int) -> None:
        pending = np.concatenate(self._pending)
        X, rest = pending[:n], pending[n:]
        self._pending, self._pending_rows = ([rest] if len(rest) else []), len(rest)
        start = sum(self._sizes)
        name = f"shard-{len(self._shards):05d}.pkl"
        write_pickle(self._tmp / name, {"X": X, "classes": self.classes,
                                        **{key: self._column(key, start, start + n) for key in METADATA}})
        self._shards.append(name)
        self._sizes.append(n)

    def _column(self, key: str, start: int, stop: int):
        values = self._metadata[key][start:stop]
        return np.asarray(values, dtype=int) if key in ("y", "chunk") else values

    def __exit__(self, kind, error, traceback) -> bool:
        try:
            if kind is None:
                if not self._sizes and not self._pending_rows:
                    raise FeatureError(f"{self.directory}: no chunk to write; every utterance was shorter than "
                                       "audio.min_signal: lower it or set audio.short_signals: pad")
                if self._pending_rows:
                    self._write_shard(self._pending_rows)
                write_pickle(self._tmp / INDEX, {"shards": self._shards, "rows": self._sizes, "shape": self._shape,
                                                 "classes": self.classes,
                                                 **{key: self._column(key, 0, sum(self._sizes)) for key in METADATA}})
        except BaseException:
            if self._stack.__exit__(*sys.exc_info()):
                return True
            raise
        return self._stack.__exit__(kind, error, traceback)


class ShardedSpectrograms:
    """Read-only view of a shard directory that indexes like an array of shape ``(n, frames, bins)``.

    ``view[rows]`` (rows: non-negative int array, any order) loads only the shards those rows lie in,
    keeping at most the ``max_cached`` most recently used shards in memory (an old one is dropped
    before a new one is read); the metadata (``speaker``, ``utterance``, ``y``,
    ``chunk``, ``shard_of``) comes from the index without loading any spectrogram.
    """

    def __init__(self, directory: str | Path, max_cached: int = 2):
        if max_cached < 1:
            raise ValueError(f"max_cached must be at least 1 shard, got {max_cached}")
        self.directory, self.max_cached = Path(directory), max_cached
        index = read_pickle(self.directory / INDEX)
        self.shards, self.classes = index["shards"], index["classes"]
        self.y, self.utterance, self.speaker, self.chunk = (index[key] for key in METADATA)
        sizes = np.asarray(index["rows"], dtype=int)
        self.shard_of = np.repeat(np.arange(len(sizes)), sizes)  # (n,) the shard of each row
        self._start = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(int)
        self.shape = (int(sizes.sum()), *index["shape"])
        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()

    def __len__(self) -> int:
        return self.shape[0]

    def shard(self, i: int) -> np.ndarray:
        """The spectrograms of shard ``i``, (rows, frames, bins) float32."""
        if i in self._cache:
            self._cache.move_to_end(i)
        else:
            while len(self._cache) >= self.max_cached:
                self._cache.popitem(last=False)
            self._cache[i] = read_pickle(self.directory / self.shards[i])["X"]
        return self._cache[i]

    def __getitem__(self, rows) -> np.ndarray:
        rows = np.asarray(rows, dtype=int)
        out = np.empty((rows.size, *self.shape[1:]), dtype=np.float32)
        shards = self.shard_of[rows]
        for i in sorted(np.unique(shards), key=lambda i: i not in self._cache):  # the cached first, then reads
            mine = shards == i
            out[mine] = self.shard(int(i))[rows[mine] - self._start[i]]
        return out

    def blocks(self) -> Iterator[np.ndarray]:
        """Every shard's spectrograms in order, one at a time."""
        for i in range(len(self.shards)):
            yield read_pickle(self.directory / self.shards[i])["X"]
