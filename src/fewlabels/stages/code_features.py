"""code_features stage: the encoder's outputs for the labelled and test spectrograms, and a picture of what
pretraining learned (reconstructions, or the contrastive similarity of test chunks' crops)."""

import keras
import numpy as np

from fewlabels import paths
from fewlabels.autoencoder import contrastive  # noqa: F401  (registers the similarity layers with Keras)
from fewlabels.autoencoder.codes import encode
from fewlabels.autoencoder.figures import plot_reconstructions, plot_similarities
from fewlabels.errors import run
from fewlabels.io import atomic_path, read_pickle, write_pickle
from fewlabels.params import load_params

SPLITS = ("labelled", "test")
RECONSTRUCTED, CROPPED = 4, 12  # test chunks in the picture


def spread(test: dict, n: int) -> np.ndarray:
    """Indices of ``n`` test chunks spread evenly over the split (at most all)."""
    return np.unique(np.linspace(0, len(test["X"]) - 1, n).round().astype(int))


def plot_pretraining(model: keras.Model, test: dict, objective: str, path) -> None:
    if objective == "contrastive":
        shown = spread(test, CROPPED)
        segment = model.input_shape[0][1]
        chunks = test["X"][shown][..., np.newaxis]
        similarities = model.predict([chunks[:, :segment], chunks[:, -segment:]], verbose=0)
        plot_similarities(similarities, [test["classes"][test["y"][i]] for i in shown], path)
        return
    shown = spread(test, RECONSTRUCTED)
    originals = test["X"][shown]
    reconstructions = model.predict(originals[..., np.newaxis], verbose=0)[..., 0]
    titles = [f"{test['utterance'][i]} #{test['chunk'][i]} ({test['classes'][test['y'][i]]})" for i in shown]
    plot_reconstructions(originals, reconstructions, titles, path)


def main() -> None:
    objective = load_params().autoencoder.objective
    encoder = keras.models.load_model(paths.ENCODER)
    spectrograms = {name: read_pickle(paths.spectrograms(name)) for name in SPLITS}
    for name, data in spectrograms.items():
        codes = encode(encoder, data["X"], name)
        feature_names = [f"code_{i + 1}" for i in range(codes.shape[1])]
        write_pickle(paths.features(name, "code"), {**data, "X": codes, "feature_names": feature_names})
        print(f"{name:>10}: {codes.shape[0]} chunks x {codes.shape[1]} code features")
    with atomic_path(paths.PRETRAINING_FIGURE) as tmp:
        plot_pretraining(keras.models.load_model(paths.AUTOENCODER), spectrograms["test"], objective, tmp)


if __name__ == "__main__":
    run(main)
