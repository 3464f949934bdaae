import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import confusion_matrix, f1_score

from fewlabels.compare.confusion import confusion_counts
from fewlabels.compare.decisions import (DECISIONS, TOO_FEW_DRAWS, TOO_FEW_SPEAKERS, crossover, holm, holm_decide,
                                         paired_comparison, undecided)
from fewlabels.compare.intervals import estimate
from fewlabels.compare.results import AxisResult, comparison_metrics, comparison_pairs, references_of
from fewlabels.compare.simulation import BUDGETS, Regime, simulated_counts, simulated_predictions
from fewlabels.compare.statistics import aulc_weights, bootstrap_f1, draw_f1, point_f1, resample_weights, weighted_f1

SPEAKERS = 22  # test speakers per simulated dataset, as in the default study
NULL_DATASETS, POWER_DATASETS = 800, 300  # per regime; the regimes share them (fewlabels.compare.simulation)
RESAMPLES = 200  # per simulated dataset, shared by its datasets: the study's 2,000 estimate the same variance
REGIMES = [Regime(draw_sd, interaction_sd) for draw_sd in (0.15, 0.6) for interaction_sd in (0.0, 0.5)]
DRAWS = (3, 5)  # the first 3 of 5 draws are a study with 3 draws
STATISTICS = {"per-budget": np.eye(BUDGETS.size), "AULC": aulc_weights(BUDGETS)[None],
              "low-budget AULC": aulc_weights(BUDGETS, 2)[None]}
ADVANTAGE = 1.5  # logit; the effect the power test states


def simulate(rng: np.random.Generator, speakers: int = 20, utterances: int = 10, repeats: int = 5,
             advantage: float = 0.0) -> pd.DataFrame:
    """The prediction table of one simulated study (:mod:`fewlabels.compare.simulation`, draw SD 0.15, no
    speaker x method interaction): methods "reference" and "method", one budget axis."""
    found = simulated_predictions(rng, 1, speakers, repeats, [Regime(0.15, 0.0)], advantage, utterances)
    y_pred = found.y_pred[Regime(0.15, 0.0)][0]
    m, b, r, u = np.indices(y_pred.shape).reshape(4, -1)
    return pd.DataFrame({"method": np.array(["reference", "method"])[m], "axis": "fraction", "budget": BUDGETS[b],
                         "repeat": r, "utterance": np.char.add("u", u.astype(str)),
                         "speaker": np.char.add("s", found.speaker[0, u].astype(str)), "y_true": found.y_true[0, u],
                         "y_pred": y_pred.ravel()})


def comparisons(counts: np.ndarray, repeats: int, seed: int) -> dict[str, object]:
    """Per statistic, the paired comparison of "method" with "reference" in every simulated dataset of
    ``counts`` (datasets, 2, budgets, draws, speakers, K, K), on its first ``repeats`` draws."""
    datasets = len(counts)
    flat = counts[:, :, :, :repeats].reshape(datasets * 2, BUDGETS.size, repeats, *counts.shape[-3:])
    point = point_f1(flat).reshape(datasets, 2, BUDGETS.size, repeats)
    resampled = bootstrap_f1(flat, RESAMPLES, seed).reshape(RESAMPLES, datasets, 2, BUDGETS.size, repeats)
    return {name: paired_comparison(point[:, 1], point[:, 0], resampled[:, :, 1], resampled[:, :, 0], weights,
                                    counts.shape[-3])
            for name, weights in STATISTICS.items()}


def calibration_line(message: str, datasets: int) -> str:
    """The line a calibration test records for the terminal summary: its rates, and how they were replicated."""
    return (f"{message}; {datasets} datasets per regime, unit of replication: test speaker ({SPEAKERS} per dataset, "
            f"a {RESAMPLES}-resample cluster bootstrap, with the spread of the label draws)")


