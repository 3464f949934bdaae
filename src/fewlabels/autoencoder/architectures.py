"""The four symmetric convolutional autoencoder families of the original study (AE1-AE4).

Each encoder is a stack of strided 'valid' Conv2D layers (ReLU, Dropout between them), a
Flatten, optional Dense hidden layers (ReLU) and a Dense bottleneck of ``latent_dim`` units.
The decoder mirrors it: Dense layers back to the flattened size, a Reshape, and Conv2DTranspose
layers with the same kernels and strides, whose ``output_padding`` restores the exact size each
convolution had before flooring, so any input shape comes back unchanged. The output is a
sigmoid, for binary cross-entropy against spectrograms in [0, 1].
"""
import keras
from keras import layers

from fewlabels.autoencoder.families import FAMILIES, axis_sizes, can_encode, smallest_axis

BOTTLENECK_ACTIVATIONS = ("softmax", "relu", "linear")


def build_autoencoder(input_shape: tuple[int, int], architecture: str = "AE3", latent_dim: int = 64,
                      bottleneck_activation: str = "linear", dropout: float = 0.2) -> tuple[keras.Model, keras.Model]:
    """Build ``(autoencoder, encoder)`` for spectrograms of ``input_shape`` (frames, bins).

    The autoencoder maps (batch, frames, bins, 1) to the same shape; the encoder, sharing its
    layers, maps it to (batch, latent_dim).
    """
    if architecture not in FAMILIES:
        raise ValueError(f"autoencoder.architecture must be one of {sorted(FAMILIES)}, got {architecture!r}")
    if bottleneck_activation not in BOTTLENECK_ACTIVATIONS:
        raise ValueError(f"autoencoder.bottleneck_activation must be one of {BOTTLENECK_ACTIVATIONS}, "
                         f"got {bottleneck_activation!r}")
    if not 0 <= dropout < 1:
        raise ValueError(f"autoencoder.dropout must lie in [0, 1), got {dropout}")
    if latent_dim < 1:
        raise ValueError(f"autoencoder.latent_dim must be at least 1, got {latent_dim}")
    family = FAMILIES[architecture]
    if not can_encode(tuple(input_shape), family):
        raise ValueError(f"{architecture} cannot encode spectrograms of shape {tuple(input_shape)}: both axes "
                         f"must be at least {smallest_axis(family)} long")
    sizes = list(zip(*(axis_sizes(n, family) for n in input_shape)))  # (frames, bins) before each conv, then after

    inputs = keras.Input(shape=(*input_shape, 1), name="spectrogram")
    x = inputs
    for i, conv in enumerate(family.convolutions):
        if i > 0:
            x = layers.Dropout(dropout, name=f"encoder_dropout_{i}")(x)
        x = layers.Conv2D(conv.filters, conv.kernel, strides=conv.stride, activation="relu", name=f"encoder_conv_{i + 1}")(x)
    x = layers.Flatten(name="flatten")(x)
    for i, units in enumerate(family.hidden):
        x = layers.Dense(units, activation="relu", name=f"encoder_dense_{i + 1}")(x)
    code = layers.Dense(latent_dim, activation=bottleneck_activation, name="code")(x)

    x = code
    for i, units in enumerate(reversed(family.hidden)):
        x = layers.Dense(units, activation="relu", name=f"decoder_dense_{i + 1}")(x)
    last = family.convolutions[-1]
    x = layers.Dense(sizes[-1][0] * sizes[-1][1] * last.filters, activation="relu", name="decoder_unflatten")(x)
    x = layers.Reshape((*sizes[-1], last.filters), name="reshape")(x)
    n = len(family.convolutions)
    for step, i in enumerate(reversed(range(n))):
        conv, before, after = family.convolutions[i], sizes[i], sizes[i + 1]
        padding = tuple(b - ((a - 1) * conv.stride + conv.kernel) for b, a in zip(before, after))
        is_output = i == 0
        x = layers.Conv2DTranspose(
            1 if is_output else family.convolutions[i - 1].filters, conv.kernel, strides=conv.stride,
            output_padding=padding, activation="sigmoid" if is_output else "relu",
            name="reconstruction" if is_output else f"decoder_conv_{step + 1}")(x)
        if not is_output:
            x = layers.Dropout(dropout, name=f"decoder_dropout_{step + 1}")(x)
    autoencoder = keras.Model(inputs, x, name=f"{architecture.lower()}_autoencoder")
    encoder = keras.Model(inputs, code, name=f"{architecture.lower()}_encoder")
    return autoencoder, encoder
