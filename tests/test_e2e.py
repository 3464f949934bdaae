"""End-to-end: the real dvc pipeline in a temporary git repo, with tiny params. Most tests start from a copy of
one whole ``dvc repro`` of the tiny project (``reproduced_project``), built once per test run."""
import contextlib
import hashlib
import io
import json
import re

import numpy as np
import pandas as pd
import pytest
import soundfile
import yaml
from pyAudioAnalysis import MidTermFeatures, ShortTermFeatures

from fewlabels.compare.decisions import DECISIONS, TOO_FEW_DRAWS, TOO_FEW_SPEAKERS
from fewlabels.features.opensmile_sets import feature_names
from fewlabels.io import read_pickle
from fewlabels.manifest import COLUMNS
from fewlabels.shards import ShardedSpectrograms
from tests import corpus_trees as trees
from tests.conftest import update_params
from tests.test_embeddings import save_tiny_whisper
from tests.test_opensmile import direct_functionals

pytestmark = pytest.mark.e2e


def test_dvc_repro_split_builds_corpus_manifest_and_splits(reproduced_project):
    project = reproduced_project
    path = project.path
    manifest = pd.read_csv(path / "data/manifest.csv")
    assert list(manifest.columns) == COLUMNS
    assert len(manifest) == 9 * 6
    assert (manifest["sample_rate"] == 8000).all()
    assert all((path / p).is_file() for p in manifest["path"])
    corpus = json.loads((path / "metrics/corpus.json").read_text())
    assert corpus["utterances"] == 54 and corpus["speakers"] == 9 and corpus["skipped"] == {}
    assert corpus["formats"] == {"8000 Hz, 1 channel, WAV": 54} and corpus["unlabelled_clips"]["clips"] == 0
    assert (path / "plots/corpus_durations.png").stat().st_size > 0
    splits = {name: pd.read_csv(path / f"data/splits/{name}.csv") for name in ("labelled", "test", "unlabelled")}
    for name in ("labelled", "test"):
        assert splits[name]["label"].value_counts().to_dict() == {"negative": 2, "neutral": 2, "positive": 2}
    speakers = [set(rows["speaker"]) for rows in splits.values()]
    assert not (speakers[0] & speakers[1] or speakers[0] & speakers[2] or speakers[1] & speakers[2])
    summary = json.loads((path / "metrics/split.json").read_text())
    assert sum(summary[name]["utterances"] for name in ("labelled", "test", "unlabelled", "unused")) == 54
    assert summary["shortfall"] == {} and summary["excluded_classes"] == {}

    assert json.loads(project.dvc("status", "split", "--json").stdout) == {}
    # same params, byte-identical corpus: a forced rerun reproduces the same hashes
    before = out_hashes(path)
    project.dvc("repro", "--force", "corpus")
    assert out_hashes(path) == before


def out_hashes(path):
    lock = yaml.safe_load((path / "dvc.lock").read_text())
    return {out["path"]: out["md5"] for stage in ("synthesise", "corpus") for out in lock["stages"][stage]["outs"]
            if out["path"].startswith("data/")}


