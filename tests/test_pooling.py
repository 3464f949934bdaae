import keras
import numpy as np
import pytest
import tensorflow as tf

from fewlabels.autoencoder.pooling import MaxPoolingWithSwitches, MaxUnpooling, TimeStatistics, VARIANCE_FLOOR

# 4x4: windows [1 3; 4 2] max 4 bottom left; [-2 -5; -1 -1] tie -1, first is bottom left;
# [0 0; -3 0] tie 0, first is top left; [6 7; 7 5] tie 7, first is top right
SQUARE = np.array([[1, 3, -2, -5],
                   [4, 2, -1, -1],
                   [0, 0, 6, 7],
                   [-3, 0, 7, 5]], dtype=np.float32)
SQUARE_POOLED = [[4, -1], [0, 7]]
SQUARE_FROM = [[2, 2], [0, 1]]  # window position of the maximum: 0 top left, 1 top right, 2 bottom left, 3 bottom right
# 3x5, padded with -inf to 4x6: [-1 -2; -3 -1] tie, top left; [5 5; 2 0] tie, top left; [-4 -inf; -3 -inf] bottom
# left; [8 -9; -inf -inf] top left; [-8 -7; -inf -inf] top right; [-5 -inf; -inf -inf] top left
ODD = np.array([[-1, -2, 5, 5, -4],
                [-3, -1, 2, 0, -3],
                [8, -9, -8, -7, -5]], dtype=np.float32)
ODD_POOLED = [[-1, 5, -3], [8, -7, -5]]
ODD_FROM = [[0, 0, 2], [0, 1, 0]]


