"""openSMILE's functionals of a chunk (the ``opensmile`` package): eGeMAPS v02, the Geneva Minimalistic Acoustic
Parameter Set (88), and ComParE 2016, the Computational Paralinguistics Challenge set (6,373).

The package bundles the openSMILE library; it is imported on first use, so a study without these sets never
loads it. openSMILE is free for non-commercial research only (audEERING's licence; docs/features.md).
"""
import sys
from collections.abc import Callable
from functools import lru_cache, partial

import numpy as np

from fewlabels.audio import PCM16_SCALE
from fewlabels.features import FeatureError

FEATURE_SETS = {"egemaps": "eGeMAPSv02", "compare2016": "ComParE_2016"}  # our name -> opensmile.FeatureSet member


@lru_cache(maxsize=None)
def smile(name: str):
    """The ``opensmile.Smile`` computing set ``name``'s functionals, built once per process (20–200 ms)."""
    import opensmile

    return opensmile.Smile(feature_set=opensmile.FeatureSet[FEATURE_SETS[name]],
                           feature_level=opensmile.FeatureLevel.Functionals)


def feature_names(name: str) -> list[str]:
    """openSMILE's own names of set ``name``'s functionals, in its order."""
    return list(smile(name).feature_names)


def functionals(chunk: np.ndarray, sample_rate: int, sets: tuple[str, ...]) -> np.ndarray:
    """The functionals of each set of ``sets`` over ``chunk`` (n,) at ``sample_rate`` Hz on the 16-bit scale of
    :func:`fewlabels.audio.load_signal`, given to openSMILE as float in [-1, 1] with no other normalisation, one
    set after the other: float32 (sum of the sets' sizes,). A :class:`FeatureError` where one is NaN or infinite."""
    if "tensorflow" in sys.modules:
        raise RuntimeError("openSMILE crashes (a segmentation fault) in a process that has loaded TensorFlow: "
                           "compute openSMILE features in processes of their own, as the opensmile stage does")
    signal = (np.asarray(chunk) / PCM16_SCALE).astype(np.float32)
    parts = [smile(name).process_signal(signal, sample_rate).to_numpy(np.float32)[0] for name in sets]
    values = np.concatenate(parts)
    if not np.isfinite(values).all():
        names = [n for name in sets for n in feature_names(name)]
        raise FeatureError(f"openSMILE functionals {[names[i] for i in np.flatnonzero(~np.isfinite(values))][:5]} are "
                           "NaN or infinite")
    return values


def opensmile_featurizer(sets: tuple[str, ...], sample_rate: int) -> Callable[[np.ndarray], np.ndarray]:
    """Chunk (min_signal,) at ``sample_rate`` Hz -> :func:`functionals` of ``sets``."""
    unknown = set(sets) - set(FEATURE_SETS)
    if unknown:
        raise ValueError(f"no openSMILE set {sorted(unknown)}; the sets are {list(FEATURE_SETS)}")
    return partial(functionals, sample_rate=sample_rate, sets=tuple(sets))


def split_sets(X: np.ndarray, sets: tuple[str, ...]) -> dict[str, np.ndarray]:
    """The columns of :func:`functionals` rows ``X`` (n, d) per set: set -> (n, the set's size)."""
    sizes = [len(feature_names(name)) for name in sets]
    if sum(sizes) != X.shape[1]:
        raise ValueError(f"{X.shape[1]} columns, where the sets {list(sets)} have {sum(sizes)} functionals")
    return dict(zip(sets, np.split(X, np.cumsum(sizes)[:-1], axis=1)))
