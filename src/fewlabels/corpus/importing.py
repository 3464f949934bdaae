"""From ``corpus.*`` params to the manifest: import, map labels, add unlabelled clips, check audio, apply the policies.

Every file that does not reach the manifest as it is gets one row in the report, with what was
done to it: ``skipped`` (a problem under ``on_bad_input: skip`` or ``on_odd_format: skip``, or a
file a param leaves out, as ``unknown_speaker: skip``), ``converted`` (an odd format under
``on_odd_format: convert``, or a quirk of a published copy the importer corrects) or ``excluded``
(an emotion the ``corpus.emotions`` table maps to nothing or, under ``corpus.classes: emotion``, one
not in ``corpus.keep_emotions``). Under an ``error`` policy the first problem stops the import with
a :class:`CorpusError` naming the file and the reason.
"""
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from fewlabels import paths
from fewlabels.audio import AudioError
from fewlabels.corpus.importers import IMPORTERS
from fewlabels.corpus.labels import map_labels
from fewlabels.corpus.layout import PROBLEM_COLUMNS, Catalogue, CatalogueBuilder, CorpusError, audio_files
from fewlabels.corpus.params import CorpusParams
from fewlabels.manifest import COLUMNS, probe_files

REPORT_COLUMNS = ["path", "kind", "action", "source_label", "reason"]
UNLABELLED_PREFIX = "unlabelled/"


@dataclass(frozen=True)
class Imported:
    manifest: pd.DataFrame  # COLUMNS; label NaN for the clips of corpus.unlabelled_path
    report: pd.DataFrame  # REPORT_COLUMNS: every file left out, converted or excluded
    formats: dict[str, int]  # "16000 Hz, 1 channel, WAV" -> files of the corpus (not the extra unlabelled clips)


def import_corpus(params: CorpusParams, n_jobs: int = -1) -> Imported:
    """Read the corpus at ``params.path`` with the importer of ``params.source`` and check every file."""
    root, extra_root = Path(params.path), Path(params.unlabelled_path)
    check_paths(params.source, root, extra_root)
    catalogue = IMPORTERS[params.source].read(root, params)
    labelled, problems, excluded = labelled_entries(catalogue, params)
    extra = unlabelled_clips(extra_root, params.unlabelled_speaker)
    problems = pd.concat([problems, extra.problems], ignore_index=True)
    enforce(problems, params.on_bad_input, "corpus.on_bad_input")
    rows = pd.concat([labelled, extra.entries.assign(label=None)], ignore_index=True)
    repeated = rows["utterance"][rows["utterance"].duplicated()]
    if len(repeated):
        raise CorpusError(f"utterance ids must be unique; repeated: {', '.join(repeated.unique()[:5])}")
    rows, unreadable = decoded(rows, n_jobs)
    enforce(unreadable, params.on_bad_input, "corpus.on_bad_input")
    odd, odd_rows, formats = odd_formats(rows)
    enforce(odd_rows, params.on_odd_format, "corpus.on_odd_format",
            remedy="convert to keep them (later stages decode and resample them) or skip to go on without them")
    report = [catalogue.handled, problems.assign(action="skipped"), excluded, unreadable.assign(action="skipped"),
              odd_rows.assign(action="converted" if params.on_odd_format == "convert" else "skipped")]
    if params.on_odd_format == "skip":
        rows = rows[~odd]
    return Imported(rows[COLUMNS].reset_index(drop=True),
                    pd.concat(report, ignore_index=True).reindex(columns=REPORT_COLUMNS).fillna({"source_label": ""}),
                    formats)