def test_a_null_difference_is_covered_in_every_regime(record_property):
    counts = simulated_counts(np.random.default_rng(2024), NULL_DATASETS, SPEAKERS, max(DRAWS), REGIMES)
    failed = []
    for regime in REGIMES:
        for repeats in DRAWS:
            found = comparisons(counts[regime], repeats, seed=repeats)
            rates = {name: float(np.mean((c.ci_low <= 0) & (c.ci_high >= 0))) for name, c in found.items()}
            message = (f"{repeats} draws, draw SD {regime.draw_sd}, interaction SD {regime.interaction_sd}: 95 % "
                       f"intervals cover a null difference in " + ", ".join(f"{rate:.1%} ({name})"
                                                                            for name, rate in rates.items()))
            record_property("calibration", calibration_line(message, NULL_DATASETS))
            failed += [message for rate in rates.values() if not 0.93 <= rate <= 0.995]
    assert not failed, failed


def test_a_real_advantage_is_found_in_every_regime(record_property):
    counts = simulated_counts(np.random.default_rng(7), POWER_DATASETS, SPEAKERS, max(DRAWS), REGIMES, ADVANTAGE)
    failed = []
    for regime in REGIMES:
        for repeats in DRAWS:
            found = comparisons(counts[regime], repeats, seed=repeats)
            power = {name: float(np.mean(c.decision == "better")) for name, c in found.items()}
            message = (f"{repeats} draws, draw SD {regime.draw_sd}, interaction SD {regime.interaction_sd}: an AULC "
                       f"advantage of {np.mean(found['AULC'].difference):+.3f} F1 ({ADVANTAGE} on the logit scale) is "
                       f"found better in " + ", ".join(f"{rate:.1%} ({name})" for name, rate in power.items()))
            record_property("calibration", calibration_line(message, POWER_DATASETS))
            failed += [message] if power["AULC"] < 0.8 else []
    assert not failed, failed


FOLDS, FOLDED_SPEAKERS = 5, 40  # split.folds: 5 folds of 8 test speakers, each fold's draws its own, pooled


def test_folds_pooled_cover_a_null_difference_and_find_a_real_advantage(record_property):
    failed = []
    for advantage, datasets, seed in ((0.0, 400, 11), (ADVANTAGE, 200, 12)):
        counts = simulated_counts(np.random.default_rng(seed), datasets, FOLDED_SPEAKERS, max(DRAWS), REGIMES,
                                  advantage, folds=FOLDS)
        for regime in REGIMES:
            for repeats in DRAWS:
                found = comparisons(counts[regime], repeats, seed=repeats)
                if advantage:
                    rates = {name: float(np.mean(c.decision == "better")) for name, c in found.items()}
                    what, bad = "find an advantage of 1.5 (logit) better in", rates["AULC"] < 0.8
                else:
                    rates = {name: float(np.mean((c.ci_low <= 0) & (c.ci_high >= 0))) for name, c in found.items()}
                    what, bad = "cover a null difference in", not all(0.93 <= rate <= 0.995 for rate in rates.values())
                message = (f"{FOLDS} folds pooled, {repeats} draws, draw SD {regime.draw_sd}, interaction SD "
                           f"{regime.interaction_sd}: 95 % intervals {what} "
                           + ", ".join(f"{rate:.1%} ({name})" for name, rate in rates.items()))
                record_property("calibration", f"{message}; {datasets} datasets per regime, unit of replication: "
                                               f"test speaker ({FOLDED_SPEAKERS} in {FOLDS} folds per dataset, a "
                                               f"{RESAMPLES}-resample cluster bootstrap, with the spread of the draws)")
                failed += [message] if bad else []
    assert not failed, failed


def test_pairing_narrows_the_interval_of_correlated_methods():
    counts = confusion_counts(simulate(np.random.default_rng(7)), 3).counts
    point, resampled = point_f1(counts), bootstrap_f1(counts, 500, seed=1)
    weights = STATISTICS["AULC"]
    paired = paired_comparison(point[1], point[0], resampled[:, 1], resampled[:, 0], weights, 20)
    alone = estimate(point, resampled, weights, 20).half_width(0.05)[:, 0]
    assert paired.ci_high[0] - paired.ci_low[0] < 0.7 * 2 * np.hypot(*alone)


