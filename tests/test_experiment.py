import numpy as np
import pandas as pd
import pytest
from sklearn.svm import SVC

from fewlabels.experiment.classifiers import CLASSIFIERS, adapt_to_draw, make_classifier
from fewlabels.experiment.curves import Split, aligned_split, curve, paired_test, run_learning_curves, summarise, wins_up_to
from fewlabels.experiment.figures import plot_learning_curves
from fewlabels.experiment.sampling import draw_utterances, fractions
from fewlabels.experiment.scoring import chunk_probabilities, predict_units, scores


def test_fractions():
    steps = fractions(0.02)
    assert len(steps) == 50 and steps[0] == 0.02 and steps[-1] == 1.0 and steps[27] == 0.56
    assert fractions(0.3).tolist() == [0.3, 0.6, 0.9, 1.0]
    with pytest.raises(ValueError, match="fraction_step must lie in"):
        fractions(0)


def chunked(counts_per_class: list[int], chunks_per_utterance: int = 2):
    utterances, y = [], []
    for label, n in enumerate(counts_per_class):
        for u in range(n):
            utterances += [f"c{label}_u{u}"] * chunks_per_utterance
            y += [label] * chunks_per_utterance
    return utterances, np.array(y)


@pytest.mark.parametrize("fraction", [0.01, 0.1, 0.5, 0.99, 1.0])
def test_sampler_draws_the_same_fraction_of_every_class_and_whole_utterances(fraction):
    utterances, y = chunked([40, 10, 25], chunks_per_utterance=3)
    mask = draw_utterances(utterances, y, fraction, np.random.default_rng(0))
    drawn = pd.DataFrame({"utterance": utterances, "y": y, "drawn": mask})
    per_utterance = drawn.groupby("utterance")["drawn"].agg(["all", "any"])
    assert (per_utterance["all"] == per_utterance["any"]).all()  # utterances never split
    counts = drawn[drawn["drawn"]].groupby("y")["utterance"].nunique()
    assert counts.to_dict() == {c: max(1, round(fraction * n)) for c, n in enumerate([40, 10, 25])}
    again = draw_utterances(utterances, y, fraction, np.random.default_rng(0))
    assert np.array_equal(mask, again)


def test_weighted_f1_takes_the_true_labels_first():
    # class 0: precision 1, recall 2/3 -> F1 0.8; class 1: precision 1/2, recall 1 -> F1 2/3;
    # weighted by true support (3, 1): 0.7667. Swapped arguments would weight by predictions: 0.7333.
    result = scores(np.array([0, 0, 0, 1]), np.array([0, 0, 1, 1]))
    assert result["f1_weighted"] == pytest.approx(0.75 * 0.8 + 0.25 * 2 / 3)
    assert result["f1_macro"] == pytest.approx((0.8 + 2 / 3) / 2)
    assert result["accuracy"] == 0.75


def test_utterance_level_averages_chunk_probabilities():
    probabilities = np.array([[0.6, 0.4, 0.0], [0.2, 0.7, 0.1],   # utterance a: mean (0.4, 0.55, 0.05) -> 1
                              [0.1, 0.0, 0.9]])                     # utterance b -> 2
    y = np.array([0, 0, 2])
    y_true, y_pred = predict_units(probabilities, y, ["a", "a", "b"], "utterance")
    assert y_true.tolist() == [0, 2] and y_pred.tolist() == [1, 2]
    y_true, y_pred = predict_units(probabilities, y, ["a", "a", "b"], "chunk")
    assert y_true.tolist() == [0, 0, 2] and y_pred.tolist() == [0, 1, 2]
    with pytest.raises(ValueError, match="unit must be"):
        predict_units(probabilities, y, ["a", "a", "b"], "speaker")


def test_models_without_probabilities_vote():
    X = np.array([[0.0], [0.1], [5.0], [5.1]])
    model = SVC().fit(X, [0, 0, 2, 2])
    assert chunk_probabilities(model, np.array([[0.05], [5.05]]), 3).tolist() == [[1, 0, 0], [0, 0, 1]]


def test_classifiers_are_built_from_params():
    assert set(CLASSIFIERS) == {"SVM", "kNN", "DecisionTree", "RandomForest", "AdaBoost"}
    forest = make_classifier("RandomForest", {"n_estimators": 7}, seed=3)
    assert forest.get_params()["n_estimators"] == 7 and forest.get_params()["random_state"] == 3
    assert make_classifier("SVM", {}, seed=0).steps[0][0] == "standardscaler"
    with pytest.raises(ValueError, match="unknown classifier 'GBM'"):
        make_classifier("GBM", {}, seed=0)
    with pytest.raises(ValueError, match="experiment.classifiers.kNN: .*n_trees"):
        make_classifier("kNN", {"n_trees": 3}, seed=0)


def runs_frame(handcrafted: list[list[float]], code: list[list[float]], fractions=(0.5, 1.0)) -> pd.DataFrame:
    rows = []
    for family, values in (("handcrafted", handcrafted), ("code", code)):
        for fraction, per_repeat in zip(fractions, values):
            rows += [{"classifier": "RF", "fraction": fraction, "repeat": r, "family": family, "f1_weighted": v,
                      "adapted": ""} for r, v in enumerate(per_repeat)]
    return pd.DataFrame(rows)


