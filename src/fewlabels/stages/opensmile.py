"""opensmile stage: the openSMILE sets of ``handcrafted.sets`` (eGeMAPS, ComParE 2016) per chunk of the labelled
and test splits, the same chunks in the same order as the other families, into data/features/opensmile/."""

from fewlabels import paths
from fewlabels.compute import work_on
from fewlabels.errors import run
from fewlabels.features.extract import extract, read_splits
from fewlabels.features.opensmile_sets import feature_names, opensmile_featurizer, split_sets
from fewlabels.io import atomic_directory, write_pickle
from fewlabels.params import load_params

SPLITS = ("labelled", "test")


def main() -> None:
    params = load_params()
    audio = params.audio
    sets = tuple(name for name in params.handcrafted.sets if name in paths.OPENSMILE_SETS)
    with atomic_directory(paths.OPENSMILE_FEATURES) as folder:
        if not sets:
            print("no openSMILE set in handcrafted.sets: nothing to compute")
            return
        rows, classes = read_splits(SPLITS, audio)
        featurize = opensmile_featurizer(sets, audio.sample_rate)
        with work_on(params.compute.scheduler):
            for split in SPLITS:
                artifact, _ = extract(rows[split], classes, featurize, sample_rate=audio.sample_rate,
                                      min_signal=audio.min_signal, short_signals=audio.short_signals,
                                      desc=f"openSMILE {split}")
                for name, X in split_sets(artifact["X"], sets).items():
                    write_pickle(folder / paths.features(split, name).name,
                                 {**artifact, "X": X, "feature_names": feature_names(name)})
                    print(f"{split:>10}: {X.shape[0]} chunks x {X.shape[1]} {name} functionals")


if __name__ == "__main__":
    run(main)
