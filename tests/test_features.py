import contextlib
import io

import numpy as np
import pytest
from pyAudioAnalysis import MidTermFeatures, ShortTermFeatures

from fewlabels.features import FeatureError
from fewlabels.features.handcrafted import FEATURE_NAMES, mid_term_features
from fewlabels.features.fast import window_samples
from fewlabels.features.spectrogram import scale_spectrogram, spectrogram

RNG = np.random.default_rng(0)
CLIP = RNG.normal(0, 3000, 70_000) + 8000 * np.sin(np.arange(70_000) * 0.07)


@pytest.mark.parametrize("n, shape", [(30_000, (74, 200)), (20_000, (49, 200)), (30_399, (74, 200)), (800, (1, 200))])
def test_spectrogram_shapes(n, shape):
    assert spectrogram(CLIP[:n], 8000, 0.05).shape == shape


@pytest.mark.parametrize("n", [30_000, 20_000, 30_399, 12_345])
def test_spectrogram_is_pyaudioanalysis_without_its_empty_last_row(n):
    with contextlib.redirect_stdout(io.StringIO()):
        full = ShortTermFeatures.spectrogram(CLIP[:n], 8000, 400, 400)[0]
    assert not full[-1].any()  # the 0.3.14 quirk this code relies on
    assert np.array_equal(spectrogram(CLIP[:n], 8000, 0.05), full[:-1])


def test_spectrogram_row_i_is_the_frame_starting_at_sample_i_plus_1_windows():
    chunk = CLIP[:30_000]
    normalised = chunk / 2**15
    normalised = normalised - normalised.mean()
    normalised = normalised / (np.abs(normalised).max() + 1e-10)
    frames = normalised[400:].reshape(-1, 400)[:74]  # frame 0 (samples 0-399) is skipped
    expected = np.abs(np.fft.fft(frames, axis=1))[:, :200] / 200
    assert np.allclose(spectrogram(chunk, 8000, 0.05), expected, rtol=1e-12, atol=1e-15)


def test_too_short_chunks_and_fractional_windows_are_refused():
    with pytest.raises(ValueError, match="too short for a 400-sample window"):
        spectrogram(CLIP[:799], 8000, 0.05)
    with pytest.raises(ValueError, match="0.0501 s at 8000 Hz is 400.8 samples"):
        window_samples(0.0501, 8000)


def test_db_scale_maps_the_floor_to_0_and_full_scale_to_1():
    magnitude = np.array([0.0, 1e-5, 1e-4, 1e-2, 1.0, 2.0])
    scaled = scale_spectrogram(magnitude, "db", -80.0)
    assert scaled.dtype == np.float32
    assert np.allclose(scaled, [0, 0, 0, 0.5, 1, 1])
    assert np.allclose(scale_spectrogram(magnitude, "linear", -80.0), [0, 1e-5, 1e-4, 1e-2, 1, 1])


def test_scaled_real_spectrograms_lie_in_the_unit_interval():
    for scale in ("db", "linear"):
        values = scale_spectrogram(spectrogram(CLIP[:30_000], 8000, 0.05), scale, -80.0)
        assert values.min() >= 0 and values.max() <= 1


def test_bad_scale_settings_are_refused():
    with pytest.raises(ValueError, match="spectrogram.scale must be one of"):
        scale_spectrogram(np.ones(3), "log", -80.0)
    with pytest.raises(ValueError, match="db_floor must be negative"):
        scale_spectrogram(np.ones(3), "db", 10.0)


def test_handcrafted_features_equal_a_direct_pyaudioanalysis_call():
    chunk = CLIP[:30_000]
    mid, _, names = MidTermFeatures.mid_feature_extraction(chunk, 8000, 8000, 8000, 400, 400)
    features = mid_term_features(chunk, 8000, 1.0, 1.0, 0.05, 0.05, backend="pyaudioanalysis")
    assert features.shape == (136,)
    assert np.array_equal(features, mid.mean(axis=1))
    assert names == FEATURE_NAMES and FEATURE_NAMES[0] == "zcr_mean" and FEATURE_NAMES[-1] == "delta chroma_std_std"


def test_nan_features_are_an_error_not_a_silent_zero():
    chunk = CLIP[:30_000].copy()
    chunk[5000] = np.inf
    with pytest.raises(FeatureError, match="NaN or infinite"):
        mid_term_features(chunk, 8000, 1.0, 1.0, 0.05, 0.05)
