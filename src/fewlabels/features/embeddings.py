"""A pretrained speech model's frozen embeddings of a chunk: the encoder of a keras-hub Whisper preset (its
``WhisperAudioConverter`` log-mel front end and the encoder half of its ``WhisperBackbone``), its frame outputs
pooled by mean and standard deviation over the frames that hold the chunk.

keras-hub (and TensorFlow) are imported on first use, so a study without embeddings never loads them. A preset is
a keras-hub preset name (weights downloaded from Kaggle into keras-hub's cache on first use) or a local
directory written by ``save_to_preset``.
"""
from collections.abc import Callable
from functools import lru_cache, partial

import numpy as np

from fewlabels.audio import PCM16_SCALE
from fewlabels.errors import FewlabelsError

ENCODER_INPUT, ENCODER_OUTPUT = "encoder_features", "encoder_sequence_output"
HOW_TO_PROVIDE = ("give embeddings.preset a local directory written by keras-hub's save_to_preset (e.g. "
                  "keras_hub.models.WhisperBackbone.from_preset('whisper_tiny_en').save_to_preset(dir) and the same "
                  "for keras_hub.layers.WhisperAudioConverter, on a machine with internet), or run where keras-hub "
                  "can download the preset or finds it in its cache")


class PresetError(FewlabelsError):
    """A preset that cannot be loaded, or is not a speech encoder fewlabels can use."""


class Encoder:
    """A preset's audio converter and encoder: ``rate`` (Hz) and ``max_seconds`` of audio, ``hop`` (samples per
    converter frame) and ``stride`` (converter frames per encoder frame); :meth:`frames` of a clip."""

    def __init__(self, preset: str):
        import keras
        import keras_hub

        try:
            backbone = keras_hub.models.Backbone.from_preset(preset)
            self.converter = keras_hub.layers.AudioConverter.from_preset(preset)
        except Exception as error:  # keras-hub raises ValueError, OSError, ConnectionError, ... by where it looked
            first = " ".join(str(error).split())[:200]
            raise PresetError(f"params.yaml: embeddings.preset {preset!r} cannot be loaded ({type(error).__name__}: "
                              f"{first}); {HOW_TO_PROVIDE}") from None
        if ENCODER_INPUT not in backbone.input or ENCODER_OUTPUT not in backbone.output:
            raise PresetError(f"params.yaml: embeddings.preset {preset!r} is a {type(backbone).__name__}, not an "
                              f"encoder-decoder speech model with {ENCODER_INPUT!r}; use a Whisper preset")
        self.model = keras.Model(backbone.input[ENCODER_INPUT], backbone.output[ENCODER_OUTPUT])
        self.rate, self.max_seconds = int(self.converter.sampling_rate), float(self.converter.max_audio_length)
        self.hop = int(self.converter.stride)
        self.stride = 2  # Whisper's second convolution halves the frame rate
        self.width = int(self.model.output.shape[-1])

    def frames(self, clip: np.ndarray) -> np.ndarray:
        """Encoder outputs (frames, width) of ``clip`` (n,), float in [-1, 1] at :attr:`rate`, over the frames
        that hold the clip (the converter pads it to :attr:`max_seconds`)."""
        from keras import ops

        features = ops.convert_to_numpy(self.converter(clip.astype(np.float32)))
        outputs = ops.convert_to_numpy(self.model(features[np.newaxis], training=False))[0]
        return outputs[:max(1, -(-clip.size // (self.hop * self.stride)))]


@lru_cache(maxsize=None)
def encoder(preset: str) -> Encoder:
    """The :class:`Encoder` of ``preset``, loaded once per process."""
    return Encoder(preset)


def pooled_embedding(chunk: np.ndarray, preset: str) -> np.ndarray:
    """Mean and standard deviation over the encoder frames of ``chunk`` (n,), read at the preset's own rate on
    the 16-bit scale of :func:`fewlabels.audio.load_signal`: float32 (2 x width,)."""
    frames = encoder(preset).frames(np.asarray(chunk) / PCM16_SCALE)
    return np.concatenate([frames.mean(axis=0), frames.std(axis=0)]).astype(np.float32)


def feature_names(width: int) -> list[str]:
    """``mean_0`` ... ``mean_<width-1>``, then ``sd_0`` ...: the columns of :func:`pooled_embedding`."""
    return [f"{stat}_{i}" for stat in ("mean", "sd") for i in range(width)]


def embedding_featurizer(preset: str, chunk_seconds: float) -> tuple[Callable[[np.ndarray], np.ndarray], int]:
    """Chunk at the preset's rate -> :func:`pooled_embedding`, and that rate (Hz); a :class:`PresetError` where
    a chunk of ``chunk_seconds`` is longer than the preset takes."""
    found = encoder(preset)
    if chunk_seconds > found.max_seconds:
        raise PresetError(f"params.yaml: a chunk (audio.min_signal) lasts {chunk_seconds:g} s, longer than the "
                          f"{found.max_seconds:g} s embeddings.preset {preset!r} takes: lower audio.min_signal")
    return partial(pooled_embedding, preset=preset), found.rate
