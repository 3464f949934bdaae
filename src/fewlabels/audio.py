"""Reading audio files, with errors that name the file and the reason."""
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile


class AudioError(ValueError):
    """An audio file is missing, empty, unreadable or not audio."""

    def __init__(self, path: str | Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = str(path), reason


@dataclass(frozen=True)
class AudioInfo:
    frames: int  # samples per channel
    sample_rate: int  # Hz
    channels: int

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
    return samples, sample_rate


def probe(path: str | Path) -> AudioInfo:
    """Decode ``path`` to check it and return its length, rate and channel count; raises :class:`AudioError`."""
    samples, sample_rate = read_audio(path)
    return AudioInfo(frames=samples.shape[0], sample_rate=sample_rate, channels=samples.shape[1])
