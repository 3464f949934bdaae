"""Per-chunk features: spectrograms for the autoencoder, pyAudioAnalysis hand-crafted features."""


class FeatureError(ValueError):
    """Features of a chunk came out NaN or infinite."""
