"""The DVC workflow a researcher relies on, end to end in temporary git repos with tiny params:
repro, reruns per params section, run-cache, experiments, queued sweeps, plots diff, apply, push/pull."""
import json
import time

import pytest

from fewlabels.io import read_pickle
from tests.conftest import update_params

pytestmark = pytest.mark.e2e
RESULTS = ("metrics/f1.json", "plots/f1/RandomForest.csv", "plots/f1/SVM_per_class.csv",
           "data/predictions/finetune.parquet", "data/predictions/end_to_end.parquet")


def results(project) -> dict[str, bytes]:
    """The bytes of a few results, by path."""
    return {name: (project.path / name).read_bytes() for name in RESULTS}


def test_params_rerun_exactly_their_stages_runs_are_reproducible_and_the_run_cache_restores(reproduced_project):
    project = reproduced_project
    baseline = results(project)
    assert project.stale_stages() == set()
    # a second run of every stage that trains or draws at random gives byte-identical results
    assert project.repro_ran("--force", "--downstream", "spectrograms") == {
        "spectrograms", "train_autoencoder", "code_features", "classify", "finetune", "end_to_end", "compare",
        "results"}
    assert results(project) == baseline

    params = project.path / "params.yaml"
    update_params(params, {"audio": {"min_signal": 20_000}})
    assert project.repro_ran() == {"spectrograms", "handcrafted", "train_autoencoder", "code_features", "draws",
                                   "classify", "finetune", "end_to_end", "compare", "results"}
    # the original study's 20,000-sample variant gives (49, 200) spectrograms
    assert read_pickle(project.path / "data/spectrograms/test.pkl")["X"].shape[1:] == (49, 200)
    model = (project.path / "models/encoder.keras").read_bytes()
    update_params(params, {"autoencoder": {"latent_dim": 4}})
    assert project.repro_ran() == {"train_autoencoder", "code_features", "classify", "finetune", "compare", "results"}

    # switching latent_dim back restores the earlier model from the run-cache instead of training again
    update_params(params, {"autoencoder": {"latent_dim": 8}})
    output = project.dvc("repro").stdout
    assert "Stage 'train_autoencoder' is cached - skipping run, checking out outputs" in output
    assert "Epoch 1/" not in output
    assert (project.path / "models/encoder.keras").read_bytes() == model

    update_params(params, {"finetune": {"hidden_units": 16}})
    assert project.repro_ran() == {"finetune", "compare", "results"}


def exp_show(project) -> dict[str, dict]:
    """Experiment name (or 'baseline') -> {'params': ..., 'metrics': ...} from `dvc exp show --json`."""
    table = {}
    for entry in json.loads(project.dvc("exp", "show", "--json").stdout):
        if entry["rev"] == "workspace":
            continue
        runs = [("baseline", entry)] + [(exp["name"], exp["revs"][0]) for exp in entry.get("experiments") or []]
        for name, rev in runs:
            data = rev["data"]
            table[name] = {"params": data["params"]["params.yaml"]["data"],
                           "metrics": {path: value["data"] for path, value in data["metrics"].items()}}
    return table


