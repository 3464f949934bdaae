"""The labelled subsets every method trains on: one draw per budget and repeat, shared, so comparisons are paired.

Two budget axes: ``fraction`` (the seed study's: a share of each class's labelled utterances,
at least one) and ``count`` (utterances per class on a doubling grid 1, 2, 4, ..., then all).
A draw depends only on the seed, the axis, the budget value and the repeat: adding or removing
a budget changes no other draw.
"""
import zlib

import numpy as np
import pandas as pd

from fewlabels.errors import FewlabelsError

AXES = ("fraction", "count")
COLUMNS = ["axis", "budget", "repeat", "utterance"]
ALL, AUTO = "all", "auto"  # a network section's count budget "every labelled utterance", and its default grid


def fractions(step: float) -> np.ndarray:
    """Labelled fractions ``step, 2 step, ..., 1`` (the last one is always 1), shape (n,)."""
    n = int(np.floor(1 / step + 1e-9))
    values = np.round(step * np.arange(1, n + 1), 10)
    return values if values[-1] == 1 else np.append(values, 1.0)


def doubling(largest: int) -> np.ndarray:
    """Utterances per class 1, 2, 4, ... up to ``largest``, shape (n,)."""
    return 2 ** np.arange(int(np.log2(largest)) + 1)


def counts(largest: int, class_sizes: list[int]) -> np.ndarray:
    """Utterances per class 1, 2, 4, ... up to ``largest`` (below the biggest class), then all: the
    biggest class's size, shape (n,). A class smaller than a budget gives all of its utterances."""
    grid = doubling(largest)
    every = max(class_sizes)
    return np.append(grid[grid < every], every)


def drawn_grids(fraction_step: float, largest_count: int, class_sizes: list[int]) -> dict[str, np.ndarray]:
    """The budgets the draws stage draws on each axis, for classes of ``class_sizes`` labelled utterances."""
    return {"fraction": fractions(fraction_step), "count": counts(largest_count, class_sizes)}


def budget_grid(axis: str, fraction_step: float, largest_count: int) -> list[float]:
    """The budgets of ``axis`` that the draws params give whatever the corpus (the count axis without its "all")."""
    return [float(b) for b in (fractions(fraction_step) if axis == "fraction" else doubling(largest_count))]


def missing_budgets(budgets: list[float], grid) -> list[float]:
    """The ``budgets`` that are not (to rounding) on ``grid``, in order."""
    return [budget for budget in budgets if not np.isclose(np.asarray(grid, dtype=float), budget).any()]


def network_budgets(spec: list | str, grid: np.ndarray) -> list[float]:
    """The budgets a network section's ``spec`` for one axis means on that axis's drawn ``grid`` (increasing; on the
    count axis its last budget is every labelled utterance): a list as given, ``all`` being the grid's last; ``auto``
    every other doubling 1, 4, 16, ... of the grid, then all labels where that is at least one more doubling."""
    grid = np.asarray(grid, dtype=float)
    if spec != AUTO:
        return [float(grid[-1]) if budget == ALL else float(budget) for budget in spec]
    chosen = [float(b) for b in grid if np.log2(b) % 2 == 0 and b < grid[-1]]
    if not chosen or grid[-1] >= 2 * chosen[-1]:
        chosen.append(float(grid[-1]))
    return chosen


def describe_grid(axis: str, grid: np.ndarray) -> str:
    """``grid`` as a user writes it: "1, 2, 4, 8, all (14)" on the count axis, "0.5, 1" on the fraction axis."""
    shown = [f"{budget:g}" for budget in grid]
    if axis == "count":
        shown[-1] = f"{ALL} ({shown[-1]})"
    return ", ".join(shown)


def check_network_grids(sections: dict[str, dict], grids: dict[str, np.ndarray], reason: str) -> None:
    """A :class:`FewlabelsError` for the first budget of a network section (name -> its ``budgets`` params) that
    the drawn ``grids`` lack; ``reason`` says what decided the grids, e.g. "the split's largest class has 14
    labelled utterances"."""
    for section, budgets in sections.items():
        for axis, spec in budgets.items():
            missing = missing_budgets(network_budgets(spec, grids[axis]), grids[axis])
            if missing:
                raise FewlabelsError(
                    f"params.yaml: {section}.budgets.{axis} {', '.join(f'{b:g}' for b in missing)} cannot be drawn "
                    f"from this corpus ({reason}): its {axis} budgets are {describe_grid(axis, grids[axis])}; pick "
                    f"from those" + (f", or set {section}.budgets.{axis} to {AUTO}" if axis == "count" else ""))


def draw_key(axis: str, budget: float) -> int:
    """The number that identifies a budget in seeds: its axis and value, not its position in a grid."""
    return zlib.crc32(f"{axis}:{budget:.10g}".encode())


def utterances_by_class(utterance: list[str], y: np.ndarray) -> dict[int, np.ndarray]:
    """Sorted unique utterance ids per class index, from per-chunk ``utterance`` and ``y`` (n,)."""
    names, first = np.unique(np.asarray(utterance), return_index=True)
    labels = np.asarray(y)[first]
    return {int(label): names[labels == label] for label in np.unique(labels)}


def draw(by_class: dict[int, np.ndarray], axis: str, budget: float, repeat: int, seed: int) -> np.ndarray:
    """Utterance ids of one draw: per class ``max(1, round(budget * n))`` (fraction) or ``min(budget, n)``
    (count) of its ``n`` utterances, at random from (seed, axis, budget value, repeat); sorted."""
    rng = np.random.default_rng([seed, draw_key(axis, budget), repeat])
    chosen = []
    for members in by_class.values():
        n = max(1, round(budget * members.size)) if axis == "fraction" else min(int(budget), members.size)
        chosen.append(rng.choice(members, n, replace=False))
    return np.sort(np.concatenate(chosen))


def all_draws(by_class: dict[int, np.ndarray], fraction_step: float, largest_count: int, repeats: int,
              seed: int) -> pd.DataFrame:
    """Every draw of both axes as rows (axis, budget, repeat, utterance)."""
    grids = drawn_grids(fraction_step, largest_count, [members.size for members in by_class.values()])
    frames = [pd.DataFrame({"axis": axis, "budget": float(budget), "repeat": repeat,
                            "utterance": draw(by_class, axis, float(budget), repeat, seed)})
              for axis, grid in grids.items() for budget in grid for repeat in range(repeats)]
    return pd.concat(frames, ignore_index=True)[COLUMNS]
