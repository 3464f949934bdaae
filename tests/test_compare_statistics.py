import numpy as np
import pandas as pd
import pytest
from scipy.special import expit
from sklearn.metrics import confusion_matrix, f1_score

from fewlabels.compare.confusion import confusion_counts
from fewlabels.compare.statistics import (aulc, bootstrap_f1, crossover, holm, mean_f1, paired_comparison, point_f1,
                                          resample_weights, weighted_f1)

BUDGETS = np.array([0.1, 0.25, 0.5, 1.0])
DATASETS = 100
RESAMPLES = 1000
SPEAKERS, REPEATS = 20, 5  # per simulated dataset: test speakers, label draws per budget


def simulate(rng: np.random.Generator, advantage: float = 0.0, speakers: int = SPEAKERS, utterances: int = 10,
             repeats: int = REPEATS) -> tuple[pd.DataFrame, float]:
    """A prediction table of two methods ("reference", "method") on one test set of 3 balanced-at-random
    classes, and the method's accuracy gain over the reference in this dataset.

    An utterance is predicted right with probability expit(budget level - speaker difficulty (sd 1) -
    utterance difficulty (sd 0.5) + the method's own persistent view of the utterance (sd 1) + the draw's
    luck for the method (sd 0.15) + ``advantage`` for "method"); a wrong prediction is one of the other
    classes at random. With ``advantage`` 0 both methods come from the same model with independent noise.
    """
    n = speakers * utterances
    speaker = np.repeat(np.arange(speakers), utterances)
    y_true = rng.integers(0, 3, n)
    difficulty = rng.normal(0, 1.0, speakers)[speaker] + rng.normal(0, 0.5, n)
    level = np.linspace(-0.3, 1.2, BUDGETS.size)[:, None, None]
    view = rng.normal(0, 1.0, (2, 1, 1, n))
    luck = rng.normal(0, 0.15, (2, BUDGETS.size, repeats, 1))
    eta = level + np.array([0.0, advantage])[:, None, None, None] - difficulty + view + luck
    correct = rng.random(eta.shape) < expit(eta)
    y_pred = np.where(correct, y_true, (y_true + rng.integers(1, 3, eta.shape)) % 3)
    m, b, r, u = np.indices(eta.shape).reshape(4, -1)
    table = pd.DataFrame({"method": np.array(["reference", "method"])[m], "axis": "fraction", "budget": BUDGETS[b],
                          "repeat": r, "utterance": np.char.add("u", u.astype(str)),
                          "speaker": np.char.add("s", speaker[u].astype(str)), "y_true": y_true[u],
                          "y_pred": y_pred.ravel()})
    return table, float(correct[1].mean() - correct[0].mean())


def aulc_difference(table: pd.DataFrame, seed: int):
    """The paired comparison of the AULC of "method" with that of "reference"."""
    counts = confusion_counts(table, 3).counts
    resampled, point = aulc(bootstrap_f1(counts, RESAMPLES, seed), BUDGETS), aulc(point_f1(counts), BUDGETS)
    return paired_comparison(resampled[:, 1], resampled[:, 0], point[1], point[0])


def calibration_line(message: str) -> str:
    """The line a calibration test records for the terminal summary: its rate, and how it was replicated."""
    return (f"{message}; unit of replication: test speaker ({SPEAKERS} per dataset, a {RESAMPLES}-resample cluster "
            f"bootstrap jointly with its {REPEATS} label draws)")


def test_equally_informative_methods_cover_zero(record_property):
    covered = np.mean([aulc_difference(simulate(np.random.default_rng(d))[0], d).decision == "no evidence"
                       for d in range(DATASETS)])
    message = f"95 % interval of the AULC difference covers 0 in {covered:.0%} of {DATASETS} null datasets"
    record_property("calibration", calibration_line(message))
    assert covered >= 0.9, message


def test_a_real_advantage_is_detected(record_property):
    found, gains = [], []
    for d in range(DATASETS):
        table, gain = simulate(np.random.default_rng(d), advantage=0.5)
        found.append(aulc_difference(table, d).decision == "better")
        gains.append(gain)
    message = (f"an accuracy advantage of {np.mean(gains):+.3f} (0.5 on the logit scale) is found better in "
               f"{np.mean(found):.0%} of {DATASETS} datasets")
    record_property("calibration", calibration_line(message))
    assert np.mean(found) >= 0.8, message


def test_pairing_narrows_the_interval_of_correlated_methods():
    table, _ = simulate(np.random.default_rng(7))
    counts = confusion_counts(table, 3).counts
    paired = aulc(bootstrap_f1(counts, RESAMPLES, 1), BUDGETS)
    unpaired = [aulc(bootstrap_f1(counts[[m]], RESAMPLES, seed), BUDGETS)[:, 0] for m, seed in ((1, 2), (0, 3))]
    point = aulc(point_f1(counts), BUDGETS)
    width = {name: float(c.ci_high - c.ci_low) for name, c in
             {"paired": paired_comparison(paired[:, 1], paired[:, 0], point[1], point[0]),
              "unpaired": paired_comparison(*unpaired, point[1], point[0])}.items()}
    assert width["paired"] < 0.7 * width["unpaired"], width


