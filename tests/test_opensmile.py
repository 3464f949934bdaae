"""openSMILE's sets per chunk: the extraction path of the opensmile stage gives opensmile's own functionals of the
same chunks, under opensmile's own names."""
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import opensmile
import pandas as pd
import pytest
import soundfile

from fewlabels.audio import fixed_size_chunks, load_signal
from fewlabels.features.extract import class_names, extract
from fewlabels.features.opensmile_sets import FEATURE_SETS, feature_names, opensmile_featurizer, split_sets

SETS = {"egemaps": opensmile.FeatureSet.eGeMAPSv02, "compare2016": opensmile.FeatureSet.ComParE_2016}


def direct(name: str) -> opensmile.Smile:
    return opensmile.Smile(feature_set=SETS[name], feature_level=opensmile.FeatureLevel.Functionals)


def _functionals(name: str, chunks: list[np.ndarray], rate: int) -> np.ndarray:
    smile = direct(name)
    return np.stack([smile.process_signal((chunk / 2 ** 15).astype(np.float32), rate).to_numpy()[0]
                     for chunk in chunks])


def direct_functionals(name: str, chunks: list[np.ndarray], rate: int) -> np.ndarray:
    """``opensmile.Smile(...).process_signal`` of each chunk (on the 16-bit scale), in a fresh process: openSMILE
    crashes in a process that has loaded TensorFlow, as a test worker has (the stages never load both)."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_functionals, name, chunks, rate).result()


@pytest.fixture
def rows(tmp_path):
    """Three utterances: a vowel-like tone with noise at 8 kHz (two chunks), noise at 16 kHz (resampled), and one
    shorter than a chunk (padded)."""
    rng = np.random.default_rng(3)
    t = np.arange(64_000) / 8000
    voiced = 6000 * np.sin(2 * np.pi * 140 * t - 10 * np.cos(2 * np.pi * t)) + rng.normal(0, 300, t.size)  # 130-150 Hz
    specs = [("u_voiced", voiced, 8000, "positive", "s1"), ("u_noise", rng.normal(0, 3000, 70_000), 16000,
                                                             "negative", "s2"),
             ("u_short", rng.normal(0, 3000, 20_000), 8000, "negative", "s2")]
    records = []
    for utterance, samples, rate, label, speaker in specs:
        path = tmp_path / f"{utterance}.wav"
        soundfile.write(path, np.clip(samples, -32768, 32767).astype(np.int16), rate, subtype="PCM_16")
        records.append({"utterance": utterance, "path": str(path), "label": label, "speaker": speaker})
    return pd.DataFrame(records)


def test_each_set_is_opensmiles_own_functionals_of_the_same_chunks_at_the_study_rate(rows):
    sets = tuple(FEATURE_SETS)
    artifact, _ = extract(rows, class_names(rows), opensmile_featurizer(sets, 8000), sample_rate=8000,
                          min_signal=30_000, short_signals="pad", desc="test", n_jobs=2)
    found = split_sets(artifact["X"], sets)
    chunks = [chunk for path in rows["path"]
              for chunk in fixed_size_chunks(load_signal(path, 8000), 30_000, "pad")]
    assert artifact["utterance"] == ["u_voiced", "u_voiced", "u_noise", "u_short"]
    assert len(chunks) == len(artifact["utterance"])
    for name in sets:
        np.testing.assert_allclose(found[name], direct_functionals(name, chunks, 8000), rtol=1e-6, atol=1e-6)
        assert found[name].dtype == np.float32
    # the voiced chunks have a pitch (eGeMAPS' mean F0 in semitones from 27.5 Hz: 140 Hz is about 28)
    f0 = found["egemaps"][:, feature_names("egemaps").index("F0semitoneFrom27.5Hz_sma3nz_amean")]
    assert 25 < f0[0] < 32 and 25 < f0[1] < 32


def test_the_feature_names_are_opensmiles_own():
    for name, size in [("egemaps", 88), ("compare2016", 6373)]:
        assert feature_names(name) == list(direct(name).feature_names)
        assert len(feature_names(name)) == size


def test_a_matrix_that_is_not_the_sets_side_by_side_is_refused():
    with pytest.raises(ValueError, match="89 columns, where the sets \\['egemaps'\\] have 88 functionals"):
        split_sets(np.zeros((2, 89), np.float32), ("egemaps",))
    with pytest.raises(ValueError, match="no openSMILE set \\['gemaps'\\]"):
        opensmile_featurizer(("gemaps",), 8000)
