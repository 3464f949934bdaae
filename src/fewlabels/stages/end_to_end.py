"""end_to_end stage: a CNN-LSTM trained from random weights on every draw of ``end_to_end.budgets`` (``cnn_lstm``):
the prediction table, run logs and costs."""

from fewlabels import paths
from fewlabels.errors import run
from fewlabels.methods.cnn_lstm import cnn_lstm
from fewlabels.methods.network_runs import read_inputs, train_on_draws, write_outputs
from fewlabels.methods.training import enable_determinism
from fewlabels.params import load_params


def main() -> None:
    params = load_params()
    enable_determinism()
    train, test, classes, draws = read_inputs()
    builders = {"cnn_lstm": lambda: cnn_lstm(train.X.shape[1:], len(classes), params.end_to_end)}
    table, runs, budgets = train_on_draws(builders, train, test, draws, params.end_to_end, "end_to_end",
                                          params.classify.unit, classes)
    write_outputs(table, runs, paths.predictions("end_to_end"), paths.metrics("end_to_end"),
                  paths.network_logs("end_to_end"), {"budgets": budgets})


if __name__ == "__main__":
    run(main)
