"""The spectrogram of a chunk for the autoencoder: pyAudioAnalysis 0.3.14's linear spectrogram (by it or the
fast backend, its quirks handled) or the log-mel spectrogram of :mod:`fewlabels.features.mel`, and its scaling."""
import contextlib
import io
from collections.abc import Callable
from functools import partial

import numpy as np

from fewlabels.features import fast
from fewlabels.features.mel import decibels, mel_filterbank, mel_power
from fewlabels.features.params import SpectrogramParams

SCALES = ("db", "linear", "standard")
BACKENDS = ("fast", "pyaudioanalysis")  # fewlabels.features.fast, or pyAudioAnalysis itself: the same numbers


def check_backend(backend: str) -> None:
    """A clear error unless ``backend`` is one of :data:`BACKENDS`."""
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")


def _pyaudioanalysis_spectrogram(chunk: np.ndarray, sample_rate: int, window: int) -> np.ndarray:
    """``ShortTermFeatures.spectrogram`` with window = step = ``window`` samples, silenced, checked for 0.3.14."""
    from pyAudioAnalysis import ShortTermFeatures  # here: the fast backend's workers need not load it

    with contextlib.redirect_stdout(io.StringIO()):  # the function prints the shape
        full, _, _ = ShortTermFeatures.spectrogram(chunk, sample_rate, window, window)
    if full[-1].any():
        raise RuntimeError("pyAudioAnalysis filled the last spectrogram row; "
                           "this code expects the 0.3.14 behaviour (last row all zero)")
    return full


def spectrogram(chunk: np.ndarray, sample_rate: int, window_s: float, backend: str = "fast") -> np.ndarray:
    """Linear magnitude spectrogram of ``chunk`` (n,) with window = step = ``window_s`` seconds.

    Returns float64 (n // window - 1, window // 2): pyAudioAnalysis' ``spectrogram`` minus its
    all-zero last row. Its 0.3.14 quirks: the first frame (samples [0, window)) is skipped, so
    row ``i`` is the frame starting at sample ``(i + 1) * window``; the last row is allocated but
    never filled. 30,000 samples at 8 kHz and 0.05 s give (74, 200), 20,000 give (49, 200).
    Magnitudes are ``|FFT| / (window // 2)`` of the DC-removed, peak-normalised chunk.
    ``backend``: "fast" (:func:`fewlabels.features.fast.spectrogram`, the same numbers) or "pyaudioanalysis".
    """
    check_backend(backend)
    window = fast.window_samples(window_s, sample_rate)
    if chunk.size < 2 * window:
        raise ValueError(f"a chunk of {chunk.size} samples is too short for a {window}-sample window; "
                         f"pyAudioAnalysis fills no frame below {2 * window}")
    if backend == "fast":
        return fast.spectrogram(chunk, window, window)[:-1]
    return _pyaudioanalysis_spectrogram(chunk, sample_rate, window)[:-1]


def standardise(values: np.ndarray) -> np.ndarray:
    """``values`` (any shape) shifted and scaled to mean 0 and population SD 1 over all entries; all zeros
    when they are all equal (a silent chunk), never NaN; float64."""
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0 or values.min() == values.max():
        return np.zeros_like(values)
    centred = values - values.mean()
    return centred / np.sqrt(np.mean(centred * centred))


def scale_spectrogram(values: np.ndarray, scale: str, db_floor: float, per_decade: int = 20) -> np.ndarray:
    """Scale a spectrogram's ``values`` (any shape): magnitudes (``per_decade`` 20, the linear kind) or
    powers (10, the log-mel kind); float32, same shape.

    ``db``: their :func:`fewlabels.features.mel.decibels` mapped linearly from [``db_floor``, 0] dB to [0, 1],
    clipped (for a binary cross-entropy autoencoder).
    ``linear``: the values themselves clipped to [0, 1] (the original study, which did not scale).
    ``standard``: their decibels :func:`standardise`-d, mean 0 and SD 1 over the chunk (for MSE).
    """
    if scale == "linear":
        return np.clip(values, 0, 1).astype(np.float32)
    if scale not in SCALES:
        raise ValueError(f"spectrogram.scale must be one of {SCALES}, got {scale!r}")
    levels = decibels(values, db_floor, per_decade)
    if scale == "db":
        return np.clip(1 - levels / db_floor, 0, 1).astype(np.float32)
    return standardise(levels).astype(np.float32)


def scaled_spectrogram(chunk: np.ndarray, sample_rate: int, window_s: float, scale: str, db_floor: float,
                       backend: str = "fast") -> np.ndarray:
    """:func:`spectrogram` of ``chunk`` scaled by :func:`scale_spectrogram`; float32 (frames, bins)."""
    return scale_spectrogram(spectrogram(chunk, sample_rate, window_s, backend), scale, db_floor)


def scaled_mel_spectrogram(chunk: np.ndarray, filterbank: np.ndarray, window: int, hop: int, scale: str,
                           db_floor: float) -> np.ndarray:
    """:func:`fewlabels.features.mel.mel_power` of ``chunk`` scaled by :func:`scale_spectrogram` (as powers:
    ``db`` and ``standard`` work on its log-mel dB); float32 (frames, bands)."""
    return scale_spectrogram(mel_power(chunk, filterbank, window, hop), scale, db_floor, per_decade=10)


def spectrogram_featurizer(spec: SpectrogramParams, sample_rate: int) -> Callable[[np.ndarray], np.ndarray]:
    """Chunk (min_signal,) at ``sample_rate`` Hz -> scaled spectrogram float32 (frames, bins), per the
    ``spectrogram`` params: :func:`scaled_spectrogram` (``kind: linear``) or :func:`scaled_mel_spectrogram`
    (``kind: logmel``).

    A picklable :func:`functools.partial` of a module-level function: the log-mel filter bank is built here,
    once, and travels with it as a NumPy array, so worker processes need no TensorFlow.
    """
    if spec.kind == "linear":
        return partial(scaled_spectrogram, sample_rate=sample_rate, window_s=spec.window_s,
                       scale=spec.scale, db_floor=spec.db_floor, backend=spec.backend)
    mel = spec.mel
    window, hop = fast.window_samples(mel.window_s, sample_rate), fast.window_samples(mel.hop_s, sample_rate)
    filterbank = mel_filterbank(sample_rate, window, mel.bands, mel.fmin, mel.fmax)
    return partial(scaled_mel_spectrogram, filterbank=filterbank, window=window, hop=hop, scale=spec.scale,
                   db_floor=spec.db_floor)
