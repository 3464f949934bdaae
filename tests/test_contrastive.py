"""Contrastive pretraining (COLA): crop pairs, the similarities, learning a property two crops of a clip share,
determinism, the NaN stop, and the whole-chunk encoder that frozen codes and fine-tuning take."""
import dataclasses

import keras
import numpy as np
import pytest

from fewlabels.autoencoder.contrastive import (BilinearSimilarity, CosineSimilarity, build_contrastive, chunk_encoder,
                                               train_contrastive)
from fewlabels.autoencoder.params import ContrastiveParams
from fewlabels.autoencoder.training import speaker_holdout
from fewlabels.batches import CropPairs
from fewlabels.errors import TrainingError
from fewlabels.methods.finetune import classifier
from tests.test_autoencoder import TINY

COLA = dataclasses.replace(TINY, architecture="DTU", filters=4, bottleneck="pooled", objective="contrastive",
                           latent_dim=16, batch_size=16, max_epochs=20, patience=20, dropout=0.0,
                           learning_rate=0.003, contrastive=ContrastiveParams(16, "bilinear", 16, 0.1))


def clips_with_a_band(n: int, shape=(40, 24), seed: int = 0) -> np.ndarray:
    """Noise spectrograms (n, frames, bins) in [0, 1], each with one bright frequency band over all its frames:
    the hidden property that any two crops of a clip share and a random other clip shares with chance 1/bins."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 0.3, (n, *shape))
    X[np.arange(n), :, rng.integers(0, shape[1], n)] += 0.6
    return X.astype(np.float32)


SPEAKERS = [f"s{i // 8}" for i in range(160)]


@pytest.fixture(scope="module")
def cola_runs():
    X = clips_with_a_band(160)
    return X, train_contrastive(X, SPEAKERS, COLA, verbose=0), train_contrastive(X, SPEAKERS, COLA, verbose=0)


def test_crop_pairs_are_two_crops_of_the_same_chunks_seeded_per_epoch():
    X = np.arange(10 * 12 * 3, dtype=np.float32).reshape(10, 12, 3)
    pairs = CropPairs(X, np.arange(10), batch_size=4, frames=5, shuffle=True, seed=1)
    assert len(pairs) == 2  # the remainder of 2 chunks is left out: no batch without negatives
    (a, b), targets = pairs[0]
    assert a.shape == b.shape == (4, 5, 3, 1) and np.array_equal(targets, np.arange(4))
    for crop in (a, b):  # each row: 5 consecutive frames of one chunk, the same chunk in a and b
        chunk, start = np.divmod(crop[:, 0, 0, 0].astype(int), 36)  # X's first entry of a frame: chunk * 36 + 3 * frame
        assert np.array_equal(crop[..., 0], X[chunk][np.arange(4)[:, None], (start // 3)[:, None] + np.arange(5)])
    assert np.array_equal(np.divmod(a[:, 0, 0, 0].astype(int), 36)[0], np.divmod(b[:, 0, 0, 0].astype(int), 36)[0])
    again = CropPairs(X, np.arange(10), batch_size=4, frames=5, shuffle=True, seed=1)
    assert all(np.array_equal(x, y) for x, y in zip(again[0][0], (a, b)))  # seeded
    starts = np.concatenate([pairs[i][0][0][:, 0, 0, 0] for i in range(len(pairs))])
    pairs.on_epoch_end()
    later = np.concatenate([pairs[i][0][0][:, 0, 0, 0] for i in range(len(pairs))])
    assert not np.array_equal(starts, later)  # new order and new crops every epoch
    validation = CropPairs(X, np.arange(3), batch_size=4, frames=5)
    first = validation[0][0][0]
    validation.on_epoch_end()
    assert len(validation) == 1 and validation[0][0][0].shape[0] == 3 and np.array_equal(validation[0][0][0], first)
    with pytest.raises(ValueError, match="crops of 12 frames must be shorter than the 12 frames"):
        CropPairs(X, np.arange(10), batch_size=4, frames=12)


def test_the_similarities_are_bilinear_and_cosine_over_temperature():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, 5, 3)).astype(np.float32)
    bilinear = BilinearSimilarity()
    logits = keras.ops.convert_to_numpy(bilinear([a, b]))
    W = keras.ops.convert_to_numpy(bilinear.kernel)
    np.testing.assert_allclose(logits, a @ W @ b.T, rtol=1e-5, atol=1e-6)
    cosine = keras.ops.convert_to_numpy(CosineSimilarity(0.5)([a, b]))
    unit = lambda x: x / np.linalg.norm(x, axis=1, keepdims=True)  # noqa: E731
    np.testing.assert_allclose(cosine, unit(a) @ unit(b).T / 0.5, rtol=1e-5, atol=1e-6)


def test_contrastive_accuracy_on_held_out_speakers_rises_far_above_chance(cola_runs):
    X, result, _ = cola_runs
    accuracy = result.history["val_accuracy"]
    chance = 1 / 16  # the batch's 16 chunks: one positive, 15 negatives
    assert accuracy[0] < 4 * chance and max(accuracy) > 8 * chance, accuracy
    assert result.history["val_loss"][-1] < result.history["val_loss"][0]
    _, validation = speaker_holdout(SPEAKERS, COLA.validation_split, COLA.seed)
    assert result.validation_size == len(validation) and result.train_size == 160 - len(validation)
    evaluated = result.model.evaluate(CropPairs(X, validation, 16, 16, seed=COLA.seed), verbose=0)
    assert evaluated[0] == pytest.approx(result.best_val_loss, rel=1e-5)  # the restored weights are the best's


def test_contrastive_training_is_deterministic_for_a_seed(cola_runs):
    _, first, second = cola_runs
    assert first.history == second.history
    assert all(np.array_equal(a, b) for a, b in zip(first.model.get_weights(), second.model.get_weights()))


def test_a_chunks_code_is_the_mean_of_its_whole_segments_codes_and_fine_tunes_unchanged(cola_runs, tmp_path):
    X, result, _ = cola_runs
    segment_encoder = result.encoder.get_layer("segment_codes").layer
    x = X[:3, ..., None]  # 40 frames: two whole segments of 16, the last 8 frames left out
    codes = result.encoder.predict(x, verbose=0)
    segments = [segment_encoder.predict(x[:, start:start + 16], verbose=0) for start in (0, 16)]
    np.testing.assert_allclose(codes, np.mean(segments, axis=0), rtol=1e-5, atol=1e-6)
    result.encoder.save(tmp_path / "encoder.keras")
    result.model.save(tmp_path / "cola.keras")
    loaded = keras.models.load_model(tmp_path / "encoder.keras")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), codes)
    pair = [x[:, :16], x[:, -16:]]
    np.testing.assert_array_equal(keras.models.load_model(tmp_path / "cola.keras").predict(pair, verbose=0),
                                  result.model.predict(pair, verbose=0))
    network = classifier(loaded, n_classes=3, hidden_units=4, pretrained=True)  # the finetune stage's classifier
    network.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    before = network.evaluate(x, np.array([0, 1, 2]), verbose=0)
    network.fit(x, np.array([0, 1, 2]), epochs=5, verbose=0)
    assert network.evaluate(x, np.array([0, 1, 2]), verbose=0) < before


def test_the_contrastive_model_pairs_the_encoder_of_the_family(cola_runs):
    model, encoder = build_contrastive((36, 200), dataclasses.replace(COLA, architecture="AE3", latent_dim=64))
    assert encoder.output_shape == (None, 64) and model.output_shape == (None, None)
    assert [layer.name for layer in model.layers if layer.count_params()] == [encoder.name, "projection", "similarity"]
    assert chunk_encoder(encoder, (74, 200)).output_shape == (None, 64)


def test_a_contrastive_loss_that_turns_nan_stops_training_with_a_clear_error():
    X = clips_with_a_band(48)
    X[:, 3, 3] = np.inf  # in every crop that holds frame 3: the logits turn NaN
    with pytest.raises(TrainingError, match=r"loss became NaN or infinite in epoch 1 and training stopped: lower "
                                            r"autoencoder\.learning_rate \(now 0\.003\)"):
        train_contrastive(X, SPEAKERS[:48], COLA, verbose=0)
