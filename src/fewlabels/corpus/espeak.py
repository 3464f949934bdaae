"""Speech synthesis with the eSpeak NG library shipped by the ``espeakng-loader`` wheel.

eSpeak NG keeps hidden global state that carries from one utterance to the next (the same text
comes out a few samples different depending on what was spoken before). Every
:class:`Synthesizer` therefore loads a private copy of the library, so its output depends only
on what it is asked to say, never on what another instance or process said before.
"""
import _ctypes
import ctypes
import os
import shutil
import tempfile
from pathlib import Path

import espeakng_loader
import numpy as np

AUDIO_OUTPUT_SYNCHRONOUS = 2
PARAM_RATE, PARAM_VOLUME, PARAM_PITCH, PARAM_RANGE = 1, 2, 3, 4
_LIBC = ctypes.CDLL(None)
_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


def variants() -> list[str]:
    """Names of the voice variants shipped with the library (``m3``, ``f2``, ``klatt``, ...), sorted."""
    return sorted(os.listdir(Path(espeakng_loader.get_data_path()) / "voices" / "!v"))


class Synthesizer:
    """Text to 16-bit PCM at the library's native rate (:attr:`sample_rate`, Hz); use as a context manager.

    ``seed`` seeds the library's random noise; the C library's ``rand()``, which it also uses, is
    process-wide, so two synthesizers should not speak at once in one process.
    """

    def __init__(self, seed: int = 0):
        self._folder = tempfile.mkdtemp(prefix="espeak-")
        private_copy = Path(self._folder) / "libespeak-ng.so"
        shutil.copyfile(espeakng_loader.get_library_path(), private_copy)
        self._lib = ctypes.CDLL(str(private_copy), mode=os.RTLD_LOCAL)
        self._lib.espeak_Synth.argtypes = [
            ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
            ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]
        data_path = espeakng_loader.get_data_path()
        self.sample_rate = self._lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path.encode(), 0)
        if self.sample_rate <= 0:
            self.close()
            raise RuntimeError(f"eSpeak NG failed to initialise with data at {data_path}")
        self._chunks: list[np.ndarray] = []
        self._callback = _CALLBACK(self._collect)  # kept alive as long as the library may call it
        self._lib.espeak_SetSynthCallback(self._callback)
        # eSpeak NG draws noise from its own generator and from the C library's rand()
        self._lib.espeak_ng_SetRandSeed(ctypes.c_long(seed))
        _LIBC.srand(ctypes.c_uint(seed))

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self) -> None:
        """Shut the library down and unload the private copy."""
        if self._lib is not None:
            self._lib.espeak_Terminate()
            _ctypes.dlclose(self._lib._handle)
            self._lib = None
        shutil.rmtree(self._folder, ignore_errors=True)

    def _collect(self, wav, n_samples, events):
        if n_samples > 0:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(n_samples,)).copy())
        return 0

    def set_voice(self, name: str) -> None:
        """Select a voice such as ``"en-US+m3"`` (base language voice + variant)."""
        _, _, variant = name.partition("+")
        if (variant and variant not in variants()) or self._lib.espeak_SetVoiceByName(name.encode()) != 0:
            raise ValueError(f"eSpeak NG has no voice {name!r}")

    def synthesize(self, text: str, *, rate: int, volume: int, pitch: int, pitch_range: int) -> np.ndarray:
        """Speak ``text``: rate in words/min (80-450), volume 0-200, pitch and pitch range 0-99.

        Returns int16 samples, shape (n,), at :attr:`sample_rate` Hz.
        """
        for param, value in ((PARAM_RATE, rate), (PARAM_VOLUME, volume), (PARAM_PITCH, pitch), (PARAM_RANGE, pitch_range)):
            self._lib.espeak_SetParameter(param, int(value), 0)
        self._chunks = []
        encoded = text.encode()
        status = self._lib.espeak_Synth(encoded, len(encoded) + 1, 0, 0, 0, 0, None, None)
        self._lib.espeak_Synchronize()
        if status != 0:
            raise RuntimeError(f"eSpeak NG failed (status {status}) on {text!r}")
        return np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.int16)