def test_bootstrap_is_deterministic_for_a_seed():
    counts = confusion_counts(simulate(np.random.default_rng(0)), 3).counts
    first = bootstrap_f1(counts, 50, seed=4)
    assert first.shape == (50, 2, len(BUDGETS), 5)
    np.testing.assert_array_equal(first, bootstrap_f1(counts, 50, seed=4))
    assert not np.array_equal(first, bootstrap_f1(counts, 50, seed=5))


def test_weighted_f1_matches_scikit_learn():
    rng = np.random.default_rng(0)
    for _ in range(100):
        k, n = rng.integers(2, 6), rng.integers(1, 40)
        y_true, y_pred = rng.integers(0, k, n), rng.integers(0, k - 1, n)  # class k-1 is never predicted
        expected = f1_score(y_true, y_pred, average="weighted", zero_division=0)
        assert weighted_f1(confusion_matrix(y_true, y_pred, labels=range(k))) == pytest.approx(expected)


def test_weighted_f1_keeps_leading_axes():
    confusion = np.random.default_rng(1).integers(0, 9, (4, 2, 3, 3))
    f1 = weighted_f1(confusion)
    assert f1.shape == (4, 2) and f1[1, 1] == pytest.approx(weighted_f1(confusion[1, 1]))
    assert weighted_f1(np.zeros((3, 3))) == 0
    with pytest.raises(ValueError, match="K, K"):
        weighted_f1(np.ones((2, 3)))


def test_a_resample_scores_every_draw_on_its_speakers_pooled_with_their_weights():
    table = simulate(np.random.default_rng(3), speakers=5, utterances=4, repeats=3)
    confusion = confusion_counts(table, 3)
    speaker_weights = resample_weights(5, resamples=1, seed=0)
    expected = np.empty((2, len(BUDGETS), 3))
    for m, method in enumerate(confusion.methods):
        for b, budget in enumerate(confusion.budgets):
            for r, repeat in enumerate(confusion.repeats):
                rows = table[(table["method"] == method) & (table["budget"] == budget) & (table["repeat"] == repeat)]
                times = rows["speaker"].map(dict(zip(confusion.speakers, speaker_weights[0])))
                pooled = rows.loc[rows.index.repeat(times)]
                expected[m, b, r] = f1_score(pooled["y_true"], pooled["y_pred"], average="weighted", zero_division=0)
    np.testing.assert_allclose(draw_f1(confusion.counts, speaker_weights)[0], expected)
    assert speaker_weights.sum() == 5


def test_point_estimate_is_each_draws_f1_on_the_whole_test_set():
    table = simulate(np.random.default_rng(4), repeats=2)
    confusion = confusion_counts(table, 3)
    rows = table[(table["method"] == "method") & (table["budget"] == 0.5)]
    expected = rows.groupby("repeat").apply(lambda draw: f1_score(draw["y_true"], draw["y_pred"], average="weighted"))
    np.testing.assert_allclose(point_f1(confusion.counts)[confusion.methods.index("method"), 2], expected)


def test_confusion_counts_labels_and_totals():
    table = simulate(np.random.default_rng(5), speakers=3, utterances=2, repeats=2)
    confusion = confusion_counts(table.iloc[::-1], 3)
    assert confusion.axis == "fraction" and confusion.methods == ["method", "reference"]  # as they first appear
    assert confusion.counts.shape == (2, len(BUDGETS), 2, 3, 3, 3)
    np.testing.assert_array_equal(confusion.budgets, BUDGETS)
    assert confusion.speakers == ["s0", "s1", "s2"] and list(confusion.repeats) == [0, 1]
    assert confusion.counts.sum() == len(table)
    row = table.iloc[0]
    m, s = confusion.methods.index(row["method"]), confusion.speakers.index(row["speaker"])
    assert confusion.counts[m, 0, 0, s, row["y_true"], row["y_pred"]] >= 1


