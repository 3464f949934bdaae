"""The DTU method family: pretrained encoder + head vs the same network from scratch, on one draw."""
import dataclasses

import keras
import numpy as np
import pandas as pd
import pytest

from fewlabels.methods.finetune import builders, classifier
from fewlabels.methods.network_runs import train_on_draws
from fewlabels.methods.scoring import unit_table
from fewlabels.methods.training import Spectrograms, enable_determinism, validation_slice
from fewlabels.params import load_params
from tests.conftest import ROOT

PARAMS = dataclasses.replace(load_params(ROOT / "params.yaml").finetune, hidden_units=8, batch_size=8, max_epochs=15,
                             learning_rate=0.01, patience=4, fixed_epochs=3, early_stopping_from=12,
                             validation_split=0.25, seed=5, repeats=2)
CLASSES = ["negative", "neutral", "positive"]


def tiny_encoder(shape=(8, 6)) -> keras.Model:
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(*shape, 1))
    x = keras.layers.Conv2D(2, 3, activation="relu", name="conv")(inputs)
    x = keras.layers.Flatten()(x)
    return keras.Model(inputs, keras.layers.Dense(4, name="code")(x), name="encoder")


def chunks(speakers: int, per_speaker: int, seed: int, shape=(8, 6)) -> Spectrograms:
    """Two chunks per utterance; the class is the brightness of the top rows, so a net can learn it."""
    rng = np.random.default_rng(seed)
    n = speakers * per_speaker
    y_utt = np.arange(n) % 3
    X = rng.uniform(0, 0.3, (2 * n, *shape)).astype(np.float32)
    y = np.repeat(y_utt, 2)
    X[:, :3] += 0.3 * y[:, None, None]
    utterance = np.repeat([f"s{seed}u{i:03d}" for i in range(n)], 2)
    speaker = np.repeat([f"s{seed}p{i // per_speaker}" for i in range(n)], 2)
    return Spectrograms(X, y, utterance, np.tile([0, 1], n), speaker)


def test_the_validation_slice_holds_out_whole_speakers_and_keeps_every_class_in_training():
    speakers = np.repeat(["a", "b", "c", "d", "e", "f"], 4)
    labels = np.tile([0, 1, 2, 0], 6)
    held = validation_slice(speakers, labels, 0.25, 12, seed=1)
    assert held is not None and held.sum() >= 6
    assert set(speakers[held]).isdisjoint(speakers[~held])
    assert set(labels[~held]) == {0, 1, 2}
    assert np.array_equal(held, validation_slice(speakers, labels, 0.25, 12, seed=1))
    assert validation_slice(speakers, labels, 0.25, 25, seed=1) is None  # too small a draw
    assert validation_slice(np.array(["a"] * 20), np.tile([0, 1], 10), 0.25, 12, seed=1) is None  # one speaker
    # each class lives with one speaker only: no speaker can be held out
    assert validation_slice(np.repeat(["a", "b", "c"], 5), np.repeat([0, 1, 2], 5), 0.2, 12, seed=1) is None


def test_pretrained_copies_the_encoder_scratch_draws_new_weights_and_freezing_trains_the_head_only():
    encoder = tiny_encoder()
    before = [w.copy() for w in encoder.get_weights()]
    x = np.random.default_rng(0).uniform(size=(5, 8, 6, 1)).astype(np.float32)
    pretrained = classifier(encoder, 3, 8, pretrained=True)
    scratch = classifier(encoder, 3, 8, pretrained=False)
    body = pretrained.layers[1]
    assert np.allclose(body.predict(x, verbose=0), encoder.predict(x, verbose=0))
    assert not np.allclose(scratch.layers[1].predict(x, verbose=0), encoder.predict(x, verbose=0))
    assert pretrained.output_shape == (None, 3) and np.allclose(pretrained.predict(x, verbose=0).sum(axis=1), 1)
    assert [layer.name for layer in pretrained.layers[2:]] == ["hidden", "class_probabilities"]
    frozen = classifier(encoder, 3, 8, pretrained=True, freeze_encoder=True)
    assert len(frozen.trainable_weights) == 4  # the head's two kernels and biases
    frozen.compile("adam", "sparse_categorical_crossentropy")
    frozen.fit(x, np.array([0, 1, 2, 0, 1]), epochs=2, verbose=0)
    assert all(np.array_equal(a, b) for a, b in zip(frozen.layers[1].get_weights(), before))
    assert all(np.array_equal(a, b) for a, b in zip(encoder.get_weights(), before))  # the loaded encoder is untouched


