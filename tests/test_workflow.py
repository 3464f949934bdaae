"""The DVC workflow a researcher relies on, end to end in temporary git repos with tiny params:
repro, reruns per params section, run-cache, experiments, queued sweeps, plots diff, apply, push/pull."""
import json
import re
import shlex
import time

import pytest

from fewlabels.io import read_pickle
from tests.conftest import update_params
from tests.documented import block_commands

pytestmark = pytest.mark.e2e
REMOTE_MARKER = "<!-- run by tests/test_workflow.py::test_queued_sweep_exp_show_plots_diff_apply_glasgow_and_push_pull_into_a_fresh_clone -->"
DOCUMENTED_REMOTE = "/mnt/shared/fewlabels-dvc"  # docs/scaling.md's example; the test's remote is a temporary folder
RESULTS = ("metrics/f1.json", "plots/f1/RandomForest.csv", "plots/f1/SVM_per_class.csv",
           "data/predictions/finetune.parquet", "data/predictions/end_to_end.parquet")


def results(project) -> dict[str, bytes]:
    """The bytes of a few results, by path."""
    return {name: (project.path / name).read_bytes() for name in RESULTS}


def test_params_rerun_exactly_their_stages_runs_are_reproducible_and_the_run_cache_restores(reproduced_project):
    project = reproduced_project
    baseline = results(project)
    assert project.stale_stages() == set()
    # a second run of the stages that train or draw at random gives byte-identical outputs (in-process
    # determinism of the networks: tests/test_finetune.py, tests/test_end_to_end.py)
    trained = ("models/encoder.keras", "data/features/test_cf.pkl", "data/draws.csv",
               "data/predictions/classify.parquet", "data/predictions/finetune.parquet")
    before = {name: (project.path / name).read_bytes() for name in trained}
    forced = ("train_autoencoder", "code_features", "draws", "classify", "finetune")
    assert project.repro_ran("--force", "--single-item", *forced) == set(forced)
    assert {name: (project.path / name).read_bytes() for name in trained} == before
    assert project.stale_stages() == set()

    params = project.path / "params.yaml"
    original = params.read_text()
    model = (project.path / "models/encoder.keras").read_bytes()
    # docs/experiments.md: the original study's 20,000-sample variant, as an experiment in the workspace
    assert project.stages_ran("exp", "run", "-n", "min20000", "-S", "audio.min_signal=20000") == {
        "spectrograms", "handcrafted", "opensmile", "embeddings", "train_autoencoder", "code_features", "draws",
        "classify", "finetune", "end_to_end", "compare", "results"}  # embeddings with no preset: an empty folder
    assert "min_signal: 20000" in params.read_text()
    # the original study's 20,000-sample variant gives (49, 200) spectrograms
    assert read_pickle(project.path / "data/spectrograms/test.pkl")["X"].shape[1:] == (49, 200)
    assert (project.path / "models/encoder.keras").read_bytes() != model

    # switching back restores the stages' outputs from the run-cache instead of running them again, but for the
    # stages with an output in git (the pretraining figure, the metrics, the results page): those rerun
    params.write_text(original)
    output = project.dvc("repro").stdout
    assert "Stage 'train_autoencoder' is cached - skipping run, checking out outputs" in output
    assert set(re.findall(r"Running stage '([\w-]+)'", output)) == {"code_features", "compare", "results"}
    assert "Epoch 1/" not in output
    assert (project.path / "models/encoder.keras").read_bytes() == model
    assert results(project) == baseline


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


def wait_for_the_queue(project) -> None:
    """Wait until every queued experiment ran; none failed."""
    deadline = time.monotonic() + 600
    while any(word in project.dvc("queue", "status").stdout for word in ("Queued", "Running")):
        assert time.monotonic() < deadline, "the queued experiments did not finish in 10 minutes"
        time.sleep(10)  # a status call costs a second of CPU the queued run could use
    assert "Failed" not in project.dvc("queue", "status").stdout