def test_dvc_repro_feature_stages_writes_aligned_pickles(reproduced_project):
    project = reproduced_project
    path = project.path
    counts = json.loads((path / "metrics/data.json").read_text())
    for split in ("labelled", "test"):
        spectrograms = read_pickle(path / f"data/spectrograms/{split}.pkl")
        features = read_pickle(path / f"data/features/{split}_hlf.pkl")
        n = len(spectrograms["utterance"])
        assert n == counts[split]["total"]["chunks"] > 0
        assert spectrograms["X"].shape == (n, 74, 200) and spectrograms["X"].dtype == np.float32
        assert 0 <= spectrograms["X"].min() and spectrograms["X"].max() <= 1
        assert features["X"].shape == (n, 136) and len(features["feature_names"]) == 136
        for key in ("utterance", "speaker", "classes"):
            assert features[key] == spectrograms[key]
        for key in ("y", "chunk"):
            assert np.array_equal(features[key], spectrograms[key])
        assert spectrograms["classes"] == ["negative", "neutral", "positive"]
    unlabelled = ShardedSpectrograms(path / "data/spectrograms/unlabelled")
    assert unlabelled.shape[1:] == (74, 200) and len(unlabelled) == counts["unlabelled"]["total"]["chunks"]

    # the last chunk of the test split equals direct pyAudioAnalysis calls on the WAV
    test_spectrograms = read_pickle(path / "data/spectrograms/test.pkl")
    test_features = read_pickle(path / "data/features/test_hlf.pkl")
    manifest = pd.read_csv(path / "data/splits/test.csv").set_index("utterance")
    utterance, k = test_spectrograms["utterance"][-1], test_spectrograms["chunk"][-1]
    signal = soundfile.read(path / manifest.loc[utterance, "path"], dtype="int16")[0].astype(float)
    chunk = signal[k * 30_000:(k + 1) * 30_000]
    with contextlib.redirect_stdout(io.StringIO()):
        magnitude = ShortTermFeatures.spectrogram(chunk, 8000, 400, 400)[0][:-1]
    expected = np.clip(1 + 20 * np.log10(np.maximum(magnitude, 1e-4)) / 80, 0, 1)
    assert np.allclose(test_spectrograms["X"][-1], expected, atol=1e-6)
    mid = MidTermFeatures.mid_feature_extraction(chunk, 8000, 8000, 8000, 400, 400)[0].mean(axis=1)
    np.testing.assert_allclose(test_features["X"][-1], mid.astype(np.float32), rtol=1e-6, atol=1e-9)  # fast backend
    assert project.stale_stages("spectrograms", "handcrafted", "opensmile") == set()


def test_each_param_section_reruns_exactly_the_stages_that_use_it(reproduced_project):
    project = reproduced_project
    params = project.path / "params.yaml"
    original = params.read_text()
    for change, stale in [
        ({"audio": {"min_signal": 20_000}}, {"spectrograms", "handcrafted", "opensmile", "embeddings"}),
        ({"handcrafted": {"sets": ["pyaudioanalysis", "egemaps", "compare2016"]}}, {"opensmile"}),
        ({"spectrogram": {"scale": "linear"}}, {"spectrograms"}),
        ({"handcrafted": {"mid_window_s": 0.5}}, {"handcrafted"}),
        ({"handcrafted": {"backend": "pyaudioanalysis"}}, {"handcrafted"}),
        ({"spectrogram": {"backend": "pyaudioanalysis"}}, {"spectrograms"}),
        ({"split": {"seed": 7}}, {"split"}),
        ({"split": {"folds": 3, "fold": 1}}, {"split"}),
        ({"autoencoder": {"latent_dim": 4, "learning_rate": 1e-05}}, {"train_autoencoder"}),
        ({"autoencoder": {"objective": "contrastive"}}, {"train_autoencoder", "code_features"}),
        ({"autoencoder": {"contrastive": {"projection_dim": 4}}}, {"train_autoencoder"}),
        ({"draws": {"repeats": 3}, "classify": {"unit": "chunk"}, "compare": {"bootstrap": 300}},
         {"draws", "classify", "finetune", "end_to_end", "compare", "results"}),
        ({"finetune": {"hidden_units": 16}}, {"finetune"}),
        ({"end_to_end": {"lstm_units": 6}}, {"end_to_end"}),
    ]:  # a section's params make its own stages stale; dvc.yaml's graph reruns what follows them
        update_params(params, change)
        assert project.stale_stages() == stale, change
        params.write_text(original)
    assert project.stale_stages() == set()
    # the spectrograms of the original study's 20,000-sample variant: tests/test_workflow.py