@pytest.mark.parametrize("change, message", [
    (lambda t: t.drop(index=t.index[(t["method"] == "method")][:1]), "not paired"),
    (lambda t: t.assign(axis=np.where(t["budget"] == 1.0, "count", "fraction")), "one budget axis"),
    (lambda t: t.assign(y_pred=t["y_pred"] + 1), "y_pred must hold class indices 0..2"),
    (lambda t: pd.concat([t, t.iloc[:1]]), "duplicate rows"),
    (lambda t: t[~((t["budget"] == 1.0) & (t["repeat"] == 1))], "same repeats"),
    (lambda t: t.assign(budget=t["budget"] * 2), "fractions at most 1"),
    (lambda t: t.drop(columns="speaker"), "lacks columns"),
])
def test_confusion_counts_rejects_bad_tables(change, message):
    table = simulate(np.random.default_rng(6), speakers=3, utterances=2, repeats=2)
    with pytest.raises(ValueError, match=message):
        confusion_counts(change(table), 3)


def test_aulc_is_the_trapezoid_mean_over_the_axis():
    x = np.array([1.0, 2.0, 4.0, 8.0])
    line = np.stack([0.1 * x, np.full(4, 0.6)])  # (2, budgets)
    np.testing.assert_allclose(line @ aulc_weights(x), [0.45, 0.6])  # a line's mean is its value at the middle
    np.testing.assert_allclose(line @ aulc_weights(np.log2(x), first=2), [0.15, 0.6])
    np.testing.assert_allclose(aulc_weights(np.log2(x), first=2), [0.5, 0.5, 0, 0])
    assert aulc_weights(x).sum() == pytest.approx(1)
    with pytest.raises(ValueError, match="increasing x"):
        aulc_weights(x[::-1])
    with pytest.raises(ValueError, match="2 to 4 budgets"):
        aulc_weights(x, first=1)


def test_the_variance_holds_the_draws_once_and_the_speakers_once():
    # two budgets, three draws; in the bootstrap each draw moves by its own noise plus a shared speaker shift
    rng = np.random.default_rng(0)
    point = np.array([[0.50, 0.56, 0.62], [0.70, 0.70, 0.70]])  # (budgets, repeats)
    shared, own = rng.normal(0, 0.02, (4000, 2, 1)), rng.normal(0, 0.01, (4000, 2, 3))
    found = estimate(point, point + shared + own, np.eye(2), speakers=21)
    # draws: the variance of the draws over 3 (R - 1 denominator), 0 where they agree
    np.testing.assert_allclose(found.draw_variance, [0.06 ** 2 / 3, 0], atol=1e-12)
    np.testing.assert_allclose(found.draw_df, [2, 2])
    # speakers: the shared shift (0.02^2) x 21/20; the draws' own noise, already in their spread, not again
    np.testing.assert_allclose(found.speaker_variance, 0.02 ** 2 * 21 / 20, rtol=0.1)
    np.testing.assert_allclose(found.value, [0.56, 0.70])
    one = estimate(point[:, :1], (point + shared + own)[..., :1], np.eye(2), speakers=21)
    assert (one.draw_variance == 0).all() and one.speaker_variance == pytest.approx((0.02 ** 2 + 0.01 ** 2) * 21 / 20,
                                                                                  rel=0.1)


def test_the_p_value_is_the_interval_inverted():
    rng = np.random.default_rng(1)
    point = rng.normal(0.02, 0.03, (5, 4, 3))
    found = estimate(point, point + rng.normal(0, 0.02, (500, 5, 4, 1)), np.eye(4), speakers=12)
    p = found.p_value()
    np.testing.assert_allclose(found.half_width(p), np.abs(found.value), rtol=1e-6)
    low, high = found.interval(0.95)
    np.testing.assert_array_equal(p < 0.05, (low > 0) | (high < 0))
    assert estimate(np.zeros((1, 2)), np.zeros((9, 1, 2)), np.eye(1), 12).p_value() == 1


