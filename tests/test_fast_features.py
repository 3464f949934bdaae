"""The fast backend computes pyAudioAnalysis 0.3.14's features and spectrogram: the same numbers, the same errors."""
import contextlib
import inspect
import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyAudioAnalysis import MidTermFeatures, ShortTermFeatures

from fewlabels.features import FeatureError, fast
from fewlabels.features.handcrafted import FEATURE_NAMES, mid_term_features
from fewlabels.features.spectrogram import BACKENDS, scaled_spectrogram, spectrogram

SAMPLE_RATES = (8000, 16000, 22050, 44100)
SHORT_TERM_NAMES = [name.removesuffix("_mean") for name in FEATURE_NAMES[:68]]
SETTINGS = settings(max_examples=25, deadline=None, derandomize=True, database=None)


def speech_like(n: int, sample_rate: int, rng: np.random.Generator) -> np.ndarray:
    """Harmonics of a 90-250 Hz voice with vibrato, syllable-rate amplitude modulation, and a little noise."""
    t = np.arange(n) / sample_rate
    f0 = rng.uniform(90, 250) * (1 + 0.03 * np.sin(2 * np.pi * rng.uniform(4, 7) * t))
    phase = 2 * np.pi * np.cumsum(f0) / sample_rate
    harmonics = sum(np.sin(k * phase) / k for k in range(1, int(sample_rate / 2 / f0.max())))
    syllables = 0.5 * (1 + np.sin(2 * np.pi * rng.uniform(2, 6) * t + rng.uniform(0, 2 * np.pi)))
    return 6000 * syllables * harmonics + rng.normal(0, 200, n)


def pink_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """Noise with power falling as 1 / f, standard deviation about 3000."""
    spectrum = np.fft.rfft(rng.normal(size=n))
    spectrum[1:] /= np.sqrt(np.arange(1, spectrum.size))
    noise = np.fft.irfft(spectrum, n)
    return 3000 * noise / noise.std()


