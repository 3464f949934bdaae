import dataclasses

import keras
import numpy as np
import pytest

from fewlabels.autoencoder.architectures import FAMILIES, build_autoencoder
from fewlabels.autoencoder.codes import encode
from fewlabels.autoencoder.training import (SpectrogramBatches, TrainingError, constant_prediction_loss,
                                            speaker_holdout, train_autoencoder)
from fewlabels.features import FeatureError
from fewlabels.params import load_params
from tests.conftest import ROOT

TINY = dataclasses.replace(load_params(ROOT / "params.yaml").autoencoder, architecture="AE1", latent_dim=8,
                           batch_size=8, max_epochs=4, min_delta=0.0, patience=10, seed=3)


def spectrogram_like(n: int, shape=(49, 200), seed: int = 0) -> np.ndarray:
    """Smooth random images in [0, 1]: a few harmonics that rise and fall, float32 (n, frames, bins)."""
    rng = np.random.default_rng(seed)
    frames, bins = np.meshgrid(np.arange(shape[0]), np.arange(shape[1]), indexing="ij")
    pitch = rng.uniform(5, 20, (n, 1, 1))
    images = 0.5 + 0.4 * np.sin(bins[None] / pitch) * np.exp(-((frames[None] - rng.uniform(0, shape[0], (n, 1, 1))) / 15) ** 2)
    return np.clip(images, 0, 1).astype(np.float32)


def test_ae3_encoder_matches_the_original_summary_layer_by_layer():
    _, encoder = build_autoencoder((74, 200), "AE3", 64, "softmax")
    shapes = [layer.output.shape[1:] for layer in encoder.layers if not layer.name.startswith(("encoder_dropout", "spectrogram"))]
    assert shapes == [(37, 100, 16), (18, 50, 32), (6, 16, 64), (2, 5, 128), (1280,), (256,), (64,)]
    assert [layer.count_params() for layer in encoder.layers if layer.count_params()] == [80, 2080, 18496, 73856, 327936, 16448]
    assert encoder.count_params() == 438_896
    assert encoder.get_layer("code").activation.__name__ == "softmax"


@pytest.mark.parametrize("architecture", sorted(FAMILIES))
@pytest.mark.parametrize("shape", [(74, 200), (49, 200)])
def test_every_family_reconstructs_the_input_shape(architecture, shape):
    autoencoder, encoder = build_autoencoder(shape, architecture, 32)
    x = spectrogram_like(2, shape)[..., None]
    assert autoencoder.output_shape == (None, *shape, 1)
    reconstruction = autoencoder.predict(x, verbose=0)
    assert reconstruction.shape == x.shape and 0 <= reconstruction.min() and reconstruction.max() <= 1
    assert encoder.predict(x, verbose=0).shape == (2, 32)
    # the decoder mirrors the encoder: each Conv2D has a Conv2DTranspose with the same kernel and stride
    convs = [l for l in autoencoder.layers if type(l) is keras.layers.Conv2D]
    transposed = [l for l in autoencoder.layers if type(l) is keras.layers.Conv2DTranspose]
    assert [(l.kernel_size, l.strides) for l in convs] == [(l.kernel_size, l.strides) for l in reversed(transposed)]


@pytest.mark.parametrize("kwargs, message", [
    ({"architecture": "AE9"}, "architecture must be one of"),
    ({"bottleneck_activation": "tanh"}, "bottleneck_activation must be one of"),
    ({"dropout": 1.0}, r"dropout must lie in \[0, 1\)"),
    ({"latent_dim": 0}, "latent_dim must be at least 1"),
    ({"input_shape": (8, 8)}, r"cannot encode spectrograms of shape \(8, 8\)"),
])
def test_bad_settings_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        build_autoencoder(**{"input_shape": (74, 200), **kwargs})


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
    assert constant_prediction_loss(X, p) == pytest.approx(np.mean(-(X * np.log(p) + (1 - X) * np.log(1 - p))))


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
    val_loss = result.autoencoder.evaluate(X[validation][..., None], X[validation][..., None], verbose=0,
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
    val_loss = result.autoencoder.evaluate(X[validation][..., None], X[validation][..., None], verbose=0,
                                           batch_size=strict.batch_size)
    assert val_loss == pytest.approx(result.history["val_loss"][0], rel=1e-5)


def test_training_is_deterministic_for_a_seed(tiny_runs):
    _, _, first, second = tiny_runs
    assert first.history == second.history
    for a, b in zip(first.autoencoder.get_weights(), second.autoencoder.get_weights()):
        assert np.array_equal(a, b)


def test_saved_models_load_back_with_the_same_outputs(tiny_runs, tmp_path):
    X, _, result, _ = tiny_runs
    result.autoencoder.save(tmp_path / "autoencoder.keras")
    result.encoder.save(tmp_path / "encoder.keras")
    x = X[:5, ..., None]
    for model, name in ((result.autoencoder, "autoencoder"), (result.encoder, "encoder")):
        loaded = keras.models.load_model(tmp_path / f"{name}.keras")
        assert np.array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_a_loss_that_turns_nan_stops_training_with_a_clear_error():
    X = spectrogram_like(24)
    X[5, 3, 3] = np.nan  # in a training batch of the first epoch
    with pytest.raises(TrainingError, match=r"loss became NaN or infinite in epoch 1 and training stopped: lower "
                                            r"autoencoder\.learning_rate \(now 0\.001\)"):
        train_autoencoder(X, [f"s{i % 4}" for i in range(24)], TINY, verbose=0)


def test_codes_that_are_not_finite_are_refused():
    _, encoder = build_autoencoder((49, 200), "AE1", 4)
    X = spectrogram_like(3)
    assert encode(encoder, X, "test").shape == (3, 4)
    code = encoder.get_layer("code")
    kernel, bias = code.get_weights()
    code.set_weights([kernel, np.array([np.nan, 0, 0, 0], dtype=np.float32)])
    with pytest.raises(FeatureError, match=r"the encoder gives NaN or infinite codes for 3 of 3 test chunks"):
        encode(encoder, X, "test")
