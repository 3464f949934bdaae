"""End-to-end: the real dvc pipeline in a temporary git repo, with tiny params."""
import json

import pandas as pd
import pytest
import yaml

from fewlabels.manifest import COLUMNS

pytestmark = pytest.mark.e2e


def test_dvc_repro_split_builds_corpus_manifest_and_splits(project):
    project.dvc("repro", "split")
    path = project.path
    manifest = pd.read_csv(path / "data/manifest.csv")
    assert list(manifest.columns) == COLUMNS
    assert len(manifest) == 9 * 6
    assert (manifest["sample_rate"] == 8000).all()
    assert all((path / p).is_file() for p in manifest["path"])
    corpus = json.loads((path / "metrics/corpus.json").read_text())
    assert corpus["utterances"] == 54 and corpus["speakers"] == 9 and corpus["bad_audio"] == 0
    assert (path / "plots/corpus_durations.png").stat().st_size > 0
    splits = {name: pd.read_csv(path / f"data/splits/{name}.csv") for name in ("labelled", "test", "unlabelled")}
    for name in ("labelled", "test"):
        assert splits[name]["label"].value_counts().to_dict() == {"negative": 2, "neutral": 2, "positive": 2}
    speakers = [set(rows["speaker"]) for rows in splits.values()]
    assert not (speakers[0] & speakers[1] or speakers[0] & speakers[2] or speakers[1] & speakers[2])
    summary = json.loads((path / "metrics/split.json").read_text())
    assert sum(s["utterances"] for s in summary.values()) == 54

    status = project.dvc("status", "--json")
    assert json.loads(status.stdout) == {}
    # same params, byte-identical corpus: a forced rerun reproduces the same hashes
    before = corpus_hashes(path)
    project.dvc("repro", "--force", "corpus")
    assert corpus_hashes(path) == before


def corpus_hashes(path):
    lock = yaml.safe_load((path / "dvc.lock").read_text())
    return {out["path"]: out["md5"] for out in lock["stages"]["corpus"]["outs"] if out["path"].startswith("data/")}
