"""The manifest: one row per utterance with its audio checked, the input of every later stage."""
from pathlib import Path

import pandas as pd
from joblib import Parallel, delayed
from tqdm import tqdm

from fewlabels.audio import AudioError, probe

COLUMNS = ["utterance", "path", "label", "speaker", "duration_s", "sample_rate"]
BAD_AUDIO_COLUMNS = ["utterance", "path", "reason"]


def read_manifest(path: str | Path) -> pd.DataFrame:
    """Read a manifest or split CSV with ids kept as strings (a speaker "007" stays "007")."""
    return pd.read_csv(path, dtype={"utterance": str, "path": str, "label": str, "speaker": str})


def _probe_or_reason(path: Path):
    try:
        return probe(path)
    except AudioError as error:
        return error


def check_audio(entries: pd.DataFrame, on_bad_audio: str = "error", n_jobs: int = -1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Decode every file of ``entries`` (columns utterance, path, label, speaker) and add duration and rate.

    Returns ``(manifest, bad)``: the manifest in :data:`COLUMNS`, and the rows left out with their
    reason. With ``on_bad_audio="error"`` the first bad file raises :class:`AudioError` instead.
    """
    if on_bad_audio not in ("error", "skip"):
        raise ValueError(f"on_bad_audio must be 'error' or 'skip', got {on_bad_audio!r}")
    duplicated = entries["utterance"][entries["utterance"].duplicated()]
    if len(duplicated):
        raise ValueError(f"utterance ids must be unique; repeated: {', '.join(map(str, duplicated.unique()[:5]))}")
    results = Parallel(n_jobs=n_jobs, prefer="threads", return_as="generator")(
        delayed(_probe_or_reason)(Path(path)) for path in entries["path"])
    infos = list(tqdm(results, total=len(entries), desc="checking audio", unit="file"))
    bad_mask = [isinstance(info, AudioError) for info in infos]
    if any(bad_mask) and on_bad_audio == "error":
        raise next(info for info in infos if isinstance(info, AudioError))
    good = [info for info in infos if not isinstance(info, AudioError)]
    keep = ~pd.Series(bad_mask, index=entries.index)
    manifest = entries.loc[keep, ["utterance", "path", "label", "speaker"]].assign(
        duration_s=[round(info.duration_s, 4) for info in good],
        sample_rate=[info.sample_rate for info in good],
    )
    bad = entries.loc[~keep, ["utterance", "path"]].assign(
        reason=[info.reason for info in infos if isinstance(info, AudioError)])
    return manifest.reset_index(drop=True), bad.reset_index(drop=True)
