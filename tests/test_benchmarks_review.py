"""The review benchmarks: the difficulty check never reads the test split; the pitch-spread statistics and F0
estimator measure what they say on signals whose answer is known."""
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"benchmark_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


difficulty = load("difficulty")
pitch_spread = load("pitch_spread")


def test_difficulty_reads_only_the_labelled_split():
    source = (BENCHMARKS / "difficulty.py").read_text()
    assert difficulty.FEATURES == "data/features/labelled_hlf.pkl"
    assert "test_hlf" not in source and "splits/test" not in source and '"test"' not in source


def test_speaker_folds_partition_the_speakers():
    speakers = np.array([f"s{i}" for i in range(15)])
    folds = difficulty.speaker_folds(speakers, 5, np.random.default_rng(0))
    assert sorted(np.concatenate(folds)) == sorted(speakers)
    assert [len(fold) for fold in folds] == [3] * 5
    with pytest.raises(ValueError, match="at least 6 speakers"):
        difficulty.speaker_folds(speakers[:5], 6, np.random.default_rng(0))


def test_fold_scores_hold_out_whole_speakers_and_score_utterances():
    rng = np.random.default_rng(1)
    speakers = np.repeat([f"s{i}" for i in range(6)], 12)
    utterance = np.array([f"{s}_u{i // 2}" for s, i in zip(speakers, np.tile(np.arange(12), 6))])  # 2 chunks each
    y = np.array([int(u[-1]) % 3 for u in utterance])
    X = rng.normal(size=(len(y), 4)) + 3 * y[:, None]  # separable: a forest scores (nearly) 1
    data = {"X": X, "y": y, "speaker": list(speakers), "utterance": list(utterance), "classes": ["a", "b", "c"]}
    rows = pd.DataFrame(difficulty.fold_scores(data, np.array(["s0", "s1"]), partition=0, fold=0))
    assert rows["train_speakers"].max() == 4 and set(rows["test_utterances"]) == {12}
    assert len(rows) == len(difficulty.FRACTIONS) * difficulty.DRAWS
    assert rows.loc[rows["fraction"] == 1.0, "f1"].min() > 0.9


def test_utterance_f1_keeps_classes_missing_from_a_draw():
    class OnlyTwo:
        classes_ = np.array([0, 2])

        def predict_proba(self, X):
            return np.column_stack([X[:, 0], 1 - X[:, 0]])

    X = np.array([[0.9], [0.8], [0.1], [0.3]])
    f1 = difficulty.utterance_f1(OnlyTwo(), X, np.array([0, 0, 2, 1]), np.array(["a", "a", "b", "c"]), 3)
    # a and b right; c (class 1) is called 2: F1 1 (class 0), 0 (class 1), 2/3 (class 2), one utterance each
    assert f1 == pytest.approx(5 / 9)


@pytest.mark.parametrize("vibrato", [0.0, 0.03])
@pytest.mark.parametrize("f0", [45.0, 73.0, 100.0, 220.0, 450.0, 550.0])  # periods mostly not whole samples
def test_f0_estimator_finds_the_pitch_of_a_noisy_harmonic_tone(f0, vibrato):
    rate, rng = pitch_spread.RATE, np.random.default_rng(2)
    t = np.arange(2 * rate) / rate
    phase = 2 * np.pi * f0 * (t - vibrato / (2 * np.pi * 5) * np.cos(2 * np.pi * 5 * t))  # F0 (1 + vibrato sin 5 Hz)
    harmonics = sum(np.sin(k * phase) / k for k in range(1, int(3500 // f0) + 1))
    signal = 0.3 * harmonics / np.abs(harmonics).max() + 0.01 * rng.standard_normal(t.size)
    hz, voiced = pitch_spread.frame_f0(signal)
    assert voiced.mean() > 0.9
    assert np.median(hz[voiced]) == pytest.approx(f0, rel=0.01)


def test_f0_estimator_calls_noise_unvoiced():
    _, voiced = pitch_spread.frame_f0(np.random.default_rng(3).standard_normal(pitch_spread.RATE))
    assert voiced.mean() < 0.05


def test_spread_recovers_a_known_design():
    rng = np.random.default_rng(4)
    speakers, per = 400, 21
    baseline = rng.normal(0, 2.0, speakers)  # between-speaker SD 2
    label = np.tile(np.resize(["negative", "neutral", "positive"], per), speakers)
    step = pd.Series(label).map({"negative": -1, "neutral": 0, "positive": 1}).to_numpy() * 3.0  # a step of 3
    values = np.repeat(baseline, per) + step + rng.normal(0, 1.0, speakers * per)  # jitter SD 1
    frame = pd.DataFrame({"speaker": np.repeat(np.arange(speakers), per), "label": label, "x": values})
    stats = pitch_spread.spread(frame, "x")
    assert stats["between"] == pytest.approx(2.0, rel=0.1)
    assert stats["jitter"] == pytest.approx(1.0, rel=0.05)
    assert stats["within"] == pytest.approx(np.sqrt(2 / 3 * 9 + 1), rel=0.05)
    assert stats["step"] == pytest.approx(3.0, rel=0.05)
    within_variance = 2 / 3 * 9 + 1
    assert stats["icc"] == pytest.approx(4 / (4 + within_variance), abs=0.05)
    assert stats["acc_centred"] > stats["acc_absolute"] > 0.5