def test_queued_sweep_exp_show_plots_diff_apply_glasgow_and_push_pull_into_a_fresh_clone(reproduced_project,
                                                                                          tmp_path_factory):
    project = reproduced_project
    baseline = results(project)
    # docs/autoencoders.md's tuning grid queues one experiment per point (each runs as README's sweep below does)
    project.dvc("exp", "run", "--queue", "-S", "autoencoder.latent_dim=64,128", "-S",
                "autoencoder.learning_rate=0.001,0.005", "-S", "autoencoder.batch_size=128,256")
    grid = {(run["params"]["autoencoder"]["latent_dim"], run["params"]["autoencoder"]["learning_rate"],
             run["params"]["autoencoder"]["batch_size"]) for name, run in exp_show(project).items() if name != "baseline"}
    assert grid == {(latent, rate, batch) for latent in (64, 128) for rate in (0.001, 0.005) for batch in (128, 256)}
    assert project.dvc("queue", "status").stdout.count("Queued") == 8
    project.dvc("queue", "remove", "--queued")

    project.dvc("exp", "run", "--queue", "-n", "latent4", "-S", "autoencoder.latent_dim=4")  # README's commands
    project.dvc("exp", "run", "--queue", "-n", "ci99", "-S", "compare.confidence=0.99")
    project.dvc("queue", "start", "-j", "1")
    wait_for_the_queue(project)
    shown = exp_show(project)
    assert {name: (run["params"]["autoencoder"]["latent_dim"], run["params"]["compare"]["confidence"])
            for name, run in shown.items()} == {"baseline": (8, 0.95), "latent4": (4, 0.95), "ci99": (8, 0.99)}
    widths = {name: {method: (entry["aulc_low"], entry["aulc_high"])
                     for method, entry in shown[name]["metrics"]["metrics/f1.json"]["methods"].items()}
              for name in ("baseline", "ci99")}  # the same study with wider intervals
    assert all(low <= widths["baseline"][method][0] and high >= widths["baseline"][method][1]
               for method, (low, high) in widths["ci99"].items())
    assert widths["ci99"] != widths["baseline"]
    # docs/autoencoders.md: the experiments, the lowest validation loss first
    table = project.dvc("exp", "show", "--drop", ".*", "--keep",
                        "Experiment|best_val_loss|best_epoch|autoencoder.(latent_dim|learning_rate|batch_size)",
                        "--sort-by", "metrics/autoencoder.json:best_val_loss", "--sort-order", "asc").stdout
    assert "best_val_loss" in table and "bootstrap" not in table
    rows = [line for line in table.splitlines() if re.search(r"\[(latent4|ci99)\]", line)]
    losses = [float(re.search(r"\]\s+([\d.]+)", row)[1]) for row in rows]  # best_val_loss, the first column after
    assert len(rows) == 2 and losses == sorted(losses), table

    # the experiment with latent_dim 4: shown, diffed and applied by its name
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

    # the Glasgow variant (README, docs/experiments.md): a new classifier entry, tuned inside each draw, added with "+"
    ran = project.dvc("exp", "run", "-n", "glasgow", "-S",
                      "+classify.classifiers.SVM_tuned={search: {kernel: [linear, rbf], C: [1, 10, 100], gamma: "
                      "[scale, auto]}}", "-S", "compare.also_compare=['finetune vs scratch', 'cnn_lstm vs finetune', "
                      "'cnn_lstm vs code/SVM', 'cnn_lstm vs handcrafted/SVM_tuned', 'handcrafted/SVM_tuned vs "
                      "handcrafted/SVM']").stdout
    assert "Running stage 'classify'" in ran and "Running stage 'train_autoencoder'" not in ran
    f1 = exp_show(project)["glasgow"]["metrics"]["metrics/f1.json"]
    assert f1["comparisons"]["code/SVM_tuned"]["reference"] == "handcrafted/SVM_tuned"
    assert f1["comparisons"]["handcrafted/SVM_tuned vs handcrafted/SVM"]["reference"] == "handcrafted/SVM"
    assert f1["comparisons"]["cnn_lstm vs handcrafted/SVM_tuned"]["reference"] == "handcrafted/SVM_tuned"
    assert all("search=defaults" in note or "kernel=" in note for note in f1["adapted"]["handcrafted/SVM_tuned"].values())

    # docs/scaling.md: push the baseline (HEAD) and the run-cache, pull both into a fresh clone
    add, push, pull, repro = block_commands("docs/scaling.md", REMOTE_MARKER)
    project.run("git", "reset", "--hard", "-q")
    project.dvc("checkout", "--force")
    assert results(project) == baseline
    remote = tmp_path_factory.mktemp("remote")
    project.run(*shlex.split(add.replace(DOCUMENTED_REMOTE, str(remote))))
    project.run("git", "commit", "-qam", "a remote")
    project.run(*shlex.split(push))
    clone = tmp_path_factory.mktemp("clone") / "repo"
    project.run("git", "clone", "-q", str(project.path), str(clone))
    lock = (project.path / "dvc.lock").read_text()
    cloned = type(project)(clone)
    cloned.run(*shlex.split(pull))
    assert cloned.stale_stages() == set()
    assert (clone / "dvc.lock").read_text() == lock
    for path in ("data/manifest.csv", "data/features/test_cf.pkl", "models/encoder.keras",
                 "data/spectrograms/unlabelled/index.pkl", "metrics/autoencoder.json", "plots/pretraining.png"):
        assert (clone / path).read_bytes() == (project.path / path).read_bytes(), path

    # a model trained on one machine, pushed with the run-cache: the clone restores it instead of training it
    update_params(project.path / "params.yaml", {"autoencoder": {"latent_dim": 5}})
    assert "Epoch 1/" in project.dvc("repro", "train_autoencoder").stdout
    project.run(*shlex.split(push))
    cloned.run(*shlex.split(pull))
    update_params(clone / "params.yaml", {"autoencoder": {"latent_dim": 5}})
    output = cloned.run(*shlex.split(repro)).stdout  # --pull: the outputs of runs in the run-cache
    assert "Stage 'train_autoencoder' is cached - skipping run, checking out outputs" in output
    assert "Epoch 1/" not in output
    assert (clone / "models/encoder.keras").read_bytes() == (project.path / "models/encoder.keras").read_bytes()


