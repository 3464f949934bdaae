"""What every architecture shares: the way from the last encoder map to the ``code`` and back, and the output.

``autoencoder.bottleneck`` dense: the map is flattened; pooled: its mean and SD over frames
(:class:`~fewlabels.autoencoder.pooling.TimeStatistics`), so codes are time-pooled statistics. Either way
the decoder starts with a Dense layer back to the whole map.
"""
import math

from keras import layers

from fewlabels.autoencoder.pooling import TimeStatistics
from fewlabels.autoencoder.params import AutoencoderParams

OUTPUT_ACTIVATIONS = {"bce": "sigmoid", "mse": "linear"}  # autoencoder.loss -> the reconstruction's activation


def encode_map(x, hidden: tuple[int, ...], params: AutoencoderParams):
    """The last encoder map (batch, frames, bins, channels) -> the code (batch, latent_dim), through the
    bottleneck, the ``hidden`` Dense layers (ReLU) and the Dense ``code`` layer."""
    if params.bottleneck == "dense":
        x = layers.Flatten(name="flatten")(x)
    else:
        x = TimeStatistics(name="time_statistics")(x)
    for i, units in enumerate(hidden, start=1):
        x = layers.Dense(units, activation="relu", name=f"encoder_dense_{i}")(x)
    return layers.Dense(params.latent_dim, activation=params.bottleneck_activation, name="code")(x)


def decode_code(code, hidden: tuple[int, ...], map_shape: tuple[int, int, int]):
    """The code -> the ``hidden`` Dense layers in reverse (ReLU) -> Dense (ReLU) and Reshape to ``map_shape``
    (frames, bins, channels) of the last encoder map."""
    x = code
    for i, units in enumerate(reversed(hidden), start=1):
        x = layers.Dense(units, activation="relu", name=f"decoder_dense_{i}")(x)
    x = layers.Dense(math.prod(map_shape), activation="relu", name="decoder_unflatten")(x)
    return layers.Reshape(map_shape, name="reshape")(x)
