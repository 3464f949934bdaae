import dataclasses
import subprocess
import sys
import time

import keras
import numpy as np
import pytest

from fewlabels.autoencoder.architectures import build_autoencoder
from fewlabels.autoencoder.families import ARCHITECTURES
from fewlabels.autoencoder.codes import encode
from fewlabels.autoencoder.pooling import VARIANCE_FLOOR
from fewlabels.autoencoder.training import constant_prediction_loss, moments, speaker_holdout, train_autoencoder
from fewlabels.batches import SpectrogramBatches
from fewlabels.errors import TrainingError
from fewlabels.features import FeatureError
from fewlabels.io import write_keras
from fewlabels.params import load_params
from tests.conftest import ROOT

TINY = dataclasses.replace(load_params(ROOT / "params.yaml").autoencoder, architecture="AE1", latent_dim=8,
                           batch_size=8, max_epochs=4, min_delta=0.0, patience=10, seed=3, loss="bce",
                           bottleneck="dense")
TINY_DTU = dataclasses.replace(TINY, architecture="DTU", filters=4, decoder="unpooling", loss="mse")


def spectrogram_like(n: int, shape=(49, 200), seed: int = 0) -> np.ndarray:
    """Smooth random images in [0, 1]: a few harmonics that rise and fall, float32 (n, frames, bins)."""
    rng = np.random.default_rng(seed)
    frames, bins = np.meshgrid(np.arange(shape[0]), np.arange(shape[1]), indexing="ij")
    pitch = rng.uniform(5, 20, (n, 1, 1))
    images = 0.5 + 0.4 * np.sin(bins[None] / pitch) * np.exp(-((frames[None] - rng.uniform(0, shape[0], (n, 1, 1))) / 15) ** 2)
    return np.clip(images, 0, 1).astype(np.float32)


def test_ae3_encoder_matches_the_original_summary_layer_by_layer():
    _, encoder = build_autoencoder((74, 200), dataclasses.replace(TINY, architecture="AE3", latent_dim=64,
                                                                  bottleneck_activation="softmax"))
    shapes = [layer.output.shape[1:] for layer in encoder.layers if not layer.name.startswith(("encoder_dropout", "spectrogram"))]
    assert shapes == [(37, 100, 16), (18, 50, 32), (6, 16, 64), (2, 5, 128), (1280,), (256,), (64,)]
    assert [layer.count_params() for layer in encoder.layers if layer.count_params()] == [80, 2080, 18496, 73856, 327936, 16448]
    assert encoder.count_params() == 438_896
    assert encoder.get_layer("code").activation.__name__ == "softmax"


@pytest.mark.parametrize("architecture", sorted(ARCHITECTURES))
@pytest.mark.parametrize("shape", [(74, 200), (49, 200)])
def test_every_family_reconstructs_the_input_shape(architecture, shape):
    autoencoder, encoder = build_autoencoder(shape, dataclasses.replace(TINY, architecture=architecture, latent_dim=32))
    x = spectrogram_like(2, shape)[..., None]
    assert autoencoder.output_shape == (None, *shape, 1)
    reconstruction = autoencoder.predict(x, verbose=0)
    assert reconstruction.shape == x.shape and 0 <= reconstruction.min() and reconstruction.max() <= 1
    assert encoder.predict(x, verbose=0).shape == (2, 32)
    # the decoder mirrors the encoder: each Conv2D has a Conv2DTranspose with the same kernel and stride
    convs = [l for l in autoencoder.layers if type(l) is keras.layers.Conv2D]
    transposed = [l for l in autoencoder.layers if type(l) is keras.layers.Conv2DTranspose]
    assert [(l.kernel_size, l.strides) for l in convs] == [(l.kernel_size, l.strides) for l in reversed(transposed)]


@pytest.mark.parametrize("architecture, shape, message", [
    ("AE3", (8, 8), r"AE3 cannot encode spectrograms of shape \(8, 8\): both axes must be at least 36 long"),
    ("DTU", (0, 5), r"spectrograms must have a shape \(frames, bins\) of at least \(1, 1\), got \(0, 5\)"),
    ("DTU", (5,), r"spectrograms must have a shape \(frames, bins\) of at least \(1, 1\), got \(5,\)"),
])
def test_shapes_an_architecture_cannot_encode_are_refused(architecture, shape, message):
    with pytest.raises(ValueError, match=message):
        build_autoencoder(shape, dataclasses.replace(TINY, architecture=architecture))


