"""draws stage: every labelled subset (axis, budget, repeat, utterance) that every method trains on."""

from fewlabels import paths
from fewlabels.compare.draws import all_draws, utterances_by_class
from fewlabels.errors import run
from fewlabels.io import read_pickle, write_csv
from fewlabels.params import load_params


def main() -> None:
    params = load_params().draws
    labelled = read_pickle(paths.features("labelled", "handcrafted"))
    by_class = utterances_by_class(labelled["utterance"], labelled["y"])
    draws = all_draws(by_class, params.fraction_step, params.largest_count, params.repeats, params.seed)
    write_csv(paths.DRAWS, draws)
    for axis, rows in draws.groupby("axis", sort=False):
        sizes = rows.groupby("budget")["utterance"].size() // params.repeats
        print(f"{axis:>8}: {sizes.size} budgets x {params.repeats} repeats, {sizes.min()}-{sizes.max()} utterances per draw")


if __name__ == "__main__":
    run(main)