def test_bootstrap_is_deterministic_for_a_seed():
    counts = confusion_counts(simulate(np.random.default_rng(0))[0], 3).counts
    first = bootstrap_f1(counts, 50, seed=4)
    assert first.shape == (50, 2, len(BUDGETS))
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


def test_a_resample_pools_duplicated_speakers_and_averages_drawn_repeats():
    table, _ = simulate(np.random.default_rng(3), speakers=5, utterances=4, repeats=3)
    confusion = confusion_counts(table, 3)
    speaker_weights, repeat_weights = resample_weights(5, 3, resamples=1, seed=0)
    expected = np.empty((2, len(BUDGETS)))
    for m, method in enumerate(confusion.methods):
        for b, budget in enumerate(confusion.budgets):
            per_repeat = []
            for repeat in confusion.repeats:
                rows = table[(table["method"] == method) & (table["budget"] == budget) & (table["repeat"] == repeat)]
                times = rows["speaker"].map(dict(zip(confusion.speakers, speaker_weights[0])))
                pooled = rows.loc[rows.index.repeat(times)]
                per_repeat.append(f1_score(pooled["y_true"], pooled["y_pred"], average="weighted", zero_division=0))
            expected[m, b] = np.average(per_repeat, weights=repeat_weights[0])
    np.testing.assert_allclose(mean_f1(confusion.counts, speaker_weights, repeat_weights)[0], expected)
    assert speaker_weights.sum() == 5 and repeat_weights.sum() == 3


def test_point_estimate_is_the_mean_over_repeats_of_the_whole_test_set():
    table, _ = simulate(np.random.default_rng(4), repeats=2)
    confusion = confusion_counts(table, 3)
    rows = table[(table["method"] == "method") & (table["budget"] == 0.5)]
    expected = rows.groupby("repeat").apply(
        lambda draw: f1_score(draw["y_true"], draw["y_pred"], average="weighted")).mean()
    assert point_f1(confusion.counts)[confusion.methods.index("method"), 2] == pytest.approx(expected)


def test_confusion_counts_labels_and_totals():
    table, _ = simulate(np.random.default_rng(5), speakers=3, utterances=2, repeats=2)
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
    table, _ = simulate(np.random.default_rng(6), speakers=3, utterances=2, repeats=2)
    with pytest.raises(ValueError, match=message):
        confusion_counts(change(table), 3)


def test_aulc_is_the_trapezoid_mean_over_the_axis():
    x = np.array([1.0, 2.0, 4.0, 8.0])
    line = np.stack([0.1 * x, np.full(4, 0.6)])  # (2, budgets)
    np.testing.assert_allclose(aulc(line, x), [0.45, 0.6])  # a line's mean is its value at the middle
    np.testing.assert_allclose(aulc(line, np.log2(x), first=2), [0.15, 0.6])
    with pytest.raises(ValueError, match="increasing x"):
        aulc(line, x[::-1])
    with pytest.raises(ValueError, match="2 to 4 budgets"):
        aulc(line, x, first=1)


def test_paired_comparison_reads_decisions_from_the_interval():
    reference = np.random.default_rng(0).normal(0.5, 0.02, (999, 3))
    shift = np.array([0.1, 0.0, -0.1])
    result = paired_comparison(reference + shift, reference, 0.5 + shift, np.full(3, 0.5))
    assert list(result.decision) == ["better", "no evidence", "worse"]
    np.testing.assert_allclose(result.p_value, [2 / 1000, 1, 2 / 1000])
    np.testing.assert_allclose(result.difference, shift)
    np.testing.assert_allclose(result.effect_size, shift / 0.5)
    assert result.ci_low[0] == pytest.approx(0.1) and result.ci_high[2] == pytest.approx(-0.1)
    with pytest.raises(ValueError, match="equal shapes"):
        paired_comparison(reference, reference[:, :2], 0.5 + shift, np.full(3, 0.5))


def test_holm_by_hand():
    # sorted 0.005 0.01 0.03 0.04 times 4 3 2 1 = 0.02 0.03 0.06 0.04 -> running max 0.02 0.03 0.06 0.06
    np.testing.assert_allclose(holm([0.01, 0.04, 0.03, 0.005]), [0.03, 0.06, 0.06, 0.02])
    np.testing.assert_allclose(holm([[0.5, 0.2], [0.9, 0.01]]), [[1, 0.6], [1, 0.04]])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        holm([0.2, np.nan])


def test_crossover():
    budgets = [1, 2, 4, 8]
    assert crossover(["better", "better", "no evidence", "better"], budgets) == 2
    assert crossover(["better"] * 4, budgets) == 8
    assert crossover(["no evidence", "better", "better", "better"], budgets) is None
    with pytest.raises(ValueError, match="increasing budgets"):
        crossover(["better", "maybe", "better", "better"], budgets)
