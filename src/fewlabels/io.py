"""Atomic writers: a stage interrupted mid-write never leaves a half-written artifact for DVC to cache."""
import contextlib
import json
import os
import pickle
import shutil
import tempfile
import zipfile
from pathlib import Path

import pandas as pd

_UMASK = os.umask(0)
os.umask(_UMASK)


@contextlib.contextmanager
def atomic_path(path: str | Path):
    """Yield a temporary path next to ``path``; rename it onto ``path`` if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=f".tmp{path.suffix}")
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp creates files readable by their owner only
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


@contextlib.contextmanager
def atomic_directory(path: str | Path):
    """Yield a temporary directory next to ``path``; if the block succeeds, it replaces ``path`` (and an
    earlier directory there) by renames, so ``path`` is never a partly written directory."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"))
    try:
        yield tmp
        os.chmod(tmp, 0o777 & ~_UMASK)  # mkdtemp creates directories for their owner only
        old = path.with_name(f".{path.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        if path.exists():
            path.rename(old)
        tmp.rename(path)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_json(path: str | Path, data) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n")


def write_csv(path: str | Path, frame: pd.DataFrame) -> None:
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, index=False)


def read_pickle(path: str | Path) -> dict:
    with open(path, "rb") as f:
        return pickle.load(f)


def write_pickle(path: str | Path, data: dict) -> None:
    with atomic_path(path) as tmp, tmp.open("wb") as f:
        pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)


def write_keras(path: str | Path, model) -> None:
    """Save a Keras ``model`` to ``path`` (a .keras archive), the same bytes for the same model in any process:
    Keras stamps the save time into the archive (an entry's date, ``date_saved`` in its metadata), left out here,
    and numbers the objects layers share by their memory address, renumbered here in order of appearance."""
    with atomic_path(path) as tmp:
        model.save(tmp)
        with zipfile.ZipFile(tmp) as saved:
            entries = [(info, saved.read(info)) for info in saved.infolist()]
        with zipfile.ZipFile(tmp, "w") as archive:
            for info, data in entries:
                if info.filename == "metadata.json":
                    data = json.dumps({k: v for k, v in json.loads(data).items() if k != "date_saved"}).encode()
                elif info.filename == "config.json":
                    data = json.dumps(_renumbered(json.loads(data), {})).encode()
                archive.writestr(zipfile.ZipInfo(info.filename), data, compress_type=info.compress_type)


def _renumbered(config, ids: dict[int, int]):
    """``config`` (a Keras model's JSON config) with each ``shared_object_id`` replaced by its rank among the
    distinct ones, in order of appearance (``ids``: address -> rank so far)."""
    if isinstance(config, dict):
        return {key: ids.setdefault(value, len(ids)) if key == "shared_object_id" else _renumbered(value, ids)
                for key, value in config.items()}
    if isinstance(config, list):
        return [_renumbered(value, ids) for value in config]
    return config
