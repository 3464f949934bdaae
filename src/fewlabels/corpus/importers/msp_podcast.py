"""MSP-Podcast (UT Dallas MSP lab): consensus labels CSV, speaker ids, official partitions."""
import re
from pathlib import Path

import pandas as pd

from fewlabels.corpus.emotions import CODES
from fewlabels.corpus.layout import Catalogue, CatalogueBuilder, CorpusError, audio_files, inside, require
from fewlabels.corpus.params import CorpusParams

LAYOUT = """\
Audios/MSP-PODCAST_0001_0008.wav ...
Labels/labels_consensus.csv   columns FileName, EmoClass, EmoAct, EmoVal, EmoDom, SpkrID, Gender, Split_Set
                              (older releases spell it labels_concensus.csv)"""
COLUMNS = ("FileName", "EmoClass", "EmoVal", "SpkrID", "Split_Set")
EMOTIONS = CODES["msp_podcast"]  # code -> emotion
UNKNOWN_SPEAKERS = ("", "Unknown")
FILE_NAME = re.compile(r"^MSP-PODCAST_(?P<podcast>\d+)_(?P<segment>\d+)$")
PROXY_PREFIX = "podcast_"  # proxy speaker id of a file without SpkrID: podcast_<podcast>, e.g. podcast_0002


def read(root: Path, params: CorpusParams) -> Catalogue:
    """Valence (``EmoVal``, 1-7) or consensus emotion (``EmoClass``) per file, speaker ``SpkrID`` (where it is
    Unknown or empty, as ``corpus.unknown_speaker`` says), partition ``Split_Set``."""
    labels_path = require(root / "Labels" / "labels_consensus.csv", "the consensus labels CSV", LAYOUT,
                          "labels_concensus.csv")
    audio_dir = require(root / "Audios", "the folder of WAV files", LAYOUT)
    table = pd.read_csv(labels_path, dtype=str, keep_default_na=False)
    absent = [column for column in COLUMNS if column not in table.columns]
    if absent:
        raise CorpusError(f"{labels_path}: no column {', '.join(absent)}; expected layout:\n{LAYOUT}")
    catalogue = CatalogueBuilder("valence" if params.reads_valence else "emotion")
    for line, row in enumerate(table.itertuples(index=False), start=2):
        where = f"{labels_path} line {line}"
        path = inside(audio_dir, row.FileName, where)
        speaker = row.SpkrID.strip()
        proxy = speaker in UNKNOWN_SPEAKERS
        if proxy:
            speaker = proxy_speaker(catalogue, path, f"{where}: speaker id {row.SpkrID!r} names no speaker",
                                    params.unknown_speaker)
            if speaker is None:
                continue
        if params.reads_valence:
            label = row.EmoVal
        elif row.EmoClass in EMOTIONS:
            label = EMOTIONS[row.EmoClass]
        else:
            catalogue.problem(path, "bad_label", f"{where}: EmoClass {row.EmoClass!r} is not one of {', '.join(EMOTIONS)}")
            continue
        catalogue.add(Path(row.FileName).stem, path, speaker, label, partition=row.Split_Set, proxy=proxy)
    return catalogue.build(on_disk=audio_files(audio_dir))


def proxy_speaker(catalogue: CatalogueBuilder, path: Path, why: str, policy: str) -> str | None:
    """Under ``corpus.unknown_speaker: podcast`` the podcast id in ``path``'s name as a proxy speaker id; else
    None, with the file skipped (``skip``) or an ``unknown_speaker`` problem (``error``, or a name that is not
    ``MSP-PODCAST_<podcast>_<segment>``)."""
    if policy == "skip":
        catalogue.problem(path, "unknown_speaker", f"{why} (corpus.unknown_speaker: skip)", action="skipped")
        return None
    name = FILE_NAME.match(path.stem)
    if policy == "podcast" and name:
        return PROXY_PREFIX + name["podcast"]
    catalogue.problem(path, "unknown_speaker", why + (
        "; corpus.unknown_speaker: podcast takes its podcast id instead" if policy == "error"
        else f"; its name {path.stem!r} is not MSP-PODCAST_<podcast>_<segment>, so no podcast id stands in"))
    return None
