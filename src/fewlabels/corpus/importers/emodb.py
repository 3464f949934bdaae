"""EmoDB, the Berlin Database of Emotional Speech: ten actors, speaker, text and emotion in the file name."""
import re
from pathlib import Path

from fewlabels.corpus.emotions import CODES
from fewlabels.corpus.layout import Catalogue, CatalogueBuilder, audio_files, require
from fewlabels.corpus.params import CorpusParams

LAYOUT = """\
wav/03a01Fa.wav ...   speaker (2 digits), text (a01 ... b10), emotion letter, version letter
(lablaut/, labsilb/, silb/, erkennung.txt and erklaerung.txt are not read)"""
FILE_NAME = re.compile(r"^(?P<speaker>\d{2})(?P<text>[a-z]\d{2})(?P<emotion>[A-Z])(?P<version>[a-z])$")
EMOTIONS = CODES["emodb"]  # code -> emotion
SPEAKERS = {speaker: speaker for speaker in ("03", "08", "09", "10", "11", "12", "13", "14", "15", "16")}


def read(root: Path, params: CorpusParams) -> Catalogue:
    """Emotion (Ärger, Langeweile, Ekel, Angst, Freude, Trauer, neutral) and speaker from each file name under ``wav``."""
    audio_dir = require(root / "wav", "the folder of WAV files", LAYOUT)
    catalogue = CatalogueBuilder("emotion")
    for path, name in catalogue.named_files(audio_files(audio_dir), FILE_NAME, "<speaker><text><emotion><version>"):
        catalogue.add_named(path, name, SPEAKERS, EMOTIONS)
    return catalogue.build()
