"""Per-speaker confusion counts of every method, budget and repeat: what the bootstrap resamples."""
from dataclasses import dataclass

import numpy as np
import pandas as pd

from fewlabels.compare.draws import AXES

COLUMNS = ["method", "axis", "budget", "repeat", "utterance", "speaker", "y_true", "y_pred"]
KEY = ["budget", "repeat", "utterance"]


@dataclass(frozen=True)
class Confusion:
    """Confusion counts of one budget axis, ``counts[m, b, r, s, t, p]``: how many test utterances of
    speaker ``speakers[s]`` with true class ``t`` method ``methods[m]`` predicted as ``p`` when it
    trained on the draw (``budgets[b]``, ``repeats[r]``); shape (methods, budgets, repeats, speakers, K, K)."""

    axis: str
    methods: list[str]
    budgets: np.ndarray
    repeats: np.ndarray
    speakers: list[str]
    counts: np.ndarray


def _check_table(table: pd.DataFrame, n_classes: int) -> None:
    missing = [column for column in COLUMNS if column not in table.columns]
    if missing:
        raise ValueError(f"prediction table lacks columns {missing}; it needs {COLUMNS}")
    if table.empty:
        raise ValueError("prediction table has no rows")
    axes = table["axis"].unique()
    if len(axes) != 1 or axes[0] not in AXES:
        raise ValueError(f"confusion counts take one budget axis ({' or '.join(AXES)}) at a time; "
                         f"the table has {sorted(map(str, axes))}")
    budgets = table["budget"].to_numpy(dtype=float)
    if not np.all(np.isfinite(budgets) & (budgets > 0)) or (axes[0] == "fraction" and budgets.max() > 1):
        raise ValueError(f"{axes[0]} budgets must be finite and positive (fractions at most 1), got "
                         f"{np.unique(budgets)}")
    for column in ("y_true", "y_pred"):
        values = table[column].to_numpy()
        if not np.issubdtype(values.dtype, np.integer) or values.min() < 0 or values.max() >= n_classes:
            raise ValueError(f"{column} must hold class indices 0..{n_classes - 1}, got {np.unique(values)[:10]}")
    duplicated = table.duplicated(["method", *KEY])
    if duplicated.any():
        row = table[duplicated].iloc[0]
        raise ValueError(f"{duplicated.sum()} duplicate rows, e.g. method {row['method']!r} budget {row['budget']:g} "
                         f"repeat {row['repeat']} utterance {row['utterance']!r}")
    per_utterance = table.groupby("utterance")[["speaker", "y_true"]].nunique().max()
    if (per_utterance > 1).any():
        raise ValueError(f"an utterance has more than one {' and '.join(per_utterance.index[per_utterance > 1])} "
                         "across rows")


def _check_pairing(table: pd.DataFrame, methods: list[str]) -> None:
    present = table.groupby(KEY)["method"].size()
    unpaired = present[present < len(methods)]
    if not unpaired.empty:
        budget, repeat, utterance = unpaired.index[0]
        have = set(table.loc[(table["budget"] == budget) & (table["repeat"] == repeat)
                             & (table["utterance"] == utterance), "method"])
        raise ValueError(f"methods are not paired: {len(unpaired)} (budget, repeat, utterance) rows lack some "
                         f"method, e.g. budget {budget:g} repeat {repeat} utterance {utterance!r} has no prediction "
                         f"of {sorted(set(methods) - have)}")
    grid = table.groupby(["budget", "repeat"]).ngroups
    budgets, repeats = table["budget"].nunique(), table["repeat"].nunique()
    if grid != budgets * repeats:
        raise ValueError(f"every budget needs the same repeats: {grid} (budget, repeat) pairs, "
                         f"not {budgets} budgets x {repeats} repeats")


def confusion_counts(table: pd.DataFrame, n_classes: int) -> Confusion:
    """Counts of one axis's rows of the prediction table (columns ``COLUMNS``; class indices ``0..n_classes-1``).

    Methods keep their order of first appearance; budgets, repeats and speakers are sorted. A ValueError
    when the table holds both axes, duplicate rows or classes out of range, when methods are not paired
    (a method lacks a (budget, repeat, utterance) row another has), or when budgets differ in repeats.
    """
    if n_classes < 2:
        raise ValueError(f"need at least 2 classes, got {n_classes}")
    _check_table(table, n_classes)
    methods = list(pd.unique(table["method"]))
    _check_pairing(table, methods)
    codes = [pd.Categorical(table["method"], categories=methods).codes]
    labels = []
    for column in ("budget", "repeat", "speaker"):
        code, uniques = pd.factorize(table[column], sort=True)
        codes.append(code)
        labels.append(uniques)
    codes += [table["y_true"].to_numpy(), table["y_pred"].to_numpy()]
    shape = (len(methods), *(len(uniques) for uniques in labels), n_classes, n_classes)
    flat = np.ravel_multi_index(tuple(codes), shape)
    counts = np.bincount(flat, minlength=int(np.prod(shape))).reshape(shape)
    budgets, repeats, speakers = labels
    return Confusion(str(table["axis"].iloc[0]), methods, np.asarray(budgets, dtype=float),
                     np.asarray(repeats), list(speakers), counts)
