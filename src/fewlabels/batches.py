"""Spectrograms in batches for Keras, from an array or from pickle shards, one batch in memory at a time: whole
(autoencoder, classifiers) or as pairs of random crops (contrastive pretraining)."""
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


class CropPairs(SpectrogramBatches):
    """Batches ``((a, b), targets)`` for contrastive pretraining: ``a`` and ``b`` (batch, frames, bins, 1) are two
    random crops of ``frames`` consecutive frames of each spectrogram of the batch, and ``targets`` (batch,) is
    ``0, 1, ..., batch - 1``: row i of ``a`` pairs with row i of ``b``.

    Every batch holds ``min(batch_size, len(indices))`` spectrograms; the remainder of an epoch is left out
    (a batch of one has no negatives). Crops are drawn from ``(seed, epoch, batch)``, so they are the same
    whatever order Keras asks for batches in; without ``shuffle`` (validation) every epoch sees the same crops.
    """

    def __init__(self, X, indices: np.ndarray, batch_size: int, frames: int, shuffle: bool = False, seed: int = 0):
        if not 1 <= frames < X.shape[1]:
            raise ValueError(f"crops of {frames} frames must be shorter than the {X.shape[1]} frames of a spectrogram")
        super().__init__(X, indices, min(batch_size, len(indices)), shuffle, seed)
        self.frames, self._seed, self._epoch = frames, seed, 0

    def __len__(self) -> int:
        return len(self.indices) // self.batch_size

    def __getitem__(self, i: int):
        x, _ = super().__getitem__(i)
        n, length = x.shape[:2]
        starts = np.random.default_rng((self._seed, self._epoch, i)).integers(0, length - self.frames + 1, (2, n, 1))
        a, b = (np.take_along_axis(x, (start + np.arange(self.frames))[..., None, None], axis=1) for start in starts)
        return (a, b), np.arange(n)

    def on_epoch_end(self) -> None:
        super().on_epoch_end()
        if self.shuffle:
            self._epoch += 1
