import numpy as np
import pandas as pd
import pytest
from sklearn.svm import SVC

from fewlabels.compare.draws import all_draws, utterances_by_class
from fewlabels.methods.classical import Features, aligned_features, classify
from fewlabels.methods.classifiers import CLASSIFIERS, adapt_to_draw, make_classifier
from fewlabels.methods.scoring import chunk_probabilities, predict, unit_probabilities
from tests.test_draws import chunked


def test_utterance_level_averages_chunk_probabilities():
    probabilities = np.array([[0.6, 0.4, 0.0], [0.2, 0.7, 0.1],   # utterance a: mean (0.4, 0.55, 0.05) -> 1
                              [0.1, 0.0, 0.9]])                     # utterance b -> 2
    ids, mean = unit_probabilities(probabilities, ["a", "a", "b"], np.array([0, 1, 0]), "utterance")
    assert ids.tolist() == ["a", "b"] and predict(mean, np.random.default_rng(0)).tolist() == [1, 2]
    ids, per_chunk = unit_probabilities(probabilities, ["a", "a", "b"], np.array([0, 1, 0]), "chunk")
    assert ids.tolist() == ["a#0", "a#1", "b#0"] and predict(per_chunk, np.random.default_rng(0)).tolist() == [0, 1, 2]


def test_ties_are_broken_at_random_not_towards_the_first_class():
    tied = np.tile([[0.5, 0.5, 0.0]], (2000, 1))
    picks = predict(tied, np.random.default_rng(0))
    assert set(picks) == {0, 1} and 0.45 < picks.mean() < 0.55
    assert np.array_equal(picks, predict(tied, np.random.default_rng(0)))  # seeded


def test_models_without_probabilities_vote():
    X = np.array([[0.0], [0.1], [5.0], [5.1]])
    model = SVC().fit(X, [0, 0, 2, 2])
    assert chunk_probabilities(model, np.array([[0.05], [5.05]]), 3).tolist() == [[1, 0, 0], [0, 0, 1]]


def test_classifiers_are_built_from_params_seeded_by_name_not_position():
    assert set(CLASSIFIERS) == {"SVM", "kNN", "DecisionTree", "RandomForest", "AdaBoost"}
    forest = make_classifier("RandomForest", {"n_estimators": 7}, seed=3)
    assert forest.get_params()["n_estimators"] == 7
    assert forest.get_params()["random_state"] == make_classifier("RandomForest", {}, seed=3).get_params()["random_state"]
    assert forest.get_params()["random_state"] != make_classifier("AdaBoost", {}, seed=3).get_params()["random_state"]
    assert make_classifier("SVM", {}, seed=0).steps[0][0] == "standardscaler"
    assert adapt_to_draw("kNN", {"n_neighbors": 2}, 3) == ({"n_neighbors": 2}, {})
    assert adapt_to_draw("kNN", {"n_neighbors": 9, "weights": "distance"}, 4) == (
        {"n_neighbors": 4, "weights": "distance"}, {"n_neighbors": 4})


def toy_features(n_utterances: int, seed: int, chunks: int = 2) -> Features:
    rng = np.random.default_rng(seed)
    utterances, y = chunked([n_utterances] * 3, chunks)
    centres = rng.normal(0, 1, (3, 6))
    hand = centres[y] + rng.normal(0, 1.5, (len(y), 6))
    speaker = np.array([f"s{seed}_{int(u.split('_u')[1]) % 4}" for u in utterances])
    return Features({"handcrafted": hand, "code": hand[:, :3] + rng.normal(0, 1, (len(y), 3))}, y,
                    np.array([f"{u}_{seed}" for u in utterances]), np.tile(np.arange(chunks), len(y) // chunks), speaker)


def test_the_prediction_table_pairs_methods_on_the_same_draws_and_units_whatever_the_workers():
    train, test = toy_features(20, seed=0), toy_features(10, seed=1)
    draws = all_draws(utterances_by_class(list(train.utterance), train.y), 0.5, 2, repeats=2, seed=4)
    classifiers = {"RandomForest": {"n_estimators": 10}, "kNN": {}}
    tables = [classify(train, test, draws, classifiers, "utterance", ["a", "b", "c"], seed=4, folds=2, n_jobs=n)
              for n in (1, 2)]
    pd.testing.assert_frame_equal(tables[0], tables[1])
    table = tables[0]
    assert list(table.columns) == ["method", "axis", "budget", "repeat", "utterance", "speaker", "y_true", "y_pred",
                                   "p_a", "p_b", "p_c", "adapted"]
    assert set(table["method"]) == {"handcrafted/RandomForest", "code/RandomForest", "handcrafted/kNN", "code/kNN"}
    per_draw = table.groupby(["method", "axis", "budget", "repeat"])["utterance"].apply(tuple)
    assert per_draw.nunique() == 1 and len(per_draw.iloc[0]) == 30  # every method, every draw: the 30 test utterances
    assert np.allclose(table[["p_a", "p_b", "p_c"]].sum(axis=1), 1)
    # kNN's default 5 neighbours meet a draw of 1 utterance per class (2 chunks each): 6 rows, fine; count 1 too
    assert set(table.loc[table["method"] == "code/kNN", "adapted"]) == {""}
    # with every labelled utterance both draws are the same subset: the forest's own randomness still differs
    # between them (seeded per draw), while kNN, which has none, predicts the same
    every = table[(table["axis"] == "fraction") & (table["budget"] == 1.0)].set_index(["method", "utterance", "repeat"])
    probabilities = every[["p_a", "p_b", "p_c"]].unstack("repeat")
    forest, knn = (probabilities.loc[method] for method in ("code/RandomForest", "code/kNN"))
    assert not np.allclose(forest.xs(0, axis=1, level="repeat"), forest.xs(1, axis=1, level="repeat"))
    np.testing.assert_allclose(knn.xs(0, axis=1, level="repeat"), knn.xs(1, axis=1, level="repeat"))


def test_knn_asks_for_no_more_neighbours_than_a_draw_has_and_says_so():
    """RAVDESS with labelled_per_class 48: at 2 % one utterance per class, 3 rows, fewer than kNN's default 5."""
    train, test = toy_features(48, seed=0, chunks=1), toy_features(4, seed=1)
    draws = all_draws(utterances_by_class(list(train.utterance), train.y), 0.5, 1, repeats=2, seed=0)
    table = classify(train, test, draws, {"kNN": {}}, "utterance", ["a", "b", "c"], seed=0, folds=2, n_jobs=1)
    adapted = table.drop_duplicates(["method", "axis", "budget", "repeat"]).set_index(["method", "axis", "budget", "repeat"])
    assert adapted.loc[("code/kNN", "count", 1.0), "adapted"].tolist() == ["n_neighbors=3", "n_neighbors=3"]
    assert set(adapted.loc[("code/kNN", "fraction"), "adapted"]) == {""}


def test_feature_pickles_must_describe_the_same_chunks():
    base = {"X": np.zeros((2, 3)), "y": np.array([0, 1]), "classes": ["a", "b"], "utterance": ["u1", "u2"],
            "chunk": np.array([0, 0]), "speaker": ["s", "s"]}
    assert aligned_features({"handcrafted": base, "code": {**base, "X": np.ones((2, 5))}}).X["code"].shape == (2, 5)
    with pytest.raises(ValueError, match="differ in 'utterance'"):
        aligned_features({"handcrafted": base, "code": {**base, "utterance": ["u2", "u1"]}})