def test_speaker_holdout_keeps_speakers_whole():
    speakers = [f"s{i % 7}" for i in range(70)] + ["big"] * 30
    train, validation = speaker_holdout(speakers, 0.3, seed=1)
    names = np.array(speakers)
    assert set(names[train]).isdisjoint(names[validation])
    assert len(validation) >= 30 and len(train) > 0
    assert sorted(np.concatenate([train, validation])) == list(range(100))
    assert np.array_equal(speaker_holdout(speakers, 0.3, seed=1)[1], validation)
    with pytest.raises(ValueError, match="at least two"):
        speaker_holdout(["one"] * 5, 0.3, seed=1)
    with pytest.raises(ValueError, match=r"validation_split must lie in \(0, 1\)"):
        speaker_holdout(speakers, 1.0, seed=1)


def held_out_one_speaker_at_a_time(speakers, fraction, seed):
    """The holdout's definition, speaker by speaker: the reference for the vectorised one."""
    speakers, held = np.asarray(speakers), []
    for speaker in np.random.default_rng(seed).permutation(np.unique(speakers))[:-1]:
        held.append(speaker)
        if np.isin(speakers, held).sum() >= fraction * speakers.size:
            break
    return np.flatnonzero(np.isin(speakers, held))


def test_the_vectorised_holdout_holds_out_the_speakers_its_definition_does():
    rng = np.random.default_rng(0)
    for _ in range(200):
        speakers = [f"s{i}" for i in rng.integers(0, rng.integers(2, 12), rng.integers(2, 60))]
        if len(set(speakers)) < 2:
            continue
        fraction, seed = float(rng.uniform(0.01, 0.99)), int(rng.integers(100))
        expected = held_out_one_speaker_at_a_time(speakers, fraction, seed)
        assert np.array_equal(speaker_holdout(speakers, fraction, seed)[1], expected), (speakers, fraction, seed)


def test_batches_cover_every_index_once_per_epoch_and_reshuffle_from_the_seed():
    X = np.arange(10 * 2 * 3, dtype=np.float32).reshape(10, 2, 3)
    indices = np.array([0, 2, 3, 5, 7, 9])
    batches = SpectrogramBatches(X, indices, batch_size=4, shuffle=True, seed=5)
    assert len(batches) == 2
    epochs = []
    for _ in range(2):
        seen = np.concatenate([batches[i][0][:, 0, 0, 0] / 6 for i in range(len(batches))]).astype(int)
        assert sorted(seen) == indices.tolist()
        x, y = batches[0]
        assert x.shape == (4, 2, 3, 1) and np.array_equal(x, y)
        epochs.append(seen)
        batches.on_epoch_end()
    again = SpectrogramBatches(X, indices, batch_size=4, shuffle=True, seed=5)
    assert np.array_equal(np.concatenate([again[i][0][:, 0, 0, 0] / 6 for i in range(2)]).astype(int), epochs[0])


def test_constant_prediction_loss_is_the_mean_binary_cross_entropy():
    X = np.random.default_rng(0).uniform(0, 1, (5, 7)).astype(np.float32)
    p = 0.3
    assert constant_prediction_loss(*moments([X]), p) == pytest.approx(np.mean(-(X * np.log(p) + (1 - X) * np.log(1 - p))))


@pytest.fixture(scope="module")
def tiny_runs():
    X = spectrogram_like(48)
    speakers = [f"s{i // 6}" for i in range(48)]
    return X, speakers, train_autoencoder(X, speakers, TINY, verbose=0), train_autoencoder(X, speakers, TINY, verbose=0)


def test_training_lowers_the_loss_and_restores_the_best_weights(tiny_runs):
    X, speakers, result, _ = tiny_runs
    assert result.history["loss"][-1] < result.history["loss"][0]
    assert result.train_size + result.validation_size == 48 and result.validation_size >= 0.3 * 48
    _, validation = speaker_holdout(speakers, TINY.validation_split, TINY.seed)
    val_loss = result.model.evaluate(X[validation][..., None], X[validation][..., None], verbose=0,
                                           batch_size=TINY.batch_size)
    assert val_loss == pytest.approx(result.best_val_loss, rel=1e-5)
    assert result.best_val_loss == min(result.history["val_loss"])  # min_delta 0: every improvement counts
    assert result.history["val_loss"][result.best_epoch - 1] == result.best_val_loss


def test_the_reported_best_is_the_epoch_whose_weights_are_restored():
    X = spectrogram_like(48)
    speakers = [f"s{i // 6}" for i in range(48)]
    strict = dataclasses.replace(TINY, min_delta=1.0, patience=3)  # no later epoch can improve by 1.0
    result = train_autoencoder(X, speakers, strict, verbose=0)
    assert result.best_epoch == 1 and len(result.history["val_loss"]) == 4
    _, validation = speaker_holdout(speakers, strict.validation_split, strict.seed)
    val_loss = result.model.evaluate(X[validation][..., None], X[validation][..., None], verbose=0,
                                           batch_size=strict.batch_size)
    assert val_loss == pytest.approx(result.history["val_loss"][0], rel=1e-5)