def test_curve_means_and_t_intervals():
    table = curve(runs_frame([[0.4, 0.5, 0.6], [0.7, 0.7, 0.7]], [[0.5, 0.5, 0.5], [0.6, 0.8, 0.7]]))
    assert list(table.columns) == ["fraction", "handcrafted", "code", "handcrafted_low", "handcrafted_high",
                                   "code_low", "code_high"]
    half = 4.302652729911275 * 0.1 / np.sqrt(3)  # t(0.975, 2) * sd / sqrt(n)
    assert table.loc[0, "handcrafted"] == pytest.approx(0.5)
    assert table.loc[0, "handcrafted_low"] == pytest.approx(0.5 - half)
    assert table.loc[1, "code_high"] == pytest.approx(0.7 + half)
    assert table.loc[1, "handcrafted_low"] == table.loc[1, "handcrafted_high"] == pytest.approx(0.7)


@pytest.mark.parametrize("code_means, expected", [([0.6, 0.6, 0.6], 1.0), ([0.6, 0.4, 0.6], 0.2), ([0.4, 0.6, 0.6], 0.0)])
def test_code_wins_up_to_the_first_fraction_where_it_loses(code_means, expected):
    table = pd.DataFrame({"fraction": [0.2, 0.6, 1.0], "handcrafted": [0.5, 0.5, 0.5], "code": code_means})
    assert wins_up_to(table) == expected


def test_paired_test_and_summary():
    runs = runs_frame([[0.4, 0.5, 0.6], [0.7, 0.7, 0.7]], [[0.5, 0.6, 0.7], [0.8, 0.8, 0.9]])
    test = paired_test(runs)
    assert test["pairs"] == 6 and test["mean_difference"] == pytest.approx(0.1167, abs=1e-4)
    assert test["p_value"] == pytest.approx(0.03125)  # all six differences positive: 2 / 2**6
    summary = summarise(runs)["RF"]
    assert summary["handcrafted"] == {"aulc": 0.6, "f1_full": 0.7}
    assert summary["code"]["f1_full"] == pytest.approx(0.8333, abs=1e-4) and summary["code_wins_up_to"] == 1.0
    assert paired_test(runs_frame([[0.5]], [[0.5]], fractions=(1.0,)))["p_value"] == 1.0


def toy_split(n_utterances: int, seed: int) -> Split:
    rng = np.random.default_rng(seed)
    utterances, y = chunked([n_utterances] * 3)
    centres = rng.normal(0, 1, (3, 6))
    hand = centres[y] + rng.normal(0, 1.5, (len(y), 6))
    return Split({"handcrafted": hand, "code": hand[:, :3] + rng.normal(0, 1, (len(y), 3))}, y, utterances)


def test_learning_curves_pair_families_and_do_not_depend_on_workers():
    train, test = toy_split(20, seed=0), toy_split(10, seed=1)
    classifiers = {"RandomForest": {"n_estimators": 10}, "kNN": {"n_neighbors": 1}, "SVM": {}}
    runs = [run_learning_curves(train, test, classifiers, np.array([0.1, 0.5, 1.0]), 3, "utterance", seed=4,
                                n_classes=3, n_jobs=n_jobs) for n_jobs in (1, 2)]
    pd.testing.assert_frame_equal(runs[0], runs[1])
    subsets = runs[0].pivot_table(index=["fraction", "repeat"], columns=["classifier", "family"], values="train_chunks")
    assert (subsets.nunique(axis=1) == 1).all()  # same subset for both families and every classifier
    assert set(runs[0].loc[runs[0]["fraction"] == 0.1, "train_utterances"]) == {6}
    assert runs[0]["f1_weighted"].between(0, 1).all()


def test_knn_asks_for_no_more_neighbours_than_a_draw_has_and_the_adaptation_is_recorded():
    """RAVDESS with labelled_per_class 48: at 2 % one utterance per class, 3 rows, fewer than kNN's default 5."""
    utterances, y = chunked([48] * 3, chunks_per_utterance=1)
    rng = np.random.default_rng(0)
    train = Split({"handcrafted": rng.normal(size=(len(y), 6)), "code": rng.normal(size=(len(y), 3))}, y, utterances)
    test = toy_split(4, seed=1)
    runs = run_learning_curves(train, test, {"kNN": {}, "SVM": {}}, np.array([0.02, 0.04, 1.0]), 2, "utterance",
                               seed=0, n_classes=3, n_jobs=1)
    knn = runs[(runs["classifier"] == "kNN") & (runs["family"] == "code")].set_index(["fraction", "repeat"])
    assert knn["adapted"].to_dict() == {(0.02, 0): "n_neighbors=3", (0.02, 1): "n_neighbors=3",
                                        (0.04, 0): "", (0.04, 1): "", (1.0, 0): "", (1.0, 1): ""}
    summary = summarise(runs)
    assert summary["kNN"]["adapted"] == {"0.02": "n_neighbors=3 in 2 of 2 draws"}
    assert "adapted" not in summary["SVM"]
    assert adapt_to_draw("kNN", {"n_neighbors": 2}, 3) == ({"n_neighbors": 2}, {})
    assert adapt_to_draw("kNN", {"n_neighbors": 9, "weights": "distance"}, 4) == (
        {"n_neighbors": 4, "weights": "distance"}, {"n_neighbors": 4})


def test_feature_pickles_must_describe_the_same_chunks():
    base = {"X": np.zeros((2, 3)), "y": np.array([0, 1]), "classes": ["a", "b"], "utterance": ["u1", "u2"],
            "chunk": np.array([0, 0])}
    assert aligned_split(base, {**base, "X": np.ones((2, 5))}).X["code"].shape == (2, 5)
    with pytest.raises(ValueError, match="differ in 'utterance'"):
        aligned_split(base, {**base, "utterance": ["u2", "u1"]})


def test_figure_is_written(tmp_path):
    table = curve(runs_frame([[0.4, 0.5], [0.7, 0.6]], [[0.5, 0.6], [0.6, 0.8]]))
    path = tmp_path / "curves.png"
    plot_learning_curves({"RF": table, "SVM": table}, path, "utterance")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