SIGNALS = {  # name -> f(n, sample_rate, rng): int16-range samples (n,)
    "white noise": lambda n, fs, rng: rng.normal(0, 3000, n),
    "pink noise": lambda n, fs, rng: pink_noise(n, rng),
    "speech-like": speech_like,
    "silence": lambda n, fs, rng: np.zeros(n),
    "tiny amplitude": lambda n, fs, rng: rng.normal(0, 1e-3, n),
    "near silence": lambda n, fs, rng: rng.integers(-1, 2, n).astype(float),
    "clipped": lambda n, fs, rng: np.clip(8 * speech_like(n, fs, rng), -32767, 32767),
    "silence then speech": lambda n, fs, rng: np.where(np.arange(n) < n // 2, 0.0, speech_like(n, fs, rng)),
}


def make_signal(kind: str, n: int, sample_rate: int, seed: int = 0) -> np.ndarray:
    return SIGNALS[kind](n, sample_rate, np.random.default_rng(seed))


def assert_same_features(fast_values: np.ndarray, reference: np.ndarray, names: list[str]) -> None:
    """Equal within rel 1e-6 / abs 1e-9; rows are features named by ``names``; a failure names the worst."""
    assert fast_values.shape == reference.shape and fast_values.dtype == reference.dtype
    excess = np.nan_to_num(np.abs(fast_values - reference) - 1e-6 * np.abs(reference), nan=np.inf)
    row, column = np.unravel_index(np.argmax(excess), excess.shape)
    np.testing.assert_allclose(fast_values, reference, rtol=1e-6, atol=1e-9, err_msg=(
        f"worst: {names[row]} in column {column}: fast {fast_values[row, column]!r}, "
        f"pyAudioAnalysis {reference[row, column]!r}"))


def reference_spectrogram(signal: np.ndarray, window: int, step: int) -> np.ndarray:
    with contextlib.redirect_stdout(io.StringIO()):  # it prints the shape
        return ShortTermFeatures.spectrogram(signal, 8000, window, step)[0]


def error_of(function, *args) -> Exception | None:
    try:
        function(*args)
    except Exception as error:
        return error
    return None


# --- short-term features ----------------------------------------------------------------------------------------

WINDOWS_S = [(0.025, 0.01), (0.05, 0.05), (0.05, 0.02), (0.025, 0.03)]  # (window, step): overlaps, none, gaps


@pytest.mark.parametrize("kind", SIGNALS)
@pytest.mark.parametrize("sample_rate", SAMPLE_RATES)
@pytest.mark.parametrize("window_s, step_s", WINDOWS_S)
def test_short_term_features_match_pyaudioanalysis(kind, sample_rate, window_s, step_s):
    window, step = round(window_s * sample_rate), round(step_s * sample_rate)
    signal = make_signal(kind, sample_rate // 2 + 37, sample_rate)  # not a multiple of the step
    reference, _ = ShortTermFeatures.feature_extraction(signal, sample_rate, window, step)
    assert_same_features(fast.feature_extraction(signal, sample_rate, window, step), reference, SHORT_TERM_NAMES)


@st.composite
def short_term_cases(draw):
    """(signal, sample_rate, window, step): any window pyAudioAnalysis accepts up to 60 ms, up to 30 frames."""
    sample_rate = draw(st.sampled_from(SAMPLE_RATES))
    window = draw(st.integers(2 * (fast.highest_chroma_note(sample_rate) + 1), round(0.06 * sample_rate)))
    step = draw(st.integers(window // 4, 2 * window))
    n = window + step * draw(st.integers(0, 30)) + draw(st.integers(0, step - 1))
    signal = make_signal(draw(st.sampled_from(sorted(SIGNALS))), n, sample_rate, draw(st.integers(0, 2**16)))
    return signal, sample_rate, window, step


@SETTINGS
@given(short_term_cases())
def test_short_term_features_match_pyaudioanalysis_for_any_window(case):
    reference, _ = ShortTermFeatures.feature_extraction(*case)
    assert_same_features(fast.feature_extraction(*case), reference, SHORT_TERM_NAMES)


def test_quirks_first_frame_has_zero_flux_and_deltas():
    features = fast.feature_extraction(make_signal("white noise", 4000, 8000), 8000, 400, 200)
    assert features[SHORT_TERM_NAMES.index("spectral_flux"), 0] == 0
    assert not features[34:, 0].any() and features[34:, 1].all()


def test_a_failing_comparison_names_the_worst_feature():
    reference = np.ones((68, 3))
    off = reference.copy()
    off[SHORT_TERM_NAMES.index("mfcc_4"), 2] *= 1 + 1e-5
    with pytest.raises(AssertionError, match="worst: mfcc_4 in column 2"):
        assert_same_features(off, reference, SHORT_TERM_NAMES)


# --- mid-term features ------------------------------------------------------------------------------------------


@st.composite
def mid_term_cases(draw):
    """(signal, sample_rate, mid_window, mid_step, short_window, short_step), sizes in samples.

    Mid windows and steps of whole short steps give or take up to half a step (pyAudioAnalysis rounds),
    overlapping or not, up to longer than the signal; signals up to 60 short-term frames.
    """
    sample_rate = draw(st.sampled_from(SAMPLE_RATES))
    short_window = draw(st.integers(2 * (fast.highest_chroma_note(sample_rate) + 1), round(0.05 * sample_rate)))
    short_step = draw(st.integers(short_window // 3, short_window))
    half_step = st.integers(-(short_step // 2), short_step // 2)
    mid_window = short_window - short_step + short_step * draw(st.integers(1, 25)) + draw(half_step)
    mid_step = short_step * draw(st.integers(1, 25)) + draw(half_step)
    n = short_window + short_step * draw(st.integers(0, 60)) + draw(st.integers(0, short_step - 1))
    signal = make_signal(draw(st.sampled_from(sorted(SIGNALS))), n, sample_rate, draw(st.integers(0, 2**16)))
    return signal, sample_rate, mid_window, mid_step, short_window, short_step


@SETTINGS
@given(mid_term_cases())
def test_mid_term_features_match_pyaudioanalysis(case):
    mid, short, _ = MidTermFeatures.mid_feature_extraction(*case)
    fast_mid, fast_short = fast.mid_feature_extraction(*case)
    assert_same_features(fast_short, short, SHORT_TERM_NAMES)
    assert_same_features(fast_mid, mid, FEATURE_NAMES)


@pytest.mark.parametrize("mid_window, mid_step, short_window, short_step, n_mid", [
    (8000, 8000, 400, 400, 4),  # the default: 75 frames, windows of 20, the last of 15
    (8000, 4000, 400, 200, 8),  # overlapping mid windows: 149 frames, windows of 39 every 20
    (8000, 8000, 400, 160, 4),  # 186 frames; windows of 48.5 frames round (half to even) to 48, every 50
    (80000, 80000, 400, 400, 1),  # one partial window longer than the signal
])
def test_mid_term_windowing_matches_pyaudioanalysis(mid_window, mid_step, short_window, short_step, n_mid):
    signal = make_signal("speech-like", 30_000, 8000)
    mid, _, _ = MidTermFeatures.mid_feature_extraction(signal, 8000, mid_window, mid_step, short_window, short_step)
    fast_mid, _ = fast.mid_feature_extraction(signal, 8000, mid_window, mid_step, short_window, short_step)
    assert fast_mid.shape == (136, n_mid)
    assert_same_features(fast_mid, mid, FEATURE_NAMES)


@pytest.mark.parametrize("kind", SIGNALS)
@pytest.mark.parametrize("sample_rate, window_s, step_s", [
    (8000, 0.05, 0.05), (8000, 0.025, 0.01), (16000, 0.05, 0.025), (22050, 0.04, 0.02), (44100, 0.02, 0.01)])
def test_both_backends_give_the_same_mid_term_features(kind, sample_rate, window_s, step_s):
    chunk = make_signal(kind, round(3.75 * sample_rate) + 11, sample_rate)
    features = {backend: mid_term_features(chunk, sample_rate, 1.0, 1.0, window_s, step_s, backend=backend)
                for backend in BACKENDS}
    assert features["fast"].shape == (136,)
    assert_same_features(features["fast"][:, None], features["pyaudioanalysis"][:, None], FEATURE_NAMES)


@pytest.mark.parametrize("backend", BACKENDS)
def test_both_backends_refuse_nan_features_and_short_chunks(backend):
    chunk = make_signal("white noise", 30_000, 8000)
    chunk[5000] = np.inf
    with pytest.raises(FeatureError, match=r"short-term features \['zcr', 'energy', .*\] are NaN or infinite"):
        mid_term_features(chunk, 8000, 1.0, 1.0, 0.05, 0.05, backend=backend)
    with pytest.raises(ValueError, match="shorter than the 400-sample short window"):
        mid_term_features(chunk[:399], 8000, 1.0, 1.0, 0.05, 0.05, backend=backend)


# --- spectrogram ------------------------------------------------------------------------------------------------


@SETTINGS
@given(st.sampled_from(sorted(SIGNALS)), st.integers(2, 1000), st.integers(1, 1000), st.integers(0, 10), st.data())
def test_spectrogram_matches_pyaudioanalysis(kind, window, step, frames, data):
    n = data.draw(st.integers(window, 2 * window + frames * step))
    signal = make_signal(kind, n, 8000)
    names = [f"frame row {i}" for i in range(int((n - window) / step) + 1)]
    assert_same_features(fast.spectrogram(signal, window, step), reference_spectrogram(signal, window, step), names)


@pytest.mark.parametrize("kind", SIGNALS)
@pytest.mark.parametrize("sample_rate, window_s", [(8000, 0.05), (16000, 0.025), (22050, 0.02), (44100, 0.05)])
def test_both_backends_give_the_same_spectrogram(kind, sample_rate, window_s):
    chunk = make_signal(kind, round(3.75 * sample_rate) + 11, sample_rate)
    window = round(window_s * sample_rate)
    spectra = {backend: spectrogram(chunk, sample_rate, window_s, backend) for backend in BACKENDS}
    assert spectra["fast"].shape == (chunk.size // window - 1, window // 2)
    assert_same_features(spectra["fast"], spectra["pyaudioanalysis"], [f"row {i}" for i in range(len(spectra["fast"]))])


@pytest.mark.parametrize("backend", BACKENDS)
def test_both_backends_give_the_same_shapes_and_types(backend):
    chunk = make_signal("speech-like", 30_000, 8000)
    assert spectrogram(chunk, 8000, 0.05, backend).shape == (74, 200)
    assert spectrogram(chunk, 8000, 0.05, backend).dtype == np.float64
    scaled = scaled_spectrogram(chunk, 8000, 0.05, "db", -80.0, backend)
    assert scaled.shape == (74, 200) and scaled.dtype == np.float32
    assert mid_term_features(chunk, 8000, 1.0, 1.0, 0.05, 0.05, backend).dtype == np.float64
    with pytest.raises(ValueError, match="too short for a 400-sample window"):
        spectrogram(chunk[:799], 8000, 0.05, backend)


# --- backend choice and refused parameters --------------------------------------------------------------------


def test_fast_is_the_default_backend(monkeypatch):
    for function in (spectrogram, scaled_spectrogram, mid_term_features):
        assert inspect.signature(function).parameters["backend"].default == "fast"
    called = []
    for name in ("spectrogram", "mid_feature_extraction"):
        real = getattr(fast, name)
        monkeypatch.setattr(fast, name, lambda *args, real=real, name=name: called.append(name) or real(*args))
    chunk = make_signal("speech-like", 30_000, 8000)
    scaled_spectrogram(chunk, 8000, 0.05, "db", -80.0)
    mid_term_features(chunk, 8000, 1.0, 1.0, 0.05, 0.05)
    assert called == ["spectrogram", "mid_feature_extraction"]


def test_unknown_backends_are_refused():
    chunk = make_signal("white noise", 30_000, 8000)
    pattern = r"backend must be one of \('fast', 'pyaudioanalysis'\), got 'librosa'"
    with pytest.raises(ValueError, match=pattern):
        spectrogram(chunk, 8000, 0.05, "librosa")
    with pytest.raises(ValueError, match=pattern):
        scaled_spectrogram(chunk, 8000, 0.05, "db", -80.0, "librosa")
    with pytest.raises(ValueError, match=pattern):
        mid_term_features(chunk, 8000, 1.0, 1.0, 0.05, 0.05, backend="librosa")


@pytest.mark.parametrize("sample_rate, window", [(6853, 400), (6854, 400), (6000, 300), (4000, 2000), (7000, 1000)])
def test_the_mfcc_sample_rate_limit_is_exactly_where_pyaudioanalysis_crashes(sample_rate, window):
    signal = make_signal("white noise", 3 * window, sample_rate)
    crash = error_of(ShortTermFeatures.feature_extraction, signal, sample_rate, window, window)
    refusal = error_of(fast.feature_extraction, signal, sample_rate, window, window)
    assert isinstance(crash, IndexError) == (sample_rate <= 6853)
    assert (refusal is None) == (crash is None)
    if refusal:
        assert type(refusal) is ValueError
        assert str(refusal).startswith("the MFCC filter bank needs a sample rate above 6853.8 Hz")


@pytest.mark.parametrize("sample_rate, min_window", [(8000, 174), (16000, 198), (22050, 210), (44100, 234)])
@pytest.mark.parametrize("below", [3, 2, 1, 0, -1])
def test_the_chroma_window_limit_is_exactly_where_pyaudioanalysis_crashes(sample_rate, min_window, below):
    window = min_window - below
    signal = make_signal("speech-like", 3 * window, sample_rate)
    crash = error_of(ShortTermFeatures.feature_extraction, signal, sample_rate, window, window)
    refusal = error_of(fast.feature_extraction, signal, sample_rate, window, window)
    assert isinstance(crash, (ValueError, IndexError)) == (below > 0)
    assert (refusal is None) == (crash is None)
    if refusal:
        assert str(refusal) == (f"chroma needs a short-term window of at least {min_window} samples "
                                f"({1000 * min_window / sample_rate:g} ms) at {sample_rate} Hz to hold its notes "
                                f"(pyAudioAnalysis fails below it); got {window} samples")


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("sample_rate, short_window_s, mid_step_s, message", [
    (6000, 0.05, 1.0, r"MFCC filter bank needs a sample rate above 6853.8 Hz, .*; got 6000 Hz"),
    (8000, 0.02, 1.0, r"chroma needs a short-term window of at least 174 samples \(21.75 ms\) at 8000 Hz"),
    (8000, 0.05, 0.02, "a mid-term step of 160 samples rounds to no short-term step of 400 samples"),
])
def test_both_backends_refuse_what_pyaudioanalysis_crashes_or_hangs_on(backend, sample_rate, short_window_s,
                                                                       mid_step_s, message):
    chunk = make_signal("speech-like", 4 * sample_rate, sample_rate)
    with pytest.raises(ValueError, match=message):
        mid_term_features(chunk, sample_rate, 1.0, mid_step_s, short_window_s, short_window_s, backend=backend)


def test_mid_windows_without_a_frame_are_refused():
    with pytest.raises(ValueError, match="a mid-term window of 100 samples holds no short-term frame"):
        fast.mid_term_ratios(100, 400, 400, 100)


def test_tables_are_built_once_and_read_only():
    assert fast.mfcc_filter_bank(8000, 200) is fast.mfcc_filter_bank(8000, 200)
    assert fast.chroma_matrix(8000, 200) is fast.chroma_matrix(8000, 200)
    with pytest.raises(ValueError, match="read-only"):
        fast.mfcc_filter_bank(8000, 200)[0, 0] = 1
