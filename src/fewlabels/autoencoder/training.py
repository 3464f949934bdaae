"""Training an autoencoder on unlabelled spectrograms: deterministic on CPU for a given seed."""
import time
from collections.abc import Iterable
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

from fewlabels.autoencoder.architectures import build_autoencoder
from fewlabels.autoencoder.params import AutoencoderParams
from fewlabels.batches import SpectrogramBatches
from fewlabels.errors import TrainingError


def speaker_holdout(speakers: list[str], fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices ``(train, validation)``: whole speakers, in seeded random order, held out until at
    least ``fraction`` of the rows are (never every speaker), so validation loss is measured on unseen
    speakers. Vectorised: one pass over ``speakers`` (n,), whatever the number of speakers."""
    if not 0 < fraction < 1:
        raise ValueError(f"autoencoder.validation_split must lie in (0, 1), got {fraction}")
    unique, of_row, counts = np.unique(np.asarray(speakers), return_inverse=True, return_counts=True)
    if unique.size < 2:
        raise TrainingError("the unlabelled spectrograms come from one speaker; a speaker-disjoint validation set "
                            "needs at least two: add unlabelled speakers (split quotas, or corpus.unlabelled_path)")
    order = np.random.default_rng(seed).permutation(unique.size)
    enough = np.cumsum(counts[order][:-1]) >= fraction * len(of_row)
    held = order[:(np.argmax(enough) if enough.any() else enough.size - 1) + 1]
    validation = np.isin(of_row, held)
    return np.flatnonzero(~validation), np.flatnonzero(validation)


LOSSES = {"bce": "binary_crossentropy", "mse": "mean_squared_error"}  # autoencoder.loss -> Keras loss
BLOCK = 1 << 20  # entries per step of the float64 sum of squares


def moments(blocks: Iterable[np.ndarray]) -> tuple[float, float]:
    """Mean and mean of squares of every entry of ``blocks`` (arrays of any shape, e.g. the shards of
    :meth:`fewlabels.shards.ShardedSpectrograms.blocks`), accumulated in float64 one block at a time."""
    total = total_square = 0.0
    count = 0
    for block in blocks:
        flat = np.ravel(block)
        for i in range(0, flat.size, BLOCK):
            part = flat[i:i + BLOCK].astype(np.float64)
            total, total_square = total + float(part.sum()), total_square + float(np.dot(part, part))
        count += flat.size
    return total / count, total_square / count


def constant_prediction_loss(mean: float, mean_square: float, value: float, loss: str = "bce") -> float:
    """Loss of predicting ``value`` for every entry of spectrograms whose entries have this ``mean`` and
    ``mean_square`` (see :func:`moments`): binary cross-entropy (entries in [0, 1]) or mean squared error.

    With ``value = mean`` it is the loss a model that learned nothing reaches, the bar to beat (for mse:
    the variance). Both losses are linear in the entries and their squares, so the moments suffice.
    """
    if loss not in LOSSES:
        raise ValueError(f"autoencoder.loss must be one of {sorted(LOSSES)}, got {loss!r}")
    if loss == "mse":
        return mean_square - 2 * value * mean + value ** 2
    p = np.clip(value, 1e-7, 1 - 1e-7)
    return float(-(mean * np.log(p) + (1 - mean) * np.log(1 - p)))


def check_finite_losses(history: dict[str, list[float]], learning_rate: float) -> None:
    """A :class:`TrainingError` if an epoch's loss or val_loss is NaN or infinite, or an epoch was cut short
    (``TerminateOnNaN`` stops in the middle of one), naming the epoch."""
    losses, val_losses = history.get("loss", []), history.get("val_loss", [])
    bad = [epoch for epoch, pair in enumerate(zip(losses, val_losses), start=1) if not np.isfinite(pair).all()]
    if bad or len(losses) > len(val_losses):
        epoch = bad[0] if bad else len(losses)
        raise TrainingError(f"the pretraining loss became NaN or infinite in epoch {epoch} and training stopped: "
                            f"lower autoencoder.learning_rate (now {learning_rate:g}) or check that the spectrograms "
                            "are finite (and in [0, 1] for autoencoder.loss bce)")


@dataclass
class TrainingResult:
    model: keras.Model  # the whole model trained: the autoencoder, or the contrastive model
    encoder: keras.Model  # a chunk's spectrogram (batch, frames, bins, 1) -> its code (batch, latent_dim)
    history: dict[str, list[float]]  # per-epoch loss and val_loss (and the metrics compiled)
    best_val_loss: float  # val_loss of the restored weights: the last epoch that improved by min_delta
    best_epoch: int  # counted from 1
    seconds: float  # wall time of fit
    train_size: int  # spectrograms per training epoch
    validation_size: int


def start_training(params: AutoencoderParams) -> None:
    """Seed Keras (weights, dropout) from ``params.seed`` and make TensorFlow's ops deterministic: call before
    building the model."""
    keras.utils.set_random_seed(params.seed)
    tf.config.experimental.enable_op_determinism()


def fit(model: keras.Model, encoder: keras.Model, batches: tuple[keras.utils.PyDataset, keras.utils.PyDataset],
        params: AutoencoderParams, callbacks: tuple = (), verbose: int = 2) -> TrainingResult:
    """Train the compiled ``model`` on ``batches`` (training, validation) with Adam's ``params.learning_rate``,
    early stopping on val_loss (restoring the weights of the last epoch that improved it by ``min_delta``) and a
    :class:`TrainingError` if a loss turns NaN."""
    train, validation = batches
    early_stopping = keras.callbacks.EarlyStopping(monitor="val_loss", min_delta=params.min_delta,
                                                   patience=params.patience, restore_best_weights=True)
    start = time.perf_counter()
    history = model.fit(train, validation_data=validation, epochs=params.max_epochs, verbose=verbose,
                        callbacks=[keras.callbacks.TerminateOnNaN(), early_stopping, *callbacks])
    check_finite_losses(history.history, params.learning_rate)
    return TrainingResult(model, encoder, {k: [float(v) for v in vs] for k, vs in history.history.items()},
                          float(early_stopping.best), early_stopping.best_epoch + 1, time.perf_counter() - start,
                          len(train.indices), len(validation.indices))


def train_autoencoder(X, speakers: list[str], params: AutoencoderParams,
                      callbacks: tuple = (), verbose: int = 2) -> TrainingResult:
    """Fit a fresh autoencoder to spectrograms ``X`` (n, frames, bins) (in [0, 1] for bce): an array, or a
    :class:`fewlabels.shards.ShardedSpectrograms` streamed a batch at a time (see :class:`SpectrogramBatches`).

    ``params.loss`` (binary cross-entropy or mean squared error) on the speaker-disjoint validation set, as
    :func:`fit`. Same ``X`` and params give the same weights (CPU).
    """
    start_training(params)
    autoencoder, encoder = build_autoencoder(X.shape[1:], params)
    autoencoder.compile(optimizer=keras.optimizers.Adam(params.learning_rate), loss=LOSSES[params.loss])
    train, validation = speaker_holdout(speakers, params.validation_split, params.seed)
    batches = (SpectrogramBatches(X, train, params.batch_size, shuffle=True, seed=params.seed),
               SpectrogramBatches(X, validation, params.batch_size))
    return fit(autoencoder, encoder, batches, params, callbacks, verbose)