def pool(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pooled values and switches of one (H, W) image as NumPy arrays, (H', W') and (H', W', 4)."""
    pooled, switches = MaxPoolingWithSwitches()(x[None, ..., None])
    return np.asarray(pooled)[0, ..., 0], np.asarray(switches)[0, :, :, 0]


def unpool(values: np.ndarray, switches: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    return np.asarray(MaxUnpooling(size)([values[None, ..., None], switches[None, :, :, None]]))[0, ..., 0]


def reference_unpool_of_pool(x: np.ndarray) -> np.ndarray:
    """(batch, H, W, C) -> each window's first maximum (row-major) where it is, zeros elsewhere; loops."""
    out = np.zeros_like(x)
    for b, i, j, c in np.ndindex(x.shape[0], (x.shape[1] + 1) // 2, (x.shape[2] + 1) // 2, x.shape[3]):
        window = x[b, 2 * i:2 * i + 2, 2 * j:2 * j + 2, c]
        di, dj = np.unravel_index(np.argmax(window), window.shape)  # argmax: the first maximum, row-major
        out[b, 2 * i + di, 2 * j + dj, c] = window[di, dj]
    return out


@pytest.mark.parametrize("x, pooled, positions", [(SQUARE, SQUARE_POOLED, SQUARE_FROM), (ODD, ODD_POOLED, ODD_FROM)])
def test_pooling_gives_each_windows_maximum_and_where_the_first_one_is(x, pooled, positions):
    values, switches = pool(x)
    assert values.tolist() == pooled
    assert switches.tolist() == np.eye(4)[positions].tolist()


def test_unpooling_puts_values_where_the_maxima_were_and_zeros_elsewhere():
    values, switches = pool(SQUARE)
    assert unpool(values, switches, (4, 4)).tolist() == [[0, 0, 0, 0], [4, 0, -1, 0], [0, 0, 0, 7], [0, 0, 0, 0]]
    other = np.array([[10, 20], [30, 40]], dtype=np.float32)
    assert unpool(other, switches, (4, 4)).tolist() == [[0, 0, 0, 0], [10, 0, 20, 0], [30, 0, 0, 40], [0, 0, 0, 0]]
    values, switches = pool(ODD)
    assert unpool(values, switches, (3, 5)).tolist() == [[-1, 0, 5, 0, 0], [0, 0, 0, 0, -3], [8, 0, 0, -7, -5]]


@pytest.mark.parametrize("shape", [(1, 1), (1, 4), (2, 1), (5, 3), (7, 7), (6, 9)])
def test_odd_and_even_sizes_round_trip_to_the_original_shape(shape):
    x = np.random.default_rng(0).integers(-3, 4, (2, *shape, 3)).astype(np.float32)  # many ties
    pooled, switches = MaxPoolingWithSwitches()(x)
    assert pooled.shape == (2, (shape[0] + 1) // 2, (shape[1] + 1) // 2, 3)
    assert np.array_equal(np.asarray(switches).sum(axis=-1), np.ones(pooled.shape))
    restored = np.asarray(MaxUnpooling(shape)([pooled, switches]))
    assert restored.shape == x.shape
    assert np.array_equal(restored, reference_unpool_of_pool(x))


def test_the_gradient_flows_to_the_values_and_matches_finite_differences():
    rng = np.random.default_rng(1)
    x = ((rng.permutation(5 * 7 * 2) + 1).reshape(1, 5, 7, 2) * 0.1).astype(np.float32)  # no ties, no 0
    weights = rng.normal(size=x.shape).astype(np.float32)
    pooling, unpooling = MaxPoolingWithSwitches(), MaxUnpooling((5, 7))

    def f(x):  # a scalar function of unpool(pool(x)), quadratic so central differences are exact
        return tf.reduce_sum(weights * unpooling(pooling(x)) ** 2)

    tensor = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(tensor)
        y = f(tensor)
    gradient = tape.gradient(y, tensor).numpy()
    numeric = np.zeros_like(x)
    step = 0.01
    for index in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[index] += step
        down[index] -= step
        numeric[index] = (float(f(up)) - float(f(down))) / (2 * step)
    np.testing.assert_allclose(gradient, numeric, rtol=1e-3, atol=1e-3)
    is_max = reference_unpool_of_pool(x) != 0
    assert np.all(gradient[~is_max] == 0) and np.all(gradient[is_max] != 0)


def test_time_statistics_are_the_mean_and_sd_over_frames():
    x = np.random.default_rng(2).normal(size=(2, 5, 3, 4)).astype(np.float32)
    x[1, :, 0, 0] = 1.5  # constant over time: the SD is floored
    expected = np.concatenate([x.mean(axis=1).reshape(2, -1),
                               np.sqrt(np.maximum(x.var(axis=1), VARIANCE_FLOOR)).reshape(2, -1)], axis=1)
    np.testing.assert_allclose(np.asarray(TimeStatistics()(x)), expected, rtol=1e-5, atol=1e-6)


def tiny_model() -> keras.Model:
    """(5, 3, 2) -> pool -> 1x1 conv -> unpool to the switches -> (5, 3, 2), and a time-statistics head."""
    inputs = keras.Input((5, 3, 2))
    pooled, switches = MaxPoolingWithSwitches(name="pool")(inputs)
    mixed = keras.layers.Conv2D(2, 1, name="mix")(pooled)
    restored = MaxUnpooling((5, 3), name="unpool")([mixed, switches])
    statistics = TimeStatistics(name="statistics")(pooled)
    return keras.Model(inputs, [restored, statistics])


def test_models_with_the_layers_save_load_and_clone(tmp_path):
    model = tiny_model()
    x = np.random.default_rng(3).normal(size=(4, 5, 3, 2)).astype(np.float32)
    expected = model.predict(x, verbose=0)
    model.save(tmp_path / "tiny.keras")
    loaded = keras.models.load_model(tmp_path / "tiny.keras")
    assert loaded.get_layer("unpool").size == (5, 3)
    clone = keras.models.clone_model(model)
    clone.set_weights(model.get_weights())
    for other in (loaded, clone):
        for a, b in zip(other.predict(x, verbose=0), expected):
            assert np.array_equal(a, b)


def test_switches_that_do_not_fit_are_refused():
    values, switches = MaxPoolingWithSwitches()(np.zeros((1, 4, 4, 1), np.float32))
    with pytest.raises(ValueError, match=r"values of shape \(1, 2, 2, 1\) do not pool from size \(6, 6\)"):
        MaxUnpooling((6, 6))([values, np.zeros((1, 3, 3, 1, 4), np.float32)])
    with pytest.raises(ValueError, match=r"switches of shape \(1, 2, 2, 1, 4\) do not fit"):
        MaxUnpooling((5, 5))([values[:, :, :1], switches])
