"""Time the "fast" and "pyaudioanalysis" feature backends side by side: the features on generated clips, or the
whole handcrafted stage as a process.

    PYTHONPATH=src python benchmarks/feature_backends.py [--clips 200] [--sample-rate 8000] [--repeats 3]
    PYTHONPATH=src python benchmarks/feature_backends.py --stage [--rounds 5] [--project .]

Clips are seeded 3.75 s speech-like signals plus noise (30,000 samples at 8 kHz); this needs no pipeline data.
Times the 136 hand-crafted mid-term features (mid window = step = 1 s, short window = step = 0.05 s) and the
spectrogram (0.05 s windows) per clip and per minute of audio, on one core and on all cores
(joblib workers, as the feature stages run), and prints a markdown table with the speed-ups
of the fast backend and the largest differences between the backends' outputs. On one core the
backends take turns on batches of 25 clips and the speed-up is the median of their ratios on the
same batches (the speed of a shared machine drifts over minutes); on all cores each worker gets a
batch of clips, as a stage's worker gets whole utterances, and each time is the best of a few runs.
One core means one BLAS thread too: OpenBLAS would otherwise spin a thread per core for the
fast backend's small matrix products (joblib's workers get one thread each anyway).

``--stage`` times the whole handcrafted stage instead (start-up, reading, chunking, features on all cores,
writing): ``python -m fewlabels.stages.handcrafted`` as a process, in two scratch projects that share the
splits and audio of ``--project`` (a project where ``dvc repro split`` has run; the repository by default)
and differ only in ``handcrafted.backend``. After one warm-up run each, the backends take turns
(pyaudioanalysis, fast, pyaudioanalysis, ...) for ``--rounds`` rounds; the speed-up is the median of the
per-round ratios, so a drift in the machine's speed affects both alike. It also prints whether the two
backends' feature pickles agree.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import yaml
from joblib import Parallel, delayed
from threadpoolctl import threadpool_limits

from fewlabels.features.handcrafted import mid_term_features
from fewlabels.features.spectrogram import BACKENDS, spectrogram
from fewlabels.io import read_pickle

ROOT = Path(__file__).resolve().parents[1]
SPLITS = ("labelled", "test")  # what the handcrafted stage featurises

CLIP_S = 3.75


def speech_like_clip(sample_rate: int, seed: int) -> np.ndarray:
    """A CLIP_S-second int16-range clip (n,): harmonics of a gliding 90-250 Hz voice, syllable-rate AM, and noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(round(CLIP_S * sample_rate)) / sample_rate
    f0 = rng.uniform(90, 250) * (1 + 0.05 * np.sin(2 * np.pi * rng.uniform(3, 6) * t))
    phase = 2 * np.pi * np.cumsum(f0) / sample_rate
    voice = sum(np.sin(k * phase) / k for k in range(1, 16))
    syllables = 0.5 * (1 + np.sin(2 * np.pi * rng.uniform(2, 5) * t))
    return np.clip(5000 * syllables * voice + rng.normal(0, 500, t.size), -32768, 32767)


