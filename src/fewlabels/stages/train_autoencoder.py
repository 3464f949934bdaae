"""train_autoencoder stage: fit the autoencoder on the unlabelled spectrograms only, streamed from their shards."""

from dvclive import Live
from dvclive.keras import DVCLiveCallback

from fewlabels import paths
from fewlabels.autoencoder.training import constant_prediction_loss, moments, train_autoencoder
from fewlabels.errors import run
from fewlabels.io import write_json, write_keras
from fewlabels.params import load_params
from fewlabels.shards import ShardedSpectrograms


def main() -> None:
    params = load_params().autoencoder
    X = ShardedSpectrograms(paths.UNLABELLED_SPECTROGRAMS)
    with Live(dir=str(paths.AUTOENCODER_CURVES), save_dvc_exp=False, dvcyaml=None) as live:
        result = train_autoencoder(X, X.speaker, params, callbacks=(DVCLiveCallback(live=live),))
    write_keras(paths.AUTOENCODER, result.autoencoder)
    write_keras(paths.ENCODER, result.encoder)
    epochs = len(result.history["val_loss"])
    mean, mean_square = moments(X.blocks())
    baseline = constant_prediction_loss(mean, mean_square, mean, params.loss)
    metrics = {
        "best_val_loss": round(result.best_val_loss, 5),
        "best_epoch": result.best_epoch,
        "epochs_run": epochs,
        "loss": params.loss,
        "constant_prediction_loss": round(baseline, 5),
        "train_spectrograms": result.train_size,
        "validation_spectrograms": result.validation_size,
        "encoder_params": result.encoder.count_params(),
        "autoencoder_params": result.autoencoder.count_params(),
        "training_s": round(result.seconds, 1),
        "spectrograms_per_s": round(result.train_size * epochs / result.seconds, 1),
    }
    write_json(paths.metrics("autoencoder"), metrics)
    print(metrics)


if __name__ == "__main__":
    run(main)