def test_the_opensmile_sets_run_on_the_same_chunks_and_leaving_them_out_restores_from_the_run_cache(
        reproduced_project):
    project = reproduced_project  # the tiny baseline leaves openSMILE out (tests/conftest.py)
    path = project.path
    reruns = {"opensmile", "classify", "compare", "results"}  # never the autoencoder
    # docs/features.md: eGeMAPS and ComParE 2016, then neither
    assert project.stages_ran("exp", "run", "-S", "handcrafted.sets=[pyaudioanalysis,egemaps,compare2016]") == reruns
    for split in ("labelled", "test"):
        handcrafted = read_pickle(path / f"data/features/{split}_hlf.pkl")
        for name, size in (("egemaps", 88), ("compare2016", 6373)):
            found = read_pickle(path / f"data/features/opensmile/{split}_{name}.pkl")
            assert found["X"].shape == (len(handcrafted["utterance"]), size)
            assert found["feature_names"] == feature_names(name)
            for key in ("utterance", "speaker", "classes"):
                assert found[key] == handcrafted[key]
            for key in ("y", "chunk"):
                assert np.array_equal(found[key], handcrafted[key])
    # the last test chunk's eGeMAPS: openSMILE called directly on the WAV's samples
    manifest = pd.read_csv(path / "data/splits/test.csv").set_index("utterance")
    utterance, k = handcrafted["utterance"][-1], handcrafted["chunk"][-1]
    chunk = soundfile.read(path / manifest.loc[utterance, "path"], dtype="int16")[0][k * 30_000:(k + 1) * 30_000]
    egemaps = read_pickle(path / "data/features/opensmile/test_egemaps.pkl")["X"][-1]
    np.testing.assert_allclose(egemaps, direct_functionals("egemaps", [chunk], 8000)[0], rtol=1e-6)
    summary = json.loads((path / "metrics/f1.json").read_text())
    for name in ("egemaps", "compare2016"):
        assert summary["comparisons"][f"{name}/SVM"]["reference"] == "handcrafted/SVM"
        assert summary["comparisons"][f"code/SVM vs {name}/SVM"]["reference"] == f"{name}/SVM"
    assert pd.read_csv(path / "plots/f1/SVM.csv")["egemaps"].notna().all()
    # leaving them out: the baseline's runs, restored from the run-cache
    restored = project.dvc("exp", "run", "-S", "handcrafted.sets=[pyaudioanalysis]").stdout
    for stage in ("opensmile", "classify"):
        assert f"Stage '{stage}' is cached - skipping run, checking out outputs" in restored
    assert set(re.findall(r"Running stage '([\w-]+)'", restored)) == {"compare", "results"}  # git-tracked outs
    assert list((path / "data/features/opensmile").iterdir()) == []
    summary = json.loads((path / "metrics/f1.json").read_text())
    assert not [key for key in (*summary["methods"], *summary["comparisons"]) if "egemaps" in key or "2016" in key]
    assert pd.read_csv(path / "plots/f1/SVM.csv")["egemaps"].isna().all()
    assert "could not find provided field" not in project.dvc("plots", "show").stderr
    assert project.run("git", "status", "--porcelain", "metrics", "plots/f1").stdout == ""  # the baseline's results


@pytest.mark.slow  # make test-slow: the embeddings stage's own tests (tests/test_embeddings.py) run in make test
def test_a_pretrained_models_embeddings_run_through_classify_and_compare(reproduced_project):
    project = reproduced_project
    path = project.path
    save_tiny_whisper(path / "data/presets/whisper")  # a random tiny Whisper, saved as a user saves a real one
    # docs/features.md
    ran = project.stages_ran("exp", "run", "-S", "embeddings.preset=data/presets/whisper")
    assert ran == {"embeddings", "classify", "compare", "results"}  # never the autoencoder
    for split in ("labelled", "test"):
        embedded = read_pickle(path / f"data/features/embeddings/{split}_embeddings.pkl")
        handcrafted = read_pickle(path / f"data/features/{split}_hlf.pkl")
        assert embedded["utterance"] == handcrafted["utterance"] and np.array_equal(embedded["chunk"], handcrafted["chunk"])
        assert embedded["X"].shape == (len(handcrafted["utterance"]), 32) and embedded["feature_names"][16] == "sd_0"
    summary = json.loads((path / "metrics/f1.json").read_text())
    assert summary["comparisons"]["embeddings/SVM"]["reference"] == "handcrafted/SVM"
    assert not [key for key in summary["comparisons"] if key.startswith("embeddings/SVM vs")]  # no openSMILE set here
    assert pd.read_csv(path / "plots/f1/SVM.csv")["embeddings"].notna().all()


