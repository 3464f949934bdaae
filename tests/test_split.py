import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fewlabels.split import (SPLITS, SplitError, check_split, exclude_classes, fold_speakers, speaker_split,
                             split_metrics)

CLASSES = ("negative", "neutral", "positive")


def make_manifest(counts: list[list[int]], extra_clips: int = 0, partitions: int = 0) -> pd.DataFrame:
    """counts[s][c] utterances of class c by speaker s, speaker s in partition ``p{s % partitions}``;
    plus ``extra_clips`` unlabelled clips, each its own speaker."""
    rows = []
    for s, per_class in enumerate(counts):
        for c, n in enumerate(per_class):
            rows += [{"utterance": f"s{s}_c{c}_{i}", "speaker": f"s{s}", "label": CLASSES[c],
                      "partition": f"p{s % partitions}" if partitions else "", "duration_s": 5.0} for i in range(n)]
    rows += [{"utterance": f"unlabelled/{i}", "speaker": f"unlabelled/{i}", "label": None, "partition": "",
              "duration_s": 5.0} for i in range(extra_clips)]
    return pd.DataFrame(rows, columns=["utterance", "speaker", "label", "partition", "duration_s"])


speaker_counts = st.lists(st.lists(st.integers(0, 12), min_size=3, max_size=3), min_size=3, max_size=40)
targets = st.fixed_dictionaries({"labelled": st.integers(1, 20), "test": st.integers(1, 20),
                                 "unlabelled": st.none() | st.integers(1, 60)})
partition_maps = st.none() | st.fixed_dictionaries(
    {split: st.lists(st.sampled_from(["p0", "p1", "p2"]), min_size=1, max_size=3, unique=True) for split in SPLITS})
EXPECTED_ERRORS = ("would be missing from", "would be empty", "would hold 1 speaker", "speaker(s)", "no labelled utterances", "cannot be in both")


@settings(max_examples=200, deadline=None, derandomize=True)
@given(speaker_counts, targets, st.integers(0, 2**32 - 1), st.integers(0, 5), partition_maps)
def test_split_properties(counts, targets, seed, extra_clips, partitions):
    manifest = make_manifest(counts, extra_clips, partitions=3 if partitions else 0)
    try:
        splits, unused = speaker_split(manifest, targets, seed, partitions)
    except SplitError as error:
        assert any(reason in str(error) for reason in EXPECTED_ERRORS), error
        return
    extra = manifest[manifest["label"].isna()]
    assert set(extra["utterance"]) <= set(splits["unlabelled"]["utterance"])  # every extra clip, unlabelled only
    if partitions:
        for split, rows in splits.items():
            assert set(rows.loc[rows["label"].notna(), "partition"]) <= set(partitions[split])
    speakers = [set(rows["speaker"]) for rows in splits.values()]
    assert all(a.isdisjoint(b) for i, a in enumerate(speakers) for b in speakers[i + 1:])  # no leakage
    assert len(speakers[2]) >= 2  # the autoencoder validates on unlabelled speakers it does not train on
    for split in ("labelled", "test"):
        assert set(splits[split]["label"]) == set(manifest["label"].dropna())  # every class present
    for split, rows in splits.items():
        per_class = rows["label"].value_counts()  # extra clips have no class: never limited
        if targets[split] is not None:
            assert (per_class <= targets[split]).all()
    # nothing lost: every utterance is in exactly one split or in unused
    everything = pd.concat([*splits.values(), unused])
    assert sorted(everything["utterance"]) == sorted(manifest["utterance"])
    # an unused utterance of a split's speaker means that split's class quota is full
    for split, rows in splits.items():
        surplus = unused[unused["speaker"].isin(rows["speaker"])]
        for label in surplus["label"].unique():
            assert (rows["label"] == label).sum() == targets[split]
    assert speaker_split(manifest, targets, seed, partitions)[0]["labelled"].equals(splits["labelled"])  # deterministic


def test_balanced_speakers_fill_every_quota_exactly():
    manifest = make_manifest([[7, 7, 7]] * 60)
    splits, unused = speaker_split(manifest, {"labelled": 20, "test": 30, "unlabelled": None}, seed=0)
    assert splits["labelled"]["label"].value_counts().to_dict() == dict.fromkeys(CLASSES, 20)
    assert splits["test"]["label"].value_counts().to_dict() == dict.fromkeys(CLASSES, 30)
    assert splits["labelled"]["speaker"].nunique() == 3 and splits["test"]["speaker"].nunique() == 5
    assert len(splits["unlabelled"]) == 60 * 21 - 3 * 21 - 5 * 21
    assert len(unused) == 3 * 1 + 3 * 5  # surplus of the last speakers taken by labelled and test
    summary = split_metrics(splits, unused)
    assert summary["labelled"]["per_class"] == dict.fromkeys(CLASSES, 20)
    assert summary["unused"]["utterances"] == len(unused)


