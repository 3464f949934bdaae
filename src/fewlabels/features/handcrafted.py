"""pyAudioAnalysis 0.3.14 mid-term features: 34 short-term features and their deltas, mean and std."""
import warnings

import numpy as np

with warnings.catch_warnings():  # pyAudioAnalysis imports pydub, which looks for ffmpeg; audio is read elsewhere
    warnings.filterwarnings("ignore", "Couldn't find ffmpeg or avconv", RuntimeWarning)
    from pyAudioAnalysis import MidTermFeatures

from fewlabels.features import FeatureError
from fewlabels.features.spectrogram import window_samples

SHORT_TERM_NAMES = (
    ["zcr", "energy", "energy_entropy", "spectral_centroid", "spectral_spread", "spectral_entropy",
     "spectral_flux", "spectral_rolloff"]
    + [f"mfcc_{i}" for i in range(1, 14)] + [f"chroma_{i}" for i in range(1, 13)] + ["chroma_std"]
)
_WITH_DELTAS = SHORT_TERM_NAMES + [f"delta {name}" for name in SHORT_TERM_NAMES]
FEATURE_NAMES = [f"{name}_mean" for name in _WITH_DELTAS] + [f"{name}_std" for name in _WITH_DELTAS]


def mid_term_features(chunk: np.ndarray, sample_rate: int, mid_window_s: float, mid_step_s: float,
                      short_window_s: float, short_step_s: float) -> np.ndarray:
    """The 136 mid-term features of ``chunk`` (n,), averaged over its mid-term windows; float64 (136,).

    Columns are named by :data:`FEATURE_NAMES` (``zcr_mean`` ... ``delta chroma_std_std``).
    Raises :class:`FeatureError` when a short-term feature is NaN or infinite, which
    pyAudioAnalysis would otherwise turn into a silent zero.
    """
    short_window = window_samples(short_window_s, sample_rate)
    short_step = window_samples(short_step_s, sample_rate)
    if chunk.size < short_window:
        raise ValueError(f"a chunk of {chunk.size} samples is shorter than the {short_window}-sample short window")
    mid, short, names = MidTermFeatures.mid_feature_extraction(
        chunk, sample_rate, round(mid_window_s * sample_rate), round(mid_step_s * sample_rate), short_window, short_step)
    bad = ~np.isfinite(short).all(axis=1)
    if bad.any():
        raise FeatureError(f"short-term features {[names[i].removesuffix('_mean') for i in np.flatnonzero(bad)]} "
                           "are NaN or infinite")
    if names != FEATURE_NAMES:
        raise RuntimeError("pyAudioAnalysis returned other feature names than 0.3.14; see FEATURE_NAMES")
    return mid.mean(axis=1)
