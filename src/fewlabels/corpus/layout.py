"""What an importer reads from a corpus on disk, and the checks every importer shares.

An importer turns a corpus in its published layout into a :class:`Catalogue`: one row per
labelled audio file with its speaker, official partition and label as the corpus states it, and
a problem row for every file or label it could not use. It never raises for a bad row; the
``corpus.on_bad_input`` policy decides later. It raises :class:`CorpusError` only when the
layout itself is wrong (a label file missing) or a label file points outside ``corpus.path``.
"""
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from fewlabels.errors import FewlabelsError

AUDIO_SUFFIXES = (".wav", ".flac", ".ogg")
ENTRY_COLUMNS = ["utterance", "path", "speaker", "partition", "source_label"]
PROBLEM_COLUMNS = ["path", "kind", "reason"]
PROBLEM_KINDS = ("missing_file", "unlabelled_file", "unknown_speaker", "bad_label", "unreadable_audio", "odd_format")


class CorpusError(FewlabelsError):
    """The corpus is not in the layout its importer reads, or cannot be used as asked."""


@dataclass(frozen=True)
class Catalogue:
    """Labelled files of a corpus and the problems met reading it.

    ``entries``: :data:`ENTRY_COLUMNS`, ``source_label`` as the corpus states it (a valence value,
    an emotion name or a class name, after ``label_kind``); ``problems``: :data:`PROBLEM_COLUMNS`.
    """

    entries: pd.DataFrame
    problems: pd.DataFrame
    label_kind: str  # "valence", "emotion" or "class"


class CatalogueBuilder:
    """Collects entries and problems row by row; :meth:`build` checks the files listed against the disk."""

    def __init__(self, label_kind: str):
        self.label_kind = label_kind
        self.rows: list[tuple] = []
        self.problems: list[tuple[str, str, str]] = []

    def add(self, utterance: str, path: Path, speaker: str, source_label, partition: str = "") -> None:
        self.rows.append((utterance, str(path), speaker, partition, source_label))

    def problem(self, path: Path | str, kind: str, reason: str) -> None:
        if kind not in PROBLEM_KINDS:
            raise ValueError(f"unknown problem kind {kind!r}")
        self.problems.append((str(path), kind, reason))

    def named_files(self, paths: list[Path], pattern: re.Pattern, scheme: str) -> Iterator[tuple[Path, re.Match]]:
        """Each path whose file name (without suffix) matches ``pattern``, with the match; the others
        become ``unlabelled_file`` problems saying the name is not ``scheme``."""
        for path in paths:
            match = pattern.match(path.stem)
            if match:
                yield path, match
            else:
                self.problem(path, "unlabelled_file", f"file name is not {scheme}")

    def build(self, on_disk: list[Path] | None = None) -> Catalogue:
        """The catalogue; with ``on_disk`` (audio files found), listed files missing from it and
        files on it that no entry or problem names become ``missing_file`` / ``unlabelled_file`` problems."""
        entries = pd.DataFrame(self.rows, columns=ENTRY_COLUMNS)
        if on_disk is not None:
            found = {str(path) for path in on_disk}
            missing = ~entries["path"].isin(found)
            for path in entries.loc[missing, "path"]:
                self.problem(path, "missing_file", "listed in the labels but not on disk")
            entries = entries[~missing].reset_index(drop=True)
            named = set(entries["path"]) | {path for path, _, _ in self.problems}
            for path in sorted(found - named):
                self.problem(path, "unlabelled_file", "on disk but not in the labels")
        return Catalogue(entries, pd.DataFrame(self.problems, columns=PROBLEM_COLUMNS), self.label_kind)


def inside(root: Path, relative: str, where: str) -> Path:
    """``root / relative``, refused with :class:`CorpusError` if it would lie outside ``root``.

    Checked on the path as written (``..``, absolute paths), not on where symlinks lead, so a
    corpus whose files are links into a DVC cache still imports.
    """
    joined = os.path.normpath(os.path.join(root, relative))
    base = os.path.normpath(root)
    if os.path.isabs(relative) or os.path.commonpath([base, joined]) != base:
        raise CorpusError(f"{where}: the path {relative!r} points outside corpus.path ({root}); refused")
    return Path(joined)


def audio_files(folder: Path, recursive: bool = True) -> list[Path]:
    """Audio files (:data:`AUDIO_SUFFIXES`, any case) under ``folder``, sorted; hidden files and folders are skipped."""
    pattern = "**/*" if recursive else "*"
    return sorted(
        path for path in folder.glob(pattern)
        if path.suffix.lower() in AUDIO_SUFFIXES and path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(folder).parts))


def require(path: Path, what: str, layout: str, *other_names: str) -> Path:
    """``path``, or the first of its ``other_names`` (in the same folder) that exists; else a
    :class:`CorpusError` that says what is missing and the layout expected."""
    for candidate in (path, *(path.with_name(name) for name in other_names)):
        if candidate.exists():
            return candidate
    raise CorpusError(f"{path} is missing: expected {what}. Expected layout under corpus.path:\n{layout}")
