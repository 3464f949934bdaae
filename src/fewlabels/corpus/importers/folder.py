"""Any corpus laid out as one folder per class; the speaker id is read from each file name by a regex."""
import re
from pathlib import Path

from fewlabels.corpus.layout import Catalogue, CatalogueBuilder, audio_files
from fewlabels.params import CorpusParams

LAYOUT = """\
<class>/<file>.wav|.flac|.ogg ...   (files in sub-folders of a class folder belong to it too)
corpus.folder_speaker: a regex whose group "speaker" finds the speaker id in the file name"""


def read(root: Path, params: CorpusParams) -> Catalogue:
    """Class = the top folder under ``root``; speaker = ``corpus.folder_speaker`` on the file name (without suffix)."""
    pattern = re.compile(params.folder_speaker)  # checked by params: has a group named speaker
    catalogue = CatalogueBuilder("class")
    for path in audio_files(root):
        relative = path.relative_to(root)
        if len(relative.parts) < 2:
            catalogue.problem(path, "unlabelled_file", "lies in corpus.path itself, not in a class folder")
            continue
        speaker = pattern.search(path.stem)
        if not speaker or not speaker["speaker"]:
            catalogue.problem(path, "unknown_speaker",
                              f"corpus.folder_speaker {params.folder_speaker!r} finds no speaker in {path.stem!r}")
            continue
        catalogue.add(relative.with_suffix("").as_posix(), path, speaker["speaker"], relative.parts[0])
    return catalogue.build()
