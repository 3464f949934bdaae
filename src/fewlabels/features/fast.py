"""pyAudioAnalysis 0.3.14's short-term features, mid-term features and spectrogram, vectorised over frames.

:func:`feature_extraction`, :func:`mid_feature_extraction` and :func:`spectrogram` compute the
same numbers as their pyAudioAnalysis namesakes (to rounding, about 1e-11 relative), quirks
included, but cut all frames at once, run one FFT over them and build the MFCC and chroma tables
once per (sample rate, window) instead of looping over frames in Python. Sizes are in samples and
sample rates in Hz, as in pyAudioAnalysis. Where pyAudioAnalysis crashes, :func:`check_short_term_window`
and :func:`mid_term_ratios` raise a ValueError that says why.
"""
import sys
from functools import lru_cache

import numpy as np
from scipy.fft import dct

EPS = sys.float_info.epsilon  # pyAudioAnalysis' eps, added to avoid dividing by zero and log(0)
N_BLOCKS = 10  # sub-blocks of a frame (or spectrum) for the entropy features
ROLLOFF_FRACTION = 0.90
N_MFCC = 13
A0_HZ = 27.5  # chroma note 0


def read_only(table: np.ndarray) -> np.ndarray:
    table.flags.writeable = False
    return table


def _mfcc_edges_hz() -> np.ndarray:
    """Edges of pyAudioAnalysis' 40 triangular MFCC filters in Hz (42,): 13 linear, then 29 log-spaced."""
    edges = np.zeros(42)
    edges[:13] = 133.33 + np.arange(13) * (200 / 3)
    edges[13:] = edges[12] * 1.0711703 ** np.arange(1, 30)
    return edges


MFCC_EDGES_HZ = _mfcc_edges_hz()  # filter i rises from edge i to i + 1 and falls to i + 2; the last is 6853.8 Hz


@lru_cache
def highest_chroma_note(sample_rate: int) -> int:
    """Chroma note of the highest FFT bin (sample_rate / 2), in semitones above A0, rounded as pyAudioAnalysis does."""
    return int(np.round(12.0 * np.log2(sample_rate / 2 / A0_HZ)))


def check_short_term_window(sample_rate: int, window: int) -> None:
    """Raise a ValueError for a sample rate or window where pyAudioAnalysis' feature_extraction crashes.

    MFCC: its filter bank puts bin k at k * sample_rate / (window // 2) Hz, so a filter edge at or
    above the sample rate indexes past the last bin (IndexError): every sample rate up to 6853 Hz.
    Chroma: it files bin powers under their notes by index into a vector of window // 2, so a
    highest note (that of sample_rate / 2) not below window // 2 fails (ValueError, IndexError when
    equal): windows of fewer than 174 samples at 8 kHz (21.75 ms). Windows of 2 or 3 samples,
    which pyAudioAnalysis gives all-zero chroma instead, are refused too.
    """
    if sample_rate <= MFCC_EDGES_HZ[-1]:
        raise ValueError(f"the MFCC filter bank needs a sample rate above {MFCC_EDGES_HZ[-1]:.1f} Hz, its highest "
                         f"filter edge (pyAudioAnalysis indexes past the spectrum below it); got {sample_rate} Hz")
    min_window = 2 * (highest_chroma_note(sample_rate) + 1)
    if window < min_window:
        raise ValueError(f"chroma needs a short-term window of at least {min_window} samples "
                         f"({1000 * min_window / sample_rate:g} ms) at {sample_rate} Hz to hold its notes "
                         f"(pyAudioAnalysis fails below it); got {window} samples")


def mid_term_ratios(mid_window: int, mid_step: int, short_window: int, short_step: int) -> tuple[int, int]:
    """Short-term frames per mid-term window and per mid-term step, rounded as pyAudioAnalysis does.

    Raises a ValueError when either is below one: pyAudioAnalysis then averages the wrong frames
    (window) or loops forever (step).
    """
    window_ratio = round((mid_window - (short_window - short_step)) / short_step)
    step_ratio = int(round(mid_step / short_step))
    if window_ratio < 1:
        raise ValueError(f"a mid-term window of {mid_window} samples holds no short-term frame of {short_window} "
                         f"samples every {short_step}")
    if step_ratio < 1:
        raise ValueError(f"a mid-term step of {mid_step} samples rounds to no short-term step of {short_step} "
                         "samples (pyAudioAnalysis would loop forever)")
    return window_ratio, step_ratio


