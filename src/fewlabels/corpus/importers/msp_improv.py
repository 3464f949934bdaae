"""MSP-IMPROV (UT Dallas MSP lab): the evaluation file's consensus per recording, sessions as partitions."""
import re
from pathlib import Path

from fewlabels.corpus.emotions import CODES
from fewlabels.corpus.layout import Catalogue, CatalogueBuilder, CorpusError, audio_files, require
from fewlabels.corpus.params import CorpusParams

LAYOUT = """\
Evaluation.txt    one line per recording, then one per rater:
                  UTD-IMPROV-S01A-F01-P-FM01.avi; N; A:2.166667; V:3.000000; D:2.166667 ; N:6.000000;
session1/S01A/P/MSP-IMPROV-S01A-F01-P-FM01.wav ...   (session1 ... session6)"""
RECORDING = re.compile(r"^UTD-IMPROV-(?P<id>[A-Z0-9-]+)\.avi;\s*(?P<emotion>[A-Z]);\s*A:\s*(?P<A>\S+?);\s*"
                       r"V:\s*(?P<V>\S+?);\s*D:\s*(?P<D>\S+?)\s*;\s*N:\s*(?P<N>\S+?);\s*$")
# S01A-F01-P-FM01: sentence 01, target emotion A, speaker F01 (female, session 1), scenario P, turn FM01
RECORDING_ID = re.compile(r"^(?P<sentence>S\d{2}[A-Z])-(?P<speaker>[FM]0(?P<session>[1-6]))-(?P<scenario>[A-Z])-[A-Z0-9]+$")
EMOTIONS = CODES["msp_improv"]  # code -> emotion


def read(root: Path, params: CorpusParams) -> Catalogue:
    """Valence (``V:``, 1-5) or consensus emotion per recording; speaker from its id, partition its session."""
    evaluation = require(root / "Evaluation.txt", "the evaluation file", LAYOUT, "Evalution.txt")
    on_disk = audio_files(root)
    by_stem: dict[str, Path] = {}
    for path in on_disk:
        if path.stem in by_stem:
            raise CorpusError(f"{path} and {by_stem[path.stem]}: two files for one recording")
        by_stem[path.stem] = path
    catalogue = CatalogueBuilder("valence" if params.reads_valence else "emotion")
    for number, text in enumerate(evaluation.read_text(errors="replace").splitlines(), start=1):
        if not text.startswith("UTD-IMPROV-"):
            continue  # rater lines and blank lines
        where = f"{evaluation} line {number}"
        match = RECORDING.match(text.strip())
        if not match:
            catalogue.problem(evaluation, "bad_label", f"{where}: cannot read {text.strip()!r}")
            continue
        recording = match["id"]
        stem = f"MSP-IMPROV-{recording}"
        ident = RECORDING_ID.match(recording)
        expected = (root / f"session{ident['session']}" / ident["sentence"] / ident["scenario"] / f"{stem}.wav"
                    if ident else root / f"{stem}.wav")
        path = by_stem.get(stem, expected)
        if not ident:
            catalogue.problem(path, "unknown_speaker", f"{where}: {recording!r} names no speaker F01-F06 or M01-M06")
            continue
        if params.reads_valence:
            label = match["V"]
        elif match["emotion"] in EMOTIONS:
            label = EMOTIONS[match["emotion"]]
        else:
            catalogue.problem(path, "bad_label", f"{where}: emotion {match['emotion']!r} is not one of {', '.join(EMOTIONS)}")
            continue
        catalogue.add(stem, path, ident["speaker"], label, partition=f"session{ident['session']}")
    return catalogue.build(on_disk=on_disk)
