"""Any corpus laid out as one folder per class; the speaker id is read from each file name by a regex."""
from pathlib import Path

from fewlabels.corpus.layout import Catalogue, CatalogueBuilder, audio_files
from fewlabels.corpus.params import CorpusParams

LAYOUT = """\
<class>/<file>.wav|.flac|.ogg ...   (files in sub-folders of a class folder belong to it too)
corpus.folder_speaker: a regex whose group "speaker" finds the speaker id in the file name"""


def read(root: Path, params: CorpusParams) -> Catalogue:
    """Class = the top folder under ``root``; speaker = ``corpus.folder_speaker`` on the file name (without suffix)."""
    catalogue = CatalogueBuilder("class")
    for path in audio_files(root):
        relative = path.relative_to(root)
        if len(relative.parts) < 2:
            catalogue.problem(path, "unlabelled_file", "lies in corpus.path itself, not in a class folder")
            continue
        speaker = catalogue.regex_speaker(path, params.folder_speaker, path.stem, "corpus.folder_speaker")
        if speaker:
            catalogue.add(relative.with_suffix("").as_posix(), path, speaker, relative.parts[0])
    return catalogue.build()
