"""draws stage: every labelled subset (axis, budget, repeat, utterance) that every method trains on."""

from fewlabels import paths
from fewlabels.compare.draws import all_draws, check_network_grids, drawn_grids, utterances_by_class
from fewlabels.errors import run
from fewlabels.io import read_pickle, write_csv
from fewlabels.params import load_params


def main() -> None:
    everything = load_params()
    params = everything.draws
    labelled = read_pickle(paths.features("labelled", "handcrafted"))
    by_class = utterances_by_class(labelled["utterance"], labelled["y"])
    class_sizes = [members.size for members in by_class.values()]
    check_network_grids(everything.network_budgets,
                        drawn_grids(params.fraction_step, params.largest_count, class_sizes),
                        f"the biggest class has {max(class_sizes)} labelled utterances with audio long enough")
    draws = all_draws(by_class, params.fraction_step, params.largest_count, params.repeats, params.seed)
    write_csv(paths.DRAWS, draws)
    for axis, rows in draws.groupby("axis", sort=False):
        sizes = rows.groupby("budget")["utterance"].size() // params.repeats
        print(f"{axis:>8}: {sizes.size} budgets x {params.repeats} repeats, {sizes.min()}-{sizes.max()} utterances per draw")


if __name__ == "__main__":
    run(main)
