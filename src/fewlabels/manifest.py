"""The manifest: one row per utterance with its audio checked, the input of every later stage."""
import hashlib
from pathlib import Path

import pandas as pd
from joblib import Parallel, delayed
from tqdm import tqdm

from fewlabels.audio import AudioError, AudioInfo, probe

COLUMNS = ["utterance", "path", "label", "speaker", "speaker_is_proxy", "partition", "source_label", "duration_s",
           "frames", "sample_rate", "channels", "md5"]
ID_COLUMNS = ("utterance", "path", "label", "speaker", "partition", "source_label", "md5")
# speaker_is_proxy: the corpus names no speaker, the id stands in for one (MSP-Podcast: the podcast);
# frames: samples per channel at the native sample_rate
TYPED_COLUMNS = {"speaker_is_proxy": bool, "frames": int}


def read_manifest(path: str | Path) -> pd.DataFrame:
    """Read a manifest or split CSV with ids kept as strings (a speaker "007" stays "007"), ``speaker_is_proxy``
    as bool and ``frames`` as int; no label is NaN."""
    return pd.read_csv(path, dtype={**{column: str for column in ID_COLUMNS}, **TYPED_COLUMNS}, keep_default_na=False,
                       na_values={"label": [""]})


def _probe_with_md5(path: Path) -> tuple[AudioInfo, str] | AudioError:
    try:
        info = probe(path)
    except AudioError as error:
        return error
    return info, hashlib.md5(path.read_bytes()).hexdigest()


def probe_files(paths: list[str], n_jobs: int = -1) -> list[tuple[AudioInfo, str] | AudioError]:
    """Decode every file (threads) to check it: its :class:`AudioInfo` and MD5, or the :class:`AudioError`."""
    results = Parallel(n_jobs=n_jobs, prefer="threads", return_as="generator")(
        delayed(_probe_with_md5)(Path(path)) for path in paths)
    return list(tqdm(results, total=len(paths), desc="checking audio", unit="file"))
