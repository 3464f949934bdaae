"""The log-mel spectrogram (``spectrogram.kind: logmel``) and the scales of both spectrogram kinds."""
import pickle
import warnings

import numpy as np
import pytest
import tensorflow as tf

from fewlabels.features.mel import (full_scale_power, log_mel_spectrogram, mel_filterbank, mel_power,
                                    mel_spectrogram_shape)
from fewlabels.features.spectrogram import scale_spectrogram, spectrogram, spectrogram_featurizer
from fewlabels.io import read_pickle
from fewlabels.params import load_params
from fewlabels.shards import ShardedSpectrograms
from tests.conftest import ROOT, update_params

RATE, WINDOW, HOP, BANDS = 8000, 512, 256, 28  # the default params: 0.064 s and 0.032 s at 8 kHz
SECONDS = np.arange(30_000) / RATE
CLIP = np.random.default_rng(0).normal(0, 3000, 30_000) + 8000 * np.sin(2 * np.pi * 440 * SECONDS)


def htk_mel(hz):
    return 2595 * np.log10(1 + np.asarray(hz) / 700)


def band_centres_hz(bands=BANDS, fmin=0.0, fmax=RATE / 2):
    """Centre frequencies of HTK mel bands: equally spaced in mel between fmin and fmax."""
    edges = np.linspace(htk_mel(fmin), htk_mel(fmax), bands + 2)
    return 700 * (10 ** (edges[1:-1] / 2595) - 1)


def tone(hz, amplitude=1.0):
    return amplitude * np.sin(2 * np.pi * hz * SECONDS)


def featurizer_of(params):
    return spectrogram_featurizer(params.spectrogram, params.audio.sample_rate)


@pytest.fixture
def params_for(tmp_path):
    """Params from a copy of the shipped params.yaml with ``overrides`` for the log-mel kind."""
    def load(**spectrogram):
        path = tmp_path / "params.yaml"
        path.write_text((ROOT / "params.yaml").read_text())
        loss = "mse" if spectrogram.get("scale") == "standard" else "bce"
        update_params(path, {"spectrogram": spectrogram, "autoencoder": {"architecture": "DTU", "loss": loss}})
        return load_params(path)
    return load


@pytest.mark.parametrize("n", [30_000, 20_000, 12_345, 768, 513, 512])
def test_shape_is_mel_spectrogram_shape(n):
    values = log_mel_spectrogram(CLIP[:n], RATE, WINDOW, HOP, BANDS)
    assert values.shape == mel_spectrogram_shape(n, WINDOW, HOP, BANDS)
    assert values.shape[0] == 1 + (n - WINDOW) // HOP and values.dtype == np.float64


def test_default_params_give_116_frames_of_28_bands(params_for):
    featurize = featurizer_of(params_for(kind="logmel"))
    assert featurize(CLIP).shape == (116, 28) and featurize(CLIP).dtype == np.float32


