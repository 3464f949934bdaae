"""code_features stage: the encoder's outputs for the labelled and test spectrograms, and a reconstruction picture."""

import keras
import numpy as np

from fewlabels import paths
from fewlabels.autoencoder.codes import encode
from fewlabels.autoencoder.figures import plot_reconstructions
from fewlabels.errors import run
from fewlabels.io import atomic_path, read_pickle, write_pickle

SPLITS = ("labelled", "test")
SHOWN = 4  # test spectrograms in the picture


def main() -> None:
    encoder = keras.models.load_model(paths.ENCODER)
    spectrograms = {name: read_pickle(paths.spectrograms(name)) for name in SPLITS}
    for name, data in spectrograms.items():
        codes = encode(encoder, data["X"], name)
        feature_names = [f"code_{i + 1}" for i in range(codes.shape[1])]
        write_pickle(paths.features(name, "code"), {**data, "X": codes, "feature_names": feature_names})
        print(f"{name:>10}: {codes.shape[0]} chunks x {codes.shape[1]} code features")
    test = spectrograms["test"]
    shown = np.linspace(0, len(test["X"]) - 1, SHOWN).round().astype(int)
    originals = test["X"][shown]
    reconstructions = keras.models.load_model(paths.AUTOENCODER).predict(originals[..., np.newaxis], verbose=0)[..., 0]
    titles = [f"{test['utterance'][i]} #{test['chunk'][i]} ({test['classes'][test['y'][i]]})" for i in shown]
    with atomic_path(paths.RECONSTRUCTIONS) as tmp:
        plot_reconstructions(originals, reconstructions, titles, tmp)


if __name__ == "__main__":
    run(main)