def one_core_seconds(featurize: Callable[..., np.ndarray], clips: np.ndarray, repeats: int,
                     batch: int = 25) -> tuple[dict[str, float], float]:
    """Seconds per clip of each backend in a plain loop on one core (one BLAS thread), and the median speed-up.

    The backends take turns on batches of ``batch`` clips, ``repeats`` times over ``clips`` (n, samples),
    so that both meet the same machine load: this shared machine's speed drifts over minutes. The
    speed-up is the median, over the batches, of the ratio of their times on the same clips.
    """
    totals = dict.fromkeys(BACKENDS, 0.0)
    ratios = []
    with threadpool_limits(limits=1):
        for backend in BACKENDS:  # warm up: imports, cached tables
            featurize(clips[0], backend=backend)
        for round_ in range(repeats):
            for start in range(0, len(clips), batch):
                seconds = {}
                for backend in BACKENDS[::1 if (round_ + start // batch) % 2 else -1]:
                    began = time.perf_counter()
                    for clip in clips[start:start + batch]:
                        featurize(clip, backend=backend)
                    seconds[backend] = time.perf_counter() - began
                    totals[backend] += seconds[backend]
                ratios.append(seconds["pyaudioanalysis"] / seconds["fast"])
    return {backend: total / (repeats * len(clips)) for backend, total in totals.items()}, float(np.median(ratios))


def featurize_rows(featurize: Callable[..., np.ndarray], clips: np.ndarray, rows: np.ndarray, backend: str) -> None:
    for row in rows:
        featurize(clips[row], backend=backend)


def all_cores_seconds(featurize: Callable[..., np.ndarray], clips: np.ndarray, repeats: int) -> tuple[dict[str, float], float]:
    """Seconds per clip of each backend on all cores, and the speed-up: joblib workers, each given a batch of
    clips (as a stage's worker reads whole utterances) from a memory-mapped array; the fewest seconds of
    ``repeats`` runs, the backends taking turns."""
    seconds = dict.fromkeys(BACKENDS, np.inf)
    batches = np.array_split(np.arange(len(clips)), 4 * (os.cpu_count() or 1))
    with Parallel(n_jobs=-1) as run:
        for round_ in range(repeats + 1):  # the first round starts the workers
            for backend in BACKENDS:
                start = time.perf_counter()
                run(delayed(featurize_rows)(featurize, clips, rows, backend) for rows in batches)
                if round_:
                    seconds[backend] = min(seconds[backend], time.perf_counter() - start)
    return {backend: total / len(clips) for backend, total in seconds.items()}, seconds["pyaudioanalysis"] / seconds["fast"]


def largest_differences(fast: np.ndarray, reference: np.ndarray) -> tuple[float, float]:
    """Largest |fast - reference| / |reference| over nonzero reference values, and largest |fast - reference|."""
    difference = np.abs(fast - reference)
    nonzero = reference != 0
    return float((difference[nonzero] / np.abs(reference[nonzero])).max()), float(difference.max())


def stage_project(scratch: Path, source: Path, backend: str) -> Path:
    """A scratch project: ``source``'s data/splits and data/raw linked in, its params with ``backend``."""
    path = scratch / backend
    (path / "data").mkdir(parents=True)
    for name in ("splits", "raw"):
        (path / "data" / name).symlink_to(source / "data" / name)
    params = yaml.safe_load((source / "params.yaml").read_text())
    params["handcrafted"]["backend"] = backend
    (path / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    return path


def run_stage(path: Path) -> float:
    """Seconds of one ``python -m fewlabels.stages.handcrafted`` process in ``path``, this checkout's code."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "fewlabels.stages.handcrafted"], cwd=path, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # stderr: progress bars
    seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"the handcrafted stage failed in {path}:\n{done.stderr}")
    return seconds


def time_stage(source: Path, rounds: int) -> None:
    """Print the handcrafted stage's seconds with each backend, the pair-by-pair speed-up, and whether they agree."""
    source = source.resolve()
    if not (source / "data" / "splits" / "labelled.csv").is_file():
        raise SystemExit(f"{source}/data/splits has no labelled.csv: run `dvc repro split` there, or pass --project")
    with tempfile.TemporaryDirectory() as scratch:
        paths = {backend: stage_project(Path(scratch), source, backend) for backend in BACKENDS}
        for path in paths.values():
            run_stage(path)  # warm-up: page cache, compiled bytecode
        seconds = {backend: [] for backend in BACKENDS}
        for _ in range(rounds):
            for backend in reversed(BACKENDS):  # pyaudioanalysis, fast, pyaudioanalysis, ...
                seconds[backend].append(run_stage(paths[backend]))
        outputs = {backend: {split: read_pickle(path / f"data/features/{split}_hlf.pkl") for split in SPLITS}
                   for backend, path in paths.items()}
    chunks = sum(len(outputs["fast"][split]["X"]) for split in SPLITS)
    print(f"handcrafted stage as a process on the labelled and test splits of {source} ({chunks} chunks), "
          f"{os.cpu_count()} cores, {rounds} rounds after a warm-up:\n")
    print("| backend | median | min–max |")
    print("|---|---:|---:|")
    for backend in reversed(BACKENDS):
        times = seconds[backend]
        print(f"| {backend} | {statistics.median(times):.2f} s | {min(times):.2f}–{max(times):.2f} s |")
    ratios = [slow / fast for slow, fast in zip(seconds["pyaudioanalysis"], seconds["fast"])]
    print(f"| speed-up of fast, pair by pair | **{statistics.median(ratios):.1f}x** | "
          f"{min(ratios):.1f}–{max(ratios):.1f}x |\n")
    for split in SPLITS:
        a, b = outputs["pyaudioanalysis"][split], outputs["fast"][split]
        same_rows = all(a[key] == b[key] for key in ("utterance", "speaker", "classes", "feature_names")) and all(
            np.array_equal(a[key], b[key]) for key in ("y", "chunk"))
        differ = a["X"] != b["X"]
        print(f"{split}: same rows {same_rows}; X values differing {differ.sum()} of {a['X'].size}: "
              f"{', '.join(f'{x:.3g} vs {y:.3g}' for x, y in zip(a['X'][differ], b['X'][differ]))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clips", type=int, default=200, help="number of generated clips (default 200)")
    parser.add_argument("--sample-rate", type=int, default=8000, help="Hz (default 8000)")
    parser.add_argument("--repeats", type=int, default=3, help="passes over the clips per timing (default 3)")
    parser.add_argument("--stage", action="store_true", help="time the whole handcrafted stage as a process instead")
    parser.add_argument("--rounds", type=int, default=5, help="--stage: rounds after the warm-up (default 5)")
    parser.add_argument("--project", type=Path, default=ROOT,
                        help="--stage: the project whose data/splits, data/raw and params.yaml are used (default: "
                             "this repository)")
    args = parser.parse_args()
    if args.stage:
        time_stage(args.project, args.rounds)
        return
    clips = np.stack([speech_like_clip(args.sample_rate, seed) for seed in range(args.clips)])
    minutes = args.clips * CLIP_S / 60
    cores = os.cpu_count()
    families = {
        "hand-crafted": partial(mid_term_features, sample_rate=args.sample_rate, mid_window_s=1.0, mid_step_s=1.0,
                                short_window_s=0.05, short_step_s=0.05),
        "spectrogram": partial(spectrogram, sample_rate=args.sample_rate, window_s=0.05),
    }
    print(f"{args.clips} clips of {CLIP_S} s at {args.sample_rate} Hz ({minutes:.1f} min of audio), {cores} cores\n")
    print("| features | backend | cores | ms / clip | s / min of audio | speed-up |")
    print("|---|---|---:|---:|---:|---:|")
    differences = {}
    for family, featurize in families.items():
        for n_cores, timer in ((1, one_core_seconds), (cores, all_cores_seconds)):
            seconds, speed_up = timer(featurize, clips, args.repeats)
            for backend in reversed(BACKENDS):
                print(f"| {family} | {backend} | {n_cores} | {1000 * seconds[backend]:.2f} | "
                      f"{seconds[backend] * args.clips / minutes:.3f} | "
                      f"{speed_up if backend == 'fast' else 1.0:.1f}x |")
        outputs = {backend: np.stack([featurize(clip, backend=backend) for clip in clips]) for backend in BACKENDS}
        differences[family] = largest_differences(outputs["fast"], outputs["pyaudioanalysis"])
    print()
    for family, (relative, absolute) in differences.items():
        print(f"{family}: fast vs pyaudioanalysis, largest relative difference {relative:.1e}, "
              f"largest absolute difference {absolute:.1e}")


if __name__ == "__main__":
    main()
