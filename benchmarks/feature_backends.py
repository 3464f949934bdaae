"""Time the "fast" and "pyaudioanalysis" feature backends side by side on generated clips; needs no pipeline data.

    PYTHONPATH=src python benchmarks/feature_backends.py [--clips 200] [--sample-rate 8000] [--repeats 3]

Clips are seeded 3.75 s speech-like signals plus noise (30,000 samples at 8 kHz). Times the 136
hand-crafted mid-term features (mid window = step = 1 s, short window = step = 0.05 s) and the
spectrogram (0.05 s windows) per clip and per minute of audio, on one core and on all cores
(joblib workers, as the feature stages run), and prints a markdown table with the speed-ups
of the fast backend and the largest differences between the backends' outputs. Each time is the
best of a few runs, the backends taking turns, so that other load on the machine counts least.
On all cores each worker gets a batch of clips, as a stage's worker gets whole utterances.
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


def one_core_seconds(featurize: Callable[..., np.ndarray], clips: np.ndarray, repeats: int) -> dict[str, float]:
    """Per backend, the fewest seconds in ``repeats`` rounds to featurise every clip of ``clips`` (n, samples) in a
    plain loop on one core, one BLAS thread; the backends take turns, round by round."""
    seconds = dict.fromkeys(BACKENDS, np.inf)
    with threadpool_limits(limits=1):
        for backend in BACKENDS:  # warm up: imports, cached tables
            featurize(clips[0], backend=backend)
        for _ in range(repeats):
            for backend in BACKENDS:
                start = time.perf_counter()
                for clip in clips:
                    featurize(clip, backend=backend)
                seconds[backend] = min(seconds[backend], time.perf_counter() - start)
    return seconds


def featurize_rows(featurize: Callable[..., np.ndarray], clips: np.ndarray, rows: np.ndarray, backend: str) -> None:
    for row in rows:
        featurize(clips[row], backend=backend)


def all_cores_seconds(featurize: Callable[..., np.ndarray], clips: np.ndarray, repeats: int) -> dict[str, float]:
    """Per backend, the fewest seconds in ``repeats`` runs to featurise every clip on all cores: joblib workers,
    each given a batch of clips (as a stage's worker reads whole utterances) from a memory-mapped array."""
    seconds = dict.fromkeys(BACKENDS, np.inf)
    batches = np.array_split(np.arange(len(clips)), 4 * (os.cpu_count() or 1))
    with Parallel(n_jobs=-1) as run:
        for round_ in range(repeats + 1):  # the first round starts the workers
            for backend in BACKENDS:
                start = time.perf_counter()
                run(delayed(featurize_rows)(featurize, clips, rows, backend) for rows in batches)
                if round_:
                    seconds[backend] = min(seconds[backend], time.perf_counter() - start)
    return seconds


def largest_differences(fast: np.ndarray, reference: np.ndarray) -> tuple[float, float]:
    """Largest |fast - reference| / |reference| over nonzero reference values, and largest |fast - reference|."""
    difference = np.abs(fast - reference)
    nonzero = reference != 0
    return float((difference[nonzero] / np.abs(reference[nonzero])).max()), float(difference.max())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clips", type=int, default=200, help="number of generated clips (default 200)")
    parser.add_argument("--sample-rate", type=int, default=8000, help="Hz (default 8000)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per timing, the best kept (default 3)")
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
            seconds = timer(featurize, clips, args.repeats)
            for backend in reversed(BACKENDS):
                print(f"| {family} | {backend} | {n_cores} | "
                      f"{1000 * seconds[backend] / args.clips:.2f} | {seconds[backend] / minutes:.3f} | "
                      f"{seconds['pyaudioanalysis'] / seconds[backend]:.1f}x |")
        outputs = {backend: np.stack([featurize(clip, backend=backend) for clip in clips]) for backend in BACKENDS}
        differences[family] = largest_differences(outputs["fast"], outputs["pyaudioanalysis"])
    print()
    for family, (relative, absolute) in differences.items():
        print(f"{family}: fast vs pyaudioanalysis, largest relative difference {relative:.1e}, "
              f"largest absolute difference {absolute:.1e}")


if __name__ == "__main__":
    main()
