"""Speaker-independent labelled / test / unlabelled split, class-balanced as far as speakers allow.

Speakers are visited in a seeded random order; each joins the first split, in the order
labelled, test, unlabelled, that still needs utterances of a class the speaker has (and, when
official partitions are followed, that may draw from the speaker's partition). A split then
keeps a seeded random ``target`` utterances per class; the surplus of its speakers, and speakers
no split needs, are returned as unused (never moved to another split, which would leak speakers).
Utterances without a label (clips from ``corpus.unlabelled_path``) all go to the unlabelled split.

With ``split.folds`` K (leave-speakers-out cross-validation) the labelled speakers are dealt into K folds of
about equal numbers of utterances, from the seed alone; fold ``split.fold``'s speakers are the test split,
with all their utterances, and the other folds' speakers fill labelled and unlabelled as above. Run once per
fold, every speaker is tested once (``python -m fewlabels.folds`` pools the runs).

When the quotas cannot be met, the error says which quota falls short for which class, what
each class has, and the largest quotas that do work: found by running the same assignment
(same seed) on smaller quotas, not estimated.
"""
from typing import Annotated

import numpy as np
import pandas as pd
from pydantic import Field, field_validator, model_validator
from pydantic.dataclasses import dataclass

from fewlabels.errors import FewlabelsError
from fewlabels.schema import SECTION, Count, Int, Seed, Str, did_you_mean, doc

SPLITS = ("labelled", "test", "unlabelled")
UNLABELLED_SPEAKERS = 2  # the autoencoder validates on whole unlabelled speakers it does not train on
REQUIRE_ALL_CLASSES = ("labelled", "test")
QUOTA_PARAMS = {"labelled": "split.labelled_per_class", "test": "split.test_per_class",
                "unlabelled": "split.unlabelled_per_class"}


class SplitError(FewlabelsError):
    """The corpus cannot be split as asked."""


@dataclass(config=SECTION)
class SplitParams:
    """The speaker-independent split into labelled, test and unlabelled utterances, class-balanced."""

    seed: Annotated[Seed, doc("seed of the speaker order and of the utterances each split keeps")]
    labelled_per_class: Annotated[Count, doc("labelled utterances per class")]
    test_per_class: Annotated[Count, doc("test utterances per class")]
    unlabelled_per_class: Annotated[Count | None, doc("unlabelled utterances per class; null: every utterance of the "
                                                      "remaining speakers; clips of corpus.unlabelled_path, which have "
                                                      "no class, are always all taken")]
    partitions: Annotated[dict[Str, list[Str]] | None, doc("split -> the official partitions it draws from, e.g. "
                                                           "{labelled: [Train], test: [Test1]}; null: any")]
    exclude_classes: Annotated[list[Str], doc("classes left out of every split (listed and counted in "
                                              "metrics/split.json)")]
    folds: Annotated[Annotated[Int, Field(ge=2)] | None,
                     doc("leave-speakers-out folds: the speakers in K folds, fold split.fold the test split with all "
                         "its utterances (test_per_class unused); null: one split")]
    fold: Annotated[Int, Field(ge=0), doc("with folds: the fold whose speakers are tested, 0 to folds - 1")]

    @model_validator(mode="after")
    def _fold_in_range(self):
        if self.folds is None and self.fold:
            raise ValueError(f"split.fold {self.fold} needs split.folds (the number of folds); set split.folds")
        if self.folds is not None and self.fold >= self.folds:
            raise ValueError(f"split.fold must be 0 to {self.folds - 1} with split.folds {self.folds}, got {self.fold}")
        return self

    @field_validator("partitions")
    @classmethod
    def _known_splits(cls, partitions):
        for split in partitions or {}:
            if split not in SPLITS:
                raise ValueError(f"unknown split {split!r}; expected some of {', '.join(SPLITS)}")
        return partitions