def test_different_seeds_pick_different_speakers():
    manifest = make_manifest([[5, 5, 5]] * 30)
    target = {"labelled": 10, "test": 10, "unlabelled": None}
    a = set(speaker_split(manifest, target, seed=1)[0]["labelled"]["speaker"])
    b = set(speaker_split(manifest, target, seed=2)[0]["labelled"]["speaker"])
    assert a != b


def test_a_class_only_one_speaker_has_cannot_reach_labelled_and_test_and_can_be_left_out():
    manifest = make_manifest([[5, 5, 0]] * 10 + [[5, 5, 5]])
    with pytest.raises(SplitError, match=r"class 'positive' \(5 utterances, all from 's10'\) cannot be in both the "
                                         r"labelled and the test split, whatever the quotas: leave it out with "
                                         r"split\.exclude_classes: \[positive\]"):
        speaker_split(manifest, {"labelled": 5, "test": 5, "unlabelled": None}, seed=0)
    kept, excluded = exclude_classes(manifest, ["positive"])
    splits, unused = speaker_split(kept, {"labelled": 5, "test": 5, "unlabelled": None}, seed=0)
    assert set(splits["labelled"]["label"]) == set(splits["test"]["label"]) == {"negative", "neutral"}
    summary = split_metrics(splits, unused, excluded, {"labelled": 5, "test": 5, "unlabelled": None})
    assert summary["excluded_classes"] == {"positive": 5} and summary["shortfall"] == {}
    total = sum(summary[name]["utterances"] for name in (*SPLITS, "unused")) + len(excluded)
    assert total == len(manifest)  # nothing lost
    with pytest.raises(SplitError, match=r"split\.exclude_classes: the corpus has no class 'positve' "
                                         r"\(did you mean positive\?\)"):
        exclude_classes(manifest, ["positve"])


def test_an_infeasible_split_says_which_quota_fails_what_each_class_has_and_the_largest_quotas_that_work():
    """RAVDESS-like: 24 actors with 32 negative, 12 neutral and 8 positive utterances each."""
    manifest = make_manifest([[32, 12, 8]] * 24)
    targets = {"labelled": 100, "test": 150, "unlabelled": None}
    with pytest.raises(SplitError) as caught:
        speaker_split(manifest, targets, seed=2024)
    message = str(caught.value)
    assert "the unlabelled split would be empty: the labelled and test quotas take 24 of the corpus' 24 speakers" in message
    assert "Quotas not met: test neutral 132 of 150 (11 speakers), test positive 88 of 150 (11 speakers)." in message
    assert ("The corpus has negative 768 utterances from 24 speakers, neutral 288 utterances from 24 speakers, "
            "positive 192 utterances from 24 speakers") in message
    found = re.search(r"split\.labelled_per_class (\d+) \(with split\.test_per_class 150\); or "
                      r"split\.test_per_class (\d+) \(with split\.labelled_per_class 100\); or "
                      r"split\.labelled_per_class and split\.test_per_class (\d+)", message)
    assert found, message
    labelled, test, both = map(int, found.groups())
    assert (labelled, test, both) == (24, 72, 88)  # each leaves 2 actors unlabelled: 3 + 19 + 2; 13 + 9 + 2; 11 + 11 + 2
    for works, fails in [({"labelled": labelled}, {"labelled": labelled + 1}), ({"test": test}, {"test": test + 1}),
                         ({"labelled": both, "test": both}, {"labelled": both + 1, "test": both + 1})]:
        speaker_split(manifest, {**targets, **works}, seed=2024)  # the reported quota works ...
        with pytest.raises(SplitError):  # ... and one more does not
            speaker_split(manifest, {**targets, **fails}, seed=2024)
    assert "add unlabelled clips from elsewhere with corpus.unlabelled_path" in message


def test_two_speakers_cannot_make_three_splits_and_the_error_says_how_to_proceed():
    manifest = make_manifest([[9, 9, 9]] * 2)
    with pytest.raises(SplitError, match=r"the corpus has 2 speaker\(s\).* need at least 4 here: add unlabelled clips "
                                         r"from elsewhere with corpus\.unlabelled_path"):
        speaker_split(manifest, {"labelled": 5, "test": 5, "unlabelled": None}, seed=0)


def test_two_speakers_and_clips_from_elsewhere_make_three_splits():
    manifest = make_manifest([[9, 9, 9]] * 2, extra_clips=4)
    splits, unused = speaker_split(manifest, {"labelled": 5, "test": 5, "unlabelled": None}, seed=0)
    assert splits["labelled"]["speaker"].nunique() == 1 and splits["test"]["speaker"].nunique() == 1
    assert splits["unlabelled"]["utterance"].tolist() == [f"unlabelled/{i}" for i in range(4)]
    assert split_metrics(splits, unused)["unlabelled"]["unlabelled_clips"] == 4