def window_samples(window_s: float, sample_rate: int) -> int:
    """A window length in seconds as a whole number of samples; a clear error if it is not one."""
    samples = window_s * sample_rate
    if samples < 2 or abs(samples - round(samples)) > 1e-6:
        raise ValueError(f"a window of {window_s} s at {sample_rate} Hz is {samples:g} samples; "
                         "it must be a whole number of at least 2")
    return round(samples)


def spectrogram_shape(chunk: int, window: int) -> tuple[int, int]:
    """(frames, bins) of the spectrogram of a ``chunk``-sample chunk with window = step = ``window`` samples,
    its all-zero last row dropped (see :func:`spectrogram`): 30,000 samples, window 400 give (74, 200)."""
    return chunk // window - 1, window // 2


def normalise(signal: np.ndarray) -> np.ndarray:
    """``signal`` (n,) as pyAudioAnalysis sees it: divided by 2**15, DC removed, peak-normalised; float64 (n,).

    To the bit: scaling by a power of two is exact, so the DC and the peak are taken before it.
    Silent stretches are a tiny constant whose rounding reaches the MFCCs of flat spectra.
    """
    signal = np.asarray(signal, dtype=np.float64)
    normalised = signal - np.add.reduce(signal) / len(signal)  # 2**15 times pyAudioAnalysis' DC-free signal
    peak = max(normalised.max(), -normalised.min()) * 2.0**-15  # its max |x|, without a temporary
    normalised /= (peak + 1e-10) * 2.0**15
    return normalised


def magnitudes(frames: np.ndarray) -> np.ndarray:
    """``|FFT| / (window // 2)`` of ``frames`` (n_frames, window), first window // 2 bins; (n_frames, window // 2)."""
    num_fft = frames.shape[1] // 2
    spectra = np.abs(np.fft.rfft(frames, axis=1)[:, :num_fft])
    spectra /= num_fft
    return spectra


