"""The DTU method family: the pretrained encoder with a softmax head, trained on each draw (``finetune``), and the
identical network from random weights (``scratch``) with the same epochs budget and optimiser.

Both are trained on the drawn utterances' chunks; early stopping watches the loss on a speaker-disjoint slice
of the draw (never the test set); a draw too small for a slice trains a fixed number of epochs. Chunk
probabilities are averaged per test utterance and ties broken at random, as for the classical methods.
"""
import time
from dataclasses import dataclass

import keras
import numpy as np
import pandas as pd
import tensorflow as tf
from keras import layers

from fewlabels.autoencoder.training import SpectrogramBatches
from fewlabels.errors import FewlabelsError
from fewlabels.methods.scoring import draw_rng, predict, prediction_columns, unit_probabilities
from fewlabels.params import FinetuneParams

METHODS = ("finetune", "scratch")  # pretrained encoder, random encoder
PREDICT_BATCH = 256


class FinetuneError(FewlabelsError):
    """A network's training diverged."""


@dataclass(frozen=True)
class Spectrograms:
    """One split's chunks: ``X`` float32 (n, frames, bins); labels, utterance ids, chunk indices, speakers (n,)."""

    X: np.ndarray
    y: np.ndarray
    utterance: np.ndarray
    chunk: np.ndarray
    speaker: np.ndarray

    @classmethod
    def from_pickle(cls, data: dict) -> "Spectrograms":
        return cls(data["X"], np.asarray(data["y"]), np.asarray(data["utterance"]), np.asarray(data["chunk"]),
                   np.asarray(data["speaker"]))


@dataclass(frozen=True)
class Run:
    """One trained network: how it stopped and what it cost."""

    method: str
    axis: str
    budget: float
    repeat: int
    utterances: int  # in the draw
    stopping: str  # "early" (on a validation slice) or "fixed"
    epochs: int  # epochs run
    best_epoch: int  # counted from 1: the epoch whose weights predict
    history: dict[str, list[float]]  # per-epoch loss (and val_loss)
    seconds: float  # wall time of fit and predict


def classifier(encoder: keras.Model, n_classes: int, hidden_units: int, pretrained: bool,
               freeze_encoder: bool = False) -> keras.Model:
    """A fresh copy of ``encoder`` — its pretrained weights, or random ones drawn from Keras' seeded generator —
    then Dense(hidden_units, ReLU) and a softmax over ``n_classes``: (batch, frames, bins, 1) -> (batch, n_classes).
    ``freeze_encoder`` keeps pretrained encoder weights fixed (a probe on the code)."""
    body = keras.models.clone_model(encoder)
    if pretrained:
        body.set_weights(encoder.get_weights())
    body.trainable = not (pretrained and freeze_encoder)
    inputs = keras.Input(shape=encoder.input_shape[1:], name="spectrogram")
    x = body(inputs)
    x = layers.Dense(hidden_units, activation="relu", name="hidden")(x)
    outputs = layers.Dense(n_classes, activation="softmax", name="class_probabilities")(x)
    return keras.Model(inputs, outputs, name="pretrained" if pretrained else "scratch")


def validation_slice(speakers: np.ndarray, labels: np.ndarray, fraction: float, smallest: int,
                     seed: int) -> np.ndarray | None:
    """Boolean mask over a draw's utterances (n,): whole speakers, in seeded random order, held out until at
    least ``fraction`` of the utterances are, skipping a speaker whose removal would leave a class without
    training utterances. None when the draw has fewer than ``smallest`` utterances or no such slice exists."""
    speakers, labels = np.asarray(speakers), np.asarray(labels)
    if len(speakers) < smallest:
        return None
    held = np.zeros(len(speakers), dtype=bool)
    classes = np.unique(labels)
    for speaker in np.random.default_rng(seed).permutation(np.unique(speakers)):
        candidate = held | (speakers == speaker)
        if np.isin(classes, labels[~candidate]).all():
            held = candidate
        if held.sum() >= fraction * len(speakers):
            return held
    return None


