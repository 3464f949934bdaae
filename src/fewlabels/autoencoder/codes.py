"""Code features: the encoder's output for spectrograms, refused if not finite.

Importing this module registers the autoencoders' custom layers, so ``keras.models.load_model`` reads any encoder.
"""
import keras
import numpy as np

from fewlabels.autoencoder import pooling  # noqa: F401  (registers the custom layers with Keras)
from fewlabels.features import FeatureError

BATCH = 256


def encode(encoder: keras.Model, X: np.ndarray, split: str) -> np.ndarray:
    """Codes of spectrograms ``X`` (n, frames, bins): float32 (n, latent_dim); a :class:`FeatureError` naming
    ``split`` if any code is NaN or infinite (a diverged autoencoder), so no classifier is fed them."""
    codes = encoder.predict(X[..., np.newaxis], batch_size=BATCH, verbose=0).astype(np.float32)
    bad = ~np.isfinite(codes).all(axis=1)
    if bad.any():
        raise FeatureError(f"the encoder gives NaN or infinite codes for {bad.sum()} of {len(codes)} {split} chunks: "
                           "retrain the autoencoder (e.g. a lower autoencoder.learning_rate)")
    return codes
