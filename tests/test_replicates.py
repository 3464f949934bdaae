"""Replicates pooled with the replicate as the unit (reading them through DVC: tests/test_workflow.py)."""
import pytest

from fewlabels.replicates import pool


def comparison(difference: float, half_width: float) -> dict:
    return {"comparisons": {"code/SVM": {"reference": "handcrafted/SVM", "aulc_difference": difference,
                                         "ci_low": difference - half_width, "ci_high": difference + half_width}}}


def test_pooled_interval_is_a_t_interval_over_replicates():
    pooled = pool({"a": comparison(-0.10, 0.02), "b": comparison(-0.14, 0.04), "c": comparison(-0.12, 0.03)}, 0.95)
    svm = pooled["code/SVM"]
    assert svm["mean"] == pytest.approx(-0.12) and svm["between_replicate_sd"] == pytest.approx(0.02)
    half = 4.302652729911275 * 0.02 / 3 ** 0.5  # t(0.975, 2) * sd / sqrt(3)
    assert svm["ci_low"] == pytest.approx(-0.12 - half, abs=1e-5) and svm["ci_high"] == pytest.approx(-0.12 + half, abs=1e-5)
    assert svm["mean_within_replicate_half_width"] == pytest.approx(0.03) and svm["decision"] == "worse"


def test_only_comparisons_every_replicate_makes_are_pooled():
    extra = comparison(-0.2, 0.01)
    extra["comparisons"]["code/SVM_tuned"] = extra["comparisons"]["code/SVM"]
    assert set(pool({"a": extra, "b": comparison(-0.1, 0.02)}, 0.95)) == {"code/SVM"}
