"""Spectrograms in batches for Keras, from an array or from pickle shards, one batch in memory at a time."""
import math

import keras
import numpy as np


class SpectrogramBatches(keras.utils.PyDataset):
    """Batches ``(x, x)`` of ``X[indices]`` with a channel axis, shape (batch, frames, bins, 1) — or ``(x, y)``
    with ``targets`` (n,), e.g. class indices, for a classifier.

    ``X`` is an array (n, frames, bins) or a :class:`fewlabels.shards.ShardedSpectrograms`; only one batch
    is copied at a time. With ``shuffle`` the order is redrawn every epoch from ``seed``: a permutation
    within each shard, then the shards in random order (an array is one shard), so a training pass
    reads each shard once.
    """

    def __init__(self, X, indices: np.ndarray, batch_size: int, shuffle: bool = False, seed: int = 0,
                 targets: np.ndarray | None = None):
        super().__init__()
        self.X, self.indices, self.batch_size, self.shuffle = X, np.asarray(indices), batch_size, shuffle
        self.targets = targets
        self._shard_of = getattr(X, "shard_of", np.zeros(len(X), dtype=int))[self.indices]  # of each index
        self._rng = np.random.default_rng(seed)
        self._order = self._shuffled() if shuffle else self.indices

    def _shuffled(self) -> np.ndarray:
        shards = np.unique(self._shard_of)
        within = [self._rng.permutation(self.indices[self._shard_of == shard]) for shard in shards]
        return np.concatenate([within[i] for i in self._rng.permutation(len(shards))] or [self.indices])

    def __len__(self) -> int:
        return math.ceil(len(self.indices) / self.batch_size)

    def __getitem__(self, i: int):
        rows = np.sort(self._order[i * self.batch_size:(i + 1) * self.batch_size])
        x = self.X[rows][..., np.newaxis]
        return x, (x if self.targets is None else self.targets[rows])

    def on_epoch_end(self) -> None:
        if self.shuffle:
            self._order = self._shuffled()