def test_dvc_repro_code_features_trains_on_unlabelled_and_aligns_codes(reproduced_project):
    project = reproduced_project
    path = project.path
    metrics = json.loads((path / "metrics/autoencoder.json").read_text())
    unlabelled = ShardedSpectrograms(path / "data/spectrograms/unlabelled")
    assert metrics["train_spectrograms"] + metrics["validation_spectrograms"] == len(unlabelled)
    assert metrics["epochs_run"] == 2 and metrics["encoder_params"] < metrics["autoencoder_params"]
    for split in ("labelled", "test"):
        codes = read_pickle(path / f"data/features/{split}_cf.pkl")
        features = read_pickle(path / f"data/features/{split}_hlf.pkl")
        assert codes["X"].shape == (len(features["X"]), 8) and codes["X"].dtype == np.float32
        assert codes["feature_names"] == [f"code_{i}" for i in range(1, 9)]
        for key in ("utterance", "speaker", "classes"):
            assert codes[key] == features[key]
        assert np.array_equal(codes["chunk"], features["chunk"]) and np.array_equal(codes["y"], features["y"])
    for curve in ("train", "eval"):
        assert len((path / f"plots/autoencoder/plots/metrics/{curve}/loss.tsv").read_text().splitlines()) == 3
    assert (path / "plots/pretraining.png").stat().st_size > 0
    assert (path / "models/encoder.keras").is_file()



@pytest.mark.slow  # make test-slow: the DTU family's own tests (tests/test_autoencoder.py) run in make test
def test_the_dtu_configuration_runs_as_an_experiment(reproduced_project):
    project = reproduced_project
    path = project.path
    params = path / "params.yaml"
    update_params(params, {"autoencoder": {"latent_dim": 4}})
    assert project.stale_stages("code_features") == {"train_autoencoder"}

    # docs/experiments.md: the DTU configuration (log-mel standardised, the DTU encoder, MSE, a pooled code)
    ran = project.stages_ran("exp", "run", "-n", "dtu", "-S", "spectrogram.kind=logmel", "-S", "spectrogram.scale=standard",
                             "-S", "autoencoder.architecture=DTU", "-S", "autoencoder.loss=mse", "-S",
                             "autoencoder.bottleneck=pooled", "-S", "autoencoder.filters=32", "-S",
                             "autoencoder.max_epochs=30")
    assert {"spectrograms", "train_autoencoder", "code_features", "classify", "finetune", "compare"} <= ran
    assert json.loads((path / "metrics/autoencoder.json").read_text())["loss"] == "mse"
    assert read_pickle(path / "data/features/test_cf.pkl")["X"].shape[1] == 4  # latent_dim 4 (above) of the pooled map


