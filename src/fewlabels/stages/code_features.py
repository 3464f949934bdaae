"""code_features stage: the encoder's outputs for the labelled and test spectrograms, and a reconstruction picture."""
import pickle
from pathlib import Path

import keras
import numpy as np

from fewlabels.autoencoder.figures import plot_reconstructions
from fewlabels.io import atomic_path, write_pickle

SPECTROGRAMS = Path("data/spectrograms")
AUTOENCODER = Path("models/autoencoder.keras")
ENCODER = Path("models/encoder.keras")
OUT_DIR = Path("data/features")
RECONSTRUCTIONS = Path("plots/reconstructions.png")
SPLITS = ("labelled", "test")
BATCH = 256
SHOWN = 4  # test spectrograms in the picture


def main() -> None:
    encoder = keras.models.load_model(ENCODER)
    for name in SPLITS:
        with (SPECTROGRAMS / f"{name}.pkl").open("rb") as f:
            data = pickle.load(f)
        codes = encoder.predict(data["X"][..., np.newaxis], batch_size=BATCH, verbose=0)
        data["X"] = codes.astype(np.float32)
        data["feature_names"] = [f"code_{i + 1}" for i in range(codes.shape[1])]
        write_pickle(OUT_DIR / f"{name}_cf.pkl", data)
        print(f"{name:>10}: {codes.shape[0]} chunks x {codes.shape[1]} code features")
    with (SPECTROGRAMS / "test.pkl").open("rb") as f:
        test = pickle.load(f)
    shown = np.linspace(0, len(test["X"]) - 1, SHOWN).round().astype(int)
    originals = test["X"][shown]
    reconstructions = keras.models.load_model(AUTOENCODER).predict(originals[..., np.newaxis], verbose=0)[..., 0]
    titles = [f"{test['utterance'][i]} #{test['chunk'][i]} ({test['classes'][test['y'][i]]})" for i in shown]
    with atomic_path(RECONSTRUCTIONS) as tmp:
        plot_reconstructions(originals, reconstructions, titles, tmp)


if __name__ == "__main__":
    main()
