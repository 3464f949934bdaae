"""Time the spectrogram and hand-crafted feature extraction per minute of audio, on 1 core and all cores.

Runs the stages' own code (read, resample, chunk, featurise) on the labelled split; run after
`dvc repro split`.

    python benchmarks/feature_stages.py
"""
import os
import time
from functools import partial

from fewlabels.features.extract import class_names, extract
from fewlabels.features.handcrafted import handcrafted_featurizer
from fewlabels.features.spectrogram import spectrogram_featurizer
from fewlabels.manifest import read_manifest
from fewlabels.params import load_params


def main() -> None:
    params = load_params()
    audio = params.audio
    rows = read_manifest("data/splits/labelled.csv")
    minutes = rows["duration_s"].sum() / 60
    featurizers = {"spectrograms": spectrogram_featurizer(params), "handcrafted": handcrafted_featurizer(params)}
    print(f"{len(rows)} utterances, {minutes:.1f} min of audio, {os.cpu_count()} cores")
    print(f"{'stage':>13} {'cores':>5} {'s':>7} {'s / min audio':>14} {'ms / chunk':>11}")
    for name, featurize in featurizers.items():
        run = partial(extract, classes=class_names(rows), featurize=featurize, sample_rate=audio.sample_rate,
                      min_signal=audio.min_signal, short_signals=audio.short_signals, desc=name)
        run(rows.head(20), n_jobs=-1)  # start the worker processes first: a stage pays this once
        for n_jobs in (1, -1):
            start = time.perf_counter()
            artifact, _ = run(rows, n_jobs=n_jobs)
            seconds = time.perf_counter() - start
            cores = 1 if n_jobs == 1 else os.cpu_count()
            print(f"{name:>13} {cores:>5} {seconds:7.2f} {seconds / minutes:14.3f} "
                  f"{1000 * seconds / len(artifact['X']):11.2f}")


if __name__ == "__main__":
    main()
