"""What an importer reads from a corpus on disk, and the checks every importer shares.

An importer turns a corpus in its published layout into a :class:`Catalogue`: one row per
labelled audio file with its speaker, official partition and label as the corpus states it, and
a problem row for every file or label it could not use. It never raises for a bad row; the
``corpus.on_bad_input`` policy decides later, unless a param or a known quirk of the published copy
has decided already (a row ``skipped`` or ``converted`` whatever that policy says). It raises
:class:`CorpusError` only when the layout itself is wrong (a label file missing), a label file
points outside ``corpus.path`` or a proxy speaker id would merge with a real one.
"""
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from fewlabels.errors import FewlabelsError

AUDIO_SUFFIXES = (".wav", ".flac", ".ogg")
ENTRY_COLUMNS = ["utterance", "path", "speaker", "speaker_is_proxy", "partition", "source_label"]
PROBLEM_COLUMNS = ["path", "kind", "reason"]
HANDLED_COLUMNS = ["path", "kind", "action", "reason"]
ACTIONS = ("skipped", "converted")  # what a param or a known quirk decided for a file, whatever corpus.on_bad_input says
PROBLEM_KINDS = ("missing_file", "unlabelled_file", "unknown_speaker", "bad_label", "unreadable_audio", "odd_format")


class CorpusError(FewlabelsError):
    """The corpus is not in the layout its importer reads, or cannot be used as asked."""


@dataclass(frozen=True)
class Catalogue:
    """Labelled files of a corpus and the problems met reading it.

    ``entries``: :data:`ENTRY_COLUMNS`, ``source_label`` as the corpus states it (a valence value,
    an emotion name or a class name, after ``label_kind``), ``speaker_is_proxy`` where the corpus
    names no speaker and the importer stood one in; ``problems``: :data:`PROBLEM_COLUMNS`, left to
    ``corpus.on_bad_input``; ``handled``: :data:`HANDLED_COLUMNS`, files already skipped or
    converted (a converted file is in ``entries`` too).
    """

    entries: pd.DataFrame
    problems: pd.DataFrame
    label_kind: str  # "valence", "emotion" or "class"
    handled: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=HANDLED_COLUMNS))


class CatalogueBuilder:
    """Collects entries and problems row by row; :meth:`build` checks the files listed against the disk."""

    def __init__(self, label_kind: str):
        self.label_kind = label_kind
        self.rows: list[tuple] = []
        self.problems: list[tuple[str, str, str]] = []
        self.handled: list[tuple[str, str, str, str]] = []

    def add(self, utterance: str, path: Path, speaker: str, source_label, partition: str = "",
            proxy: bool = False) -> None:
        """One labelled file; ``proxy``: ``speaker`` is an id the importer stood in for one the corpus does not name."""
        self.rows.append((utterance, str(path), speaker, proxy, partition, source_label))

    def problem(self, path: Path | str, kind: str, reason: str, action: str | None = None) -> None:
        """A file that cannot be used as it is: left to ``corpus.on_bad_input``, or with ``action``
        (:data:`ACTIONS`) already skipped or converted by a param or a known quirk."""
        if kind not in PROBLEM_KINDS:
            raise ValueError(f"unknown problem kind {kind!r}")
        if action is None:
            self.problems.append((str(path), kind, reason))
        elif action in ACTIONS:
            self.handled.append((str(path), kind, action, reason))
        else:
            raise ValueError(f"unknown action {action!r}")

    def add_named(self, path: Path, name: re.Match, speakers: dict[str, str], emotions: dict[str, str],
                  fields: tuple[str, str] = ("speaker", "emotion")) -> None:
        """An entry for ``path`` (utterance: its file name) from the groups ``fields`` of its ``name``: a code
        that ``speakers`` maps to the speaker id and one that ``emotions`` maps to the emotion; a code not
        in its table is an ``unknown_speaker`` or a ``bad_label`` problem."""
        speaker, emotion = (name[group] for group in fields)
        if speaker not in speakers:
            self.problem(path, "unknown_speaker", f"{fields[0]} {speaker} is not one of {one_of(speakers)}")
        elif emotion not in emotions:
            self.problem(path, "bad_label", f"{fields[1]} {emotion!r} is not one of {one_of(emotions)}")
        else:
            self.add(path.stem, path, speakers[speaker], emotions[emotion])

    def regex_speaker(self, path: Path, pattern: str, text: str, key: str) -> str | None:
        """The group ``speaker`` of ``pattern`` (the param ``key``) searched in ``text``; None and an
        ``unknown_speaker`` problem where it finds none."""
        found = re.search(pattern, text)
        if found and found["speaker"]:
            return found["speaker"]
        self.problem(path, "unknown_speaker", f"{key} {pattern!r} finds no speaker in {text!r}")
        return None

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
        entries = pd.DataFrame(self.rows, columns=ENTRY_COLUMNS).astype({"speaker_is_proxy": bool})
        check_proxies(entries)
        if on_disk is not None:
            found = {str(path) for path in on_disk}
            missing = ~entries["path"].isin(found)
            for path in entries.loc[missing, "path"]:
                self.problem(path, "missing_file", "listed in the labels but not on disk")
            entries = entries[~missing].reset_index(drop=True)
            named = set(entries["path"]) | {row[0] for row in self.problems + self.handled}
            for path in sorted(found - named):
                self.problem(path, "unlabelled_file", "on disk but not in the labels")
        return Catalogue(entries, pd.DataFrame(self.problems, columns=PROBLEM_COLUMNS), self.label_kind,
                         pd.DataFrame(self.handled, columns=HANDLED_COLUMNS))


def one_of(codes: dict[str, str]) -> str:
    """The codes of a table for a message: each, or a long (sorted, consecutive) run as first-last."""
    codes = list(codes)
    return ", ".join(codes) if len(codes) <= 10 else f"{codes[0]}-{codes[-1]}"


def check_proxies(entries: pd.DataFrame) -> None:
    """Refuse a proxy speaker id that is also a speaker id the corpus states: the two would merge into one speaker."""
    proxy = entries["speaker_is_proxy"]
    clash = sorted(set(entries.loc[proxy, "speaker"]) & set(entries.loc[~proxy, "speaker"]))
    if clash:
        raise CorpusError(f"speaker id(s) {', '.join(clash)} of the corpus equal the proxy speaker id(s) stood in for "
                          "files without one; set corpus.unknown_speaker: skip or error")


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


def audio_files(folder: Path) -> list[Path]:
    """Audio files (:data:`AUDIO_SUFFIXES`, any case) under ``folder``, sorted; hidden files and folders are skipped.

    Symlinked folders are followed; a folder reached again (a link loop, or a second link to it)
    is read only where the walk, in sorted order, first reaches it, so each file is listed once.
    """
    found, seen = [], set()
    for top, folders, files in os.walk(folder, followlinks=True):
        real = os.path.realpath(top)
        if real in seen:
            folders[:] = []
            continue
        seen.add(real)
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        found += [Path(top, name) for name in files
                  if not name.startswith(".") and Path(name).suffix.lower() in AUDIO_SUFFIXES
                  and os.path.isfile(os.path.join(top, name))]
    return sorted(found)


def require(path: Path, what: str, layout: str, *other_names: str) -> Path:
    """``path``, or the first of its ``other_names`` (in the same folder) that exists; else a
    :class:`CorpusError` that says what is missing and the layout expected."""
    for candidate in (path, *(path.with_name(name) for name in other_names)):
        if candidate.exists():
            return candidate
    raise CorpusError(f"{path} is missing: expected {what}. Expected layout under corpus.path:\n{layout}")
