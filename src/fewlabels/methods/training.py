"""Training a Keras classifier of spectrograms on one labelled draw, as every network method does (``finetune``,
``scratch``, ``cnn_lstm``): early stopping on a speaker-disjoint slice of the draw (never the test set), or a
fixed number of epochs where the draw is too small for a slice; chunk probabilities averaged per test unit and
ties broken at random, as for the classical methods; the rows of the common prediction table."""
import time
from dataclasses import dataclass
from typing import Callable

import keras
import numpy as np
import pandas as pd
import tensorflow as tf

from fewlabels.batches import SpectrogramBatches
from fewlabels.errors import TrainingError
from fewlabels.methods.params import DrawTrainingParams
from fewlabels.methods.scoring import draw_rng, prediction_rows

PREDICT_BATCH = 256


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
class Draw:
    """One labelled draw of a budget grid: the drawn utterance ids and where it sits."""

    utterances: np.ndarray
    axis: str
    budget: float
    repeat: int


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


@dataclass(frozen=True)
class DrawRows:
    """The training and validation chunks of one draw, shared by every method trained on it."""

    fit: np.ndarray  # bool (n_chunks,) over the training split
    validation: np.ndarray | None  # bool (n_chunks,), None: the draw is too small for a slice
    utterances: int
    seed: int


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


def draw_seed(seed: int, stage: str, draw: Draw) -> int:
    """The seed of one draw's validation slice and networks: from the params seed, the stage, the budget's value
    and the repeat — not from the method, so that the methods of one stage start from the same batches."""
    return int(draw_rng(seed, stage, draw.axis, draw.budget, draw.repeat).integers(2 ** 31))


def draw_rows(train: Spectrograms, draw: Draw, params: DrawTrainingParams, stage: str) -> DrawRows:
    """The chunks of ``train`` a draw fits on and the whole-speaker slice it stops on."""
    seed = draw_seed(params.seed, stage, draw)
    rows = np.isin(train.utterance, draw.utterances)
    names, first = np.unique(train.utterance[rows], return_index=True)
    held_out = validation_slice(train.speaker[rows][first], train.y[rows][first], params.validation_split,
                                params.early_stopping_from, seed)
    if held_out is None:
        return DrawRows(rows, None, len(names), seed)
    validation = rows & np.isin(train.utterance, names[held_out])
    return DrawRows(rows & ~validation, validation, len(names), seed)


def fit(model: keras.Model, train: Spectrograms, rows: DrawRows, params: DrawTrainingParams) -> tuple[dict, int]:
    """Fit on the chunks ``train.X[rows.fit]`` (n, frames, bins) with Adam; early stopping on the cross-entropy of
    ``rows.validation`` (without any weight penalty, which the loss includes) restoring the best weights, else fixed
    epochs. Returns the per-epoch history and the epoch (from 1) whose weights the model keeps."""
    model.compile(optimizer=keras.optimizers.Adam(params.learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=[keras.metrics.SparseCategoricalCrossentropy(name="cross_entropy")])
    batches = SpectrogramBatches(train.X, np.flatnonzero(rows.fit), params.batch_size, shuffle=True, seed=rows.seed,
                                 targets=train.y)
    if rows.validation is None:
        history = model.fit(batches, epochs=params.fixed_epochs, verbose=0)
        return history.history, params.fixed_epochs
    stopping = keras.callbacks.EarlyStopping(monitor="val_cross_entropy", patience=params.patience,
                                             restore_best_weights=True)
    validation = SpectrogramBatches(train.X, np.flatnonzero(rows.validation), params.batch_size, targets=train.y)
    history = model.fit(batches, validation_data=validation, epochs=params.max_epochs, callbacks=[stopping], verbose=0)
    return history.history, stopping.best_epoch + 1


def train_and_predict(build: Callable[[], keras.Model], method: str, train: Spectrograms, test: Spectrograms,
                      units: pd.DataFrame, draw: Draw, rows: DrawRows, params: DrawTrainingParams, stage: str,
                      unit: str, classes: list[str]) -> tuple[pd.DataFrame, Run]:
    """Seed Keras with the draw's seed, ``build`` a model (batch, frames, bins, 1) -> (batch, n_classes), fit it on
    the draw and predict every test unit (``units``: utterance, speaker, y_true in prediction order). Returns
    the prediction rows (the common table's columns) and the run."""
    start = time.perf_counter()
    keras.utils.set_random_seed(rows.seed)
    model = build()
    history, best_epoch = fit(model, train, rows, params)
    if not np.isfinite(history["loss"]).all():
        raise TrainingError(f"{method} at {draw.axis} {draw.budget:g}, repeat {draw.repeat}: the loss became NaN or "
                            f"infinite; lower {stage}.learning_rate (now {params.learning_rate:g})")
    chunk_p = model.predict(test.X[..., np.newaxis], batch_size=PREDICT_BATCH, verbose=0)
    table = prediction_rows(units, chunk_p, test.utterance, test.chunk, unit, classes,
                            draw_rng(params.seed, method, draw.axis, draw.budget, draw.repeat), method=method,
                            axis=draw.axis, budget=draw.budget, repeat=draw.repeat,
                            adapted="" if rows.validation is not None else f"fixed_epochs={params.fixed_epochs}")
    run = Run(method, draw.axis, draw.budget, draw.repeat, rows.utterances,
              "early" if rows.validation is not None else "fixed", len(history["loss"]), best_epoch,
              {k: [float(v) for v in vs] for k, vs in history.items()}, time.perf_counter() - start)
    return table, run


def enable_determinism() -> None:
    """Same params and data, same weights and predictions (CPU)."""
    tf.config.experimental.enable_op_determinism()