def test_paired_comparison_decides_from_the_interval_unless_the_data_cannot():
    rng = np.random.default_rng(0)
    reference = rng.normal(0.5, 0.01, (3, 1, 5))  # three comparisons of one budget, five draws
    shift = np.array([0.1, 0.0, -0.1])[:, None, None]
    resampled = reference + rng.normal(0, 0.02, (999, 3, 1, 1))
    found = paired_comparison(reference + shift, reference, resampled + shift + rng.normal(0, 0.001, resampled.shape),
                              resampled, np.eye(1), speakers=12)
    assert found.decision[:, 0].tolist() == ["better", "no evidence", "worse"]
    assert found.p_value[0, 0] < 1e-6 and found.p_value[1, 0] > 0.05
    np.testing.assert_allclose(found.difference[:, 0], shift.ravel(), atol=1e-12)
    np.testing.assert_allclose(found.effect_size[:, 0], shift.ravel() / (1 - reference.mean(axis=-1).ravel()))
    few = paired_comparison(reference + shift, reference, resampled + shift, resampled, np.eye(1), speakers=3)
    assert (few.decision == TOO_FEW_SPEAKERS).all() and np.isfinite(few.ci_low).all()
    one = paired_comparison(reference[..., :1] + shift, reference[..., :1], resampled[..., :1] + shift,
                            resampled[..., :1], np.eye(1), speakers=12)
    assert (one.decision == TOO_FEW_DRAWS).all()
    assert undecided(10, 2) is None and undecided(9, 5) == TOO_FEW_SPEAKERS and undecided(30, 1) == TOO_FEW_DRAWS
    with pytest.raises(ValueError, match="equal shapes"):
        paired_comparison(reference, reference[:2], resampled, resampled, np.eye(1), 12)


def test_holm_by_hand():
    # sorted 0.005 0.01 0.03 0.04 times 4 3 2 1 = 0.02 0.03 0.06 0.04 -> running max 0.02 0.03 0.06 0.06
    np.testing.assert_allclose(holm([0.01, 0.04, 0.03, 0.005]), [0.03, 0.06, 0.06, 0.02])
    np.testing.assert_allclose(holm([[0.5, 0.2], [0.9, 0.01]]), [[1, 0.6], [1, 0.04]])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        holm([0.2, np.nan])
    assert holm_decide([0.1, -0.1, 0.1], [0.01, 0.01, 0.06], 0.05).tolist() == ["better", "worse", "no evidence"]


def test_crossover():
    budgets = [1, 2, 4, 8]
    assert crossover(["better", "better", "no evidence", "better"], budgets) == 2
    assert crossover(["better"] * 4, budgets) == 8
    assert crossover(["no evidence", "better", "better", "better"], budgets) is None
    assert crossover([TOO_FEW_SPEAKERS] * 4, budgets) is None
    with pytest.raises(ValueError, match="increasing budgets"):
        crossover(["better", "maybe", "better", "better"], budgets)


def axis_result(counts: np.ndarray, methods: list[str], native: list[str], budgets=BUDGETS) -> AxisResult:
    return AxisResult("fraction", methods, np.asarray(budgets, float), point_f1(counts), bootstrap_f1(counts, 200, 0),
                      native, counts.shape[3])


