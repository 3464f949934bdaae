"""The Glasgow method end to end: a CNN-LSTM trained from random weights on each draw."""
import dataclasses

import keras
import numpy as np
import pandas as pd

from fewlabels.methods.cnn_lstm import cnn_lstm
from fewlabels.methods.network_runs import train_on_draws
from fewlabels.methods.training import enable_determinism
from fewlabels.params import load_params
from tests.conftest import ROOT
from tests.test_finetune import CLASSES, chunks

PARAMS = dataclasses.replace(load_params(ROOT / "params.yaml").end_to_end, filters=[4, 4], pool=2, lstm_units=8,
                             hidden_units=8, dropout=0.0, l1=0.0, batch_size=8, max_epochs=20, learning_rate=0.01,
                             patience=4, fixed_epochs=3, early_stopping_from=12, validation_split=0.25, seed=5,
                             repeats=2)


def test_the_lstm_reads_the_pooled_maps_frame_by_frame():
    model = cnn_lstm((75, 200), 4, dataclasses.replace(PARAMS, filters=[32, 64], pool=3, lstm_units=128))
    assert [layer.name for layer in model.layers[1:]] == ["conv1", "pool1", "conv2", "pool2", "frame_sequence", "lstm",
                                                           "hidden", "dropout", "class_probabilities"]
    assert model.get_layer("frame_sequence").output.shape == (None, 9, 23 * 64)  # ceil(75 / 9) frames, ceil(200 / 9) bins
    assert model.get_layer("lstm").output.shape == (None, 128) and model.output_shape == (None, 4)
    tiny = cnn_lstm((2, 1), 3, PARAMS)  # shapes smaller than the pooling keep one frame
    assert tiny.get_layer("frame_sequence").output.shape == (None, 1, 4)
    x = np.random.default_rng(0).uniform(size=(3, 2, 1, 1)).astype(np.float32)
    assert np.allclose(tiny.predict(x, verbose=0).sum(axis=1), 1, atol=1e-6)


def test_the_l1_penalty_enters_the_loss_only_where_asked():
    assert not cnn_lstm((8, 6), 3, PARAMS).losses
    penalised = cnn_lstm((8, 6), 3, dataclasses.replace(PARAMS, l1=0.001))
    assert len(penalised.losses) == 4  # two convolutions, the hidden layer and the output layer


def run_draw(train, test, drawn, budget, repeat):
    draws = pd.DataFrame({"axis": "count", "budget": budget, "repeat": repeat, "utterance": drawn})
    params = dataclasses.replace(PARAMS, budgets={"count": [budget, budget]})
    return train_on_draws({"cnn_lstm": lambda: cnn_lstm(train.X.shape[1:], len(CLASSES), params)}, train, test,
                          draws, params, "end_to_end", "utterance", CLASSES)[:2]


def test_the_cnn_lstm_learns_a_visible_class_cue_deterministically_and_stops_on_a_speaker_slice():
    enable_determinism()
    train, test = chunks(6, 6, seed=1), chunks(3, 6, seed=2)
    drawn = np.unique(train.utterance)
    table, (run,) = run_draw(train, test, drawn, 12.0, 0)
    assert set(table["method"]) == {"cnn_lstm"} and len(table) == len(np.unique(test.utterance))
    assert run.stopping == "early" and "val_cross_entropy" in run.history and 1 <= run.best_epoch <= run.epochs
    accuracy = (table["y_pred"] == table["y_true"]).mean()
    print(f"cnn_lstm accuracy on the easy cue: {accuracy:.2f} (chance 0.33)")
    assert accuracy > 0.6
    again, _ = run_draw(train, test, drawn, 12.0, 0)
    pd.testing.assert_frame_equal(table, again)
    keras.backend.clear_session()
