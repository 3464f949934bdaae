"""The pyAudioAnalysis 0.3.14 spectrogram (by it or the fast backend), its quirks handled, and its scaling to [0, 1]."""
import contextlib
import io
from collections.abc import Callable
from functools import partial

import numpy as np
from pyAudioAnalysis import ShortTermFeatures

from fewlabels.features import fast
from fewlabels.params import Params

SCALES = ("db", "linear")
BACKENDS = ("fast", "pyaudioanalysis")  # fewlabels.features.fast, or pyAudioAnalysis itself: the same numbers


def check_backend(backend: str) -> None:
    """A clear error unless ``backend`` is one of :data:`BACKENDS`."""
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")


def _pyaudioanalysis_spectrogram(chunk: np.ndarray, sample_rate: int, window: int) -> np.ndarray:
    """``ShortTermFeatures.spectrogram`` with window = step = ``window`` samples, silenced, checked for 0.3.14."""
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


def scale_spectrogram(magnitude: np.ndarray, scale: str, db_floor: float) -> np.ndarray:
    """Map magnitudes (any shape) into [0, 1] for a binary cross-entropy autoencoder; float32.

    ``db``: 20 log10(magnitude) mapped linearly from [``db_floor``, 0] dB to [0, 1], clipped.
    ``linear``: the magnitudes themselves clipped to [0, 1] (the original study, which did not scale).
    """
    if scale == "linear":
        return np.clip(magnitude, 0, 1).astype(np.float32)
    if scale == "db":
        if db_floor >= 0:
            raise ValueError(f"spectrogram.db_floor must be negative, got {db_floor}")
        decibels = 20 * np.log10(np.maximum(magnitude, 10 ** (db_floor / 20)))
        return np.clip(1 - decibels / db_floor, 0, 1).astype(np.float32)
    raise ValueError(f"spectrogram.scale must be one of {SCALES}, got {scale!r}")


def scaled_spectrogram(chunk: np.ndarray, sample_rate: int, window_s: float, scale: str, db_floor: float,
                       backend: str = "fast") -> np.ndarray:
    """:func:`spectrogram` of ``chunk`` mapped into [0, 1] by :func:`scale_spectrogram`; float32 (frames, bins)."""
    return scale_spectrogram(spectrogram(chunk, sample_rate, window_s, backend), scale, db_floor)


def spectrogram_featurizer(params: Params) -> Callable[[np.ndarray], np.ndarray]:
    """Chunk (min_signal,) -> :func:`scaled_spectrogram` float32 (frames, bins), per the ``audio`` and ``spectrogram`` params."""
    spec = params.spectrogram
    return partial(scaled_spectrogram, sample_rate=params.audio.sample_rate, window_s=spec.window_s,
                   scale=spec.scale, db_floor=spec.db_floor, backend=spec.backend)
