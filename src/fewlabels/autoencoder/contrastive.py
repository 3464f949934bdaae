"""Contrastive pretraining of an encoder family on unlabelled spectrograms: COLA (Saeed, Grangier and Zeghidour,
ICASSP 2021).

Two random crops of one chunk are a positive pair; the other chunks of the batch are its negatives::

    crop a ─ encoder ─ code ─ projection ─┐
                                          similarity (batch, batch) ─ softmax cross-entropy, row i's target i
    crop b ─ encoder ─ code ─ projection ─┘

The encoder (the same layers for both crops) is one of the autoencoder families' (AE1-AE4, DTU); the projection
is Dense, layer normalisation and tanh; the similarity is COLA's bilinear ``g(a) W g(b)ᵀ`` or cosine divided by
a temperature. What the study keeps is :func:`chunk_encoder`: the code of a whole chunk, the mean of the codes
of its whole non-overlapping crops, so the frozen codes and fine-tuning take chunks as from an autoencoder.
"""
import keras
from keras import layers, ops

from fewlabels.autoencoder.architectures import build_autoencoder
from fewlabels.autoencoder.params import AutoencoderParams
from fewlabels.autoencoder.training import TrainingResult, fit, speaker_holdout, start_training
from fewlabels.batches import CropPairs


@keras.saving.register_keras_serializable(package="fewlabels")
class BilinearSimilarity(keras.layers.Layer):
    """``[a, b]``, each (batch, d) -> (batch, batch) logits ``a W bᵀ`` with a learned W (d, d)."""

    def build(self, input_shape):
        dim = input_shape[0][-1]
        self.kernel = self.add_weight(shape=(dim, dim), initializer="glorot_uniform", name="kernel")

    def call(self, inputs):
        a, b = inputs
        return ops.matmul(ops.matmul(a, self.kernel), ops.transpose(b))


@keras.saving.register_keras_serializable(package="fewlabels")
class CosineSimilarity(keras.layers.Layer):
    """``[a, b]``, each (batch, d) -> (batch, batch) logits: the cosine of every pair of rows over ``temperature``."""

    def __init__(self, temperature: float, **kwargs):
        super().__init__(**kwargs)
        self.temperature = temperature

    def call(self, inputs):
        a, b = (x / ops.sqrt(ops.maximum(ops.sum(x * x, axis=-1, keepdims=True), 1e-12)) for x in inputs)
        return ops.matmul(a, ops.transpose(b)) / self.temperature

    def get_config(self):
        return {**super().get_config(), "temperature": self.temperature}


def similarity_layer(params: AutoencoderParams) -> keras.layers.Layer:
    if params.contrastive.similarity == "bilinear":
        return BilinearSimilarity(name="similarity")
    return CosineSimilarity(params.contrastive.temperature, name="similarity")


def build_contrastive(segment_shape: tuple[int, int], params: AutoencoderParams) -> tuple[keras.Model, keras.Model]:
    """``(model, segment_encoder)`` for crops of ``segment_shape`` (frames, bins): the model maps two crop batches
    (batch, frames, bins, 1) to the (batch, batch) similarity logits; the encoder, sharing its layers, a crop to
    its code (batch, latent_dim). The encoder is the encoder half of ``params.architecture``'s autoencoder."""
    _, encoder = build_autoencoder(segment_shape, params)
    projection = keras.Sequential([layers.Dense(params.contrastive.projection_dim), layers.LayerNormalization(),
                                   layers.Activation("tanh")], name="projection")
    crops = [keras.Input(shape=(*segment_shape, 1), name=f"crop_{side}") for side in "ab"]
    similarity = similarity_layer(params)([projection(encoder(crop)) for crop in crops])
    return keras.Model(crops, similarity, name="cola"), encoder


def chunk_encoder(segment_encoder: keras.Model, chunk_shape: tuple[int, int]) -> keras.Model:
    """The code of a chunk's spectrogram (batch, frames, bins, 1) -> (batch, latent_dim): the mean of the codes
    of its ``frames // segment`` whole non-overlapping crops from the first frame (the rest left out)."""
    segment, bins = segment_encoder.input_shape[1:3]
    frames = chunk_shape[0]
    count = frames // segment
    inputs = keras.Input(shape=(frames, bins, 1), name="spectrogram")
    x = layers.Cropping2D(((0, frames - count * segment), (0, 0)), name="whole_segments")(inputs)
    x = layers.Reshape((count, segment, bins, 1), name="segments")(x)
    x = layers.TimeDistributed(segment_encoder, name="segment_codes")(x)
    code = layers.GlobalAveragePooling1D(name="chunk_code")(x)
    return keras.Model(inputs, code, name=f"{segment_encoder.name}_of_chunks")


def train_contrastive(X, speakers: list[str], params: AutoencoderParams,
                      callbacks: tuple = (), verbose: int = 2) -> TrainingResult:
    """Pretrain ``params.architecture``'s encoder on spectrograms ``X`` (n, frames, bins) (an array or a
    :class:`fewlabels.shards.ShardedSpectrograms`, streamed a batch at a time) by COLA, with early stopping on the
    contrastive loss of speaker-disjoint validation chunks, as :func:`~fewlabels.autoencoder.training.fit`.

    The history's ``accuracy`` and ``val_accuracy`` are the share of chunks whose two crops are more alike than
    either is to another chunk's crop (chance: one over the batch size). The result's encoder is the
    :func:`chunk_encoder`. Same ``X`` and params give the same weights (CPU).
    """
    start_training(params)
    segment = params.contrastive.segment_frames
    model, segment_encoder = build_contrastive((segment, X.shape[2]), params)
    model.compile(optimizer=keras.optimizers.Adam(params.learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    train, validation = speaker_holdout(speakers, params.validation_split, params.seed)
    batches = (CropPairs(X, train, params.batch_size, segment, shuffle=True, seed=params.seed),
               CropPairs(X, validation, params.batch_size, segment, seed=params.seed))
    return fit(model, chunk_encoder(segment_encoder, X.shape[1:]), batches, params, callbacks, verbose)