@pytest.mark.slow
def test_replicates_pool_seed_experiments_run_through_the_queue(reproduced_project):
    """docs/methods.md's replicates: three full runs of the study (``make test-slow``)."""
    project = reproduced_project
    # replicates (docs/methods.md): a new split, encoder and network seeds per replicate, pooled with HEAD through DVC
    project.dvc("exp", "run", "--queue", "-n", "replicate1", "-S", "split.seed=1", "-S", "autoencoder.seed=1", "-S",
                "finetune.seed=1")
    project.dvc("exp", "run", "--queue", "-n", "replicate2", "-S", "split.seed=2", "-S", "autoencoder.seed=2", "-S",
                "finetune.seed=2")
    project.dvc("exp", "run", "--queue", "-n", "replicate3", "-S", "split.seed=3", "-S", "autoencoder.seed=3", "-S",
                "finetune.seed=3")
    project.dvc("queue", "start", "-j", "1")
    wait_for_the_queue(project)
    shown = exp_show(project)
    result = project.run("python", "-m", "fewlabels.replicates", "replicate1", "replicate2", "replicate3", "-o",
                         "replicates.json")
    report = json.loads((project.path / "replicates.json").read_text())
    names = ["HEAD", "replicate1", "replicate2", "replicate3"]
    assert list(report["seeds"]) == names and report["unit_of_replication"].startswith("replicate")
    differences = {"HEAD": json.loads(project.run("git", "show", "HEAD:metrics/f1.json").stdout)["comparisons"],
                   **{name: shown[name]["metrics"]["metrics/f1.json"]["comparisons"] for name in names[1:]}}
    assert len({json.dumps(differences[name]["code/SVM"]) for name in names}) == 4  # four different studies
    for method in ("code/SVM", "finetune vs scratch", "cnn_lstm"):  # every comparison pools, the networks' too
        pooled = report["comparisons"][method]
        assert pooled["aulc_difference"] == pytest.approx({name: found[method]["aulc_difference"]
                                                           for name, found in differences.items()})
        assert pooled["replicates"] == 4 and pooled["ci_low"] <= pooled["mean"] <= pooled["ci_high"]
    assert "code/RandomForest" in result.stdout and "Exception ignored" not in result.stderr
    failed = project.run("python", "-m", "fewlabels.replicates", "seed9", check=False)
    assert failed.returncode == 1 and failed.stderr.startswith("error: replicates: no experiment seed9 of HEAD")
    assert "--baseline" in failed.stderr
    # a later commit leaves the experiments with the commit they branched from
    commit = project.run("git", "rev-parse", "--short", "HEAD").stdout.strip()
    project.run("git", "commit", "-q", "--allow-empty", "-m", "notes")
    later = project.run("python", "-m", "fewlabels.replicates", "replicate1", "--baseline", commit, "-o", "later.json")
    assert f"2 replicates: {commit}, replicate1" in later.stdout
    assert json.loads((project.path / "later.json").read_text())["comparisons"]["code/SVM"]["aulc_difference"] == {
        commit: pytest.approx(differences["HEAD"]["code/SVM"]["aulc_difference"]),
        "replicate1": pytest.approx(differences["replicate1"]["code/SVM"]["aulc_difference"])}
    alone = project.run("python", "-m", "fewlabels.replicates", "replicate1", "--baseline", commit,
                        "--without-baseline", check=False)
    assert alone.returncode == 1 and alone.stderr.startswith("error: replicates: fewer than 2 replicates")


