import numpy as np
import pandas as pd

from fewlabels.compare.draws import all_draws, counts, draw, fractions, utterances_by_class


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
