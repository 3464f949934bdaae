"""spectrograms stage: a scaled spectrogram per fixed-size chunk of every split, and the data counts.

Labelled and test go to one pickle each; the unlabelled split, which can be ESC-US-sized, is streamed
into a directory of pickle shards of ``spectrogram.shard_size`` chunks.
"""

from fewlabels import paths
from fewlabels.compute import work_on
from fewlabels.errors import run
from fewlabels.features.extract import extract, extract_to_shards, read_splits
from fewlabels.features.spectrogram import spectrogram_featurizer
from fewlabels.io import write_json, write_pickle
from fewlabels.params import load_params

SPLITS = ("labelled", "test", "unlabelled")
SHARDED = "unlabelled"


def main() -> None:
    params = load_params()
    audio = params.audio
    rows, classes = read_splits(SPLITS, audio)
    featurize = spectrogram_featurizer(params.spectrogram, audio.sample_rate)
    chunking = {"sample_rate": audio.sample_rate, "min_signal": audio.min_signal,
                "short_signals": audio.short_signals}
    counts = {}
    with work_on(params.compute.scheduler):
        for name in SPLITS:
            if name == SHARDED:
                counts[name] = extract_to_shards(rows[name], classes, featurize, paths.UNLABELLED_SPECTROGRAMS,
                                                 params.spectrogram.shard_size, desc=f"spectrograms {name}",
                                                 **chunking)
                chunks = sum(per_class["chunks"] for per_class in counts[name].values())
                print(f"{name:>10}: {chunks} chunks in shards of {params.spectrogram.shard_size}")
                continue
            artifact, counts[name] = extract(rows[name], classes, featurize, desc=f"spectrograms {name}", **chunking)
            write_pickle(paths.spectrograms(name), artifact)
            print(f"{name:>10}: {artifact['X'].shape[0]} chunks of shape {artifact['X'].shape[1:]}")
    totals = {name: {key: sum(c[key] for c in per_class.values()) for key in next(iter(per_class.values()))}
              for name, per_class in counts.items()}
    write_json(paths.metrics("data"), {name: {"total": totals[name], "per_class": counts[name]} for name in SPLITS})
    for name in SPLITS:
        print(f"{name:>10}: {totals[name]}")


if __name__ == "__main__":
    run(main)
