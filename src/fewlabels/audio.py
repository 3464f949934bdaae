"""Reading audio files (errors name the file and the reason) and cutting signals into fixed-size chunks."""
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

from fewlabels.errors import FewlabelsError

PCM16_SCALE = 2.0**15  # samples are returned on the 16-bit integer scale, as pyAudioAnalysis expects


class AudioError(FewlabelsError):
    """An audio file is missing, empty, unreadable or not audio."""

    def __init__(self, path: str | Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = str(path), reason

    def __reduce__(self):  # rebuilt from (path, reason) when it crosses a process boundary (joblib workers)
        return type(self), (self.path, self.reason)


@dataclass(frozen=True)
class AudioInfo:
    frames: int  # samples per channel
    sample_rate: int  # Hz
    channels: int
    container: str  # the format the content is in, whatever the suffix: "WAV", "AIFF", "FLAC", "OGG"

    @property
    def duration_s(self) -> float:
        return self.frames / self.sample_rate


def read_audio(path: str | Path) -> tuple[np.ndarray, int]:
    """Decode ``path`` fully; returns float32 samples (frames, channels) in [-1, 1] and the rate in Hz."""
    path = Path(path)
    if not path.is_file():
        raise AudioError(path, "file is missing")
    if path.stat().st_size == 0:
        raise AudioError(path, "file is empty")
    try:
        samples, sample_rate = soundfile.read(path, dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError, OSError) as error:
        raise AudioError(path, f"not readable as audio ({error})") from None
    if samples.shape[0] == 0:
        raise AudioError(path, "contains no samples")
    if not np.isfinite(samples).all():
        raise AudioError(path, "contains NaN or infinite samples")
    if np.ptp(samples) == 0:
        raise AudioError(path, "is digital silence (every sample has the same value)")
    return samples, sample_rate


def probe(path: str | Path) -> AudioInfo:
    """Decode ``path`` to check it and return its length, rate, channel count and container; raises :class:`AudioError`."""
    samples, sample_rate = read_audio(path)
    return AudioInfo(frames=samples.shape[0], sample_rate=sample_rate, channels=samples.shape[1],
                     container=soundfile.info(str(path)).format)


def load_signal(path: str | Path, sample_rate: int) -> np.ndarray:
    """Mono signal of ``path`` at ``sample_rate`` Hz on the 16-bit scale, float64, shape (n,).

    Channels are averaged; other rates are resampled with a polyphase filter.
    """
    samples, native_rate = read_audio(path)
    signal = samples.astype(np.float64).mean(axis=1) * PCM16_SCALE
    if native_rate != sample_rate:
        from scipy.signal import resample_poly  # here: scipy.signal takes about 0.5 s to import, rarely needed

        divisor = np.gcd(sample_rate, native_rate)
        signal = resample_poly(signal, sample_rate // divisor, native_rate // divisor)
    return signal


def fixed_size_chunks(signal: np.ndarray, length: int, short_signals: str = "drop") -> np.ndarray:
    """Cut ``signal`` (n,) into non-overlapping chunks, shape (n // length, length); the tail is dropped.

    A signal shorter than ``length`` gives no chunk with ``short_signals="drop"``, or one chunk
    zero-padded at the end with ``short_signals="pad"``.
    """
    if length < 1:
        raise ValueError(f"chunk length must be at least 1 sample, got {length}")
    if short_signals not in ("drop", "pad"):
        raise ValueError(f"short_signals must be 'drop' or 'pad', got {short_signals!r}")
    if signal.size < length and short_signals == "pad":
        signal = np.pad(signal, (0, length - signal.size))
    n_chunks = signal.size // length
    return signal[: n_chunks * length].reshape(n_chunks, length)
