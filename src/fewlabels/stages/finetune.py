"""finetune stage: the pretrained encoder with a softmax head (``finetune``) and the same network from random
weights (``scratch``), trained on every draw of ``finetune.budgets``: the prediction table, run logs and costs."""

import keras

import fewlabels.autoencoder.codes  # noqa: F401  (registers the encoder's custom layers for load_model)
from fewlabels import paths
from fewlabels.errors import run
from fewlabels.methods.finetune import builders
from fewlabels.methods.network_runs import read_inputs, train_on_draws, write_outputs
from fewlabels.methods.training import enable_determinism
from fewlabels.params import load_params


def main() -> None:
    params = load_params()
    enable_determinism()
    encoder = keras.models.load_model(paths.ENCODER)
    train, test, classes, draws = read_inputs()
    table, runs, budgets = train_on_draws(builders(encoder, len(classes), params.finetune), train, test, draws,
                                          params.finetune, "finetune", params.classify.unit, classes)
    write_outputs(table, runs, paths.predictions("finetune"), paths.metrics("finetune"),
                  paths.network_logs("finetune"),
                  {"budgets": budgets, "freeze_encoder": params.finetune.freeze_encoder})


if __name__ == "__main__":
    run(main)
