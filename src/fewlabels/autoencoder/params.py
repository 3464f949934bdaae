"""The ``autoencoder`` section: the encoder family, its code, its pretraining objective and training; and which
spectrogram shapes it encodes."""
from typing import Annotated, Literal

from pydantic import Field
from pydantic.dataclasses import dataclass

from fewlabels.autoencoder.families import ARCHITECTURES, axis_sizes, can_encode, dtu_axis_size, smallest_axis
from fewlabels.schema import SECTION, Count, Float, Int, Seed, doc


@dataclass(config=SECTION)
class ContrastiveParams:
    """COLA's contrastive objective (``autoencoder.objective: contrastive``): two random crops of one chunk are a
    positive pair, the other chunks of the batch its negatives."""

    segment_frames: Annotated[Count, doc("frames per crop; the encoder codes crops, a chunk's code is the mean of its "
                                         "whole non-overlapping segments' codes")]
    similarity: Annotated[Literal["bilinear", "cosine"], doc("bilinear (COLA: a learned matrix between the "
                                                             "projections) or cosine divided by temperature")]
    projection_dim: Annotated[Count, doc("size of the projection head (Dense, layer norm, tanh) after the code")]
    temperature: Annotated[Float, Field(gt=0, le=10), doc("cosine only: the similarity's divisor")]


@dataclass(config=SECTION)
class AutoencoderParams:
    """The convolutional autoencoder trained on the unlabelled spectrograms, whose encoder gives the code features."""

    architecture: Annotated[Literal["AE1", "AE2", "AE3", "AE4", "DTU"], doc("AE1-AE4 (the MSP study's families) or "
                                                                            "DTU (the DTU study's)")]
    objective: Annotated[Literal["reconstruction", "contrastive"],
                         doc("pretraining on the unlabelled spectrograms: reconstruction (an autoencoder) or "
                             "contrastive (COLA, autoencoder.contrastive; no decoder)")]
    filters: Annotated[Count, doc("DTU: filters of each convolution")]
    decoder: Annotated[Literal["upsampling", "unpooling"], doc("DTU: how the decoder undoes max-pooling (unpooling: "
                                                               "to the pooling switches)")]
    bottleneck: Annotated[Literal["dense", "pooled"], doc("dense: code from the flattened map; pooled: from its mean "
                                                          "and SD over time")]
    loss: Annotated[Literal["bce", "mse"], doc("reconstruction: binary cross-entropy (sigmoid output, spectrograms "
                                               "in [0, 1]) or mean squared error (linear output)")]
    latent_dim: Annotated[Count, doc("numbers in the code")]
    bottleneck_activation: Annotated[Literal["linear", "relu", "softmax"],
                                     doc("activation of the code layer (the original study: softmax)")]
    dropout: Annotated[Float, Field(ge=0, lt=1), doc("dropout rate between the convolutions")]
    learning_rate: Annotated[Float, Field(gt=0, le=10), doc("Adam's learning rate")]
    batch_size: Annotated[Count, doc("spectrograms per batch (contrastive: each chunk's negatives are the "
                                     "batch's other chunks)")]
    max_epochs: Annotated[Count, doc("epochs at most, with early stopping (the original study: 100)")]
    validation_split: Annotated[Float, Field(gt=0, lt=1),
                                doc("share of spectrograms, whole speakers, held out for val_loss")]
    min_delta: Annotated[Float, Field(ge=0), doc("early stopping: smallest val_loss improvement that counts (the "
                                                 "original study: 0.001)")]
    patience: Annotated[Int, Field(ge=0), doc("early stopping: epochs without improvement before stopping, best "
                                              "weights restored (the original study: 30)")]
    seed: Annotated[Seed, doc("seed of the weights, the validation speakers, the batch order and the crops")]
    contrastive: Annotated[ContrastiveParams, doc("the contrastive objective (objective contrastive only)")]


def smallest_input(architecture: str) -> int | None:
    """The fewest frames (and bins) a spectrogram needs for ``architecture``; None: any shape (DTU pads)."""
    return smallest_axis(ARCHITECTURES[architecture]) if architecture in ARCHITECTURES else None


def architectures_for(shape: tuple[int, int]) -> list[str]:
    """The architectures that encode spectrograms of ``shape`` (frames, bins); DTU always does."""
    return [name for name, family in ARCHITECTURES.items() if can_encode(shape, family)] + ["DTU"]


def encoded_shape(autoencoder: AutoencoderParams, chunk_shape: tuple[int, int]) -> tuple[int, int]:
    """(frames, bins) of what the encoder codes: a chunk's spectrogram of ``chunk_shape``, or a crop of it
    (contrastive); a ValueError if a crop would be the whole chunk."""
    if autoencoder.objective == "reconstruction":
        return chunk_shape
    frames, segment = chunk_shape[0], autoencoder.contrastive.segment_frames
    if segment >= frames:
        raise ValueError(f"autoencoder.contrastive.segment_frames {segment} must be below the chunk's {frames} "
                         "spectrogram frames (two crops of a chunk would otherwise be the same): lower it, or "
                         "raise audio.min_signal")
    return segment, chunk_shape[1]


def check_pooled_bottleneck(autoencoder: AutoencoderParams, frames: int) -> None:
    """A pooled bottleneck takes an SD over the last encoder map's frames: it needs at least two."""
    if autoencoder.bottleneck != "pooled":
        return
    if autoencoder.architecture in ARCHITECTURES:
        family = ARCHITECTURES[autoencoder.architecture]
        last = axis_sizes(frames, family)[-1] if can_encode((frames, frames), family) else 0
    else:
        last = dtu_axis_size(frames)
    if last < 2:
        raise ValueError(f"autoencoder.bottleneck pooled needs at least 2 frames in the last encoder map, but "
                         f"{autoencoder.architecture} leaves {last} of the spectrogram's {frames} frames: raise "
                         "audio.min_signal or set autoencoder.bottleneck to dense")
