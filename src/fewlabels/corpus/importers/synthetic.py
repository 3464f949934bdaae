"""The embedded synthetic corpus, as the synthesise stage writes it."""
from pathlib import Path

import pandas as pd

from fewlabels.corpus.layout import Catalogue, CatalogueBuilder, audio_files, inside, require
from fewlabels.corpus.synthetic import LABELS_FILE
from fewlabels.corpus.params import CorpusParams

LAYOUT = """\
labels.csv   columns utterance, file, label, speaker
spk000/spk000_u00.wav ..."""


def read(root: Path, params: CorpusParams) -> Catalogue:
    """Class and speaker per file from ``labels.csv``."""
    labels_path = require(root / LABELS_FILE, "the labels written by the synthesise stage", LAYOUT)
    table = pd.read_csv(labels_path, dtype=str, keep_default_na=False)
    catalogue = CatalogueBuilder("class")
    for line, row in enumerate(table.itertuples(index=False), start=2):
        catalogue.add(row.utterance, inside(root, row.file, f"{labels_path} line {line}"), row.speaker, row.label)
    return catalogue.build(on_disk=audio_files(root))
