"""split stage: speaker-independent labelled / test / unlabelled split of the manifest."""

from fewlabels import paths
from fewlabels.compare.draws import check_network_grids, drawn_grids
from fewlabels.errors import run
from fewlabels.io import write_csv, write_json
from fewlabels.manifest import read_manifest
from fewlabels.params import load_params
from fewlabels.split import exclude_classes, fold_speakers, speaker_split, split_metrics


def main() -> None:
    everything = load_params()
    params = everything.split
    manifest, excluded = exclude_classes(read_manifest(paths.MANIFEST), params.exclude_classes)
    folded = params.folds is not None
    targets = {"labelled": params.labelled_per_class, "test": None if folded else params.test_per_class,
               "unlabelled": params.unlabelled_per_class}
    tested = (fold_speakers(manifest[manifest["label"].notna()], params.folds, params.fold, params.seed)
              if folded else None)
    splits, unused = speaker_split(manifest, targets, params.seed, params.partitions, tested)
    sizes = splits["labelled"]["label"].value_counts()  # the count budgets follow the biggest labelled class
    check_network_grids(everything.network_budgets,
                        drawn_grids(everything.draws.fraction_step, everything.draws.largest_count, list(sizes)),
                        f"the split's biggest class has {sizes.max()} labelled utterances")
    for name, rows in splits.items():
        write_csv(paths.split_table(name), rows)
    summary = split_metrics(splits, unused, excluded, targets)
    if folded:
        summary["folds"] = {"folds": params.folds, "fold": params.fold}
    write_json(paths.metrics("split"), summary)
    if folded:
        print(f"fold {params.fold} of {params.folds}: its {len(tested)} speakers are the test split")
    for name in (*splits, "unused"):
        counts = summary[name]
        print(f"{name:>10}: {counts['utterances']:5d} utterances, {counts['speakers']:3d} speakers, {counts['per_class']}")
    for name, short in summary["shortfall"].items():
        print(f"warning: the {name} split has fewer utterances than its quota: {short} short")
    if summary["excluded_classes"]:
        print(f"left out by split.exclude_classes: {summary['excluded_classes']} utterances")


if __name__ == "__main__":
    run(main)
