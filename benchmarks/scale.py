"""Time and peak memory of spectrograms, train_autoencoder (one epoch) and code_features as the unlabelled
set grows towards ESC-US's 250,000 clips.

For each N it writes N unlabelled 5 s clips (noise bursts and tones with random envelopes, at
audio.sample_rate), small labelled and test splits, and runs the real stage modules as processes in a
scratch project. Peak RSS is the largest sum over the stage's process tree (the stage and its joblib
workers), sampled every 50 ms with psutil. Prints a table, then the least-squares slope of seconds
against N per stage and the extrapolation to 250,000 clips.

    python benchmarks/scale.py --sizes 10000 50000 --scratch /tmp/fewlabels-scale
"""
import argparse
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil
import soundfile
import yaml
from joblib import Parallel, delayed

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("spectrograms", "train_autoencoder", "code_features")
CLIP_S = 5.0
LABELLED = TEST = 150  # clips of the small labelled and test splits, three classes
ESC_US = 250_000


def clip(index: int, sample_rate: int) -> np.ndarray:
    """A 5 s int16 signal, seeded by ``index``: a few noise bursts and tones under random envelopes."""
    rng = np.random.default_rng(index)
    n = int(CLIP_S * sample_rate)
    t = np.arange(n) / sample_rate
    signal = 0.01 * rng.standard_normal(n)
    for _ in range(rng.integers(1, 5)):
        start, length = rng.integers(0, n // 2), rng.integers(n // 10, n // 2)
        envelope = np.zeros(n)
        envelope[start:start + length] = np.hanning(length)[: n - start]
        if rng.random() < 0.5:
            event = rng.standard_normal(n)
        else:
            event = np.sin(2 * np.pi * rng.uniform(80, sample_rate / 3) * t * (1 + rng.uniform(-0.1, 0.1) * t))
        signal += rng.uniform(0.1, 0.5) * envelope * event
    return (np.clip(signal, -1, 1) * 32767).astype(np.int16)


def write_clips(directory: Path, first: int, count: int, sample_rate: int) -> list[str]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(first, first + count):
        path = directory / f"clip{i:06d}.wav"
        if not path.exists():
            soundfile.write(path, clip(i, sample_rate), sample_rate, subtype="PCM_16")
        paths.append(str(path))
    return paths


def clips(directory: Path, n: int, sample_rate: int, offset: int = 0) -> list[str]:
    """Paths of ``n`` clips (made once, re-used by larger N), written on all cores."""
    step = 2000
    batches = Parallel(n_jobs=-1)(delayed(write_clips)(directory / f"{i // 10_000:03d}", i, min(step, n - i + offset),
                                                       sample_rate) for i in range(offset, offset + n, step))
    return [path for batch in batches for path in batch]


def split(paths: list[str], labelled: bool, sample_rate: int) -> pd.DataFrame:
    names = [Path(p).stem for p in paths]
    return pd.DataFrame({
        "utterance": names, "path": paths,
        "label": [("negative", "neutral", "positive")[i % 3] for i in range(len(paths))] if labelled else None,
        "speaker": [f"spk{i % 15:02d}" for i in range(len(paths))] if labelled else [f"unlabelled/{n}" for n in names],
        "duration_s": CLIP_S, "sample_rate": sample_rate, "frames": int(CLIP_S * sample_rate), "channels": 1,
        "md5": "", "speaker_is_proxy": False, "partition": "", "source_label": ""})


def run_stage(stage: str, project: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (GB) of the process tree of ``python -m fewlabels.stages.<stage>``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "TF_CPP_MIN_LOG_LEVEL": "2"}
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", f"fewlabels.stages.{stage}"], cwd=project, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak, done = 0, threading.Event()

    def sample() -> None:
        nonlocal peak
        root = psutil.Process(process.pid)
        while not done.is_set():
            try:
                tree = [root, *root.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    done.set()
    sampler.join()
    if process.returncode:
        raise SystemExit(f"{stage} failed:\n{stderr[-3000:]}")
    return time.perf_counter() - start, peak / 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/fewlabels-scale"))
    parser.add_argument("--keep", action="store_true", help="keep the clips and shards afterwards")
    args = parser.parse_args()
    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    params["autoencoder"].update(max_epochs=1)  # one epoch per N: time per clip, not convergence
    sample_rate = params["audio"]["sample_rate"]
    audio = args.scratch / "audio"
    small = clips(audio / "small", LABELLED + TEST, sample_rate, offset=10_000_000)
    results = []
    print(f"{os.cpu_count()} cores; {CLIP_S:g} s clips at {sample_rate} Hz; shard_size "
          f"{params['spectrogram']['shard_size']}; {params['autoencoder']['architecture']}, one epoch", flush=True)
    for n in args.sizes:
        start = time.perf_counter()
        unlabelled = clips(audio / "unlabelled", n, sample_rate)
        made = time.perf_counter() - start
        project = args.scratch / f"project-{n}"
        shutil.rmtree(project, ignore_errors=True)
        (project / "data/splits").mkdir(parents=True)
        (project / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
        split(small[:LABELLED], True, sample_rate).to_csv(project / "data/splits/labelled.csv", index=False)
        split(small[LABELLED:], True, sample_rate).to_csv(project / "data/splits/test.csv", index=False)
        split(unlabelled, False, sample_rate).to_csv(project / "data/splits/unlabelled.csv", index=False)
        shards = 0
        for stage in STAGES:
            seconds, peak = run_stage(stage, project)
            if stage == "spectrograms":
                shards = len(list((project / "data/spectrograms/unlabelled").glob("shard-*.pkl")))
            results.append({"N": n, "stage": stage, "s": seconds, "ms per clip": 1000 * seconds / n,
                            "peak RSS GB": peak, "shards": shards})
            print(f"N {n:>7}  {stage:<17} {seconds:8.1f} s  {1000 * seconds / n:6.2f} ms/clip  "
                  f"peak RSS {peak:5.2f} GB  ({shards} shards; clips made in {made:.0f} s)", flush=True)
        if not args.keep:
            shutil.rmtree(project)
    table = pd.DataFrame(results)
    print("\n" + table.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    print(f"\nleast-squares fit s = a + b N per stage, extrapolated to {ESC_US:,} clips:")
    for stage, rows in table.groupby("stage", sort=False):
        if rows["N"].nunique() < 2:
            continue
        slope, intercept = np.polyfit(rows["N"], rows["s"], 1)
        print(f"  {stage:<17} b = {1000 * slope:6.3f} ms per clip, a = {intercept:6.1f} s -> "
              f"{(intercept + slope * ESC_US) / 60:6.1f} min at {ESC_US:,}; peak RSS at most "
              f"{rows['peak RSS GB'].max():.2f} GB")
    if not args.keep:
        shutil.rmtree(audio)


if __name__ == "__main__":
    main()