@pytest.mark.slow
def test_speaker_folds_run_through_the_queue_and_pool_every_speaker_tested_once(reproduced_project):
    """docs/methods.md's speaker folds: three full runs of the study (``make test-slow``)."""
    project = reproduced_project
    path = project.path
    project.dvc("exp", "run", "--queue", "-S", "split.folds=3", "-S", "split.fold=0,1,2")
    project.dvc("queue", "start", "-j", "1")
    wait_for_the_queue(project)
    tested = {}
    for name, run in exp_show(project).items():
        if name != "baseline":
            split = run["params"]["split"]
            tested[split["fold"]] = run["metrics"]["metrics/split.json"]["test"]
            assert run["metrics"]["metrics/split.json"]["folds"] == {"folds": 3, "fold": split["fold"]}
    assert sorted(tested) == [0, 1, 2]
    project.run("python", "-m", "fewlabels.folds", "-o", "metrics/folds.json", "--page", "docs/folds.md")
    report = json.loads((path / "metrics/folds.json").read_text())
    corpus = json.loads((path / "metrics/corpus.json").read_text())
    assert report["folds"] == 3 and report["test_speakers"] == sum(fold["speakers"] for fold in tested.values())
    assert report["test_speakers"] == 9 == corpus["speakers"]  # the tiny corpus: every speaker tested once
    assert sorted(report["experiments"]) == ["0", "1", "2"]  # fold -> its experiment (JSON keys are text)
    single = json.loads((path / "metrics/f1.json").read_text())
    assert report["single_split"]["test_speakers"] == single["test_speakers"] < report["test_speakers"]
    assert set(report["comparisons"]) == set(single["comparisons"])
    text = (path / "docs/folds.md").read_text()
    assert "# The study over 3 speaker folds" in text and "`code/SVM` vs `handcrafted/SVM`" in text
    # a fold missing is named, with the command that runs it
    project.dvc("exp", "remove", next(name for name, run in exp_show(project).items()
                                      if name != "baseline" and run["params"]["split"]["fold"] == 1))
    failed = project.run("python", "-m", "fewlabels.folds", check=False)
    assert failed.returncode == 1 and failed.stderr.strip() == (
        "error: folds: fold 1 of split.folds 3 has no experiment: run it with dvc exp run -S split.folds=3 -S "
        "split.fold=1")
