import os

import numpy as np
import pandas as pd
import pytest
import soundfile

from fewlabels.audio import AudioError
from fewlabels.manifest import COLUMNS, check_audio, read_manifest


@pytest.fixture
def files(tmp_path):
    """One good WAV and one file of each bad kind."""
    good = tmp_path / "good.wav"
    soundfile.write(good, np.random.default_rng(0).integers(-99, 99, 16000).astype(np.int16), 16000, subtype="PCM_16")
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    text = tmp_path / "notes.wav"
    text.write_text("this is not audio\n" * 20)
    header_only = tmp_path / "header_only.wav"
    soundfile.write(header_only, np.zeros(0, np.int16), 8000, subtype="PCM_16")
    silent = tmp_path / "silent.wav"
    soundfile.write(silent, np.zeros(8000, np.int16), 8000, subtype="PCM_16")
    return {"good": good, "silent": silent, "missing": tmp_path / "missing.wav", "empty": empty, "text": text, "header_only": header_only}


def entries(files):
    return pd.DataFrame({"utterance": list(files), "path": [str(p) for p in files.values()],
                         "label": "neutral", "speaker": "s1"})


@pytest.mark.parametrize("kind, reason", [
    ("missing", "file is missing"), ("empty", "file is empty"),
    ("text", "not readable as audio"), ("header_only", "contains no samples"),
    ("silent", "is digital silence"),
])
def test_each_bad_file_is_an_error_naming_it(files, kind, reason):
    rows = entries({"good": files["good"], kind: files[kind]})
    with pytest.raises(AudioError, match=f"{files[kind].name}: {reason}"):
        check_audio(rows, "error", n_jobs=1)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_file_is_an_error(files):
    files["good"].chmod(0)
    with pytest.raises(AudioError, match="good.wav: not readable as audio"):
        check_audio(entries({"good": files["good"]}), "error", n_jobs=1)


def test_skip_policy_lists_every_bad_file_with_its_reason(files):
    manifest, bad = check_audio(entries(files), "skip", n_jobs=2)
    assert list(manifest.columns) == COLUMNS
    assert manifest["utterance"].tolist() == ["good"]
    assert manifest.loc[0, "duration_s"] == 1.0 and manifest.loc[0, "sample_rate"] == 16000
    assert dict(zip(bad["utterance"], bad["reason"])) == {
        "missing": "file is missing", "empty": "file is empty",
        "text": bad.set_index("utterance").loc["text", "reason"], "header_only": "contains no samples",
        "silent": "is digital silence (every sample has the same value)"}
    assert bad.set_index("utterance").loc["text", "reason"].startswith("not readable as audio")
    assert len(manifest) + len(bad) == len(files)


def test_duplicate_utterance_ids_are_refused(files):
    rows = entries({"good": files["good"]})
    with pytest.raises(ValueError, match="repeated: good"):
        check_audio(pd.concat([rows, rows]), "skip", n_jobs=1)


def test_ids_are_read_back_as_strings(tmp_path):
    path = tmp_path / "manifest.csv"
    pd.DataFrame({"utterance": ["007"], "path": ["a.wav"], "label": ["1"], "speaker": ["0042"],
                  "duration_s": [1.0], "sample_rate": [8000]}).to_csv(path, index=False)
    row = read_manifest(path).iloc[0]
    assert (row["utterance"], row["speaker"], row["label"]) == ("007", "0042", "1")
