import hashlib
import os

import numpy as np
import pandas as pd
import pytest
import soundfile

from fewlabels.audio import AudioError
from fewlabels.manifest import COLUMNS, probe_files, read_manifest


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


def reasons(results):
    return [result.reason if isinstance(result, AudioError) else None for result in results]


@pytest.mark.parametrize("kind, reason", [
    ("missing", "file is missing"), ("empty", "file is empty"),
    ("text", "not readable as audio"), ("header_only", "contains no samples"),
    ("silent", "is digital silence"),
])
def test_each_bad_file_gets_an_error_naming_it(files, kind, reason):
    good, bad = probe_files([str(files["good"]), str(files[kind])], n_jobs=1)
    assert isinstance(bad, AudioError) and str(bad).startswith(f"{files[kind]}: {reason}")
    info, md5 = good
    assert (info.duration_s, info.sample_rate, info.channels) == (1.0, 16000, 1)
    assert md5 == hashlib.md5(files["good"].read_bytes()).hexdigest()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_file_is_an_error(files):
    files["good"].chmod(0)
    assert reasons(probe_files([str(files["good"])], n_jobs=1))[0].startswith("not readable as audio")


def test_results_keep_the_order_of_the_paths_on_any_number_of_threads(files):
    paths = [str(path) for path in files.values()]
    assert reasons(probe_files(paths, n_jobs=1)) == reasons(probe_files(paths, n_jobs=3))


def test_ids_are_read_back_as_strings_and_no_label_as_nan(tmp_path):
    path = tmp_path / "manifest.csv"
    pd.DataFrame({"utterance": ["007", "unlabelled/x"], "path": ["a.wav", "x.wav"], "label": ["1", None],
                  "speaker": ["0042", "unlabelled/x"], "speaker_is_proxy": [True, False], "partition": ["", ""],
                  "source_label": ["NA", ""], "duration_s": [1.0, 2.0], "frames": [8000, 16000],
                  "sample_rate": [8000, 8000], "channels": [1, 2], "md5": ["0e1", "ab"]})[COLUMNS].to_csv(
        path, index=False)
    manifest = read_manifest(path)
    row = manifest.iloc[0]
    assert (row["utterance"], row["speaker"], row["label"], row["source_label"], row["md5"]) == ("007", "0042", "1", "NA", "0e1")
    assert pd.isna(manifest.loc[1, "label"]) and manifest.loc[1, "partition"] == ""
    assert manifest["speaker_is_proxy"].dtype == bool and manifest["speaker_is_proxy"].tolist() == [True, False]
    assert manifest["frames"].dtype == np.int64 and manifest["frames"].tolist() == [8000, 16000]


def test_probe_tells_frames_and_the_container_whatever_the_suffix(tmp_path):
    aiff = tmp_path / "aiff.wav"
    soundfile.write(aiff, np.random.default_rng(1).integers(-99, 99, 1234).astype(np.int16), 8000, format="AIFF",
                    subtype="PCM_16")
    (info, _), = probe_files([str(aiff)], n_jobs=1)
    assert (info.frames, info.sample_rate, info.container) == (1234, 8000, "AIFF")