@pytest.mark.slow  # make test-slow: make test runs the objective's own tests (tests/test_contrastive.py) and
# checks that it makes train_autoencoder and code_features stale (the param-section loop above)
def test_contrastive_pretraining_reruns_pretraining_and_after_and_every_method_takes_its_encoder(
        reproduced_project):
    project = reproduced_project
    path = project.path
    before = json.loads((path / "metrics/f1.json").read_text())["methods"]
    # docs/autoencoders.md's command
    ran = project.stages_ran("exp", "run", "-n", "cola", "-S", "autoencoder.objective=contrastive")
    assert ran == {"train_autoencoder", "code_features", "classify", "finetune", "compare", "results"}
    metrics = json.loads((path / "metrics/autoencoder.json").read_text())
    assert metrics["objective"] == "contrastive" and metrics["epochs_run"] == 2
    assert 0 <= metrics["val_accuracy"] <= 1 and metrics["chance_accuracy"] == round(1 / metrics["validation_batch"], 4)
    for curve in ("train", "eval"):
        assert len((path / f"plots/autoencoder/plots/metrics/{curve}/accuracy.tsv").read_text().splitlines()) == 3
    test_codes = read_pickle(path / "data/features/test_cf.pkl")
    assert test_codes["X"].shape == (len(read_pickle(path / "data/features/test_hlf.pkl")["X"]), 8)
    methods = json.loads((path / "metrics/f1.json").read_text())["methods"]
    assert set(methods) == set(before)  # code/<classifier>, finetune and scratch on the contrastive encoder
    assert methods["code/SVM"] != before["code/SVM"] and methods["handcrafted/SVM"] == before["handcrafted/SVM"]
    assert (path / "plots/pretraining.png").stat().st_size > 0

    # the contrastive methods beside the baseline's, paired on the same draws and test speakers
    project.run("python", "-m", "fewlabels.paired_experiments", "cola", "--page", "docs/contrastive.md", "-o",
                "metrics/cola.json")
    report = json.loads((path / "metrics/cola.json").read_text())
    changed = [method for method in before if method.startswith("code/")] + ["finetune", "scratch"]
    assert sorted(report["changed"]) == sorted(changed)  # hand-crafted methods and cnn_lstm predict the same
    for method in changed:
        assert report["methods"][f"cola:{method}"]["aulc"] == methods[method]["aulc"]  # the experiment's own AULC
        assert report["methods"][method]["aulc"] == before[method]["aulc"]
        versus = report["comparisons"][f"cola:{method} vs {method}"]
        assert versus["ci_low"] <= versus["aulc_difference"] <= versus["ci_high"]
        assert versus["decision"] == report["comparisons"]["code/SVM"]["decision"]  # the tiny study: too few speakers
    assert report["comparisons"]["cola:code/SVM"]["reference"] == "handcrafted/SVM"
    assert report["comparisons"]["cola:finetune"]["reference"] == "handcrafted/SVM"
    assert report["costs"]["cola"]["autoencoder"]["objective"] == "contrastive"
    text = (path / "docs/contrastive.md").read_text()
    assert "`cola:code/SVM` − `code/SVM`" in text and "`cola:finetune` − `handcrafted/SVM`" in text
    assert "Rendered by `python -m fewlabels.paired_experiments cola --page docs/contrastive.md -o metrics/cola.json`" in text