def test_training_is_deterministic_for_a_seed(tiny_runs):
    _, _, first, second = tiny_runs
    assert first.history == second.history
    for a, b in zip(first.model.get_weights(), second.model.get_weights()):
        assert np.array_equal(a, b)


def test_saved_models_load_back_with_the_same_outputs(tiny_runs, tmp_path):
    X, _, result, _ = tiny_runs
    result.model.save(tmp_path / "autoencoder.keras")
    result.encoder.save(tmp_path / "encoder.keras")
    x = X[:5, ..., None]
    for model, name in ((result.model, "autoencoder"), (result.encoder, "encoder")):
        loaded = keras.models.load_model(tmp_path / f"{name}.keras")
        assert np.array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_a_loss_that_turns_nan_stops_training_with_a_clear_error():
    X = spectrogram_like(24)
    X[5, 3, 3] = np.nan  # in a training batch of the first epoch
    with pytest.raises(TrainingError, match=r"loss became NaN or infinite in epoch 1 and training stopped: lower "
                                            r"autoencoder\.learning_rate \(now 0\.001\)"):
        train_autoencoder(X, [f"s{i % 4}" for i in range(24)], TINY, verbose=0)


def test_codes_that_are_not_finite_are_refused():
    _, encoder = build_autoencoder((49, 200), dataclasses.replace(TINY, latent_dim=4))
    X = spectrogram_like(3)
    assert encode(encoder, X, "test").shape == (3, 4)
    code = encoder.get_layer("code")
    kernel, bias = code.get_weights()
    code.set_weights([kernel, np.array([np.nan, 0, 0, 0], dtype=np.float32)])
    with pytest.raises(FeatureError, match=r"the encoder gives NaN or infinite codes for 3 of 3 test chunks"):
        encode(encoder, X, "test")


