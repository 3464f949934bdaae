from functools import partial

import numpy as np
import pandas as pd
import pytest
import soundfile

from fewlabels.audio import AudioError
from fewlabels.features import FeatureError
from fewlabels.features.extract import check_chunks, class_names, extract, planned_chunks
from fewlabels.features.handcrafted import mid_term_features
from fewlabels.features.spectrogram import scaled_spectrogram


@pytest.fixture
def rows(tmp_path):
    """Utterances of 29,999 / 30,000 / 70,000 / 61,000 samples, the last at 16 kHz."""
    rng = np.random.default_rng(1)
    specs = [("u_short", 29_999, 8000, "negative", "s1"), ("u_one", 30_000, 8000, "positive", "s1"),
             ("u_two", 70_000, 8000, "negative", "s2"), ("u_hi", 122_000, 16000, "neutral", "s2")]
    records = []
    for utterance, n, rate, label, speaker in specs:
        path = tmp_path / f"{utterance}.wav"
        soundfile.write(path, rng.integers(-8000, 8000, n).astype(np.int16), rate, subtype="PCM_16")
        records.append({"utterance": utterance, "path": str(path), "label": label, "speaker": speaker})
    return pd.DataFrame(records)


def chunk_mean(chunk):
    return np.array([chunk.mean(), chunk[0]])


def chunk_stats(chunk):
    """A featurizer for tests/test_shards.py, here where joblib's worker processes import it quickly."""
    return np.stack([chunk.reshape(3, -1).mean(axis=1), chunk.reshape(3, -1).std(axis=1)])


def test_rows_follow_utterances_then_chunks_with_counts(rows):
    classes = class_names(rows)
    artifact, counts = extract(rows, classes, chunk_mean, sample_rate=8000, min_signal=30_000,
                               short_signals="drop", desc="test", n_jobs=2)
    assert classes == ["negative", "neutral", "positive"]
    assert artifact["utterance"] == ["u_one", "u_two", "u_two", "u_hi", "u_hi"]
    assert artifact["chunk"].tolist() == [0, 0, 1, 0, 1]
    assert artifact["speaker"] == ["s1", "s2", "s2", "s2", "s2"]
    assert [classes[y] for y in artifact["y"]] == ["positive", "negative", "negative", "neutral", "neutral"]
    assert artifact["X"].dtype == np.float32 and artifact["X"].shape == (5, 2)
    first_of_u_two = soundfile.read(rows.loc[2, "path"], dtype="int16")[0][:30_000].astype(float)
    assert artifact["X"][1, 0] == pytest.approx(first_of_u_two.mean(), rel=1e-6)
    assert counts == {
        "negative": {"utterances": 2, "kept": 1, "dropped_short": 1, "padded": 0, "chunks": 2},
        "neutral": {"utterances": 1, "kept": 1, "dropped_short": 0, "padded": 0, "chunks": 2},
        "positive": {"utterances": 1, "kept": 1, "dropped_short": 0, "padded": 0, "chunks": 1},
    }


def test_pad_mode_keeps_short_utterances(rows):
    artifact, counts = extract(rows, class_names(rows), chunk_mean, sample_rate=8000, min_signal=30_000,
                               short_signals="pad", desc="test", n_jobs=1)
    assert artifact["utterance"][0] == "u_short"
    assert counts["negative"] == {"utterances": 2, "kept": 2, "dropped_short": 0, "padded": 1, "chunks": 3}


def test_output_is_identical_whatever_the_worker_count(rows):
    featurize = partial(scaled_spectrogram, sample_rate=8000, window_s=0.05, scale="db", db_floor=-80.0)
    one = extract(rows, ["negative", "neutral", "positive"], featurize, sample_rate=8000, min_signal=30_000,
                  short_signals="drop", desc="test", n_jobs=1)[0]
    two = extract(rows, ["negative", "neutral", "positive"], featurize, sample_rate=8000, min_signal=30_000,
                  short_signals="drop", desc="test", n_jobs=2)[0]
    assert one["X"].shape == (5, 74, 200) and np.array_equal(one["X"], two["X"])


