"""Per-chunk features: spectrograms for the autoencoder, pyAudioAnalysis hand-crafted features."""

from fewlabels.errors import FewlabelsError


class FeatureError(FewlabelsError):
    """Features of a chunk came out NaN or infinite."""