def labelled_entries(catalogue: Catalogue, params: CorpusParams) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The entries whose label maps to a class, with it; the problems (the importer's and bad labels);
    and the report rows of the entries the emotion table excludes."""
    edges = None
    if catalogue.label_kind == "valence":
        if params.source not in params.valence_edges:
            raise CorpusError(f"corpus.valence_edges has no entry for {params.source}")
        edges = params.valence_edges[params.source]
    entries = catalogue.entries
    keep = params.keep_emotions if params.classes == "emotion" else None
    label, bad, excluded = map_labels(entries, catalogue.label_kind, edges, params.emotions, keep)
    bad_labels = entries[bad].assign(kind="bad_label", reason=[
        f"valence {value!r} is missing or outside [{edges[0]}, {edges[-1]}]" for value in entries.loc[bad, "source_label"]])
    problems = pd.concat([catalogue.problems, bad_labels[PROBLEM_COLUMNS]], ignore_index=True)
    excluded_rows = entries[excluded].assign(kind="excluded_label", action="excluded", reason=[
        f"{value} is not in corpus.keep_emotions" if keep is not None else f"corpus.emotions maps {value} to nothing"
        for value in entries.loc[excluded, "source_label"]])
    keep = ~bad & ~excluded
    return entries[keep].assign(label=label[keep]), problems, excluded_rows


def decoded(rows: pd.DataFrame, n_jobs: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``rows`` whose audio decodes, with duration_s, frames, sample_rate, channels, container and md5; and
    the others as ``unreadable_audio`` problems."""
    probed = probe_files(rows["path"].tolist(), n_jobs=n_jobs)
    unreadable = pd.Series([isinstance(result, AudioError) for result in probed], index=rows.index)
    problems = pd.DataFrame({"path": rows.loc[unreadable, "path"], "kind": "unreadable_audio",
                             "reason": [r.reason for r in probed if isinstance(r, AudioError)]})
    good = [result for result in probed if not isinstance(result, AudioError)]
    rows = rows[~unreadable].assign(
        duration_s=[round(info.duration_s, 4) for info, _ in good], frames=[info.frames for info, _ in good],
        sample_rate=[info.sample_rate for info, _ in good], channels=[info.channels for info, _ in good],
        container=[info.container for info, _ in good], md5=[md5 for _, md5 in good]).reset_index(drop=True)
    return rows, problems


def odd_formats(rows: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame, dict[str, int]]:
    """Which labelled rows have a sample rate, channel count or container other than the most common one (an
    AIFF file named ``.wav`` is odd among WAV files), as a mask and as ``odd_format`` problems, and the count
    of files per format ("16000 Hz, 1 channel, WAV")."""
    names = pd.Series([format_name(*values) for values in zip(rows["sample_rate"], rows["channels"], rows["container"])],
                      index=rows.index, dtype=object)
    corpus_rows = rows["label"].notna()
    formats = names[corpus_rows].value_counts()
    formats = formats.iloc[sorted(range(len(formats)), key=lambda i: (-formats.iloc[i], formats.index[i]))]
    odd = corpus_rows & (names != (formats.index[0] if len(formats) else ""))
    problems = pd.DataFrame({"path": rows.loc[odd, "path"], "kind": "odd_format", "reason": [
        f"{name}, while {formats.iloc[0]} of {corpus_rows.sum()} files are {formats.index[0]}" for name in names[odd]]})
    return odd, problems, {str(name): int(n) for name, n in formats.sort_index().items()}


def check_paths(source: str, root: Path, extra_root: Path) -> None:
    """Clear errors for a corpus or unlabelled folder that is missing, or folders that overlap."""
    if source == "synthetic" and root != paths.SYNTHETIC_CORPUS:
        raise CorpusError(f"corpus.source synthetic reads what the synthesise stage writes: set corpus.path: {paths.SYNTHETIC_CORPUS}")
    for key, folder in (("corpus.path", root), ("corpus.unlabelled_path", extra_root)):
        if not folder.is_dir():
            raise CorpusError(f"{key} {folder} is not a folder")
    a, b = os.path.abspath(root), os.path.abspath(extra_root)
    if os.path.commonpath([a, b]) in (a, b):
        raise CorpusError(f"corpus.path {root} and corpus.unlabelled_path {extra_root} overlap; use separate folders")


def enforce(problems: pd.DataFrame, policy: str, key: str, remedy: str = "skip to go on without them") -> None:
    """Raise :class:`CorpusError` for the first of ``problems`` if ``policy`` is ``error``."""
    if policy == "error" and len(problems):
        first = problems.iloc[0]
        raise CorpusError(f"{first['path']}: {first['reason']} ({first['kind']}; {len(problems)} problem(s) in all). "
                          f"Set {key}: {remedy}; each is then listed and counted.")


def unlabelled_clips(folder: Path, speaker_pattern: str | None) -> Catalogue:
    """Every audio file under ``folder`` (symlinked folders followed) as an unlabelled utterance, id and
    speaker prefixed ``unlabelled/``.

    The speaker is the group ``speaker`` of ``speaker_pattern`` (``corpus.unlabelled_speaker``) searched
    in the clip's path below ``folder`` (posix, without suffix), a clip where it finds none an
    ``unknown_speaker`` problem; without a pattern, the clip's first sub-folder below ``folder``, and
    a clip that lies in ``folder`` itself is its own speaker.
    """
    catalogue = CatalogueBuilder("class")
    for path in audio_files(folder):
        relative = path.relative_to(folder)
        name = relative.with_suffix("").as_posix()
        if speaker_pattern is None:
            speaker = relative.parts[0] if len(relative.parts) > 1 else name
        else:
            speaker = catalogue.regex_speaker(path, speaker_pattern, name, "corpus.unlabelled_speaker")
        if speaker:
            catalogue.add(UNLABELLED_PREFIX + name, path, UNLABELLED_PREFIX + speaker, "")
    return catalogue.build()


def format_name(sample_rate: int, channels: int, container: str) -> str:
    return f"{sample_rate} Hz, {channels} channel{'s' if channels > 1 else ''}, {container}"