def test_full_dvc_repro_then_plots_show(reproduced_project):
    project = reproduced_project
    path = project.path
    summary = json.loads((path / "metrics/f1.json").read_text())
    classifiers = ("SVM", "kNN", "DecisionTree", "RandomForest", "AdaBoost")
    assert set(summary["methods"]) == {f"{family}/{name}" for family in ("handcrafted", "code")
                                       for name in classifiers} | {"finetune", "scratch", "cnn_lstm"}
    assert summary["unit_of_replication"].startswith("test speaker") and summary["bootstrap"] == 200
    # the tiny split may leave fewer test speakers than a decision needs: then every comparison says so
    decided = summary["test_speakers"] >= summary["decisions"]["min_test_speakers"]
    for method, entry in summary["methods"].items():
        assert entry["aulc_low"] <= entry["aulc"] <= entry["aulc_high"] and 0 <= entry["aulc"] <= 1
        assert entry["aulc_per_class_low"] <= entry["aulc_per_class"] <= entry["aulc_per_class_high"]
    for name in classifiers:
        comparison = summary["comparisons"][f"code/{name}"]
        assert comparison["reference"] == f"handcrafted/{name}"
        assert comparison["ci_low"] <= comparison["aulc_difference"] <= comparison["ci_high"]
        assert comparison["decision"] in (DECISIONS if decided else (TOO_FEW_SPEAKERS,))
        assert comparison["p_value"] <= comparison["p_holm"] <= 1 if decided else comparison["p_holm"] is None
        assert [(b["axis"], b["budget"]) for b in comparison["per_budget"]] == [
            ("fraction", 0.5), ("fraction", 1.0), ("count", 1.0), ("count", 2.0)]
        table = pd.read_csv(path / f"plots/f1/{name}.csv")
        assert list(table.columns) == ["fraction", "handcrafted", "code", "egemaps", "compare2016", "embeddings",
                                       "handcrafted_low", "handcrafted_high", "code_low", "code_high", "egemaps_low",
                                       "egemaps_high", "compare2016_low", "compare2016_high", "embeddings_low",
                                       "embeddings_high"]
        assert table[["egemaps", "compare2016", "embeddings"]].isna().all().all()  # not run: empty columns, so
        # dvc.yaml's plots still draw the others
        assert table["fraction"].tolist() == [0.5, 1.0]
        assert summary["methods"][f"handcrafted/{name}"]["f1_all"] == pytest.approx(table["handcrafted"].iloc[-1], abs=1e-5)
        per_class = pd.read_csv(path / f"plots/f1/{name}_per_class.csv")
        assert per_class["per_class"].tolist() == [1, 2] and list(per_class.columns[1:9]) == [
            "handcrafted", "code", "egemaps", "compare2016", "embeddings", "cnn_lstm", "finetune", "scratch"]
    # the networks ran on their own budgets (count 1, 2; repeat 0) and are compared on those draws
    for method in ("finetune", "scratch", "cnn_lstm"):
        entry = summary["methods"][method]
        assert entry["aulc_axis"] == "count" and entry["aulc"] == entry["aulc_per_class"]
        assert summary["comparisons"][method]["reference"] == "handcrafted/SVM"
    versus = summary["comparisons"]["finetune vs scratch"]
    assert versus["reference"] == "scratch" and versus["decision"] == (TOO_FEW_DRAWS if decided else TOO_FEW_SPEAKERS)
    assert [(b["axis"], b["budget"]) for b in versus["per_budget"]] == [("count", 1.0), ("count", 2.0)]
    assert summary["comparisons"]["cnn_lstm vs code/SVM"]["reference"] == "code/SVM"
    assert summary["adapted"]["finetune"] == {"count 1": "fixed_epochs=2 in 1 of 1 draws",
                                              "count 2": "fixed_epochs=2 in 1 of 1 draws",
                                              "budgets": "no fraction axis; 1 of 2 repeats"}
    predictions = pd.read_parquet(path / "data/predictions/classify.parquet")
    draws = pd.read_csv(path / "data/draws.csv")
    assert len(predictions) == 10 * len(draws.groupby(["axis", "budget", "repeat"])) * predictions["utterance"].nunique()
    finetuned = pd.read_parquet(path / "data/predictions/finetune.parquet")
    assert list(finetuned.columns) == list(predictions.columns)
    assert len(finetuned) == 2 * 2 * predictions["utterance"].nunique()
    costs = json.loads((path / "metrics/finetune.json").read_text())["methods"]
    assert costs["finetune"]["runs"] == costs["scratch"]["runs"] == 2 and costs["finetune"]["epochs_mean"] == 2
    assert len((path / "plots/finetune/plots/metrics/finetune/count_1/repeat_0/loss.tsv").read_text().splitlines()) == 3
    end_to_end = pd.read_parquet(path / "data/predictions/end_to_end.parquet")
    assert list(end_to_end.columns) == list(predictions.columns) and set(end_to_end["method"]) == {"cnn_lstm"}
    assert json.loads((path / "metrics/end_to_end.json").read_text())["methods"]["cnn_lstm"]["runs"] == 2
    assert (path / "plots/f1_curves.png").read_bytes()[:4] == b"\x89PNG"
    assert json.loads(project.dvc("status", "--json").stdout) == {}

    plots = json.loads(project.dvc("plots", "show", "--json").stdout)["data"]
    for name in classifiers:
        (rendered,) = plots[f"f1 {name}"]
        assert rendered["type"] == "vega" and "handcrafted" in json.dumps(rendered) and "code" in json.dumps(rendered)
        assert f"f1 per class {name}" in plots
    assert "autoencoder loss" in plots
    project.dvc("plots", "show", "-o", "dvc_plots")
    html = (path / "dvc_plots/index.html").read_text()
    assert "f1_RandomForest" in html and "handcrafted" in html

    # compare's params rerun compare (and the results page) only
    params = path / "params.yaml"
    update_params(params, {"compare": {"bootstrap": 300}})
    assert project.repro_ran() == {"compare", "results"}


