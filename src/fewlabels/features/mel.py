"""The log-mel spectrogram of the DTU study (``spectrogram.kind: logmel``).

One chunk (n,) of samples -> (frames, bands) mel band powers in dB, as librosa's
``power_to_db(melspectrogram(...))`` computes them, with the choices of this project:

- the chunk is peak-normalised as the linear spectrogram's is (:func:`fewlabels.features.fast.normalise`:
  DC removed, divided by its largest absolute value), so both families see the same signal;
- frames of ``window`` samples start every ``hop`` samples while they fit (no centre padding):
  :func:`mel_spectrogram_shape` frames;
- each frame is multiplied by a periodic Hann window and its power spectrum |rfft|^2 (window // 2 + 1 bins,
  bin k at k * sample_rate / window Hz) is summed into bands by TensorFlow's HTK mel filter bank
  (``tf.signal.linear_to_mel_weight_matrix``: triangles of peak 1, linear in mel, DC bin excluded);
- powers are relative to :func:`full_scale_power`, so 0 dB is what a full-scale sine puts into a band.

Sizes are in samples, rates and frequencies in Hz. The filter bank is built once per parameter set
(TensorFlow is imported only there) and is a plain NumPy array: :func:`mel_power` is NumPy only, cheap
to pickle into worker processes with its filter bank.
"""
from functools import lru_cache

import numpy as np

from fewlabels.features import fast


def mel_spectrogram_shape(chunk: int, window: int, hop: int, bands: int) -> tuple[int, int]:
    """(frames, bins) of the log-mel spectrogram of a ``chunk``-sample chunk: frames of ``window`` samples every
    ``hop`` samples, none padded (``1 + (chunk - window) // hop``), and ``bands`` mel bands."""
    return 1 + (chunk - window) // hop, bands


@lru_cache
def hann_window(window: int) -> np.ndarray:
    """The periodic Hann window of ``window`` samples (librosa's and ``tf.signal.hann_window``'s default);
    read-only float64 (window,)."""
    from scipy.signal import get_window  # here only: scipy.signal takes about 0.5 s to import

    return fast.read_only(get_window("hann", window, fftbins=True))


def full_scale_power(window: int) -> float:
    """The 0 dB reference of :func:`mel_power`: ``window * sum(w**2) / 4`` (``3 window**2 / 32`` for the
    Hann window ``w``), the power |rfft(w x)|^2 that a full-scale sine ``x`` (amplitude 1) puts into the
    positive-frequency bins of one frame, summed over them (Parseval).

    A band whose filter weight is 1 across the sine's main lobe (its bin and the two beside it) reads
    0 dB; a full-scale sine at a band's centre frequency reads between about -1 and 0 dB (below 0 where
    the triangle's slopes weigh the lobe's side bins under 1: narrow bands).
    """
    return window * float(np.sum(hann_window(window) ** 2)) / 4


def check_mel_params(sample_rate: int, window: int, bands: int, fmin: float, fmax: float | None) -> float:
    """A ValueError that names the parameter unless the filter bank is well defined; the upper band edge
    in Hz (``fmax``, or the Nyquist frequency ``sample_rate / 2`` when it is None)."""
    nyquist = sample_rate / 2
    if sample_rate <= 0:
        raise ValueError(f"sample_rate must be positive, got {sample_rate}")
    if window < 2 or window % 2:
        raise ValueError(f"the mel window must be an even number of samples (the filter bank puts the last "
                         f"FFT bin at the Nyquist frequency), got {window}")
    if not 1 <= bands <= window // 2 + 1:
        raise ValueError(f"{bands} mel bands do not fit the {window // 2 + 1} frequency bins of a {window}-sample "
                         f"window: use 1 to {window // 2 + 1} bands or a longer window")
    fmax = nyquist if fmax is None else fmax
    if fmax > nyquist:
        raise ValueError(f"fmax {fmax:g} Hz lies above the Nyquist frequency {nyquist:g} Hz of {sample_rate} Hz")
    if not 0 <= fmin < fmax:
        raise ValueError(f"the mel bands need 0 <= fmin < fmax; got fmin {fmin:g} Hz, fmax {fmax:g} Hz")
    return float(fmax)


