"""The DTU method family: the pretrained encoder with a softmax head, trained on each draw (``finetune``), and the
identical network from random weights (``scratch``) with the same epochs budget, optimiser and batches."""
from typing import Callable

import keras
from keras import layers

from fewlabels.methods.params import FinetuneParams


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


def builders(encoder: keras.Model, n_classes: int, params: FinetuneParams) -> dict[str, Callable[[], keras.Model]]:
    """The two methods, each a function that builds its untrained network: ``finetune`` and ``scratch``."""
    return {"finetune": lambda: classifier(encoder, n_classes, params.hidden_units, True, params.freeze_encoder),
            "scratch": lambda: classifier(encoder, n_classes, params.hidden_units, False)}