@pytest.mark.slow  # make test-slow: make test checks which stages these params make stale (the param-section loop)
def test_the_original_study_setup_runs_as_an_experiment(reproduced_project):
    project = reproduced_project
    path = project.path
    # docs/experiments.md: the original study's setup (softmax code, linear spectrograms, chunk-level scoring)
    ran = project.stages_ran("exp", "run", "-n", "original", "-S", "autoencoder.bottleneck_activation=softmax",
                             "-S", "spectrogram.scale=linear", "-S", "classify.unit=chunk")
    assert ran - {"results"} == {"spectrograms", "train_autoencoder", "code_features", "classify", "finetune",
                                 "end_to_end", "compare"}  # results follows only if compare's metrics change
    codes = read_pickle(path / "data/features/test_cf.pkl")["X"]
    np.testing.assert_allclose(codes.sum(axis=1), 1, rtol=1e-5)  # a softmax code sums to 1
    assert json.loads((path / "metrics/f1.json").read_text())["methods"]["code/SVM"]


@pytest.mark.slow
def test_dvc_repro_on_a_crema_d_tree_tracked_with_dvc_add_plus_unlabelled_clips(project):
    """A user's corpus in its published layout, hash-tracked by ``dvc add``, runs the whole study (``make test-slow``;
    ``make test`` runs every corpus' command to its split, tests/test_readme_corpora.py)."""
    path = project.path
    trees.crema_d(path / "data/corpora/crema_d", seconds=4.0)
    for i in range(3):
        trees.clip(path / f"data/corpora/esc_us/{i}.ogg", 44100, seconds=4.0, seed=100 + i, fmt="OGG")
    project.dvc("add", "data/corpora/crema_d", "data/corpora/esc_us")
    project.run("git", "add", "-A")
    project.run("git", "commit", "-qm", "CREMA-D fixture")
    project.dvc("exp", "run", "-S", "corpus.source=crema_d", "-S", "corpus.path=data/corpora/crema_d",
                "-S", "corpus.unlabelled_path=data/corpora/esc_us")

    manifest = pd.read_csv(path / "data/manifest.csv")
    assert manifest["label"].value_counts().to_dict() == {"negative": 48, "neutral": 12, "positive": 12}
    corpus = json.loads((path / "metrics/corpus.json").read_text())
    assert corpus["source"] == "crema_d" and corpus["speakers"] == 6 and corpus["unlabelled_clips"]["clips"] == 3
    assert corpus["formats"] == {"16000 Hz, 1 channel, WAV": 72}
    assert list((path / "data/raw/synthetic").iterdir()) == [path / "data/raw/synthetic/labels.csv"]  # nothing synthesised
    unlabelled = pd.read_csv(path / "data/splits/unlabelled.csv")
    assert unlabelled["utterance"].str.startswith("unlabelled/").sum() == 3
    assert json.loads((path / "metrics/f1.json").read_text())
    assert project.stale_stages() == set()

    # the raw audio is hash-tracked: changing one file reruns the corpus stage and what depends on it
    trees.clip(path / "data/corpora/crema_d/AudioWAV/1001_DFA_ANG_XX.wav", 16000, seconds=4.0, seed=999)
    assert "corpus" in project.stale_stages()
    assert {"corpus", "split"} <= project.repro_ran("split")
    md5 = pd.read_csv(path / "data/manifest.csv").set_index("utterance").loc["1001_DFA_ANG_XX", "md5"]
    assert md5 == hashlib.md5((path / "data/corpora/crema_d/AudioWAV/1001_DFA_ANG_XX.wav").read_bytes()).hexdigest()