def mel_filterbank(sample_rate: int, window: int, bands: int, fmin: float = 0.0,
                   fmax: float | None = None) -> np.ndarray:
    """TensorFlow's HTK mel filter bank for the power spectra of ``window``-sample frames; read-only float64
    (window // 2 + 1, bands): column b is band b's triangle over the rfft bins (peak 1, the DC bin 0).

    Bands span ``fmin`` to ``fmax`` Hz (None: the Nyquist frequency). Cached per parameter set.
    A ValueError names a bad parameter (see :func:`check_mel_params`).
    """
    upper = check_mel_params(sample_rate, window, bands, fmin, fmax)
    return _filterbank(sample_rate, window, bands, float(fmin), upper)


@lru_cache
def _filterbank(sample_rate: int, window: int, bands: int, fmin: float, fmax: float) -> np.ndarray:
    import tensorflow as tf  # here only: the per-chunk work never needs it

    matrix = tf.signal.linear_to_mel_weight_matrix(num_mel_bins=bands, num_spectrogram_bins=window // 2 + 1,
                                                   sample_rate=sample_rate, lower_edge_hertz=fmin,
                                                   upper_edge_hertz=fmax, dtype=tf.float64)
    return fast.read_only(np.array(matrix.numpy()))


def mel_power(chunk: np.ndarray, filterbank: np.ndarray, window: int, hop: int) -> np.ndarray:
    """Mel band powers of ``chunk`` (n,) relative to :func:`full_scale_power`; float64
    :func:`mel_spectrogram_shape` (frames, bands).

    ``filterbank``: :func:`mel_filterbank` for ``window``-sample frames, which start every ``hop`` samples.
    """
    if chunk.ndim != 1:
        raise ValueError(f"a chunk must be one-dimensional (n,), got shape {chunk.shape}")
    if filterbank.shape[0] != window // 2 + 1:
        raise ValueError(f"a filter bank of {filterbank.shape[0]} rows does not fit the {window // 2 + 1} "
                         f"frequency bins of a {window}-sample window")
    if hop < 1:
        raise ValueError(f"the hop must be at least 1 sample, got {hop}")
    if chunk.size < window:
        raise ValueError(f"a chunk of {chunk.size} samples is shorter than the {window}-sample mel window")
    frames = fast.frame(fast.normalise(chunk), window, hop) * hann_window(window)
    spectra = np.fft.rfft(frames, axis=1)
    power = spectra.real ** 2 + spectra.imag ** 2
    return power @ filterbank / full_scale_power(window)


def decibels(values: np.ndarray, db_floor: float, per_decade: int = 10) -> np.ndarray:
    """``per_decade * log10(max(values, floor))``, the floor at ``db_floor`` dB: 10 for powers, 20 for
    magnitudes; same shape, float64. ``db_floor`` must be negative."""
    if db_floor >= 0:
        raise ValueError(f"spectrogram.db_floor must be negative, got {db_floor}")
    return per_decade * np.log10(np.maximum(values, 10 ** (db_floor / per_decade)))


def log_mel_spectrogram(chunk: np.ndarray, sample_rate: int, window: int, hop: int, bands: int,
                        fmin: float = 0.0, fmax: float | None = None, db_floor: float = -80.0) -> np.ndarray:
    """Log-mel spectrogram of ``chunk`` (n,) at ``sample_rate`` Hz in dB re a full-scale sine; float64
    (frames, bands), :func:`mel_spectrogram_shape`, at least ``db_floor``; the loudest bands of the peak-normalised
    chunk lie near 0 dB (a full-scale sine: -1 to 0 dB; a square wave's fundamental, 4 / pi as strong: +2 dB).

    :func:`decibels` of :func:`mel_power` with :func:`mel_filterbank` (``bands`` from ``fmin`` to ``fmax`` Hz;
    None: Nyquist); ``window`` and ``hop`` in samples. A ValueError names a bad parameter.
    """
    filterbank = mel_filterbank(sample_rate, window, bands, fmin, fmax)
    return decibels(mel_power(np.asarray(chunk), filterbank, window, hop), db_floor)
