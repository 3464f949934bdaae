"""Speaker-independent labelled / test / unlabelled split, class-balanced as far as speakers allow.

Speakers are visited in a seeded random order; each joins the first split, in the order
labelled, test, unlabelled, that still needs utterances of a class the speaker has. A split then
keeps a seeded random ``target`` utterances per class; the surplus of its speakers, and speakers
no split needs, are returned as unused (never moved to another split, which would leak speakers).
"""
import numpy as np
import pandas as pd

SPLITS = ("labelled", "test", "unlabelled")
REQUIRE_ALL_CLASSES = ("labelled", "test")


class SplitError(ValueError):
    """The corpus cannot be split as asked."""


def speaker_split(manifest: pd.DataFrame, targets: dict[str, int | None], seed: int) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Split ``manifest`` (columns at least utterance, label, speaker) by speaker.

    ``targets[split]`` is the number of utterances per class, ``None`` for no limit.
    Returns ``({split: rows}, unused rows)``, rows in manifest order; raises :class:`SplitError`
    when a speaker lands in two splits or a class is missing from labelled or test.
    """
    for split, target in targets.items():
        if split not in SPLITS:
            raise ValueError(f"unknown split {split!r}; expected one of {SPLITS}")
        if target is not None and target < 1:
            raise ValueError(f"{split}: utterances per class must be at least 1, got {target}")
    if manifest.empty:
        raise SplitError("the manifest has no utterances to split")
    rng = np.random.default_rng(seed)
    counts = pd.crosstab(manifest["speaker"], manifest["label"])
    need = {split: pd.Series(np.inf if targets.get(split) is None else targets[split], index=counts.columns)
            for split in SPLITS}
    assignment = {}
    for speaker in rng.permutation(counts.index.to_numpy()):
        has = counts.loc[speaker] > 0
        for split in SPLITS:
            if (has & (need[split] > 0)).any():
                assignment[speaker] = split
                need[split] = (need[split] - counts.loc[speaker]).clip(lower=0)
                break
    split_of = manifest["speaker"].map(assignment)
    keep = pd.Series(False, index=manifest.index)
    for split in SPLITS:
        target = targets.get(split)
        for _, rows in manifest[split_of == split].groupby("label"):
            chosen = rows.index if target is None or len(rows) <= target else rng.choice(rows.index, target, replace=False)
            keep.loc[chosen] = True
    splits = {split: manifest[keep & (split_of == split)] for split in SPLITS}
    check_split(splits)
    return splits, manifest[~keep]


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
    classes = set().union(*(rows["label"] for rows in splits.values()))
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
        }
    return summary
