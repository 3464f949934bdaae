"""TESS, the Toronto emotional speech set: two speakers, emotion in the file name and the folder name."""
import re
from pathlib import Path

from fewlabels.corpus.emotions import CODES
from fewlabels.corpus.layout import Catalogue, CatalogueBuilder, audio_files
from fewlabels.corpus.params import CorpusParams

LAYOUT = """\
OAF_angry/OAF_back_angry.wav ... YAF_pleasant_surprised/YAF_back_ps.wav ...
(one folder per speaker and emotion; the files may also lie in one folder)"""
SPEAKERS = ("OAF", "YAF")  # older and younger adult female
FILE_NAME = re.compile(r"^(?P<speaker>[A-Za-z]+)_(?P<word>[A-Za-z]+)_(?P<emotion>[A-Za-z]+)$")
FOLDER_NAME = re.compile(r"^(?P<speaker>OAF|YAF)_(?P<emotion>[A-Za-z_]+)$", re.IGNORECASE)
EMOTIONS = CODES["tess"]  # code -> emotion


def read(root: Path, params: CorpusParams) -> Catalogue:
    """Speaker and emotion from ``<speaker>_<word>_<emotion>.wav``, checked against a ``<speaker>_<emotion>`` folder.

    A name that disagrees with its folder only in the speaker (``OAF_neutral/OA_bite_neutral.wav`` in
    the published copy) takes the folder's speaker and is reported as converted.
    """
    catalogue = CatalogueBuilder("emotion")
    for path, name in catalogue.named_files(audio_files(root), FILE_NAME, "<speaker>_<word>_<emotion>"):
        speaker, emotion = name["speaker"].upper(), EMOTIONS.get(name["emotion"].lower())
        if emotion is None:
            catalogue.problem(path, "bad_label", f"emotion {name['emotion']!r} is not one of {', '.join(EMOTIONS)}")
            continue
        folder = FOLDER_NAME.match(path.parent.name)
        if folder and EMOTIONS.get(folder["emotion"].lower()) != emotion:
            catalogue.problem(path, "bad_label", f"file name says {emotion}, folder {path.parent.name!r} disagrees")
            continue
        if folder and folder["speaker"].upper() != speaker:
            speaker = folder["speaker"].upper()
            catalogue.problem(path, "unknown_speaker", f"file name says speaker {name['speaker']!r}, folder "
                              f"{path.parent.name!r} says {speaker}: took the folder's", action="converted")
        if speaker not in SPEAKERS:
            catalogue.problem(path, "unknown_speaker", f"speaker {name['speaker']!r} is not one of {', '.join(SPEAKERS)}")
            continue
        catalogue.add(path.stem, path, speaker, emotion)
    return catalogue.build()
