"""The Glasgow method, end to end: a CNN-LSTM trained on each draw's spectrogram chunks (``cnn_lstm``).

Unlike the seed's ConvLSTM over a sequence of length one, the LSTM here recurs over the frame axis: convolution
blocks see local time-frequency patterns, the LSTM reads their sequence in time.
"""
import keras
from keras import layers, regularizers

from fewlabels.methods.params import EndToEndParams


def cnn_lstm(input_shape: tuple[int, int], n_classes: int, params: EndToEndParams) -> keras.Model:
    """(batch, frames, bins, 1) -> (batch, n_classes): per entry of ``params.filters`` a Conv2D 3x3 ReLU ('same')
    and an AveragePooling2D of ``params.pool`` (rounding up, so any shape keeps at least one frame); the maps
    flattened per frame into a sequence (frames', bins' * filters), an LSTM of ``params.lstm_units`` over it, Dense
    ``params.hidden_units`` ReLU, dropout ``params.dropout`` and a softmax. ``params.l1`` penalises every
    convolution and Dense kernel (the seed: 1e-3)."""
    penalty = regularizers.L1(params.l1) if params.l1 else None
    inputs = keras.Input(shape=(*input_shape, 1), name="spectrogram")
    x = inputs
    for block, filters in enumerate(params.filters, start=1):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu", kernel_regularizer=penalty,
                          name=f"conv{block}")(x)
        x = layers.AveragePooling2D(params.pool, padding="same", name=f"pool{block}")(x)
    frames, bins, channels = x.shape[1:]
    x = layers.Reshape((frames, bins * channels), name="frame_sequence")(x)
    x = layers.LSTM(params.lstm_units, name="lstm")(x)
    x = layers.Dense(params.hidden_units, activation="relu", kernel_regularizer=penalty, name="hidden")(x)
    x = layers.Dropout(params.dropout, name="dropout")(x)
    outputs = layers.Dense(n_classes, activation="softmax", kernel_regularizer=penalty, name="class_probabilities")(x)
    return keras.Model(inputs, outputs, name="cnn_lstm")
