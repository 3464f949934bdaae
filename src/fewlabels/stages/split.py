"""split stage: speaker-independent labelled / test / unlabelled split of the manifest."""
from pathlib import Path

from fewlabels.io import write_csv, write_json
from fewlabels.manifest import read_manifest
from fewlabels.params import load_params
from fewlabels.split import speaker_split, summarise
from fewlabels.stages import run

MANIFEST = Path("data/manifest.csv")
SPLITS_DIR = Path("data/splits")
METRICS = Path("metrics/split.json")


def main() -> None:
    params = load_params().split
    manifest = read_manifest(MANIFEST)
    targets = {"labelled": params.labelled_per_class, "test": params.test_per_class,
               "unlabelled": params.unlabelled_per_class}
    splits, unused = speaker_split(manifest, targets, params.seed, params.partitions)
    for name, rows in splits.items():
        write_csv(SPLITS_DIR / f"{name}.csv", rows)
    summary = summarise(splits, unused)
    write_json(METRICS, summary)
    for name, counts in summary.items():
        print(f"{name:>10}: {counts['utterances']:5d} utterances, {counts['speakers']:3d} speakers, {counts['per_class']}")


if __name__ == "__main__":
    run(main)