def exclude_classes(manifest: pd.DataFrame, classes: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(kept rows, rows of the excluded classes)``; a :class:`SplitError` for a class the manifest lacks."""
    known = sorted(set(manifest["label"].dropna()))
    for name in classes:
        if name not in known:
            raise SplitError(f"split.exclude_classes: the corpus has no class {name!r}{did_you_mean(name, known)}; "
                             f"its classes: {', '.join(known)}")
    out = manifest["label"].isin(classes)
    return manifest[~out], manifest[out]


class Assignment:
    """The greedy speaker assignment over speakers in a fixed visiting order, as NumPy arrays.

    ``counts`` (speakers, classes): utterances per speaker and class, rows in visiting order;
    ``allowed`` (speakers, 3): whether a speaker may join each of :data:`SPLITS`.
    """

    def __init__(self, counts: pd.DataFrame, allowed: np.ndarray, extra_unlabelled_speakers: int):
        self.speakers, self.classes = counts.index.to_numpy(), list(counts.columns)
        self.counts, self.allowed = counts.to_numpy(), allowed
        self.extra_unlabelled_speakers = extra_unlabelled_speakers  # of clips from corpus.unlabelled_path

    def assign(self, targets: dict[str, int | None]) -> np.ndarray:
        """Index into :data:`SPLITS` of each speaker's split, -1 for none, shape (speakers,): each speaker, in visiting
        order, to the first split it may join that still needs its classes, or to the unlabelled split while that has
        fewer than :data:`UNLABELLED_SPEAKERS`."""
        need = np.array([[np.inf if targets.get(split) is None else targets[split]] * len(self.classes)
                         for split in SPLITS], dtype=float)
        split_of = np.full(len(self.speakers), -1)
        unlabelled, short = SPLITS.index("unlabelled"), UNLABELLED_SPEAKERS - self.extra_unlabelled_speakers
        for i, (has, allowed) in enumerate(zip(self.counts > 0, self.allowed)):
            for j in np.flatnonzero(allowed):
                if (has & (need[j] > 0)).any() or (j == unlabelled and short > 0 and has.any()):
                    split_of[i] = j
                    need[j] = np.maximum(need[j] - self.counts[i], 0)
                    short -= j == unlabelled
                    break
        return split_of

    def coverage(self, split_of: np.ndarray) -> np.ndarray:
        """Utterances available per split and class, (3, classes)."""
        return np.stack([self.counts[split_of == j].sum(axis=0) for j in range(len(SPLITS))])

    def unlabelled_speakers(self, split_of: np.ndarray) -> int:
        """Speakers of the unlabelled split: the corpus' own and those of clips from elsewhere."""
        return int((split_of == SPLITS.index("unlabelled")).sum()) + self.extra_unlabelled_speakers

    def works(self, targets: dict[str, int | None]) -> bool:
        """Whether ``targets`` give every class in labelled and test, and an unlabelled split of at least
        :data:`UNLABELLED_SPEAKERS` speakers."""
        split_of = self.assign(targets)
        covered = self.coverage(split_of)
        return bool((covered[:2] > 0).all() and self.unlabelled_speakers(split_of) >= UNLABELLED_SPEAKERS)

    def largest(self, targets: dict[str, int | None], splits: tuple[str, ...]) -> int | None:
        """The largest quota ``q`` below the current ones such that setting every split of ``splits`` to
        ``q`` works (``q`` works, ``q + 1`` does not), or None if even 1 fails."""
        def works(q: int) -> bool:
            return self.works({**targets, **dict.fromkeys(splits, q)})
        low, high = 1, max(targets[split] for split in splits)
        if not works(low):
            return None
        if works(high):
            return high
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (middle, high) if works(middle) else (low, middle)
        return low


def fold_speakers(labelled: pd.DataFrame, folds: int, fold: int, seed: int) -> set[str]:
    """The speakers of fold ``fold`` of ``folds``: the speakers of ``labelled`` (columns speaker, label) in a random
    order drawn from ``seed`` alone, each dealt to the fold with the fewest utterances so far (the first of ties),
    so every ``fold`` of one ``seed`` and ``folds`` partitions the same way. A :class:`SplitError` if the fold
    lacks a class or there are fewer speakers than folds."""
    sizes = labelled.groupby("speaker").size()
    if len(sizes) < folds:
        raise SplitError(f"split.folds {folds} exceeds the corpus' {len(sizes)} labelled speakers: lower it")
    load, fold_of = np.zeros(folds), np.empty(len(sizes), dtype=int)
    for i in np.random.default_rng(seed).permutation(len(sizes)):
        fold_of[i] = np.argmin(load)
        load[fold_of[i]] += sizes.iloc[i]
    speakers = set(sizes.index[fold_of == fold])
    missing = sorted(set(labelled["label"]) - set(labelled.loc[labelled["speaker"].isin(speakers), "label"]))
    if missing:
        raise SplitError(f"fold {fold} of split.folds {folds} has no utterance of class {', '.join(map(repr, missing))}"
                         f" among its {len(speakers)} speakers: lower split.folds, or try another split.seed")
    return speakers


def speaker_split(manifest: pd.DataFrame, targets: dict[str, int | None], seed: int,
                  partitions: dict[str, list[str]] | None = None,
                  test_speakers: set[str] | None = None) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Split ``manifest`` (columns at least utterance, label, speaker, partition) by speaker.

    ``targets[split]`` is the number of utterances per class, ``None`` for no limit;
    ``partitions[split]``, if given, the official partitions a split may draw from; ``test_speakers``, if
    given, the only speakers the test split may take (a fold: :func:`fold_speakers`), and the only ones the
    other splits may not.
    Returns ``({split: rows}, unused rows)``, rows in manifest order; raises :class:`SplitError`
    when the corpus has too few speakers, a class has only one, or the quotas leave a split empty
    or a class out of labelled or test (saying which quotas would work).
    """
    for split, target in targets.items():
        if split not in SPLITS:
            raise ValueError(f"unknown split {split!r}; expected one of {SPLITS}")
        if target is not None and target < 1:
            raise ValueError(f"{split}: utterances per class must be at least 1, got {target}")
    labelled = manifest[manifest["label"].notna()]
    if labelled.empty:
        raise SplitError("the manifest has no labelled utterances to split")
    extra = manifest.loc[manifest["label"].isna(), "speaker"].nunique()
    check_speaker_count(labelled["speaker"].nunique(), extra_unlabelled_speakers=extra)
    check_classes_have_two_speakers(labelled)
    allowed = allowed_splits(labelled, partitions)
    if test_speakers is not None:
        allowed = {speaker: [split for split in splits if (split == "test") == (speaker in test_speakers)]
                   for speaker, splits in allowed.items()}
    rng = np.random.default_rng(seed)
    counts = pd.crosstab(labelled["speaker"], labelled["label"])
    counts = counts.loc[rng.permutation(counts.index.to_numpy())]
    plan = Assignment(counts, np.array([[split in allowed[s] for split in SPLITS] for s in counts.index]), extra)
    split_of = plan.assign(targets)
    if not plan.works(targets):
        raise SplitError(explain_infeasible(plan, split_of, targets, seed))
    assignment = {speaker: SPLITS[j] for speaker, j in zip(plan.speakers, split_of) if j >= 0}
    split_of_row = manifest["speaker"].map(assignment).where(manifest["label"].notna(), "unlabelled")
    keep = manifest["label"].isna()
    for split in SPLITS:
        target = targets.get(split)
        for _, rows in labelled[split_of_row[labelled.index] == split].groupby("label"):
            chosen = rows.index if target is None or len(rows) <= target else rng.choice(rows.index, target, replace=False)
            keep.loc[chosen] = True
    splits = {split: manifest[keep & (split_of_row == split)] for split in SPLITS}
    check_split(splits)
    return splits, manifest[~keep]


def explain_infeasible(plan: Assignment, split_of: np.ndarray, targets: dict[str, int | None], seed: int) -> str:
    """What goes wrong with ``targets``: the empty split or missing class, the quotas not met per class,
    what each class has, and the largest quotas that work with this seed."""
    covered = plan.coverage(split_of)
    missing = [(split, plan.classes[c]) for j, split in enumerate(REQUIRE_ALL_CLASSES)
               for c in np.flatnonzero(covered[j] == 0)]
    if missing:
        split, name = missing[0]
        problem = f"class {name!r} would be missing from the {split} split"
    else:
        held = plan.unlabelled_speakers(split_of)
        taken = int(((split_of >= 0) & (split_of != SPLITS.index("unlabelled"))).sum())
        problem = ("the unlabelled split would be empty" if held == 0 else
                   f"the unlabelled split would hold {held} speaker, and the autoencoder's validation needs at least "
                   f"{UNLABELLED_SPEAKERS} (whole speakers it does not train on)")
        problem += f": the labelled and test quotas take {taken} of the corpus' {len(plan.speakers)} speakers"
    short = [f"{split} {name} {int(covered[j, c])} of {targets[split]} ({int(((split_of == j) & (plan.counts[:, c] > 0)).sum())} speakers)"
             for j, split in enumerate(REQUIRE_ALL_CLASSES) for c, name in enumerate(plan.classes)
             if targets[split] is not None and covered[j, c] < targets[split]]
    has = [f"{name} {int(plan.counts[:, c].sum())} utterances from {int((plan.counts[:, c] > 0).sum())} speakers"
           for c, name in enumerate(plan.classes)]
    options = []
    for splits in [splits for splits in (("labelled",), ("test",), ("labelled", "test"))
                   if None not in (targets[split] for split in splits)]:  # with folds the test split has no quota
        largest = plan.largest(targets, splits)
        if largest is not None:
            others = [f"{QUOTA_PARAMS[s]} {targets[s]}" for s in REQUIRE_ALL_CLASSES
                      if s not in splits and targets[s] is not None]
            names = " and ".join(QUOTA_PARAMS[s] for s in splits)
            options.append(f"{names} {largest}" + (f" (with {others[0]})" if others else ""))
    fits = (f"The largest quotas that work with split.seed {seed}: {'; or '.join(options)}" if options else
            "No labelled and test quotas work with these speakers")
    extra = ("" if plan.extra_unlabelled_speakers >= UNLABELLED_SPEAKERS else
             "; or add unlabelled clips from elsewhere with corpus.unlabelled_path (their folders are speakers)")
    return (f"{problem}. Quotas not met: {listed(short) or 'none'}. The corpus has {listed(has)}. "
            f"{fits}{extra}.")


def listed(items: list[str], limit: int = 6) -> str:
    """``items`` joined by commas, the ones past ``limit`` counted instead of listed."""
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


def check_speaker_count(speakers: int, extra_unlabelled_speakers: int) -> None:
    """Raise :class:`SplitError` if ``speakers`` cannot fill the splits that need the corpus' own speakers: one for
    labelled, one for test, and what the unlabelled split lacks of :data:`UNLABELLED_SPEAKERS`."""
    needed = 2 + max(0, UNLABELLED_SPEAKERS - extra_unlabelled_speakers)
    if speakers < needed:
        how = ("add speakers" if needed == 2 else
               "add unlabelled clips from elsewhere with corpus.unlabelled_path (in folders, one per speaker: with "
               f"{UNLABELLED_SPEAKERS} of them two speakers suffice, one for labelled, one for test), or use a corpus "
               "with more speakers")
        raise SplitError(f"the corpus has {speakers} speaker(s); speaker-disjoint labelled, test and unlabelled "
                         f"splits need at least {needed} here: {how}")


def check_classes_have_two_speakers(labelled: pd.DataFrame) -> None:
    """Raise :class:`SplitError` naming every class whose utterances all come from one speaker (or source
    recording): no quota can put it in both labelled and test."""
    speakers = labelled.groupby("label")["speaker"].unique()
    lone = speakers[speakers.map(len) < 2]
    if len(lone):
        listed = ", ".join(f"{name!r} ({(labelled['label'] == name).sum()} utterances, all from {who[0]!r})"
                           for name, who in lone.items())
        raise SplitError(f"class {listed} cannot be in both the labelled and the test split, whatever the quotas: "
                         f"leave {'it' if len(lone) == 1 else 'them'} out with split.exclude_classes: "
                         f"[{', '.join(lone.index)}], or add speakers of {'it' if len(lone) == 1 else 'them'}")


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


def split_metrics(splits: dict[str, pd.DataFrame], unused: pd.DataFrame, excluded: pd.DataFrame | None = None,
              targets: dict[str, int | None] | None = None) -> dict:
    """For ``metrics/split.json``: utterances (in all and per class), speakers and hours of audio per split;
    with ``targets``, the utterances each split's class quota falls short by (``shortfall``, only those
    short); with ``excluded``, the utterances of each class left out by ``split.exclude_classes``."""
    summary = {}
    for split, rows in {**splits, "unused": unused}.items():
        summary[split] = {
            "utterances": int(len(rows)),
            "speakers": int(rows["speaker"].nunique()),
            "hours": round(float(rows["duration_s"].sum()) / 3600, 3),
            "per_class": {str(label): int(n) for label, n in rows["label"].value_counts().sort_index().items()},
            "unlabelled_clips": int(rows["label"].isna().sum()),
        }
    if targets is not None:
        classes = sorted(set().union(*(rows["label"].dropna() for rows in splits.values())))
        summary["shortfall"] = {
            split: short for split in SPLITS if targets.get(split) is not None and (short := {
                name: targets[split] - n for name in classes
                if (n := summary[split]["per_class"].get(name, 0)) < targets[split]})}
    if excluded is not None:
        summary["excluded_classes"] = {str(k): int(n) for k, n in excluded["label"].value_counts().sort_index().items()}
    return summary
