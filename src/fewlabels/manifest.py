"""The manifest: one row per utterance with its audio checked, the input of every later stage."""
import hashlib
from pathlib import Path

import pandas as pd
from joblib import Parallel, delayed
from tqdm import tqdm

from fewlabels.audio import AudioError, AudioInfo, probe

COLUMNS = ["utterance", "path", "label", "speaker", "partition", "source_label", "duration_s", "sample_rate",
           "channels", "md5"]
ID_COLUMNS = ("utterance", "path", "label", "speaker", "partition", "source_label", "md5")


def read_manifest(path: str | Path) -> pd.DataFrame:
    """Read a manifest or split CSV with ids kept as strings (a speaker "007" stays "007"); no label is NaN."""
    return pd.read_csv(path, dtype={column: str for column in ID_COLUMNS}, keep_default_na=False,
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