def draw_inputs(n_speakers=6):
    train, test = chunks(n_speakers, 6, seed=1), chunks(3, 6, seed=2)
    units = unit_table(test.utterance, test.chunk, test.speaker, test.y, "utterance")
    return train, test, units, np.unique(train.utterance)


def run_draw(encoder, train, test, drawn, budget, repeat, unit="utterance"):
    """Both methods on one draw of the count axis, through the stage's own loop."""
    draws = pd.DataFrame({"axis": "count", "budget": budget, "repeat": repeat, "utterance": drawn})
    params = dataclasses.replace(PARAMS, budgets={"count": [budget, budget]})
    return train_on_draws(builders(encoder, len(CLASSES), params), train, test, draws, params, "finetune", unit,
                          CLASSES)[:2]


def test_a_draw_gives_paired_predictions_of_both_methods_deterministically():
    enable_determinism()
    encoder = tiny_encoder()
    train, test, units, drawn = draw_inputs()
    table, runs = run_draw(encoder, train, test, drawn, 12.0, 0)
    assert list(pd.unique(table["method"])) == ["finetune", "scratch"]
    for method, rows in table.groupby("method"):
        assert rows["utterance"].tolist() == units["utterance"].tolist()
        assert np.allclose(rows[[f"p_{c}" for c in CLASSES]].sum(axis=1), 1, atol=1e-5)
    assert [run.stopping for run in runs] == ["early", "early"] and all(1 <= r.best_epoch <= r.epochs for r in runs)
    assert all("val_loss" in run.history for run in runs) and (table["adapted"] == "").all()
    again, _ = run_draw(encoder, train, test, drawn, 12.0, 0)
    pd.testing.assert_frame_equal(table, again)  # same params, same predictions
    other, _ = run_draw(encoder, train, test, drawn, 12.0, 1)
    assert not np.allclose(other["p_neutral"], table["p_neutral"])  # another repeat, another seed
    # the class is easy to see: trained on all 36 utterances, both nets beat chance (1/3) on the 18 test ones
    accuracy = table.assign(hit=table["y_pred"] == table["y_true"]).groupby("method")["hit"].mean()
    assert (accuracy > 0.5).all(), accuracy


def test_a_draw_too_small_for_a_validation_slice_trains_fixed_epochs():
    encoder = tiny_encoder()
    train, test, units, drawn = draw_inputs()
    table, runs = run_draw(encoder, train, test, drawn[:6], 2.0, 0)
    assert [(run.stopping, run.epochs) for run in runs] == [("fixed", 3), ("fixed", 3)]
    assert (table["adapted"] == "fixed_epochs=3").all()
    assert all("val_loss" not in run.history for run in runs)


def test_chunk_units_keep_every_chunk():
    encoder = tiny_encoder()
    train, test, _, drawn = draw_inputs()
    table, _ = run_draw(encoder, train, test, drawn[:6], 2.0, 0, unit="chunk")
    assert len(table) == 2 * len(test.y) and table["utterance"].str.contains("#").all()


@pytest.mark.parametrize("budgets, message", [
    ({"count": [1, 3]}, r"finetune.budgets.count 3 is not among the draws' count budgets \(1, 2, 4, 8, 16, 32, 64, "
                        r"all; .*; all: every labelled utterance\)"),
    ({"count": [1, 3, "all"]}, r"finetune.budgets.count 3 is not among"),
    ({"fraction": "auto"}, "'auto' and 'all' are count budgets; list the fractions"),
    ({"fraction": [0.5, "all"]}, "'auto' and 'all' are count budgets"),
    ({"count": "every"}, "finetune.budgets.count"),
    ({"fraction": [0.5]}, "finetune.budgets.fraction must hold at least 2 entries"),
    ({"fraction": [0.02, 0.03]}, "finetune.budgets.fraction 0.03 is not among"),
])
def test_finetune_budgets_off_the_draws_grid_are_refused(tmp_path, budgets, message):
    from fewlabels.params import ParamsError
    from tests.conftest import update_params
    path = tmp_path / "params.yaml"
    path.write_text((ROOT / "params.yaml").read_text())
    update_params(path, {"finetune": {"budgets": budgets}})
    with pytest.raises(ParamsError, match=message):
        load_params(path)
