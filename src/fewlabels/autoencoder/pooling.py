"""Pooling layers of the autoencoders, in ``keras.ops`` only, registered so that saved models load back.

- :class:`MaxPoolingWithSwitches`: 2x2 max-pooling, stride 2, that also returns where each maximum was;
- :class:`MaxUnpooling`: puts values back where those maxima were, zeros elsewhere (the DTU decoder);
- :class:`TimeStatistics`: mean and standard deviation over frames (the ``pooled`` bottleneck).

Importing this module registers them; :mod:`fewlabels.autoencoder.codes` imports it, so whoever loads
``models/encoder.keras`` after importing ``codes`` gets them.
"""
import keras
from keras import ops

WINDOW = 2  # pooling window and stride, both axes
VARIANCE_FLOOR = 1e-6  # TimeStatistics: the SD of a constant map is sqrt(VARIANCE_FLOOR), with a finite gradient


def _spatial_size(shape, layer: str) -> tuple[int, int, int]:
    """(height, width, channels) of a (batch, height, width, channels) shape; a ValueError if not all known."""
    if len(shape) != 4 or None in shape[1:]:
        raise ValueError(f"{layer} needs inputs (batch, height, width, channels) of known size, got {tuple(shape)}")
    return tuple(shape[1:])


@keras.saving.register_keras_serializable(package="fewlabels")
class MaxPoolingWithSwitches(keras.layers.Layer):
    """2x2 max-pooling with stride 2 that also returns its switches.

    (batch, H, W, C) -> ``(pooled, switches)``: ``pooled`` (batch, ceil(H/2), ceil(W/2), C), an odd axis
    padded with -inf at its end (what Keras' ``padding="same"`` pooling gives); ``switches`` (batch,
    ceil(H/2), ceil(W/2), C, 4), constant, one-hot over the window's positions in row-major order (top
    left, top right, bottom left, bottom right): where the maximum came from, the first of tied maxima.
    """

    def build(self, input_shape):
        _spatial_size(input_shape, self.name)

    def call(self, x):
        height, width, channels = x.shape[1:]
        rows, columns = -(-height // WINDOW), -(-width // WINDOW)
        x = ops.pad(x, ((0, 0), (0, WINDOW * rows - height), (0, WINDOW * columns - width), (0, 0)),
                    constant_values=float("-inf"))
        windows = ops.reshape(x, (-1, rows, WINDOW, columns, WINDOW, channels))
        windows = ops.reshape(ops.transpose(windows, (0, 1, 3, 5, 2, 4)), (-1, rows, columns, channels, WINDOW ** 2))
        pooled = ops.max(windows, axis=-1)
        is_max = ops.cast(ops.equal(windows, pooled[..., None]), "int32")
        first = ops.logical_and(is_max == 1, ops.cumsum(is_max, axis=-1) == 1)
        return pooled, ops.stop_gradient(ops.cast(first, self.compute_dtype))


@keras.saving.register_keras_serializable(package="fewlabels")
class MaxUnpooling(keras.layers.Layer):
    """The inverse of :class:`MaxPoolingWithSwitches` for the switches it returned.

    ``(values, switches)``, values (batch, ceil(H/2), ceil(W/2), C) -> (batch, H, W, C) for ``size`` (H, W),
    the size before pooling: each value at the position its window's maximum came from, zeros elsewhere.
    The gradient flows to ``values``.
    """

    def __init__(self, size: tuple[int, int], **kwargs):
        super().__init__(**kwargs)
        self.size = tuple(size)

    def build(self, input_shape):
        rows, columns, channels = _spatial_size(input_shape[0], self.name)
        expected = (-(-self.size[0] // WINDOW), -(-self.size[1] // WINDOW), channels, WINDOW ** 2)
        if tuple(input_shape[1][1:]) != expected:
            raise ValueError(f"{self.name}: switches of shape {tuple(input_shape[1])} do not fit values of shape "
                             f"{tuple(input_shape[0])} unpooled to size {self.size}")
        if (rows, columns) != expected[:2]:
            raise ValueError(f"{self.name}: values of shape {tuple(input_shape[0])} do not pool from size {self.size}")

    def call(self, inputs):
        values, switches = inputs
        rows, columns, channels = values.shape[1:]
        spread = ops.where(switches > 0, values[..., None], 0)  # (batch, rows, columns, C, 4)
        spread = ops.reshape(spread, (-1, rows, columns, channels, WINDOW, WINDOW))
        spread = ops.reshape(ops.transpose(spread, (0, 1, 4, 2, 5, 3)),
                             (-1, WINDOW * rows, WINDOW * columns, channels))
        return spread[:, :self.size[0], :self.size[1], :]

    def get_config(self):
        return {**super().get_config(), "size": self.size}


@keras.saving.register_keras_serializable(package="fewlabels")
class TimeStatistics(keras.layers.Layer):
    """Mean and standard deviation over the time axis (axis 1, frames).

    (batch, frames, bins, C) -> (batch, 2 * bins * C): the means, then the SDs, each flattened over
    (bins, C) in row-major order. The variance is floored at ``VARIANCE_FLOOR``.
    """

    def build(self, input_shape):
        _spatial_size(input_shape, self.name)

    def call(self, x):
        bins, channels = x.shape[2:]
        mean = ops.mean(x, axis=1)
        sd = ops.sqrt(ops.maximum(ops.var(x, axis=1), VARIANCE_FLOOR))
        return ops.reshape(ops.stack([mean, sd], axis=1), (-1, 2 * bins * channels))