def _fit(model: keras.Model, X: np.ndarray, y: np.ndarray, fit_rows: np.ndarray, validation_rows: np.ndarray | None,
         params: FinetuneParams, seed: int) -> tuple[dict, int]:
    """Fit on the chunks ``X[fit_rows]`` (n, frames, bins) labelled ``y``; early stopping on ``validation_rows``
    restoring the best weights, else fixed epochs. Returns the per-epoch history and the epoch (from 1) whose
    weights the model keeps."""
    model.compile(optimizer=keras.optimizers.Adam(params.learning_rate), loss="sparse_categorical_crossentropy")
    train = SpectrogramBatches(X, np.flatnonzero(fit_rows), params.batch_size, shuffle=True, seed=seed, targets=y)
    if validation_rows is None:
        history = model.fit(train, epochs=params.fixed_epochs, verbose=0)
        return history.history, params.fixed_epochs
    stopping = keras.callbacks.EarlyStopping(monitor="val_loss", patience=params.patience, restore_best_weights=True)
    validation = SpectrogramBatches(X, np.flatnonzero(validation_rows), params.batch_size, targets=y)
    history = model.fit(train, validation_data=validation, epochs=params.max_epochs, callbacks=[stopping], verbose=0)
    return history.history, stopping.best_epoch + 1


def draw_seed(seed: int, axis: str, budget: float, repeat: int) -> int:
    """The seed of one draw's validation slice and networks: from the params seed, the budget's value and the
    repeat — not from the method, so that ``finetune`` and ``scratch`` start from the same head and batches."""
    return int(draw_rng(seed, "finetune", axis, budget, repeat).integers(2 ** 31))


def run_draw(encoder: keras.Model, train: Spectrograms, test: Spectrograms, units: pd.DataFrame, drawn: np.ndarray,
             axis: str, budget: float, repeat: int, params: FinetuneParams, unit: str,
             classes: list[str]) -> tuple[pd.DataFrame, list[Run]]:
    """Train both methods on the chunks of the ``drawn`` utterances and predict every test unit (``units``: utterance,
    speaker, y_true in prediction order). Returns prediction rows (the common table's columns) and the two runs."""
    seed = draw_seed(params.seed, axis, budget, repeat)
    rows = np.isin(train.utterance, drawn)
    names, first = np.unique(train.utterance[rows], return_index=True)
    held_out = validation_slice(train.speaker[rows][first], train.y[rows][first], params.validation_split,
                                params.early_stopping_from, seed)
    validation_rows = rows & np.isin(train.utterance, names[held_out]) if held_out is not None else None
    fit_rows = rows & ~validation_rows if held_out is not None else rows
    frames, runs = [], []
    for method in METHODS:
        start = time.perf_counter()
        keras.utils.set_random_seed(seed)
        model = classifier(encoder, len(classes), params.hidden_units, pretrained=method == "finetune",
                           freeze_encoder=params.freeze_encoder)
        history, best_epoch = _fit(model, train.X, train.y, fit_rows, validation_rows, params, seed)
        if not np.isfinite(history["loss"]).all():
            raise FinetuneError(f"{method} at {axis} {budget:g}, repeat {repeat}: the loss became NaN or infinite; "
                                f"lower finetune.learning_rate (now {params.learning_rate:g})")
        chunk_p = model.predict(test.X[..., np.newaxis], batch_size=PREDICT_BATCH, verbose=0)
        _, probabilities = unit_probabilities(chunk_p, list(test.utterance), test.chunk, unit)
        ties = draw_rng(params.seed, method, axis, budget, repeat)
        frames.append(units.assign(
            method=method, axis=axis, budget=budget, repeat=repeat, y_pred=predict(probabilities, ties),
            **{f"p_{c}": probabilities[:, i].astype(np.float32) for i, c in enumerate(classes)},
            adapted="" if held_out is not None else f"fixed_epochs={params.fixed_epochs}"))
        runs.append(Run(method, axis, budget, repeat, len(names), "early" if held_out is not None else "fixed",
                        len(history["loss"]), best_epoch, {k: [float(v) for v in vs] for k, vs in history.items()},
                        time.perf_counter() - start))
    return pd.concat(frames, ignore_index=True)[prediction_columns(classes)], runs


def enable_determinism() -> None:
    """Same params and data, same weights and predictions (CPU)."""
    tf.config.experimental.enable_op_determinism()
