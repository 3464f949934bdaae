"""code_features stage: the encoder's outputs for the labelled and test spectrograms, and a reconstruction picture."""
from pathlib import Path

import keras
import numpy as np

from fewlabels.autoencoder.codes import encode
from fewlabels.autoencoder.figures import plot_reconstructions
from fewlabels.io import atomic_path, read_pickle, write_pickle
from fewlabels.stages import run

SPECTROGRAMS = Path("data/spectrograms")
AUTOENCODER = Path("models/autoencoder.keras")
ENCODER = Path("models/encoder.keras")
OUT_DIR = Path("data/features")
RECONSTRUCTIONS = Path("plots/reconstructions.png")
SPLITS = ("labelled", "test")
SHOWN = 4  # test spectrograms in the picture


def main() -> None:
    encoder = keras.models.load_model(ENCODER)
    spectrograms = {name: read_pickle(SPECTROGRAMS / f"{name}.pkl") for name in SPLITS}
    for name, data in spectrograms.items():
        codes = encode(encoder, data["X"], name)
        feature_names = [f"code_{i + 1}" for i in range(codes.shape[1])]
        write_pickle(OUT_DIR / f"{name}_cf.pkl", {**data, "X": codes, "feature_names": feature_names})
        print(f"{name:>10}: {codes.shape[0]} chunks x {codes.shape[1]} code features")
    test = spectrograms["test"]
    shown = np.linspace(0, len(test["X"]) - 1, SHOWN).round().astype(int)
    originals = test["X"][shown]
    reconstructions = keras.models.load_model(AUTOENCODER).predict(originals[..., np.newaxis], verbose=0)[..., 0]
    titles = [f"{test['utterance'][i]} #{test['chunk'][i]} ({test['classes'][test['y'][i]]})" for i in shown]
    with atomic_path(RECONSTRUCTIONS) as tmp:
        plot_reconstructions(originals, reconstructions, titles, tmp)


if __name__ == "__main__":
    run(main)
