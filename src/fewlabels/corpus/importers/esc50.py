"""ESC-50: 2,000 environmental sound clips in 50 categories, five official folds, clips grouped by source recording."""
from pathlib import Path

import pandas as pd

from fewlabels.corpus.layout import Catalogue, CatalogueBuilder, CorpusError, audio_files, inside, require
from fewlabels.corpus.params import CorpusParams

LAYOUT = """\
audio/1-100032-A-0.wav ...
meta/esc50.csv   columns filename, fold, target, category, esc10, src_file, take"""
COLUMNS = ("filename", "fold", "category", "src_file")
FOLDS = ("1", "2", "3", "4", "5")


def read(root: Path, params: CorpusParams) -> Catalogue:
    """The 50 categories as classes; a clip's source recording (``src_file``) is its speaker, its fold its partition."""
    meta = require(root / "meta" / "esc50.csv", "the metadata CSV", LAYOUT)
    audio_dir = require(root / "audio", "the folder of WAV files", LAYOUT)
    table = pd.read_csv(meta, dtype=str, keep_default_na=False)
    absent = [column for column in COLUMNS if column not in table.columns]
    if absent:
        raise CorpusError(f"{meta}: no column {', '.join(absent)}; expected layout:\n{LAYOUT}")
    catalogue = CatalogueBuilder("class")
    for line, row in enumerate(table.itertuples(index=False), start=2):
        where = f"{meta} line {line}"
        path = inside(audio_dir, row.filename, where)
        if not row.src_file.strip():
            catalogue.problem(path, "unknown_speaker", f"{where}: src_file is empty")
        elif not row.category.strip():
            catalogue.problem(path, "bad_label", f"{where}: category is empty")
        elif row.fold not in FOLDS:
            catalogue.problem(path, "bad_label", f"{where}: fold {row.fold!r} is not one of 1-5")
        else:
            catalogue.add(Path(row.filename).stem, path, row.src_file, row.category, partition=f"fold{row.fold}")
    return catalogue.build(on_disk=audio_files(audio_dir))
