"""Sharded unlabelled spectrograms: streamed writing, array-like reading, shard-spanning shuffles, streamed training."""
import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import soundfile

from fewlabels.autoencoder.training import train_autoencoder
from fewlabels.batches import SpectrogramBatches
from fewlabels.features.extract import class_names, extract, extract_to_shards
from fewlabels.io import read_pickle
from fewlabels.params import load_params
from fewlabels import shards
from fewlabels.features import FeatureError
from fewlabels.shards import INDEX, ShardedSpectrograms, ShardWriter
from tests.conftest import ROOT
from tests.test_extract import chunk_stats  # a light module: joblib's workers import it


def utterances(n_rows: list[int], shape=(3, 2), seed=0):
    """One (X, y, utterance, speaker) per entry: X (k, *shape) random, speakers of two utterances each."""
    rng = np.random.default_rng(seed)
    return [(rng.uniform(0, 1, (k, *shape)).astype(np.float32), i % 3, f"u{i}", f"s{i // 2}")
            for i, k in enumerate(n_rows)]


def write(directory, shard_size, parts):
    with ShardWriter(directory, shard_size, ["a", "b", "c"]) as writer:
        for part in parts:
            writer.add(*part)


@pytest.mark.parametrize("shard_size", [1, 2, 3, 5, 100])
def test_shards_hold_shard_size_rows_in_the_order_added_and_read_back_like_one_array(tmp_path, shard_size):
    parts = utterances([2, 0, 3, 1, 4])
    write(tmp_path / "unlabelled", shard_size, parts)
    X = np.concatenate([part[0] for part in parts])
    view = ShardedSpectrograms(tmp_path / "unlabelled")
    sizes = [len(read_pickle(tmp_path / "unlabelled" / name)["X"]) for name in view.shards]
    assert sum(sizes) == len(X) == len(view) == 10 and view.shape == (10, 3, 2)
    assert all(size == shard_size for size in sizes[:-1]) and 0 < sizes[-1] <= shard_size
    assert view.utterance == [u for x, _, u, _ in parts for _ in range(len(x))]
    assert view.speaker == [s for x, _, _, s in parts for _ in range(len(x))]
    assert view.chunk.tolist() == [0, 1, 0, 1, 2, 0, 0, 1, 2, 3] and view.y.tolist() == [0] * 2 + [2] * 3 + [0] + [1] * 4
    rows = np.array([0, 3, 4, 5, 9])
    np.testing.assert_array_equal(view[rows], X[rows])
    np.testing.assert_array_equal(np.concatenate(list(view.blocks())), X)
    first = read_pickle(tmp_path / "unlabelled" / view.shards[0])  # a shard is a pickle like any split's
    assert first["classes"] == ["a", "b", "c"] and first["utterance"] == view.utterance[:sizes[0]]


def test_a_shard_is_written_as_soon_as_it_is_full_and_the_directory_only_when_all_is(tmp_path):
    target = tmp_path / "unlabelled"
    write(target, 2, utterances([1, 1]))
    before = sorted(p.name for p in target.iterdir())
    with pytest.raises(RuntimeError, match="interrupted"):
        with ShardWriter(target, 2, ["a"]) as writer:
            for part in utterances([3, 2], seed=1):
                writer.add(*part)
            temporary = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
            assert [sorted(q.name for q in p.iterdir()) for p in temporary] == [["shard-00000.pkl", "shard-00001.pkl"]]
            raise RuntimeError("interrupted")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["unlabelled"]  # no temporary left behind
    assert sorted(p.name for p in target.iterdir()) == before == [INDEX, "shard-00000.pkl"]
    write(target, 2, utterances([3, 2], seed=1))  # a finished run replaces the old directory
    assert len(ShardedSpectrograms(target)) == 5 and sorted(p.name for p in tmp_path.iterdir()) == ["unlabelled"]


@pytest.fixture
def split_rows(tmp_path):
    rng = np.random.default_rng(2)
    records = []
    for i, n in enumerate([30_000, 10_000, 95_000, 61_000, 45_000]):
        path = tmp_path / f"clip{i}.wav"
        soundfile.write(path, rng.integers(-8000, 8000, n).astype(np.int16), 8000, subtype="PCM_16")
        records.append({"utterance": f"clip{i}", "path": str(path), "label": None, "speaker": f"unlabelled/{i}"})
    return pd.DataFrame(records)


@pytest.mark.parametrize("shard_size", [1, 2, 4, 1000])
def test_streaming_into_shards_gives_the_rows_and_counts_of_the_in_memory_extraction(tmp_path, split_rows, shard_size):
    chunking = {"sample_rate": 8000, "min_signal": 30_000, "short_signals": "drop", "desc": "test", "n_jobs": 2}
    classes = class_names(split_rows)
    artifact, counts = extract(split_rows, classes, chunk_stats, **chunking)
    streamed = extract_to_shards(split_rows, classes, chunk_stats, tmp_path / "shards", shard_size, **chunking)
    view = ShardedSpectrograms(tmp_path / "shards")
    assert streamed == counts and counts["(no label)"]["dropped_short"] == 1
    np.testing.assert_array_equal(view[np.arange(len(view))], artifact["X"])
    assert view.utterance == artifact["utterance"] and view.speaker == artifact["speaker"]
    np.testing.assert_array_equal(view.chunk, artifact["chunk"])
    np.testing.assert_array_equal(view.y, artifact["y"])