def test_queued_sweep_exp_show_plots_diff_apply_replicates_and_push_pull_into_a_fresh_clone(reproduced_project,
                                                                                            tmp_path_factory):
    project = reproduced_project
    baseline = results(project)
    project.dvc("exp", "run", "--queue", "-n", "latent4", "-S", "autoencoder.latent_dim=4")  # README's commands
    project.dvc("exp", "run", "--queue", "-n", "latent6", "-S", "autoencoder.latent_dim=6")
    project.dvc("queue", "start", "-j", "1")
    deadline = time.monotonic() + 600
    while any(word in project.dvc("queue", "status").stdout for word in ("Queued", "Running")):
        assert time.monotonic() < deadline, "the queued sweep did not finish in 10 minutes"
        time.sleep(3)
    assert "Failed" not in project.dvc("queue", "status").stdout
    shown = exp_show(project)
    latents = sorted(run["params"]["autoencoder"]["latent_dim"] for name, run in shown.items() if name != "baseline")
    assert latents == [4, 6]

    # the experiment with latent_dim 4: shown, diffed, applied and pooled by its name
    latent4 = "latent4"
    assert "latent4" in project.dvc("exp", "show").stdout
    kept = project.dvc("exp", "show", "--drop", ".*", "--keep",
                       "Experiment|autoencoder.latent_dim|best_val_loss|methods.code/.*\\.aulc$").stdout
    assert "latent4" in kept and "bootstrap" not in kept
    assert shown["baseline"]["params"]["autoencoder"]["latent_dim"] == 8
    assert shown[latent4]["params"]["autoencoder"]["latent_dim"] == 4
    for name in ("baseline", latent4):
        f1 = shown[name]["metrics"]["metrics/f1.json"]
        assert {"methods", "comparisons"} <= set(f1) and "code/RandomForest" in f1["comparisons"]
        assert "best_val_loss" in shown[name]["metrics"]["metrics/autoencoder.json"]

    plots = json.loads(project.dvc("plots", "diff", "HEAD", latent4, "--json").stdout)["data"]
    (chart,) = plots["f1 RandomForest"]
    assert set(chart["revisions"]) == {"HEAD", latent4}
    values = chart["content"]["data"]["values"]
    assert {v["rev"] for v in values} == {"HEAD", latent4}
    project.dvc("plots", "diff", "HEAD", "latent4", "-o", "plots_diff")
    assert "f1_RandomForest" in (project.path / "plots_diff/index.html").read_text()
    project.run("python", "-m", "fewlabels.render_plots", "f1 RandomForest", "diff.png", "HEAD", "latent4")
    assert (project.path / "diff.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    failed = project.run("python", "-m", "fewlabels.render_plots", "f1 GBM", "x.png", check=False)
    assert failed.returncode != 0 and "no plot 'f1 GBM'; dvc knows: " in failed.stderr

    project.run("git", "reset", "--hard", "-q")
    project.dvc("checkout", "--force")
    assert results(project) == baseline
    project.dvc("exp", "apply", "latent4")
    assert "latent_dim: 4" in (project.path / "params.yaml").read_text()
    changed = project.dvc("metrics", "diff").stdout  # the workspace (the applied experiment) against HEAD
    assert "metrics/f1.json" in changed and "aulc" in changed
    applied = json.loads((project.path / "metrics/f1.json").read_text())
    expected = shown[latent4]["metrics"]["metrics/f1.json"]
    assert applied["methods"] == expected["methods"]
    assert {m: c["aulc_difference"] for m, c in applied["comparisons"].items()} == {
        m: c["aulc_difference"] for m, c in expected["comparisons"].items()}
    assert project.stale_stages() == set(), project.dvc("status").stdout

    # replicates: HEAD's and the experiments' prediction tables read through DVC, pooled per comparison
    differences = {"HEAD": json.loads(project.run("git", "show", "HEAD:metrics/f1.json").stdout)["comparisons"],
                   latent4: shown[latent4]["metrics"]["metrics/f1.json"]["comparisons"]}
    result = project.run("python", "-m", "fewlabels.replicates", latent4, "-o", "replicates.json")
    report = json.loads((project.path / "replicates.json").read_text())
    assert list(report["seeds"]) == ["HEAD", latent4] and report["unit_of_replication"].startswith("replicate")
    for method in ("code/SVM", "finetune vs scratch", "cnn_lstm"):  # every comparison pools, the networks' too
        pooled = report["comparisons"][method]
        assert pooled["aulc_difference"] == pytest.approx({name: found[method]["aulc_difference"]
                                                           for name, found in differences.items()})
        assert pooled["replicates"] == 2 and pooled["ci_low"] <= pooled["mean"] <= pooled["ci_high"]
    assert "code/RandomForest" in result.stdout and "Exception ignored" not in result.stderr
    failed = project.run("python", "-m", "fewlabels.replicates", "seed9", check=False)
    assert failed.returncode == 1 and failed.stderr.startswith("error: replicates: no experiment seed9 of HEAD")
    assert "--baseline" in failed.stderr
    # a later commit leaves the experiments with the commit they branched from
    commit = project.run("git", "rev-parse", "--short", "HEAD").stdout.strip()
    project.run("git", "commit", "-q", "--allow-empty", "-m", "notes")
    later = project.run("python", "-m", "fewlabels.replicates", latent4, "--baseline", commit, "-o", "later.json")
    assert f"2 replicates: {commit}, {latent4}" in later.stdout
    assert json.loads((project.path / "later.json").read_text())["comparisons"]["code/SVM"]["aulc_difference"] == {
        commit: pytest.approx(differences["HEAD"]["code/SVM"]["aulc_difference"]),
        latent4: pytest.approx(differences[latent4]["code/SVM"]["aulc_difference"])}
    alone = project.run("python", "-m", "fewlabels.replicates", latent4, "--baseline", commit,
                        "--without-baseline", check=False)
    assert alone.returncode == 1 and alone.stderr.startswith("error: replicates: fewer than 2 replicates")

    # README's Glasgow variant: a new classifier entry, tuned inside each draw, added with hydra's "+"
    ran = project.dvc("exp", "run", "-n", "glasgow", "-S",
                      "+classify.classifiers.SVM_tuned={search: {kernel: [linear, rbf], C: [1, 10]}}", "-S",
                      "compare.also_compare=['finetune vs scratch', 'handcrafted/SVM_tuned vs handcrafted/SVM']").stdout
    assert "Running stage 'classify'" in ran and "Running stage 'train_autoencoder'" not in ran
    f1 = exp_show(project)["glasgow"]["metrics"]["metrics/f1.json"]
    assert f1["comparisons"]["code/SVM_tuned"]["reference"] == "handcrafted/SVM_tuned"
    assert f1["comparisons"]["handcrafted/SVM_tuned vs handcrafted/SVM"]["reference"] == "handcrafted/SVM"
    assert all("search=defaults" in note or "kernel=" in note for note in f1["adapted"]["handcrafted/SVM_tuned"].values())

    # push and pull the baseline (HEAD) into a fresh clone
    project.run("git", "reset", "--hard", "-q")
    project.dvc("checkout", "--force")
    assert results(project) == baseline
    remote = tmp_path_factory.mktemp("remote")
    project.dvc("remote", "add", "-d", "local", str(remote))
    project.run("git", "commit", "-qam", "local remote")
    project.dvc("push")
    clone = tmp_path_factory.mktemp("clone") / "repo"
    project.run("git", "clone", "-q", str(project.path), str(clone))
    lock = (project.path / "dvc.lock").read_text()
    cloned = type(project)(clone)
    cloned.dvc("pull")
    assert cloned.stale_stages() == set()
    assert (clone / "dvc.lock").read_text() == lock
    for path in ("data/manifest.csv", "data/features/test_cf.pkl", "models/encoder.keras",
                 "data/spectrograms/unlabelled/index.pkl", "metrics/autoencoder.json", "plots/reconstructions.png"):
        assert (clone / path).read_bytes() == (project.path / path).read_bytes(), path

    # a model trained on one machine, pushed with the run-cache: the second clone restores it instead of training it
    update_params(project.path / "params.yaml", {"autoencoder": {"latent_dim": 5}})
    assert "Epoch 1/" in project.dvc("repro", "train_autoencoder").stdout
    project.dvc("push", "--run-cache")
    cloned.dvc("pull", "--run-cache")
    update_params(clone / "params.yaml", {"autoencoder": {"latent_dim": 5}})
    output = cloned.dvc("repro", "--pull", "train_autoencoder").stdout  # --pull: the outputs of runs in the run-cache
    assert "Stage 'train_autoencoder' is cached - skipping run, checking out outputs" in output
    assert "Epoch 1/" not in output
    assert (clone / "models/encoder.keras").read_bytes() == (project.path / "models/encoder.keras").read_bytes()
