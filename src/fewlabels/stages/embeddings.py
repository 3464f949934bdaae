"""embeddings stage: a pretrained speech model's frozen embeddings (``embeddings.preset``) per chunk of the labelled
and test splits, the same chunks in the same order as the other families, read from the audio at the model's own
rate, into data/features/embeddings/ (empty without a preset)."""

from fewlabels import paths
from fewlabels.errors import run
from fewlabels.features.embeddings import embedding_featurizer, feature_names
from fewlabels.features.extract import extract, read_splits
from fewlabels.io import atomic_directory, write_pickle
from fewlabels.params import load_params

SPLITS = ("labelled", "test")


def main() -> None:
    params = load_params()
    audio, preset = params.audio, params.embeddings.preset
    with atomic_directory(paths.EMBEDDING_FEATURES) as folder:
        if preset is None:
            print("embeddings.preset is null: no pretrained model's embeddings")
            return
        rows, classes = read_splits(SPLITS, audio)
        featurize, rate = embedding_featurizer(preset, audio.min_signal / audio.sample_rate)
        for split in SPLITS:  # in this process, whose TensorFlow uses every core: no worker processes, no Dask
            artifact, _ = extract(rows[split], classes, featurize, sample_rate=audio.sample_rate,
                                  min_signal=audio.min_signal, short_signals=audio.short_signals,
                                  desc=f"embeddings {split}", read_rate=rate, n_jobs=1)
            write_pickle(folder / paths.features(split, paths.EMBEDDINGS).name,
                         {**artifact, "feature_names": feature_names(artifact["X"].shape[1] // 2)})
            print(f"{split:>10}: {artifact['X'].shape[0]} chunks x {artifact['X'].shape[1]} pooled embeddings of "
                  f"{preset} at {rate} Hz")


if __name__ == "__main__":
    run(main)