def test_metrics_count_each_test_once_and_decide_the_aulc_family_by_holm():
    counts = simulated_counts(np.random.default_rng(3), 1, 12, 3, [Regime(0.15, 0.0)], advantage=0.3)
    counts = counts[Regime(0.15, 0.0)][0]  # (2, budgets, 3, 12, K, K)
    result = axis_result(counts, ["handcrafted/SVM", "code/SVM"], ["handcrafted/SVM", "code/SVM"])
    metrics = comparison_metrics([result], 0.95, low_budgets=4, default_reference="handcrafted/SVM")
    entry = metrics["comparisons"]["code/SVM"]
    # 4 budgets, low_budgets 4: the low-budget AULC is the AULC, one test
    assert entry["low_budget_aulc"] == {"difference": entry["aulc_difference"],
                                        **{k: entry[k] for k in entry["low_budget_aulc"] if k != "difference"}}
    assert metrics["decisions"] == {"aulc_level": "holm", "aulc_level_tests": 1, "per_budget": "unadjusted",
                                    "per_budget_tests": 4, "alpha": 0.05, "min_test_speakers": 10, "min_draws": 2}
    assert entry["p_holm"] == entry["p_value"] and entry["decision"] in DECISIONS
    assert metrics["methods"]["code/SVM"]["aulc_low"] < metrics["methods"]["code/SVM"]["aulc"]
    two = comparison_metrics([result], 0.95, low_budgets=2, default_reference="handcrafted/SVM")
    assert two["decisions"]["aulc_level_tests"] == 2 and two["comparisons"]["code/SVM"]["low_budget_aulc"]["p_holm"]
    few = axis_result(counts[:, :, :, :3], ["handcrafted/SVM", "code/SVM"], ["handcrafted/SVM", "code/SVM"])
    undecided_ = comparison_metrics([few], 0.95, low_budgets=2, default_reference="handcrafted/SVM")
    entry = undecided_["comparisons"]["code/SVM"]
    assert entry["decision"] == TOO_FEW_SPEAKERS and entry["p_holm"] is None and entry["p_value"] is not None
    assert {row["decision"] for row in entry["per_budget"]} == {TOO_FEW_SPEAKERS}
    assert undecided_["decisions"]["aulc_level_tests"] == 0 and entry["better_up_to_fraction"] is None


def test_a_learned_family_meets_every_handcrafted_set_and_each_set_meets_pyaudioanalysis():
    methods = ["handcrafted/SVM", "code/SVM", "egemaps/SVM", "compare2016/SVM", "handcrafted/kNN", "code/kNN",
               "finetune"]
    assert references_of("code/SVM", methods, "handcrafted/SVM") == ["handcrafted/SVM", "egemaps/SVM",
                                                                      "compare2016/SVM"]
    assert references_of("code/kNN", methods, "handcrafted/SVM") == ["handcrafted/kNN"]  # no egemaps/kNN
    assert references_of("egemaps/SVM", methods, "handcrafted/SVM") == ["handcrafted/SVM"]
    assert references_of("handcrafted/SVM", methods, "egemaps/SVM") == []
    assert references_of("finetune", methods, "egemaps/SVM") == ["egemaps/SVM"]
    counts = simulated_counts(np.random.default_rng(4), 1, 12, 3, [Regime(0.15, 0.0)], advantage=0.3)
    counts = counts[Regime(0.15, 0.0)][0]  # (2, budgets, 3, 12, K, K)
    three = ["handcrafted/SVM", "code/SVM", "egemaps/SVM"]
    result = axis_result(counts[[0, 1, 0]], three, three)
    pairs = comparison_pairs([result], "handcrafted/SVM", ["code/SVM vs egemaps/SVM", "egemaps/SVM vs code/SVM"])
    assert pairs == [("code/SVM", "code/SVM", "handcrafted/SVM"),
                     ("code/SVM vs egemaps/SVM", "code/SVM", "egemaps/SVM"),
                     ("egemaps/SVM", "egemaps/SVM", "handcrafted/SVM"),
                     ("egemaps/SVM vs code/SVM", "egemaps/SVM", "code/SVM")]  # each pair once
    metrics = comparison_metrics([result], 0.95, low_budgets=4, default_reference="handcrafted/SVM")
    found = metrics["comparisons"]
    assert [(key, entry["reference"]) for key, entry in found.items()] == [
        ("code/SVM", "handcrafted/SVM"), ("code/SVM vs egemaps/SVM", "egemaps/SVM"),
        ("egemaps/SVM", "handcrafted/SVM")]
    assert metrics["decisions"]["aulc_level_tests"] == 3  # all in one Holm family
    # egemaps holds the same predictions as handcrafted: code against either is the same difference
    assert found["code/SVM"]["aulc_difference"] == found["code/SVM vs egemaps/SVM"]["aulc_difference"]
    assert found["egemaps/SVM"]["aulc_difference"] == 0