def test_official_partitions_decide_where_a_speaker_may_go():
    manifest = make_manifest([[4, 4, 4]] * 12, partitions=3)  # s0, s3, ... in p0; s1, s4, ... in p1; ...
    partitions = {"labelled": ["p0"], "test": ["p1"], "unlabelled": ["p0", "p2"]}
    splits, unused = speaker_split(manifest, {"labelled": 4, "test": 8, "unlabelled": None}, seed=3, partitions=partitions)
    assert set(splits["labelled"]["partition"]) == {"p0"} and set(splits["test"]["partition"]) == {"p1"}
    assert set(splits["unlabelled"]["partition"]) <= {"p0", "p2"}
    assert "p2" in set(splits["unlabelled"]["partition"]) and set(unused["partition"]) <= {"p0", "p1"}


@pytest.mark.parametrize("partitions, message", [
    ({"labelled": ["Train"]}, r"split\.partitions\.labelled: no partition Train; this corpus has p0, p1"),
    ({"training": ["p0"]}, r"unknown split 'training'"),
])
def test_partitions_the_corpus_lacks_are_named(partitions, message):
    with pytest.raises(SplitError, match=message):
        speaker_split(make_manifest([[2, 2, 2]] * 4, partitions=2), {"labelled": 1, "test": 1, "unlabelled": None},
                      seed=0, partitions=partitions)


def test_partitions_need_a_corpus_that_has_them_and_keeps_speakers_in_one():
    with pytest.raises(SplitError, match="this corpus has no official partitions"):
        speaker_split(make_manifest([[2, 2, 2]] * 4), {"labelled": 1, "test": 1, "unlabelled": None},
                      seed=0, partitions={"labelled": ["p0"]})
    manifest = make_manifest([[2, 2, 2]] * 4, partitions=2)
    manifest.loc[0, "partition"] = "p1"  # s0 now in p0 and p1
    with pytest.raises(SplitError, match="speaker 's0' has utterances in partitions"):
        speaker_split(manifest, {"labelled": 1, "test": 1, "unlabelled": None}, seed=0,
                      partitions={"labelled": ["p0"], "test": ["p1"], "unlabelled": ["p0", "p1"]})


def test_a_speaker_in_two_splits_is_refused():
    manifest = make_manifest([[2, 2, 2]] * 3)
    splits = {split: manifest[manifest["speaker"] == f"s{i}"] for i, split in enumerate(SPLITS)}
    check_split(splits)
    splits["test"] = pd.concat([splits["test"], splits["labelled"].iloc[:1]])
    with pytest.raises(SplitError, match="speaker 's0' would fall in both the labelled and the test split"):
        check_split(splits)


def test_bad_targets_are_refused():
    manifest = make_manifest([[2, 2, 2]] * 3)
    with pytest.raises(ValueError, match="at least 1"):
        speaker_split(manifest, {"labelled": 0, "test": 1, "unlabelled": None}, seed=0)
    with pytest.raises(ValueError, match="unknown split 'train'"):
        speaker_split(manifest, {"train": 1}, seed=0)


def test_folds_test_every_speaker_exactly_once_and_keep_the_other_splits_off_the_fold():
    manifest = make_manifest([[3 + s % 4, 2, 4] for s in range(23)], extra_clips=2)
    labelled = manifest[manifest["label"].notna()]
    folds = [fold_speakers(labelled, 5, fold, seed=3) for fold in range(5)]
    assert set().union(*folds) == set(labelled["speaker"]) and sum(map(len, folds)) == 23  # a partition
    sizes = [labelled["speaker"].isin(fold).sum() for fold in folds]
    assert max(sizes) - min(sizes) <= labelled.groupby("speaker").size().max()  # about equal utterances
    assert folds == [fold_speakers(labelled, 5, fold, seed=3) for fold in range(5)]  # from the seed alone
    assert folds != [fold_speakers(labelled, 5, fold, seed=4) for fold in range(5)]
    tested = []
    for fold in folds:
        splits, unused = speaker_split(manifest, {"labelled": 4, "test": None, "unlabelled": None}, 3, None, fold)
        assert set(splits["test"]["speaker"]) == fold and len(splits["test"]) == labelled["speaker"].isin(fold).sum()
        assert not fold & (set(splits["labelled"]["speaker"]) | set(splits["unlabelled"]["speaker"]))
        assert splits["labelled"]["label"].value_counts().to_dict() == dict.fromkeys(CLASSES, 4)
        assert {"unlabelled/0", "unlabelled/1"} <= set(splits["unlabelled"]["speaker"])
        tested += list(splits["test"]["utterance"])
    assert sorted(tested) == sorted(labelled["utterance"])  # every utterance tested once


def test_folds_the_corpus_cannot_fill_are_refused_with_the_way_out():
    manifest = make_manifest([[3, 3, 0]] * 4 + [[0, 0, 3]] * 2)
    labelled = manifest[manifest["label"].notna()]
    with pytest.raises(SplitError, match=r"split\.folds 7 exceeds the corpus' 6 labelled speakers: lower it"):
        fold_speakers(labelled, 7, 0, seed=0)
    with pytest.raises(SplitError, match=r"fold 0 of split\.folds 6 has no utterance of class ('positive'|'negative', "
                                         r"'neutral') among its 1 speakers: lower split\.folds, or try another split\.seed"):
        fold_speakers(labelled, 6, 0, seed=0)  # one speaker per fold: none has every class
