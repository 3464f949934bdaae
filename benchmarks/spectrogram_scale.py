"""How the spectrogram scales fill [0, 1], measured on the labelled split (run after `dvc repro split`).

A binary cross-entropy autoencoder learns what the values make visible: with `linear`
magnitudes almost every value is close to 0, so predicting zeros everywhere is already a near
optimal reconstruction; `db` spreads the same spectra over the interval.

    python benchmarks/spectrogram_scale.py
"""
import numpy as np

from fewlabels.audio import fixed_size_chunks, load_signal
from fewlabels.autoencoder.training import constant_prediction_loss, moments
from fewlabels.features.spectrogram import scale_spectrogram, spectrogram
from fewlabels.manifest import read_manifest
from fewlabels.params import load_params


def main() -> None:
    params = load_params()
    audio, spec = params.audio, params.spectrogram
    rows = read_manifest("data/splits/labelled.csv")
    magnitudes = np.stack([spectrogram(chunk, audio.sample_rate, spec.window_s)
                           for path in rows["path"]
                           for chunk in fixed_size_chunks(load_signal(path, audio.sample_rate), audio.min_signal)])
    print(f"{len(magnitudes)} labelled spectrograms of shape {magnitudes.shape[1:]}")
    print(f"{'scale':>7} {'median':>8} {'p99':>7} {'max':>6} {'< 0.01':>7} {'std':>6} {'BCE(mean)':>10} {'BCE(0.5)':>9}")
    for scale in ("linear", "db"):
        values = scale_spectrogram(magnitudes, scale, spec.db_floor).astype(np.float64)
        mean, mean_square = moments([values])
        print(f"{scale:>7} {np.median(values):8.4f} {np.percentile(values, 99):7.4f} {values.max():6.3f} "
              f"{np.mean(values < 0.01):7.1%} {values.std():6.3f} {constant_prediction_loss(mean, mean_square, mean):10.4f} "
              f"{constant_prediction_loss(mean, mean_square, 0.5):9.4f}")


if __name__ == "__main__":
    main()
