"""pyAudioAnalysis 0.3.14 mid-term features (by pyAudioAnalysis or the fast backend): 34 short-term features and
their deltas, mean and std."""
import warnings
from collections.abc import Callable
from functools import partial

import numpy as np

from fewlabels.features import FeatureError, fast
from fewlabels.features.fast import window_samples
from fewlabels.features.params import HandcraftedParams
from fewlabels.features.spectrogram import check_backend

SHORT_TERM_NAMES = (
    ["zcr", "energy", "energy_entropy", "spectral_centroid", "spectral_spread", "spectral_entropy",
     "spectral_flux", "spectral_rolloff"]
    + [f"mfcc_{i}" for i in range(1, 14)] + [f"chroma_{i}" for i in range(1, 13)] + ["chroma_std"]
)
_WITH_DELTAS = SHORT_TERM_NAMES + [f"delta {name}" for name in SHORT_TERM_NAMES]
FEATURE_NAMES = [f"{name}_mean" for name in _WITH_DELTAS] + [f"{name}_std" for name in _WITH_DELTAS]


def _pyaudioanalysis_mid_term(chunk: np.ndarray, sample_rate: int, mid_window: int, mid_step: int,
                              short_window: int, short_step: int) -> tuple[np.ndarray, np.ndarray]:
    """``MidTermFeatures.mid_feature_extraction`` (sizes in samples) after the fast backend's parameter checks,
    so both refuse alike what pyAudioAnalysis would crash or hang on; (136, n_mid), (68, n_frames)."""
    with warnings.catch_warnings():  # imported here: the fast backend's workers need not load it (about 1 s)
        warnings.filterwarnings("ignore", "Couldn't find ffmpeg or avconv", RuntimeWarning)  # pydub; audio is read elsewhere
        from pyAudioAnalysis import MidTermFeatures

    fast.mid_term_ratios(mid_window, mid_step, short_window, short_step)
    fast.check_short_term_window(sample_rate, short_window)
    mid, short, names = MidTermFeatures.mid_feature_extraction(
        chunk, sample_rate, mid_window, mid_step, short_window, short_step)
    if names != FEATURE_NAMES:
        raise RuntimeError("pyAudioAnalysis returned other feature names than 0.3.14; see FEATURE_NAMES")
    return mid, short


def mid_term_features(chunk: np.ndarray, sample_rate: int, mid_window_s: float, mid_step_s: float,
                      short_window_s: float, short_step_s: float, backend: str = "fast") -> np.ndarray:
    """The 136 mid-term features of ``chunk`` (n,), averaged over its mid-term windows; float64 (136,).

    Columns are named by :data:`FEATURE_NAMES` (``zcr_mean`` ... ``delta chroma_std_std``).
    ``backend``: "fast" (:func:`fewlabels.features.fast.mid_feature_extraction`, the same numbers
    to about 1e-12) or "pyaudioanalysis". Raises a ValueError for parameters pyAudioAnalysis
    crashes on (sample rates up to 6853 Hz, short windows too short for its chroma), and
    :class:`FeatureError` when a short-term feature is NaN or infinite, which pyAudioAnalysis
    would otherwise turn into a silent zero.
    """
    check_backend(backend)
    short_window = window_samples(short_window_s, sample_rate)
    short_step = window_samples(short_step_s, sample_rate)
    if chunk.size < short_window:
        raise ValueError(f"a chunk of {chunk.size} samples is shorter than the {short_window}-sample short window")
    extract = fast.mid_feature_extraction if backend == "fast" else _pyaudioanalysis_mid_term
    mid, short = extract(chunk, sample_rate, round(mid_window_s * sample_rate), round(mid_step_s * sample_rate),
                         short_window, short_step)
    if not np.isfinite(np.add.reduce(short, axis=1)).all():  # a cheap first look: finite terms give a finite sum
        bad = [FEATURE_NAMES[i].removesuffix("_mean") for i in np.flatnonzero(~np.isfinite(short).all(axis=1))]
        if bad:
            raise FeatureError(f"short-term features {bad} are NaN or infinite")
    return np.add.reduce(mid, axis=1) / mid.shape[1]  # mid.mean(axis=1), without its Python wrapper


def handcrafted_featurizer(hand: HandcraftedParams, sample_rate: int) -> Callable[[np.ndarray], np.ndarray]:
    """Chunk (min_signal,) at ``sample_rate`` Hz -> :func:`mid_term_features` float64 (136,), per the
    ``handcrafted`` params."""
    return partial(mid_term_features, sample_rate=sample_rate, mid_window_s=hand.mid_window_s,
                   mid_step_s=hand.mid_step_s, short_window_s=hand.short_window_s, short_step_s=hand.short_step_s,
                   backend=hand.backend)
