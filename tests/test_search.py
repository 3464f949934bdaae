"""Hyper-parameter search inside a draw: speaker-grouped folds, a stated fallback, the choice recorded."""
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import f1_score
from sklearn.svm import SVC

from fewlabels.compare.draws import all_draws, utterances_by_class
from fewlabels.methods.classical import classify
from fewlabels.methods.classifiers import check_classifiers, make_classifier
from fewlabels.methods.params import check_entry
from fewlabels.methods.search import FALLBACK, speaker_folds, tuned
from fewlabels.compare.results import adaptations
from tests.test_methods import toy_features


def test_folds_hold_out_whole_speakers_and_keep_every_class_in_training():
    speakers = np.repeat([f"s{i}" for i in range(8)], 6)
    y = np.tile([0, 1, 2], 16)
    folds = speaker_folds(y, speakers, 4, seed=0)
    assert len(folds) == 4
    held = np.concatenate([validation for _, validation in folds])
    assert sorted(held) == list(range(len(y)))  # every chunk validated once
    for train, validation in folds:
        assert set(speakers[train]).isdisjoint(speakers[validation])
        assert set(y[train]) == {0, 1, 2}
    assert speaker_folds(y, speakers, 9, seed=0) is None  # fewer speakers than folds
    # each class spoken by one speaker only: a fold would train without it
    assert speaker_folds(np.repeat([0, 1, 2, 0], 4), np.repeat(["a", "b", "c", "d"], 4), 2, seed=0) is None


def test_the_search_picks_the_best_grid_point_on_speaker_folds_or_falls_back_to_the_defaults():
    data = toy_features(20, seed=0)
    X, y, speakers = data.X["handcrafted"], data.y, data.speaker
    model, chosen = tuned(make_classifier("SVM", {}, 0), {"C": [0.001, 10.0], "gamma": ["scale"]}, X, y, speakers, 4, 0)
    scores = {}
    for C in (0.001, 10.0):  # the same folds by hand: the weighted F1 of each grid point
        folds = speaker_folds(y, speakers, 4, 0)
        scores[C] = np.mean([f1_score(y[v], make_classifier("SVM", {"C": C}, 0).fit(X[t], y[t]).predict(X[v]),
                                      average="weighted", zero_division=0) for t, v in folds])
    best = max(scores, key=scores.get)
    assert chosen == f"C={best} gamma=scale" and model.steps[-1][1].C == best
    assert scores[10.0] != scores[0.001]
    one_speaker = np.full(len(y), "s")
    model, chosen = tuned(make_classifier("SVM", {}, 0), {"C": [0.001, 10.0]}, X, y, one_speaker, 4, 0)
    assert chosen == FALLBACK and model.steps[-1][1].C == SVC().C  # defaults where no grouped folds exist


def test_classify_records_each_draws_choice_and_the_fallback_for_small_draws():
    train, test = toy_features(24, seed=0), toy_features(4, seed=1)
    draws = all_draws(utterances_by_class(list(train.utterance), train.y), 0.5, 1, repeats=1, seed=0)
    table = classify(train, test, draws, {"SVM_tuned": {"search": {"C": [0.01, 1.0]}}}, "utterance",
                     ["a", "b", "c"], seed=0, folds=3, n_jobs=1)
    chosen = table.drop_duplicates(["method", "axis", "budget"]).set_index(["method", "axis", "budget"])["adapted"]
    assert set(table["method"]) == {"handcrafted/SVM_tuned", "code/SVM_tuned"}
    assert chosen[("handcrafted/SVM_tuned", "count", 1.0)] == FALLBACK  # 3 utterances: no speaker folds
    assert chosen[("handcrafted/SVM_tuned", "fraction", 1.0)] in ("C=0.01", "C=1.0")


@pytest.mark.parametrize("name, kwargs, message", [
    ("SVM_tuned", {"search": {"C": [1, -1]}}, "SVM_tuned: The 'C' parameter of SVC must be a float in the range"),
    ("SVM_tuned", {"search": {"degre": [2, 3]}}, "SVM_tuned: .*degre"),
    ("SVM_tuned", {"search": {"C": 10}}, "search must map parameter names to non-empty lists"),
    ("SVM_tuned", {"search": {}}, "search must map parameter names to non-empty lists"),
    ("SVM_tuned", {"C": 1, "search": {"C": [1, 10]}}, "C is both set and searched"),
    ("SVX_tuned", {}, r"unknown classifier 'SVX_tuned' \(did you mean SVM\?\)"),
])
def test_bad_search_grids_are_refused_with_the_reason(name, kwargs, message):
    with pytest.raises(ValueError, match=message):  # the names and grids with the params, then scikit-learn's checks
        check_entry(name, kwargs)
        check_classifiers({name: kwargs})


def test_the_metrics_count_each_choice_per_budget():
    table = pd.DataFrame({"method": "code/SVM_tuned", "axis": "fraction", "budget": 1.0, "repeat": [0, 1, 2, 2],
                          "adapted": ["C=1.0", "C=10.0", "C=1.0", "C=1.0"]})
    assert adaptations(table) == {"code/SVM_tuned": {"fraction 1": "C=1.0 in 2 of 3 draws; C=10.0 in 1 of 3 draws"}}


def test_a_draw_with_fewer_chunks_per_class_than_folds_falls_back():
    assert speaker_folds(np.array([0, 1, 2, 0, 1, 2]), np.array(list("abcdef")), 4, seed=0) is None
