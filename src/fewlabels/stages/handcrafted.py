"""handcrafted stage: the 136 pyAudioAnalysis mid-term features per chunk of the labelled and test splits."""

from fewlabels import paths
from fewlabels.compute import work_on
from fewlabels.errors import run
from fewlabels.features.extract import extract, read_splits
from fewlabels.features.handcrafted import FEATURE_NAMES, handcrafted_featurizer
from fewlabels.io import write_pickle
from fewlabels.params import load_params

SPLITS = ("labelled", "test")


def main() -> None:
    params = load_params()
    audio = params.audio
    rows, classes = read_splits(SPLITS, audio)
    featurize = handcrafted_featurizer(params.handcrafted, audio.sample_rate)
    with work_on(params.compute.scheduler):
        for name in SPLITS:
            artifact, _ = extract(rows[name], classes, featurize, sample_rate=audio.sample_rate,
                                  min_signal=audio.min_signal, short_signals=audio.short_signals,
                                  desc=f"hand-crafted {name}")
            write_pickle(paths.features(name, "handcrafted"), {**artifact, "feature_names": FEATURE_NAMES})
            print(f"{name:>10}: {artifact['X'].shape[0]} chunks x {artifact['X'].shape[1]} features")


if __name__ == "__main__":
    run(main)
