"""The autoencoders: the four symmetric convolutional families of the MSP study (AE1-AE4) and the DTU study's.

Each AE family's encoder is a stack of strided 'valid' Conv2D layers (ReLU, Dropout between them), the
bottleneck (:mod:`~fewlabels.autoencoder.bottleneck`), optional Dense hidden layers (ReLU) and a Dense code
of ``latent_dim`` units. The decoder mirrors it: Dense layers back to the whole last map, a Reshape, and
Conv2DTranspose layers with the same kernels and strides, whose ``output_padding`` restores the exact size
each convolution had before flooring, so any input shape comes back unchanged. The output is a sigmoid for
binary cross-entropy against spectrograms in [0, 1], linear for mean squared error.

The DTU study's autoencoder is in :mod:`~fewlabels.autoencoder.dtu`.
"""
import keras
from keras import layers

from fewlabels.autoencoder.bottleneck import OUTPUT_ACTIVATIONS, decode_code, encode_map
from fewlabels.autoencoder.dtu import build_dtu
from fewlabels.autoencoder.families import ARCHITECTURES, axis_sizes, can_encode, smallest_axis
from fewlabels.autoencoder.params import AutoencoderParams


def build_autoencoder(input_shape: tuple[int, int], params: AutoencoderParams) -> tuple[keras.Model, keras.Model]:
    """Build ``(autoencoder, encoder)`` of ``params.architecture`` for spectrograms of ``input_shape`` (frames, bins).

    The autoencoder maps (batch, frames, bins, 1) to the same shape; the encoder, sharing its
    layers, maps it to (batch, latent_dim). A ValueError if the architecture cannot encode that shape.
    """
    input_shape = tuple(input_shape)
    if len(input_shape) != 2 or min(input_shape) < 1:
        raise ValueError(f"spectrograms must have a shape (frames, bins) of at least (1, 1), got {input_shape}")
    if params.architecture == "DTU":
        return build_dtu(input_shape, params)
    return build_family(input_shape, params)


def build_family(input_shape: tuple[int, int], params: AutoencoderParams) -> tuple[keras.Model, keras.Model]:
    """``(autoencoder, encoder)`` of the AE family ``params.architecture``, as :func:`build_autoencoder`."""
    architecture = params.architecture
    family = ARCHITECTURES[architecture]
    if not can_encode(input_shape, family):
        raise ValueError(f"{architecture} cannot encode spectrograms of shape {input_shape}: both axes "
                         f"must be at least {smallest_axis(family)} long")
    sizes = list(zip(*(axis_sizes(n, family) for n in input_shape)))  # (frames, bins) before each conv, then after

    inputs = keras.Input(shape=(*input_shape, 1), name="spectrogram")
    x = inputs
    for i, conv in enumerate(family.convolutions):
        if i > 0:
            x = layers.Dropout(params.dropout, name=f"encoder_dropout_{i}")(x)
        x = layers.Conv2D(conv.filters, conv.kernel, strides=conv.stride, activation="relu", name=f"encoder_conv_{i + 1}")(x)
    code = encode_map(x, family.hidden, params)

    x = decode_code(code, family.hidden, (*sizes[-1], family.convolutions[-1].filters))
    n = len(family.convolutions)
    for step, i in enumerate(reversed(range(n))):
        conv, before, after = family.convolutions[i], sizes[i], sizes[i + 1]
        padding = tuple(b - ((a - 1) * conv.stride + conv.kernel) for b, a in zip(before, after))
        is_output = i == 0
        x = layers.Conv2DTranspose(
            1 if is_output else family.convolutions[i - 1].filters, conv.kernel, strides=conv.stride,
            output_padding=padding, activation=OUTPUT_ACTIVATIONS[params.loss] if is_output else "relu",
            name="reconstruction" if is_output else f"decoder_conv_{step + 1}")(x)
        if not is_output:
            x = layers.Dropout(params.dropout, name=f"decoder_dropout_{step + 1}")(x)
    autoencoder = keras.Model(inputs, x, name=f"{architecture.lower()}_autoencoder")
    encoder = keras.Model(inputs, code, name=f"{architecture.lower()}_encoder")
    return autoencoder, encoder
