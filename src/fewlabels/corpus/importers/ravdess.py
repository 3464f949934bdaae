"""RAVDESS: 24 actors, every fact about a recording coded in its file name."""
import re
from pathlib import Path

from fewlabels.corpus.emotions import CODES
from fewlabels.corpus.layout import Catalogue, CatalogueBuilder, audio_files
from fewlabels.corpus.params import CorpusParams

LAYOUT = """\
Actor_01/03-01-01-01-01-01-01.wav ... Actor_24/...   (Audio_Speech_Actors_01-24 and/or Audio_Song_Actors_01-24)
modality-channel-emotion-intensity-statement-repetition-actor"""
FILE_NAME = re.compile(r"^(?P<modality>\d{2})-(?P<channel>\d{2})-(?P<emotion>\d{2})-(?P<intensity>\d{2})-"
                       r"(?P<statement>\d{2})-(?P<repetition>\d{2})-(?P<actor>\d{2})$")
EMOTIONS = CODES["ravdess"]  # code -> emotion
ACTORS = {f"{actor:02d}": f"Actor_{actor:02d}" for actor in range(1, 25)}


def read(root: Path, params: CorpusParams) -> Catalogue:
    """Emotion and actor from the file name; the actor must match an ``Actor_NN`` folder holding it."""
    catalogue = CatalogueBuilder("emotion")
    scheme = "seven two-digit fields (modality-channel-emotion-intensity-statement-repetition-actor)"
    for path, name in catalogue.named_files(audio_files(root), FILE_NAME, scheme):
        folder, actor = path.parent.name, f"Actor_{name['actor']}"
        if folder.startswith("Actor_") and folder != actor:
            catalogue.problem(path, "unknown_speaker", f"file name says {actor}, folder says {folder}")
        else:
            catalogue.add_named(path, name, ACTORS, EMOTIONS, ("actor", "emotion"))
    return catalogue.build()