def test_labels_outside_the_classes_get_minus_one(rows):
    artifact, _ = extract(rows, ["negative", "positive"], chunk_mean, sample_rate=8000, min_signal=30_000,
                          short_signals="drop", desc="test", n_jobs=1)
    assert artifact["y"].tolist() == [1, 0, 0, -1, -1]


def test_bad_chunks_and_files_are_named(rows, tmp_path):
    def infinite_second_chunk_of_u_two(chunk):
        return mid_term_features(chunk * (np.inf if chunk[0] == second_chunk_start else 1), 8000, 1.0, 1.0, 0.05, 0.05)

    second_chunk_start = soundfile.read(rows.loc[2, "path"], dtype="int16")[0][30_000]
    with pytest.raises(FeatureError, match=r"u_two\.wav: chunk 1 of utterance u_two: short-term features"):
        extract(rows, ["negative"], infinite_second_chunk_of_u_two, sample_rate=8000, min_signal=30_000, short_signals="drop",
                desc="test", n_jobs=1)
    (tmp_path / "u_two.wav").write_bytes(b"not audio")
    with pytest.raises(AudioError, match=r"u_two\.wav: not readable as audio"):
        extract(rows, ["negative"], chunk_mean, sample_rate=8000, min_signal=30_000, short_signals="drop",
                desc="test", n_jobs=1)


@pytest.mark.parametrize("short_signals", ["drop", "pad"])
@pytest.mark.parametrize("native_rate", [8000, 16000, 24414, 44100, 96000])
def test_chunks_planned_from_the_manifest_are_the_chunks_extracted(tmp_path, native_rate, short_signals):
    """Frames and rate in the manifest give the chunk count before any audio is decoded, resampling included."""
    records = []
    for i, seconds in enumerate([0.5, 1.4999, 1.5, 2.9999, 3.0001, 4.7]):
        path = tmp_path / f"u{i}.wav"
        n = round(seconds * native_rate)
        soundfile.write(path, np.random.default_rng(i).integers(-8000, 8000, n).astype(np.int16), native_rate)
        records.append({"utterance": f"u{i}", "path": str(path), "label": "a", "speaker": "s", "frames": n,
                        "sample_rate": native_rate, "duration_s": seconds})
    rows = pd.DataFrame(records)
    artifact, _ = extract(rows, ["a"], chunk_mean, sample_rate=8000, min_signal=12_000, short_signals=short_signals,
                          desc="test", n_jobs=1)
    extracted = pd.Series(artifact["utterance"]).value_counts().reindex(rows["utterance"], fill_value=0).to_numpy()
    assert planned_chunks(rows, 8000, 12_000, short_signals).tolist() == extracted.tolist()


def manifest_rows(durations: dict[str, list[float]], rate: int = 16000) -> pd.DataFrame:
    return pd.DataFrame([{"utterance": f"{label}{i}", "label": label, "frames": round(d * rate), "sample_rate": rate,
                          "duration_s": d} for label, ds in durations.items() for i, d in enumerate(ds)])


def test_a_class_that_vanishes_once_short_utterances_are_dropped_is_named_before_extraction():
    splits = {"labelled": manifest_rows({"angry": [2.0, 1.0], "sad": [1.2, 1.4]}),
              "test": manifest_rows({"angry": [2.0], "sad": [2.0]}),
              "unlabelled": manifest_rows({"angry": [1.0]})}
    with pytest.raises(FeatureError, match=r"class 'sad' vanishes from the labelled split: none of its 2 utterances "
                                           r"\(the longest 1\.4 s\) is at least audio\.min_signal 12000 samples "
                                           r"\(1\.5 s at 8000 Hz\) long; lower audio\.min_signal or set "
                                           r"audio\.short_signals: pad, or leave the class out with split\.exclude_classes"):
        check_chunks(splits, 8000, 12_000, "drop")
    check_chunks(splits, 8000, 12_000, "pad")
    check_chunks(splits, 8000, 8_000, "drop")
    with pytest.raises(FeatureError, match=r"no utterance of the unlabelled split \(1, the longest 1 s\) is at least"):
        check_chunks({"unlabelled": splits["unlabelled"]}, 8000, 12_000, "drop")