def frame(signal: np.ndarray, window: int, step: int) -> np.ndarray:
    """Read-only view of the frames of ``window`` samples starting every ``step`` samples while they fit in
    ``signal`` (n,), float64 and contiguous; (max(0, 1 + (n - window) // step), window)."""
    n_frames = max(0, 1 + (len(signal) - window) // step)
    frames = np.ndarray((n_frames, window), np.float64, buffer=signal, strides=(8 * step, 8))  # as_strided, faster
    frames.flags.writeable = False
    return frames


def zero_crossing_rate(frames: np.ndarray) -> np.ndarray:
    """Sign changes per sample gap of each frame (n_frames, window), a step to or from 0 counting half; (n_frames,).

    A NaN sample counts as 0 here; pyAudioAnalysis gives such a frame NaN (see :func:`feature_extraction`).
    """
    signs = (frames > 0).view(np.int8)
    signs -= (frames < 0).view(np.int8)
    steps = signs[:, 1:] - signs[:, :-1]
    np.abs(steps, out=steps)
    return np.add.reduce(steps, axis=1, dtype=np.int32) / 2 / (frames.shape[1] - 1.0)


@lru_cache
def block_matrix(length: int) -> np.ndarray:
    """Ones that sum ``length`` entries into 10 equal blocks (entries past the last whole block in none),
    and a last column that sums them all; read-only (length, 11)."""
    block_length = length // N_BLOCKS
    table = np.zeros((length, N_BLOCKS + 1))
    table[np.arange(block_length * N_BLOCKS), np.repeat(np.arange(N_BLOCKS), block_length)] = 1.0
    table[:, N_BLOCKS] = 1.0
    return read_only(table)


def block_sums(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sums of 10 equal blocks of each row (n_rows, length), (n_rows, 10), and of each whole row, (n_rows,).

    One matrix product: it sums small blocks faster than a reshape does.
    """
    sums = values @ block_matrix(values.shape[1])
    return sums[:, :N_BLOCKS], sums[:, N_BLOCKS]


def block_entropy(blocks: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Entropy in bits of the shares of :func:`block_sums` ``blocks`` (n_rows, 10) in their ``totals`` (n_rows,);
    (n_rows,). Of squared samples it is the energy entropy of frames, of power spectra the spectral entropy."""
    shares = blocks / (totals[:, None] + EPS)
    return -np.einsum("ij,ij->i", shares, np.log2(shares + EPS))


def energy_and_entropy(frames: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean square of each frame (n_frames, window), and its :func:`block_entropy`; 2 x (n_frames,).

    The squares are summed block by block without being stored.
    """
    block_length = frames.shape[1] // N_BLOCKS
    head = frames[:, :block_length * N_BLOCKS].reshape(len(frames), N_BLOCKS, block_length)
    tail = frames[:, block_length * N_BLOCKS:]
    blocks = np.einsum("ijk,ijk->ij", head, head)
    totals = np.add.reduce(blocks, axis=1) + np.einsum("ij,ij->i", tail, tail)
    return totals / frames.shape[1], block_entropy(blocks, totals)


@lru_cache
def frequency_powers(sample_rate: int, num_fft: int) -> np.ndarray:
    """Bin frequencies as pyAudioAnalysis' centroid takes them, (k + 1) * sample_rate / (2 num_fft) Hz, and
    their squares; read-only (num_fft, 2)."""
    bin_hz = np.arange(1, num_fft + 1) * (sample_rate / (2.0 * num_fft))
    return read_only(np.column_stack([bin_hz, bin_hz**2]))


def spectral_centroid_spread(magnitudes: np.ndarray, totals: np.ndarray,
                             sample_rate: int) -> tuple[np.ndarray, np.ndarray]:
    """Centroid and spread of each spectrum (n_frames, num_fft) with its sum (n_frames,), as fractions of
    sample_rate / 2; 2 x (n_frames,).

    Bin k is taken to be at (k + 1) * sample_rate / (2 num_fft) Hz, one bin above its frequency.
    The spread comes from the first two moments; its rounding error (about 1e-16 of the squared
    frequencies) stays far inside 1e-6 of pyAudioAnalysis' value, or 1e-9 of a spread near 0.
    """
    peak = magnitudes.max(axis=1)
    peak = np.where(peak == 0, EPS, peak)  # the weights are magnitudes / peak
    weight = totals / peak + EPS
    moments = magnitudes @ frequency_powers(sample_rate, magnitudes.shape[1]) / (peak * weight)[:, None]
    centroid = moments[:, 0]
    variance = np.maximum(moments[:, 1] - centroid * centroid * (1 + EPS / weight), 0.0)
    return centroid / (sample_rate / 2.0), np.sqrt(variance) / (sample_rate / 2.0)


def spectral_flux(magnitudes: np.ndarray, totals: np.ndarray, power_totals: np.ndarray) -> np.ndarray:
    """Squared change of each spectrum (n_frames, num_fft), as shares of its sum ``totals`` (n_frames,), from the
    previous one; (n_frames,). The first frame is compared with itself, so its flux is 0.

    Expanded as sum a_t^2 + sum a_(t-1)^2 - 2 a_t . a_(t-1) from the sums of squares ``power_totals``
    (n_frames,): no temporaries, and a rounding error near 1e-16 of the shares' squares.
    """
    sums = totals + magnitudes.shape[1] * EPS  # pyAudioAnalysis: sum(magnitudes + eps)
    squares = power_totals / (sums * sums)
    products = np.einsum("ij,ij->i", magnitudes[1:], magnitudes[:-1]) / (sums[1:] * sums[:-1])
    return np.concatenate([[0.0], np.maximum(squares[1:] + squares[:-1] - 2 * products, 0.0)])


def spectral_rolloff(power: np.ndarray) -> np.ndarray:
    """First bin where the cumulative power (n_frames, num_fft) passes 90% of the total, over num_fft; (n_frames,).

    0 where no bin does (only for NaN spectra).
    """
    cumulative = np.cumsum(power, axis=1)
    threshold = ROLLOFF_FRACTION * cumulative[:, -1:]
    cumulative += EPS
    return (cumulative > threshold).argmax(axis=1) / float(power.shape[1])


@lru_cache
def mfcc_filter_bank(sample_rate: int, num_fft: int) -> np.ndarray:
    """pyAudioAnalysis' 40 triangular filters of area 1 over ``num_fft`` bins; read-only (40, num_fft).

    Bin k is taken to be at k * sample_rate / num_fft Hz, twice its frequency, so the filters
    reach 6853.8 Hz at the bin that holds 3426.9 Hz. Needs sample_rate > 6853.8 Hz.
    """
    low, centre, high = (MFCC_EDGES_HZ[i:i + 40, None] for i in range(3))
    edge_bins = np.floor(MFCC_EDGES_HZ * num_fft / sample_rate)
    low_bin, centre_bin, high_bin = (edge_bins[i:i + 40, None] for i in range(3))
    bins = np.arange(num_fft)
    bin_hz = bins / (1.0 * num_fft) * sample_rate
    heights = 2.0 / (high - low)
    rising = heights / (centre - low) * (bin_hz - low)
    falling = heights / (high - centre) * (high - bin_hz)
    return read_only(np.where((low_bin < bins) & (bins <= centre_bin), rising,
                               np.where((centre_bin < bins) & (bins <= high_bin), falling, 0.0)))


@lru_cache
def mfcc_dct() -> np.ndarray:
    """The first 13 basis vectors of the orthonormal DCT-II of 40 values, as columns; read-only (40, 13)."""
    table = dct(np.eye(40), type=2, norm="ortho", axis=0)[:N_MFCC].T
    return read_only(np.ascontiguousarray(table))


def mfcc(magnitudes: np.ndarray, sample_rate: int) -> np.ndarray:
    """First 13 MFCCs: orthonormal DCT-II of log10 filter-bank magnitudes (not powers); (n_frames, 13)."""
    filter_bank = mfcc_filter_bank(sample_rate, magnitudes.shape[1])
    return np.log10(magnitudes @ filter_bank.T + EPS) @ mfcc_dct()


@lru_cache
def chroma_matrix(sample_rate: int, num_fft: int) -> np.ndarray:
    """Weights that take bin powers (num_fft,) to pyAudioAnalysis' 12 chroma sums; read-only (num_fft, 12).

    Its quirks: bin k (at (k + 1) * sample_rate / (2 num_fft) Hz) has note n_k, rounded semitones
    above A0, and writes its power to position n_k of a vector C of num_fft, so each note keeps only
    its last bin's power, and notes below A0 wrap to the end of C. Position p is then divided by
    c[n_p], where c[k] counts the bins that share bin k's note (a note used as a bin), and C is
    summed into 12 classes by p mod 12. Needs num_fft > highest_chroma_note(sample_rate).
    """
    bin_hz = np.arange(1, num_fft + 1) * sample_rate / (2 * num_fft)
    notes = np.round(12.0 * np.log2(bin_hz / A0_HZ)).astype(int)
    _, note_index, note_counts = np.unique(notes, return_inverse=True, return_counts=True)
    bins_sharing_note = note_counts[note_index]
    source_bin = np.zeros(num_fft, dtype=int)
    source_bin[notes] = np.arange(num_fft)  # numpy's last-write-wins, as in pyAudioAnalysis' C[notes] = power
    written = np.zeros(num_fft, dtype=bool)
    written[notes] = True
    positions = np.flatnonzero(written)
    weights = np.zeros((num_fft, 12))
    np.add.at(weights, (source_bin[positions], positions % 12), 1.0 / bins_sharing_note[notes[positions]])
    return read_only(weights)


def chroma(power: np.ndarray, totals: np.ndarray, sample_rate: int) -> tuple[np.ndarray, np.ndarray]:
    """12 chroma energies of power spectra (n_frames, num_fft) as shares of their totals (n_frames,),
    (n_frames, 12), and their population std, (n_frames,)."""
    classes = power @ chroma_matrix(sample_rate, power.shape[1]) / np.where(totals == 0, EPS, totals)[:, None]
    deviations = classes - np.add.reduce(classes, axis=1, keepdims=True) / 12
    return classes, np.sqrt(np.einsum("ij,ij->i", deviations, deviations) / 12)


def feature_extraction(signal: np.ndarray, sample_rate: int, window: int, step: int) -> np.ndarray:
    """The 34 short-term features of each frame, then their deltas; float64 (68, n_frames).

    Frames of ``window`` samples start every ``step`` samples while they fit in ``signal`` (n,),
    n >= window. Rows follow handcrafted.SHORT_TERM_NAMES, then the same with "delta ";
    the deltas of the first frame are 0.
    """
    check_short_term_window(sample_rate, window)
    frames = frame(normalise(signal), window, step)
    spectra = magnitudes(frames)
    power = spectra * spectra
    spectra_totals = np.add.reduce(spectra, axis=1)
    power_blocks, power_totals = block_sums(power)
    features = np.empty((len(frames), 68))
    features[:, 1], features[:, 2] = energy_and_entropy(frames)
    features[:, 0] = np.where(np.isnan(features[:, 1]), np.nan, zero_crossing_rate(frames))  # NaN frames: NaN
    features[:, 3], features[:, 4] = spectral_centroid_spread(spectra, spectra_totals, sample_rate)
    features[:, 5] = block_entropy(power_blocks, power_totals)
    features[:, 6] = spectral_flux(spectra, spectra_totals, power_totals)
    features[:, 7] = spectral_rolloff(power)
    features[:, 8:21] = mfcc(spectra, sample_rate)
    features[:, 21:33], features[:, 33] = chroma(power, power_totals, sample_rate)
    features[0, 34:] = 0
    np.subtract(features[1:, :34], features[:-1, :34], out=features[1:, 34:])
    return features.T


@lru_cache
def mid_term_windows(n_frames: int, window_ratio: int, step_ratio: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The frames of each mid-term window (n_mid, window_ratio), past the end repeating the last one, whether
    each is inside (n_mid, window_ratio, 1), and how many are (n_mid, 1); read-only."""
    frames = np.arange(0, n_frames, step_ratio)[:, None] + np.arange(window_ratio)
    inside = (frames < n_frames)[..., None]
    return tuple(read_only(table) for table in (np.minimum(frames, n_frames - 1), inside, inside.sum(axis=1)))


def mid_term_statistics(short: np.ndarray, window_ratio: int, step_ratio: int) -> np.ndarray:
    """Means, then population stds, of ``short`` (n_feats, n_frames) over mid-term windows; (2 n_feats, n_mid).

    A window of ``window_ratio`` frames starts at every ``step_ratio``-th frame; the last ones may
    run past the end and hold fewer frames.
    """
    frames, inside, counts = mid_term_windows(short.shape[1], window_ratio, step_ratio)
    windows = short.T[frames]  # (n_mid, window_ratio, n_feats)
    windows *= inside
    means = windows.sum(axis=1) / counts
    windows -= means[:, None]
    windows *= inside
    windows *= windows
    return np.concatenate([means, np.sqrt(windows.sum(axis=1) / counts)], axis=1).T


def mid_feature_extraction(signal: np.ndarray, sample_rate: int, mid_window: int, mid_step: int,
                           short_window: int, short_step: int) -> tuple[np.ndarray, np.ndarray]:
    """Mid-term features (136, n_mid), NaN and inf mapped to numbers, and the short-term ones (68, n_frames).

    Mid-term rows: the means of the 68 short-term features, then their stds (handcrafted.FEATURE_NAMES).
    """
    window_ratio, step_ratio = mid_term_ratios(mid_window, mid_step, short_window, short_step)
    short = feature_extraction(signal, sample_rate, short_window, short_step)
    mid = mid_term_statistics(short, window_ratio, step_ratio)
    return (mid if np.isfinite(mid).all() else np.nan_to_num(mid)), short


def spectrogram(signal: np.ndarray, window: int, step: int) -> np.ndarray:
    """pyAudioAnalysis' spectrogram of ``signal`` (n,), n >= window; (int((n - window) / step) + 1, window // 2).

    Its quirks: row i holds :func:`magnitudes` of the frame starting at sample window + i * step
    (the frame at 0 is skipped), and the rows past the last whole frame stay zero; with
    step == window that is the last row.
    """
    frames = frame(normalise(signal)[window:], window, step)
    rows = np.zeros((int((len(signal) - window) / step) + 1, window // 2))
    rows[:len(frames)] = magnitudes(frames)
    return rows
