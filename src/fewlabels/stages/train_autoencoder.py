"""train_autoencoder stage: pretrain the encoder on the unlabelled spectrograms only, streamed from their shards, by
``autoencoder.objective``: reconstruction (an autoencoder) or contrastive (COLA)."""

from dvclive import Live
from dvclive.keras import DVCLiveCallback

from fewlabels import paths
from fewlabels.autoencoder.contrastive import train_contrastive
from fewlabels.autoencoder.params import AutoencoderParams
from fewlabels.autoencoder.training import TrainingResult, constant_prediction_loss, moments, train_autoencoder
from fewlabels.errors import run
from fewlabels.io import write_json, write_keras
from fewlabels.params import load_params
from fewlabels.shards import ShardedSpectrograms


def reconstruction_metrics(result: TrainingResult, X: ShardedSpectrograms, params: AutoencoderParams) -> dict:
    """The loss and the loss of predicting every entry's mean, the bar a model that learned nothing reaches."""
    mean, mean_square = moments(X.blocks())
    return {"loss": params.loss, "constant_prediction_loss": round(constant_prediction_loss(mean, mean_square, mean,
                                                                                            params.loss), 5),
            "autoencoder_params": result.model.count_params()}


def contrastive_metrics(result: TrainingResult, params: AutoencoderParams) -> dict:
    """The validation chunks' contrastive accuracy at the restored epoch and chance (one over the batch size)."""
    batch = min(params.batch_size, result.validation_size)
    return {"val_accuracy": round(result.history["val_accuracy"][result.best_epoch - 1], 4),
            "chance_accuracy": round(1 / batch, 4), "validation_batch": batch,
            "contrastive_model_params": result.model.count_params()}


def main() -> None:
    params = load_params().autoencoder
    X = ShardedSpectrograms(paths.UNLABELLED_SPECTROGRAMS)
    train = train_contrastive if params.objective == "contrastive" else train_autoencoder
    with Live(dir=str(paths.AUTOENCODER_CURVES), save_dvc_exp=False, dvcyaml=None) as live:
        result = train(X, X.speaker, params, callbacks=(DVCLiveCallback(live=live),))
    write_keras(paths.AUTOENCODER, result.model)
    write_keras(paths.ENCODER, result.encoder)
    epochs = len(result.history["val_loss"])
    metrics = {
        "objective": params.objective,
        "best_val_loss": round(result.best_val_loss, 5),
        "best_epoch": result.best_epoch,
        "epochs_run": epochs,
        **(contrastive_metrics(result, params) if params.objective == "contrastive"
           else reconstruction_metrics(result, X, params)),
        "train_spectrograms": result.train_size,
        "validation_spectrograms": result.validation_size,
        "encoder_params": result.encoder.count_params(),
        "training_s": round(result.seconds, 1),
        "spectrograms_per_s": round(result.train_size * epochs / result.seconds, 1),
    }
    write_json(paths.metrics("autoencoder"), metrics)
    print(metrics)


if __name__ == "__main__":
    run(main)