@pytest.mark.parametrize("decoder", ["unpooling", "upsampling"])
@pytest.mark.parametrize("bottleneck", ["dense", "pooled"])
@pytest.mark.parametrize("shape", [(7, 9), (8, 12), (1, 1)])
def test_dtu_reconstructs_odd_and_even_shapes(decoder, bottleneck, shape):
    params = dataclasses.replace(TINY_DTU, decoder=decoder, bottleneck=bottleneck, loss="bce", latent_dim=3)
    autoencoder, encoder = build_autoencoder(shape, params)
    x = spectrogram_like(2, shape)[..., None]
    reconstruction = autoencoder.predict(x, verbose=0)
    assert reconstruction.shape == x.shape and 0 <= reconstruction.min() and reconstruction.max() <= 1
    assert encoder.predict(x, verbose=0).shape == (2, 3)
    assert encoder.get_layer("code") is autoencoder.get_layer("code")
    convs = [layer for layer in autoencoder.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [(layer.kernel_size, layer.filters) for layer in convs] == [((5, 5), 4), ((3, 3), 4), ((3, 3), 4),
                                                                         ((3, 3), 4), ((3, 3), 4), ((5, 5), 1)]
    undo = [type(layer).__name__ for layer in autoencoder.layers
            if layer.name.startswith(("decoder_unpool", "decoder_upsample"))]
    assert undo == 3 * ["MaxUnpooling" if decoder == "unpooling" else "UpSampling2D"]


def test_dtu_encoder_for_the_default_shape_has_the_expected_size():
    params = dataclasses.replace(TINY_DTU, filters=64, latent_dim=128)
    _, encoder = build_autoencoder((74, 200), params)
    sizes = [encoder.get_layer(f"encoder_conv_{i}").output.shape[1:3] for i in (1, 2, 3)]
    assert sizes == [(74, 200), (37, 100), (19, 50)]
    assert encoder.get_layer("flatten").input.shape == (None, 10, 25, 64)
    assert encoder.count_params() == (5 * 5 + 1) * 64 + 2 * (3 * 3 * 64 + 1) * 64 + (10 * 25 * 64 + 1) * 128


@pytest.mark.parametrize("architecture, loss, activation", [("AE1", "bce", "sigmoid"), ("AE1", "mse", "linear"),
                                                            ("DTU", "bce", "sigmoid"), ("DTU", "mse", "linear")])
def test_the_output_activation_follows_the_loss(architecture, loss, activation):
    autoencoder, _ = build_autoencoder((49, 30), dataclasses.replace(TINY_DTU, architecture=architecture, loss=loss))
    assert autoencoder.get_layer("reconstruction").activation.__name__ == activation


@pytest.mark.parametrize("architecture, decoder", [("AE1", "unpooling"), ("DTU", "unpooling"), ("DTU", "upsampling")])
def test_the_pooled_bottleneck_is_the_mean_and_sd_over_time_of_the_last_map(architecture, decoder):
    params = dataclasses.replace(TINY_DTU, architecture=architecture, decoder=decoder, bottleneck="pooled")
    autoencoder, encoder = build_autoencoder((49, 30), params)
    statistics = encoder.get_layer("time_statistics")
    last_map, pooled = keras.Model(encoder.input, [statistics.input, statistics.output]).predict(
        spectrogram_like(3, (49, 30))[..., None], verbose=0)
    assert last_map.shape[1] > 1  # several frames to pool over
    _, frames, bins, channels = last_map.shape
    assert pooled.shape == (3, 2 * bins * channels)
    assert encoder.get_layer("code").input.shape == (None, 2 * bins * channels)
    sd = np.sqrt(np.maximum(last_map.var(axis=1), VARIANCE_FLOOR))
    expected = np.concatenate([last_map.mean(axis=1).reshape(3, -1), sd.reshape(3, -1)], axis=1)
    np.testing.assert_allclose(pooled, expected, rtol=1e-5, atol=1e-6)
    assert autoencoder.get_layer("decoder_unflatten").units == frames * bins * channels  # decoder: the whole map


def test_the_constant_baseline_for_mse_is_the_mean_squared_error_of_a_constant():
    X = np.random.default_rng(0).normal(2, 3, (5, 7, 9)).astype(np.float32)
    exact = X.astype(np.float64)
    blocks = [X[:2], X[2:3], X[3:]]  # the shards of one split
    assert moments(blocks) == pytest.approx((exact.mean(), np.mean(exact ** 2)), rel=1e-12)
    assert constant_prediction_loss(*moments(blocks), exact.mean(), "mse") == pytest.approx(np.var(exact), rel=1e-9)
    assert constant_prediction_loss(*moments(blocks), 0.5, "mse") == pytest.approx(np.mean((exact - 0.5) ** 2), rel=1e-9)
    with pytest.raises(ValueError, match=r"autoencoder.loss must be one of \['bce', 'mse'\], got 'mae'"):
        constant_prediction_loss(*moments(blocks), 0.5, "mae")


@pytest.fixture(scope="module")
def dtu_runs():
    X = spectrogram_like(48, (12, 20))
    X = (X - X.mean()) / X.std()  # mse needs no [0, 1]
    speakers = [f"s{i // 6}" for i in range(48)]
    return X, train_autoencoder(X, speakers, TINY_DTU, verbose=0), train_autoencoder(X, speakers, TINY_DTU, verbose=0)


def test_mse_training_of_dtu_lowers_the_loss_and_is_deterministic(dtu_runs):
    X, first, second = dtu_runs
    assert first.history["loss"][-1] < first.history["loss"][0]
    assert first.model.loss == "mean_squared_error"
    assert first.history == second.history
    for a, b in zip(first.model.get_weights(), second.model.get_weights()):
        assert np.array_equal(a, b)


LOAD_AFTER_CODES = """
import sys
import numpy as np
import keras
import fewlabels.autoencoder.codes  # all a stage imports before loading an encoder
np.save(sys.argv[3], keras.models.load_model(sys.argv[1]).predict(np.load(sys.argv[2]), verbose=0))
"""


def test_a_saved_dtu_encoder_loads_back_in_a_process_that_imports_codes_and_saves_to_the_same_bytes(dtu_runs,
                                                                                                     tmp_path):
    X, result, _ = dtu_runs
    write_keras(tmp_path / "encoder.keras", result.encoder)
    time.sleep(2)  # a zip entry's date has a 2-second resolution; Keras stamps the second
    write_keras(tmp_path / "again.keras", result.encoder)
    assert (tmp_path / "again.keras").read_bytes() == (tmp_path / "encoder.keras").read_bytes()
    np.save(tmp_path / "x.npy", X[:5, ..., None])
    subprocess.run([sys.executable, "-c", LOAD_AFTER_CODES, tmp_path / "encoder.keras", tmp_path / "x.npy",
                    tmp_path / "codes.npy"], check=True, capture_output=True)
    assert np.array_equal(np.load(tmp_path / "codes.npy"), result.encoder.predict(X[:5, ..., None], verbose=0))
