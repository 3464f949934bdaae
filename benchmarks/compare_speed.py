"""Time the compare statistics on a synthetic prediction table of the default study's size; needs no pipeline data.

    PYTHONPATH=src python benchmarks/compare_speed.py

10 methods, 50 fraction budgets and 9 count budgets, 5 repeats, 450 test utterances of 22 speakers,
3 classes (1.3 million rows; predictions right 60 % of the time). Prints the wall time of
``confusion_counts`` and of 1,000 bootstrap resamples of test speakers per axis (every draw scored on each).
"""
import time

import numpy as np
import pandas as pd

from fewlabels.compare.confusion import confusion_counts
from fewlabels.compare.statistics import bootstrap_f1

METHODS = [f"{family}/{classifier}" for family in ("handcrafted", "code")
           for classifier in ("SVM", "kNN", "DecisionTree", "RandomForest", "AdaBoost")]
BUDGETS = {"fraction": np.round(np.arange(1, 51) / 50, 10), "count": np.append(2.0 ** np.arange(8), 300)}
REPEATS, UTTERANCES, SPEAKERS, CLASSES, RESAMPLES = 5, 450, 22, 3, 1000


def prediction_table(rng: np.random.Generator) -> pd.DataFrame:
    """Both axes' rows of every method, budget, repeat and test utterance."""
    speaker = np.char.add("speaker", rng.integers(0, SPEAKERS, UTTERANCES).astype(str))
    y_true = rng.integers(0, CLASSES, UTTERANCES)
    frames = []
    for axis, budgets in BUDGETS.items():
        m, b, r, u = np.indices((len(METHODS), len(budgets), REPEATS, UTTERANCES)).reshape(4, -1)
        wrong = (y_true[u] + rng.integers(1, CLASSES, u.size)) % CLASSES
        frames.append(pd.DataFrame({
            "method": np.array(METHODS)[m], "axis": axis, "budget": budgets[b], "repeat": r,
            "utterance": np.char.add("utterance", u.astype(str)), "speaker": speaker[u], "y_true": y_true[u],
            "y_pred": np.where(rng.random(u.size) < 0.6, y_true[u], wrong)}))
    return pd.concat(frames, ignore_index=True)


def main() -> None:
    table = prediction_table(np.random.default_rng(0))
    print(f"prediction table: {len(table):,} rows")
    for axis, rows in table.groupby("axis", sort=False):
        start = time.perf_counter()
        counts = confusion_counts(rows, CLASSES).counts
        counted = time.perf_counter() - start
        start = time.perf_counter()
        resampled = bootstrap_f1(counts, RESAMPLES, seed=0)
        print(f"{axis}: confusion_counts {counted:.2f} s for {len(rows):,} rows -> {counts.shape}; "
              f"{RESAMPLES} bootstrap resamples {time.perf_counter() - start:.2f} s -> {resampled.shape}")


if __name__ == "__main__":
    main()