@pytest.mark.parametrize("fmin, fmax", [(0.0, None), (50.0, 3800.0)])
def test_the_filterbank_is_tensorflows(fmin, fmax):
    ours = mel_filterbank(RATE, WINDOW, BANDS, fmin, fmax)
    theirs = tf.signal.linear_to_mel_weight_matrix(BANDS, WINDOW // 2 + 1, RATE, fmin, fmax or RATE / 2,
                                                   dtype=tf.float64).numpy()
    assert ours.shape == (WINDOW // 2 + 1, BANDS)
    assert np.array_equal(ours[40], theirs[40]) and np.array_equal(ours, theirs)
    assert mel_filterbank(RATE, WINDOW, BANDS, fmin, fmax) is ours and not ours.flags.writeable  # built once


def test_a_pure_tone_lands_in_the_band_with_the_closest_centre():
    centres = band_centres_hz()
    for band in (2, 9, 17, 25):
        hz = centres[band] + 0.3 * (centres[band + 1] - centres[band])  # nearer this centre than any other
        assert np.argmin(np.abs(centres - hz)) == band
        loudest = log_mel_spectrogram(tone(hz), RATE, WINDOW, HOP, BANDS).argmax(axis=1)
        assert (loudest == band).all()


def test_a_full_scale_sine_at_a_band_centre_reads_about_0_db_in_that_band():
    assert full_scale_power(WINDOW) == pytest.approx(3 * WINDOW**2 / 32)
    for band, hz in enumerate(band_centres_hz()):
        decibels = log_mel_spectrogram(tone(hz), RATE, WINDOW, HOP, BANDS)[:, band]
        assert (-1.0 < decibels).all() and (decibels < 0.05).all(), (band, hz)
    # peak normalisation: the same sine 20 dB quieter reads the same (but for normalise's 1e-10 guard)
    quiet = log_mel_spectrogram(tone(1000.0, 0.1), RATE, WINDOW, HOP, BANDS)
    assert np.allclose(quiet, log_mel_spectrogram(tone(1000.0), RATE, WINDOW, HOP, BANDS), atol=1e-3)


def test_the_db_floor_bounds_the_log_mel_values():
    values = log_mel_spectrogram(tone(1000.0), RATE, WINDOW, HOP, BANDS, db_floor=-60.0)
    assert values.min() == pytest.approx(-60.0) and values.max() <= 0.05


def test_db_scale_maps_powers_from_the_floor_to_0_db_into_the_unit_interval(params_for):
    power = np.array([0.0, 1e-9, 1e-8, 1e-4, 1.0, 2.0])
    assert np.allclose(scale_spectrogram(power, "db", -80.0, per_decade=10), [0, 0, 0, 0.5, 1, 1])
    values = featurizer_of(params_for(kind="logmel", scale="db"))(CLIP)
    assert values.dtype == np.float32 and 0 <= values.min() and values.max() <= 1 and values.max() > 0.7


def test_the_linear_kinds_db_scale_is_unchanged():
    magnitude = spectrogram(CLIP, RATE, 0.05)
    before = np.clip(1 - 20 * np.log10(np.maximum(magnitude, 10 ** (-80.0 / 20))) / -80.0, 0, 1).astype(np.float32)
    assert np.array_equal(scale_spectrogram(magnitude, "db", -80.0), before)


def test_linear_scale_clips_mel_power_to_the_unit_interval(params_for):
    values = featurizer_of(params_for(kind="logmel", scale="linear"))(CLIP)
    power = mel_power(CLIP, mel_filterbank(RATE, WINDOW, BANDS), WINDOW, HOP)
    assert np.array_equal(values, np.clip(power, 0, 1).astype(np.float32))


@pytest.mark.parametrize("kind", ["logmel", "linear"])
def test_standard_scale_gives_each_chunk_mean_0_and_sd_1(params_for, kind):
    featurize = featurizer_of(params_for(kind=kind, scale="standard"))
    for chunk in (CLIP, tone(300.0)):
        values = featurize(chunk).astype(np.float64)
        assert values.mean() == pytest.approx(0, abs=1e-6) and values.std() == pytest.approx(1, abs=1e-6)


@pytest.mark.parametrize("kind", ["logmel", "linear"])
def test_standard_scale_of_a_silent_or_constant_chunk_is_zeros(params_for, kind):
    featurize = featurizer_of(params_for(kind=kind, scale="standard"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for chunk in (np.zeros(30_000), np.full(30_000, 1000.0)):
            values = featurize(chunk)
            assert values.shape == featurize(CLIP).shape and not values.any()
        assert not scale_spectrogram(np.full((3, 4), 0.25), "standard", -80.0).any()


@pytest.mark.parametrize("chunk, window, hop, bands, fmin, fmax, message", [
    (500, 512, 256, 28, 0.0, None, "shorter than the 512-sample mel window"),
    (30_000, 512, 256, 258, 0.0, None, "258 mel bands do not fit the 257 frequency bins"),
    (30_000, 512, 256, 28, 0.0, 5000.0, "fmax 5000 Hz lies above the Nyquist frequency 4000 Hz"),
    (30_000, 512, 256, 28, 4000.0, None, "0 <= fmin < fmax; got fmin 4000 Hz, fmax 4000 Hz"),
    (30_000, 512, 256, 28, 1000.0, 500.0, "0 <= fmin < fmax; got fmin 1000 Hz, fmax 500 Hz"),
    (30_000, 511, 256, 28, 0.0, None, "even number of samples"),
    (30_000, 512, 0, 28, 0.0, None, "hop must be at least 1 sample"),
])
def test_bad_parameters_are_refused_with_the_reason(chunk, window, hop, bands, fmin, fmax, message):
    with pytest.raises(ValueError, match=message):
        log_mel_spectrogram(CLIP[:chunk], RATE, window, hop, bands, fmin, fmax)


def test_a_filterbank_for_another_window_is_refused():
    with pytest.raises(ValueError, match="257 rows does not fit the 129 frequency bins"):
        mel_power(CLIP, mel_filterbank(RATE, WINDOW, BANDS), 256, 128)


@pytest.mark.parametrize("kind", ["logmel", "linear"])
def test_the_featurizer_pickles_with_its_filterbank(params_for, kind):
    featurize = featurizer_of(params_for(kind=kind))
    copy = pickle.loads(pickle.dumps(featurize))
    assert np.array_equal(copy(CLIP), featurize(CLIP))


@pytest.mark.e2e
def test_dvc_repro_spectrograms_with_logmel(reproduced_project):
    project = reproduced_project
    update_params(project.path / "params.yaml", {"spectrogram": {"kind": "logmel"},
                                                 "autoencoder": {"architecture": "DTU"}})
    project.dvc("repro", "spectrograms")
    unlabelled = ShardedSpectrograms(project.path / "data/spectrograms/unlabelled")
    for split in ("labelled", "test", "unlabelled"):
        X = unlabelled[np.arange(len(unlabelled))] if split == "unlabelled" else read_pickle(
            project.path / f"data/spectrograms/{split}.pkl")["X"]
        assert len(X) > 0 and X.shape[1:] == (116, 28) and X.dtype == np.float32
        assert 0 <= X.min() and X.max() <= 1
