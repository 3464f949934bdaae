"""The whole handcrafted stage (start-up, reading, chunking, features on all cores, writing) with each
backend, side by side on the default corpus, and whether their outputs agree.

Runs ``python -m fewlabels.stages.handcrafted`` as a process in two scratch projects that share the
repository's splits and audio and differ only in ``handcrafted.backend``, in turns (pyaudioanalysis,
fast, pyaudioanalysis, ...), after one warm-up run each; the speed-up is the median of the per-pair
ratios, so a drift in the machine's speed affects both alike. Run after `dvc repro split`.

    python benchmarks/handcrafted_stage.py --rounds 5
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

from fewlabels.io import read_pickle

ROOT = Path(__file__).resolve().parents[1]
BACKENDS = ("pyaudioanalysis", "fast")
SPLITS = ("labelled", "test")


def project(scratch: Path, backend: str) -> Path:
    """A scratch project: the repository's data/splits and data/raw linked in, its params with ``backend``."""
    path = scratch / backend
    (path / "data").mkdir(parents=True)
    for name in ("splits", "raw"):
        (path / "data" / name).symlink_to(ROOT / "data" / name)
    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    params["handcrafted"]["backend"] = backend
    (path / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    return path


def run_stage(path: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "fewlabels.stages.handcrafted"], cwd=path, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        paths = {backend: project(Path(scratch), backend) for backend in BACKENDS}
        for path in paths.values():
            run_stage(path)  # warm-up: page cache, compiled bytecode
        seconds = {backend: [] for backend in BACKENDS}
        for _ in range(args.rounds):
            for backend in BACKENDS:
                seconds[backend].append(run_stage(paths[backend]))
        outputs = {backend: {split: read_pickle(path / f"data/features/{split}_hlf.pkl") for split in SPLITS}
                   for backend, path in paths.items()}
    chunks = sum(len(outputs["fast"][split]["X"]) for split in SPLITS)
    print(f"handcrafted stage on the labelled and test splits ({chunks} chunks), {os.cpu_count()} cores, "
          f"{args.rounds} rounds after a warm-up:")
    for backend in BACKENDS:
        times = seconds[backend]
        print(f"  {backend:<16} min {min(times):6.2f} s  median {statistics.median(times):6.2f} s  max {max(times):6.2f} s")
    ratios = [slow / fast for slow, fast in zip(seconds["pyaudioanalysis"], seconds["fast"])]
    print(f"  speed-up of fast, pair by pair: median {statistics.median(ratios):.1f}x "
          f"(min {min(ratios):.1f}x, max {max(ratios):.1f}x)")
    for split in SPLITS:
        a, b = outputs["pyaudioanalysis"][split], outputs["fast"][split]
        same_rows = all(a[key] == b[key] for key in ("utterance", "speaker", "classes", "feature_names")) and all(
            np.array_equal(a[key], b[key]) for key in ("y", "chunk"))
        differ = a["X"] != b["X"]
        print(f"  {split}: same rows {same_rows}; X values differing {differ.sum()} of {a['X'].size}: "
              f"{', '.join(f'{x:.3g} vs {y:.3g}' for x, y in zip(a['X'][differ], b['X'][differ]))}")


if __name__ == "__main__":
    main()
