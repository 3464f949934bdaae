"""Speaker-independent labelled / test / unlabelled split, class-balanced as far as speakers allow.

Speakers are visited in a seeded random order; each joins the first split, in the order
labelled, test, unlabelled, that still needs utterances of a class the speaker has (and, when
official partitions are followed, that may draw from the speaker's partition). A split then
keeps a seeded random ``target`` utterances per class; the surplus of its speakers, and speakers
no split needs, are returned as unused (never moved to another split, which would leak speakers).
Utterances without a label (clips from ``corpus.unlabelled_path``) all go to the unlabelled split.
"""
import numpy as np
import pandas as pd

from fewlabels.errors import FewlabelsError

SPLITS = ("labelled", "test", "unlabelled")
REQUIRE_ALL_CLASSES = ("labelled", "test")


class SplitError(FewlabelsError):
    """The corpus cannot be split as asked."""


def speaker_split(manifest: pd.DataFrame, targets: dict[str, int | None], seed: int,
                  partitions: dict[str, list[str]] | None = None) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Split ``manifest`` (columns at least utterance, label, speaker, partition) by speaker.

    ``targets[split]`` is the number of utterances per class, ``None`` for no limit;
    ``partitions[split]``, if given, the official partitions a split may draw from.
    Returns ``({split: rows}, unused rows)``, rows in manifest order; raises :class:`SplitError`
    when the corpus has too few speakers, a speaker lands in two splits or a class is missing
    from labelled or test.
    """
    for split, target in targets.items():
        if split not in SPLITS:
            raise ValueError(f"unknown split {split!r}; expected one of {SPLITS}")
        if target is not None and target < 1:
            raise ValueError(f"{split}: utterances per class must be at least 1, got {target}")
    labelled = manifest[manifest["label"].notna()]
    if labelled.empty:
        raise SplitError("the manifest has no labelled utterances to split")
    check_speaker_count(labelled["speaker"].nunique(), has_extra_unlabelled=len(labelled) < len(manifest))
    allowed = allowed_splits(labelled, partitions)
    rng = np.random.default_rng(seed)
    counts = pd.crosstab(labelled["speaker"], labelled["label"])
    need = {split: pd.Series(np.inf if targets.get(split) is None else targets[split], index=counts.columns)
            for split in SPLITS}
    assignment = {}
    for speaker in rng.permutation(counts.index.to_numpy()):
        has = counts.loc[speaker] > 0
        for split in allowed[speaker]:
            if (has & (need[split] > 0)).any():
                assignment[speaker] = split
                need[split] = (need[split] - counts.loc[speaker]).clip(lower=0)
                break
    split_of = manifest["speaker"].map(assignment).where(manifest["label"].notna(), "unlabelled")
    keep = manifest["label"].isna()
    for split in SPLITS:
        target = targets.get(split)
        for _, rows in labelled[split_of[labelled.index] == split].groupby("label"):
            chosen = rows.index if target is None or len(rows) <= target else rng.choice(rows.index, target, replace=False)
            keep.loc[chosen] = True
    splits = {split: manifest[keep & (split_of == split)] for split in SPLITS}
    check_split(splits)
    return splits, manifest[~keep]


def check_speaker_count(speakers: int, has_extra_unlabelled: bool) -> None:
    """Raise :class:`SplitError` if ``speakers`` cannot fill the splits that need the corpus' own speakers."""
    needed = 2 if has_extra_unlabelled else 3
    if speakers < needed:
        how = ("add speakers" if has_extra_unlabelled else
               "add unlabelled clips from elsewhere with corpus.unlabelled_path (then two speakers suffice: one "
               "for labelled, one for test), or use a corpus with more speakers")
        raise SplitError(f"the corpus has {speakers} speaker(s); speaker-disjoint labelled, test and unlabelled "
                         f"splits need at least {needed} here: {how}")


def allowed_splits(labelled: pd.DataFrame, partitions: dict[str, list[str]] | None) -> dict[str, list[str]]:
    """The splits each speaker may join, in visiting order; with ``partitions``, those drawing from its partition."""
    if partitions is None:
        return {speaker: list(SPLITS) for speaker in labelled["speaker"].unique()}
    speakers = labelled.groupby("speaker")["partition"].unique()
    known = set(labelled["partition"]) - {""}
    if not known:
        raise SplitError("split.partitions is set, but this corpus has no official partitions; set split.partitions: null")
    for split, names in partitions.items():
        if split not in SPLITS:
            raise SplitError(f"split.partitions: unknown split {split!r}; expected some of {', '.join(SPLITS)}")
        unknown = sorted(set(names) - known)
        if unknown:
            raise SplitError(f"split.partitions.{split}: no partition {', '.join(unknown)}; "
                             f"this corpus has {', '.join(sorted(known))}")
    spanning = speakers[speakers.map(len) > 1]
    if len(spanning):
        raise SplitError(f"speaker {spanning.index[0]!r} has utterances in partitions {', '.join(spanning.iloc[0])}: "
                         "partitions that share speakers cannot keep the splits speaker-disjoint")
    return {speaker: [split for split in SPLITS if parts[0] in partitions.get(split, [])]
            for speaker, parts in speakers.items()}


def check_split(splits: dict[str, pd.DataFrame]) -> None:
    """Raise :class:`SplitError` if a speaker is in two splits, a split is empty, or a class is missing."""
    seen: dict[str, str] = {}
    for split, rows in splits.items():
        if rows.empty:
            raise SplitError(f"the {split} split is empty: the corpus has too few speakers for three speaker-disjoint splits")
        for speaker in rows["speaker"].unique():
            if speaker in seen:
                raise SplitError(f"speaker {speaker!r} would fall in both the {seen[speaker]} and the {split} split")
            seen[speaker] = split
    classes = set().union(*(rows["label"].dropna() for rows in splits.values()))
    for split in REQUIRE_ALL_CLASSES:
        missing = sorted(classes - set(splits[split]["label"]))
        if missing:
            raise SplitError(
                f"class {', '.join(map(repr, missing))} is missing from the {split} split: too few speakers have it "
                "to fill labelled and test from different speakers; lower the split sizes or add speakers")


def summarise(splits: dict[str, pd.DataFrame], unused: pd.DataFrame) -> dict:
    """Utterances (in all and per class), speakers and hours of audio per split, for ``metrics/split.json``."""
    summary = {}
    for split, rows in {**splits, "unused": unused}.items():
        summary[split] = {
            "utterances": int(len(rows)),
            "speakers": int(rows["speaker"].nunique()),
            "hours": round(float(rows["duration_s"].sum()) / 3600, 3),
            "per_class": {str(label): int(n) for label, n in rows["label"].value_counts().sort_index().items()},
            "unlabelled_clips": int(rows["label"].isna().sum()),
        }
    return summary
