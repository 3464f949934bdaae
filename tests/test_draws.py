import numpy as np
import pandas as pd
import pytest

from fewlabels.compare.draws import (all_draws, check_network_grids, counts, draw, drawn_grids, fractions,
                                     network_budgets, utterances_by_class)
from fewlabels.errors import FewlabelsError


def chunked(counts_per_class: list[int], chunks_per_utterance: int = 2):
    """Per-chunk utterance ids and class indices: ``counts_per_class[c]`` utterances of class c."""
    utterances, y = [], []
    for label, n in enumerate(counts_per_class):
        for u in range(n):
            utterances += [f"c{label}_u{u}"] * chunks_per_utterance
            y += [label] * chunks_per_utterance
    return utterances, np.array(y)


def test_budget_grids():
    steps = fractions(0.02)
    assert len(steps) == 50 and steps[0] == 0.02 and steps[-1] == 1.0 and steps[27] == 0.56
    assert fractions(0.3).tolist() == [0.3, 0.6, 0.9, 1.0]
    assert counts(64, [86, 80, 75]).tolist() == [1, 2, 4, 8, 16, 32, 64, 86]  # doubling, then all
    assert counts(64, [40, 10]).tolist() == [1, 2, 4, 8, 16, 32, 40]  # a grid point at or past all is all
    assert counts(5, [30]).tolist() == [1, 2, 4, 30]


@pytest.mark.parametrize("biggest, expected", [
    (100, [1, 4, 16, 64]),  # the default study: all (100) is less than one doubling beyond 64
    (40, [1, 4, 16, 40]),  # README's RAVDESS quotas
    (24, [1, 4, 16]),  # ESC-50
    (14, [1, 4, 14]),  # EmoDB
    (2, [1, 2]),
])
def test_auto_network_budgets_thin_the_corpus_grid_and_reach_all_labels_a_doubling_on(biggest, expected):
    grid = drawn_grids(0.5, 64, [biggest, biggest - 1])["count"]
    assert network_budgets("auto", grid) == expected
    check_network_grids({"finetune": {"count": "auto"}}, {"count": grid}, "test")  # auto is always drawable


def test_all_is_the_corpus_grid_last_budget_and_an_undrawable_budget_names_the_grid_and_the_way_out():
    grids = drawn_grids(0.25, 64, [14, 9, 12])
    assert grids["count"].tolist() == [1, 2, 4, 8, 14]
    assert network_budgets([1, 4, "all"], grids["count"]) == [1, 4, 14]
    check_network_grids({"finetune": {"count": [1, 8, "all"], "fraction": [0.25, 1]}}, grids, "test")
    with pytest.raises(FewlabelsError, match=r"^params.yaml: end_to_end.budgets.count 16, 64 cannot be drawn from "
                       r"this corpus \(the split's biggest class has 14\): its count budgets are 1, 2, 4, 8, "
                       r"all \(14\); pick from those, or set end_to_end.budgets.count to auto$"):
        check_network_grids({"finetune": {"count": "auto"}, "end_to_end": {"count": [1, 4, 16, 64]}}, grids,
                            "the split's biggest class has 14")
    with pytest.raises(FewlabelsError, match=r"fraction 0.3 cannot be drawn .* 0.25, 0.5, 0.75, 1; pick from those$"):
        check_network_grids({"finetune": {"fraction": [0.3, 1]}}, grids, "test")


def test_draws_take_whole_utterances_per_class_and_depend_on_budget_value_and_repeat_only():
    by_class = utterances_by_class(*chunked([40, 10, 25], chunks_per_utterance=3))
    assert [members.size for members in by_class.values()] == [40, 10, 25]
    for fraction in (0.01, 0.1, 0.5, 1.0):
        drawn = draw(by_class, "fraction", fraction, 0, seed=1)
        per_class = pd.Series(drawn).str.slice(0, 2).value_counts().to_dict()
        assert per_class == {f"c{c}": max(1, round(fraction * n)) for c, n in enumerate([40, 10, 25])}
    assert pd.Series(draw(by_class, "count", 16, 0, seed=1)).str.slice(0, 2).value_counts().to_dict() == {
        "c0": 16, "c1": 10, "c2": 16}
    # the same (budget, repeat) gives the same draw whatever else is on the grid; repeats differ
    few = all_draws(by_class, 0.5, 2, repeats=2, seed=1)
    many = all_draws(by_class, 0.1, 8, repeats=3, seed=1)
    key = ["axis", "budget", "repeat"]
    merged = few.groupby(key)["utterance"].apply(tuple).to_frame().join(
        many.groupby(key)["utterance"].apply(tuple), rsuffix="_many", how="inner")
    assert len(merged) == 2 * 2 + 3 * 2  # shared: fractions 0.5 and 1, counts 1, 2 and all; repeats 0 and 1
    assert (merged["utterance"] == merged["utterance_many"]).all()
    assert not np.array_equal(draw(by_class, "fraction", 0.5, 0, 1), draw(by_class, "fraction", 0.5, 1, 1))
    assert list(few.columns) == ["axis", "budget", "repeat", "utterance"]


def test_a_method_on_fewer_draws_than_the_others_is_reported_with_its_grid():
    from fewlabels.compare.results import adaptations
    rows = [("code/SVM", axis, budget, repeat) for axis, grid in (("fraction", (0.5, 1)), ("count", (1, 2, 4, 14)))
            for budget in grid for repeat in range(5)]
    rows += [("finetune", "count", budget, repeat) for budget in (1, 4, 14) for repeat in range(3)]
    table = pd.DataFrame(rows, columns=["method", "axis", "budget", "repeat"]).assign(adapted="")
    assert adaptations(table) == {"finetune": {"budgets": "count 1, 4, 14 of 1, 2, 4, 14; no fraction axis; "
                                                          "3 of 5 repeats"}}