def test_one_shard_is_shuffled_as_one_array_and_many_are_read_one_after_another(tmp_path):
    parts = utterances([3] * 10, shape=(1, 1))
    write(tmp_path / "one", 100, parts)
    write(tmp_path / "many", 4, parts)
    X = np.concatenate([part[0] for part in parts])
    indices = np.array([i for i in range(30) if i % 7])  # 25 rows, as a training slice
    for source in (X, ShardedSpectrograms(tmp_path / "one")):
        batches = SpectrogramBatches(source, indices, batch_size=5, shuffle=True, seed=11)
        expected = np.random.default_rng(11)  # the order of an in-memory array: one permutation per epoch
        for _ in range(3):
            assert np.array_equal(batches._order, expected.permutation(indices))
            batches.on_epoch_end()
    many = ShardedSpectrograms(tmp_path / "many")
    batches = SpectrogramBatches(many, indices, batch_size=5, shuffle=True, seed=11)
    orders = []
    for _ in range(3):
        order = batches._order
        assert sorted(order) == indices.tolist()
        runs = np.flatnonzero(np.diff(many.shard_of[order])).size + 1
        assert runs == np.unique(many.shard_of[indices]).size  # each shard read once per epoch
        seen = np.concatenate([batches[i][0][:, 0, 0, 0] for i in range(len(batches))])
        np.testing.assert_array_equal(np.sort(seen), np.sort(X[indices, 0, 0]))
        orders.append(order)
        batches.on_epoch_end()
    assert not np.array_equal(orders[0], orders[1])  # shard order and order within shards redrawn each epoch
    again = SpectrogramBatches(many, indices, batch_size=5, shuffle=True, seed=11)
    assert np.array_equal(again._order, orders[0])


TINY = dataclasses.replace(load_params(ROOT / "params.yaml").autoencoder, architecture="AE1", latent_dim=4,
                           batch_size=8, max_epochs=3, min_delta=0.0, patience=10, seed=3, loss="bce",
                           bottleneck="dense")


def test_training_from_shards_is_seeded_and_one_shard_trains_like_the_array(tmp_path):
    rng = np.random.default_rng(5)
    X = np.clip(rng.normal(0.5, 0.2, (40, 36, 20)), 0, 1).astype(np.float32)  # AE1 encodes 36 x 20
    speakers = [f"s{i // 5}" for i in range(40)]
    parts = [(X[i:i + 5], -1, f"u{i}", speakers[i]) for i in range(0, 40, 5)]
    write(tmp_path / "one", 64, parts)
    write(tmp_path / "many", 7, parts)

    def weights(source):
        result = train_autoencoder(source, speakers, TINY, verbose=0)
        return [w.copy() for w in result.model.get_weights()], result.history

    from_array, history = weights(X)
    for left, right in zip(from_array, weights(ShardedSpectrograms(tmp_path / "one"))[0]):
        np.testing.assert_array_equal(left, right)
    many = ShardedSpectrograms(tmp_path / "many")
    first, second = weights(many), weights(ShardedSpectrograms(tmp_path / "many"))
    for left, right in zip(first[0], second[0]):
        np.testing.assert_array_equal(left, right)
    assert first[1] == second[1] and len(first[1]["loss"]) == 3


def test_a_training_pass_reads_each_shard_once_and_holds_at_most_two(tmp_path, monkeypatch):
    write(tmp_path / "many", 6, utterances([3] * 10, shape=(1, 1)))  # 30 rows in 5 shards, more rows than a batch
    view = ShardedSpectrograms(tmp_path / "many")
    loads, read = [], shards.read_pickle

    def counted(path):
        assert len(view._cache) < view.max_cached  # an old shard is dropped before a new one is read
        loads.append(Path(path).name)
        return read(path)

    monkeypatch.setattr(shards, "read_pickle", counted)
    batches = SpectrogramBatches(view, np.arange(30), batch_size=5, shuffle=True, seed=3)
    for epoch in range(3):
        loads.clear()
        seen = np.concatenate([batches[i][0].ravel() for i in range(len(batches))])
        assert len(set(loads)) == len(loads) and len(loads) == (5 if epoch == 0 else len(loads)) <= 5
        assert sorted(seen) == sorted(view[np.arange(30)].ravel())
        batches.on_epoch_end()
    monkeypatch.undo()
    single = ShardedSpectrograms(tmp_path / "many", max_cached=1)
    np.testing.assert_array_equal(single[np.array([29, 0, 13, 14])], view[np.array([29, 0, 13, 14])])
    with pytest.raises(ValueError, match="max_cached must be at least 1"):
        ShardedSpectrograms(tmp_path / "many", max_cached=0)


def test_no_rows_is_an_error_and_no_indices_no_batches(tmp_path):
    with pytest.raises(FeatureError, match="no chunk to write"):
        write(tmp_path / "empty", 4, utterances([0, 0]))
    assert not (tmp_path / "empty").exists() and list(tmp_path.iterdir()) == []
    X = np.zeros((3, 2, 2), dtype=np.float32)
    assert len(SpectrogramBatches(X, np.array([], dtype=int), batch_size=2, shuffle=True)) == 0
