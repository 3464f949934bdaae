"""Time the "fast" and "pyaudioanalysis" feature backends side by side on generated clips; needs no pipeline data.

    PYTHONPATH=src python benchmarks/feature_backends.py [--clips 200] [--sample-rate 8000] [--repeats 3]

Clips are seeded 3.75 s speech-like signals plus noise (30,000 samples at 8 kHz). Times the 136
hand-crafted mid-term features (mid window = step = 1 s, short window = step = 0.05 s) and the
spectrogram (0.05 s windows) per clip and per minute of audio, on one core and on all cores
(joblib workers, as the feature stages run), and prints a markdown table with the speed-ups
of the fast backend and the largest differences between the backends' outputs. On one core the
backends take turns on batches of 25 clips and the speed-up is the median of their ratios on the
same batches (the speed of a shared machine drifts over minutes); on all cores each worker gets a
batch of clips, as a stage's worker gets whole utterances, and each time is the best of a few runs.
One core means one BLAS thread too: OpenBLAS would otherwise spin a thread per core for the
fast backend's small matrix products (joblib's workers get one thread each anyway).
"""
import argparse
import os
import time
from collections.abc import Callable
from functools import partial

import numpy as np
from joblib import Parallel, delayed
from threadpoolctl import threadpool_limits

from fewlabels.features.handcrafted import mid_term_features
from fewlabels.features.spectrogram import BACKENDS, spectrogram

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clips", type=int, default=200, help="number of generated clips (default 200)")
    parser.add_argument("--sample-rate", type=int, default=8000, help="Hz (default 8000)")
    parser.add_argument("--repeats", type=int, default=3, help="passes over the clips per timing (default 3)")
    args = parser.parse_args()
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
