"""CREMA-D: 91 actors, actor, sentence, emotion and level in the file name."""
import re
from pathlib import Path

from fewlabels.corpus.emotions import CODES
from fewlabels.corpus.layout import Catalogue, CatalogueBuilder, audio_files, require
from fewlabels.corpus.params import CorpusParams

LAYOUT = """\
AudioWAV/1001_DFA_ANG_XX.wav ...   actor_sentence_emotion_level"""
FILE_NAME = re.compile(r"^(?P<actor>\d{4})_(?P<sentence>[A-Z]{3})_(?P<emotion>[A-Z]{3})_(?P<level>[A-Z]{2})$")
EMOTIONS = CODES["crema_d"]  # code -> emotion
ACTORS = {str(actor): str(actor) for actor in range(1001, 1092)}


def read(root: Path, params: CorpusParams) -> Catalogue:
    """Emotion (the one the actor was asked to express) and actor from each file name under ``AudioWAV``."""
    audio_dir = require(root / "AudioWAV", "the folder of WAV files", LAYOUT)
    catalogue = CatalogueBuilder("emotion")
    for path, name in catalogue.named_files(audio_files(audio_dir), FILE_NAME, "<actor>_<sentence>_<emotion>_<level>"):
        catalogue.add_named(path, name, ACTORS, EMOTIONS, ("actor", "emotion"))
    return catalogue.build()
