"""Replicates: experiments with other seeds, read through DVC and pooled with the replicate as the unit."""
import json

import pytest

from fewlabels.replicates import pool

pytestmark = pytest.mark.e2e


def test_replicates_pool_the_experiments_prediction_tables_read_through_dvc(project):
    project.dvc("repro")
    project.run("git", "add", "-A")
    project.run("git", "commit", "-qm", "baseline results")
    head = json.loads((project.path / "metrics/f1.json").read_text())
    differences = {"HEAD": head["comparisons"]["code/SVM"]["aulc_difference"]}
    for seed in (1,):
        project.dvc("exp", "run", "-n", f"seed{seed}", "-S", f"split.seed={seed}", "-S", f"autoencoder.seed={seed}")
        differences[f"seed{seed}"] = json.loads((project.path / "metrics/f1.json").read_text())[
            "comparisons"]["code/SVM"]["aulc_difference"]
    result = project.run("python", "-m", "fewlabels.replicates", "-o", "replicates.json")
    report = json.loads((project.path / "replicates.json").read_text())
    assert set(report["seeds"]) == {"HEAD", "seed1"}
    assert report["seeds"]["seed1"]["split.seed"] == 1 and report["unit_of_replication"].startswith("replicate")
    svm = report["comparisons"]["code/SVM"]
    assert svm["aulc_difference"] == pytest.approx(differences)  # each replicate as its own compare stage saw it
    assert svm["replicates"] == 2 and svm["ci_low"] <= svm["mean"] <= svm["ci_high"]
    assert "code/RandomForest" in result.stdout and "2 replicates" in result.stdout
    versus = report["comparisons"]["finetune vs scratch"]  # a method's own comparison pools like the others
    assert set(versus["aulc_difference"]) == {"HEAD", "seed1"}
    failed = project.run("python", "-m", "fewlabels.replicates", "seed9", check=False)
    assert failed.returncode == 1 and failed.stderr.startswith("error: replicates: no experiment seed9 of HEAD")
    assert "--baseline" in failed.stderr and "Exception ignored" not in result.stderr
    # a later commit (say, notes) leaves the experiments with the commit they branched from
    baseline = project.run("git", "rev-parse", "--short", "HEAD").stdout.strip()
    project.run("git", "commit", "-q", "--allow-empty", "-m", "notes")
    later = project.run("python", "-m", "fewlabels.replicates", "seed1", "--baseline", baseline, "-o", "later.json")
    assert f"2 replicates: {baseline}, seed1" in later.stdout
    assert json.loads((project.path / "later.json").read_text())["comparisons"]["code/SVM"]["aulc_difference"] == {
        baseline: pytest.approx(differences["HEAD"]), "seed1": pytest.approx(differences["seed1"])}


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
