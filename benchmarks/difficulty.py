"""How hard is the corpus? A learning curve cross-validated over the labelled speakers; the test split is never read.

Reads only the labelled split's hand-crafted features, ``data/features/labelled_hlf.pkl`` (written by the
``handcrafted`` stage: the 136 pyAudioAnalysis mid-term features of every 30,000-sample chunk, with its
utterance, speaker and label). The labelled speakers are cut into ``FOLDS`` groups (a seeded random
partition of whole speakers, ``PARTITIONS`` different partitions); each group is held out in turn. Within
the other speakers' chunks ``DRAWS`` random subsets of each fraction of ``FRACTIONS`` are drawn (at least 6
chunks, uniformly, as the experiment's first version did), a RandomForest (100 trees) is fitted on each, and
the held-out speakers' utterances are classified by the mean of their chunks' class probabilities and
scored by weighted F1 (chance is about 0.33).

The unit of replication of the spread is the **fold of held-out speakers**: "SD over folds" is the standard
deviation, over the PARTITIONS x FOLDS folds, of each fold's F1 averaged over its draws — how much the score
moves from one small group of unseen speakers to another. "SD over draws" is the label-draw spread within a
fold (averaged over folds). Neither is a confidence interval: the folds of one partition share training
speakers, the partitions reuse the same 15 speakers, and 15 speakers are a small sample of voices.
At 100 % every draw is the whole training fold, so its "SD over draws" is the forest's seed alone. Training
folds hold 12 of the 15 labelled speakers, so the absolute numbers are a little pessimistic for the full
labelled set.

    python benchmarks/difficulty.py            # about 30 s on one core
    python benchmarks/difficulty.py --jobs 2
"""
import argparse
import time

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import f1_score

from fewlabels.io import read_pickle

FEATURES = "data/features/labelled_hlf.pkl"
FRACTIONS = (0.1, 0.3, 0.6, 1.0)  # of the training fold's chunks
FOLDS = 5  # groups of held-out speakers per partition (15 labelled speakers: 3 per fold)
PARTITIONS = 3  # different random partitions of the speakers into folds
DRAWS = 5  # random subsets per fraction and fold
MIN_CHUNKS = 6
SEED = 2024


def speaker_folds(speakers: np.ndarray, folds: int, rng: np.random.Generator) -> list[np.ndarray]:
    """A random partition of the distinct ``speakers`` into ``folds`` groups of near-equal size."""
    if folds > len(speakers):
        raise ValueError(f"{folds} folds need at least {folds} speakers, the labelled split has {len(speakers)}")
    return np.array_split(rng.permutation(speakers), folds)


def utterance_f1(model, X: np.ndarray, y: np.ndarray, utterance: np.ndarray, n_classes: int) -> float:
    """Weighted F1 over utterances, each predicted by the mean class probabilities of its chunks (X (n, d))."""
    proba = np.zeros((len(X), n_classes))
    proba[:, model.classes_] = model.predict_proba(X)  # a class missing from a small draw keeps probability 0
    mean = pd.DataFrame(proba).groupby(utterance).mean()
    truth = pd.Series(y).groupby(utterance).first().loc[mean.index]
    return f1_score(truth, mean.to_numpy().argmax(axis=1), average="weighted", labels=np.arange(n_classes))


def fold_scores(data: dict, held_out: np.ndarray, partition: int, fold: int) -> list[dict]:
    """F1 on the ``held_out`` speakers for every fraction and draw, trained on the other labelled speakers."""
    X, y = data["X"], np.asarray(data["y"])
    speaker, utterance = np.asarray(data["speaker"]), np.asarray(data["utterance"])
    test = np.isin(speaker, held_out)
    train = np.flatnonzero(~test)
    rows = []
    for f, fraction in enumerate(FRACTIONS):
        for draw in range(DRAWS):
            rng = np.random.default_rng([SEED, partition, fold, f, draw])
            chosen = rng.choice(train, max(MIN_CHUNKS, int(fraction * len(train))), replace=False)
            model = RandomForestClassifier(random_state=int(rng.integers(2**31)), n_jobs=1)
            model.fit(X[chosen], y[chosen])
            rows.append({"partition": partition, "fold": fold, "fraction": fraction, "draw": draw,
                         "train_chunks": len(chosen), "train_speakers": len(set(speaker[chosen])),
                         "test_speakers": len(held_out), "test_utterances": len(set(utterance[test])),
                         "f1": utterance_f1(model, X[test], y[test], utterance[test], len(data["classes"]))})
    return rows


def summarise(runs: pd.DataFrame) -> pd.DataFrame:
    """Per fraction: mean F1, SD over folds of the fold means, mean SD over draws within a fold, fold range."""
    per_fold = runs.groupby(["fraction", "partition", "fold"])["f1"].agg(["mean", "std"])
    by_fraction = per_fold.groupby(level="fraction")
    return pd.DataFrame({
        "train_chunks": runs.groupby("fraction")["train_chunks"].mean(),
        "f1": runs.groupby("fraction")["f1"].mean(),
        "sd_folds": by_fraction["mean"].std(),
        "sd_draws": by_fraction["std"].mean(),
        "fold_min": by_fraction["mean"].min(),
        "fold_max": by_fraction["mean"].max(),
    })


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    jobs = parser.parse_args().jobs
    data = read_pickle(FEATURES)
    speakers = np.array(sorted(set(data["speaker"])))
    start = time.perf_counter()
    work = [(partition, fold, held_out)
            for partition in range(PARTITIONS)
            for fold, held_out in enumerate(speaker_folds(speakers, FOLDS, np.random.default_rng([SEED, partition])))]
    results = Parallel(n_jobs=jobs)(delayed(fold_scores)(data, held_out, partition, fold)
                                    for partition, fold, held_out in work)
    runs = pd.DataFrame([row for rows in results for row in rows])
    seconds = time.perf_counter() - start
    print(f"{FEATURES}: {len(data['y'])} chunks, {len(set(data['utterance']))} utterances, {len(speakers)} speakers; "
          f"{PARTITIONS} partitions x {FOLDS} folds of held-out speakers "
          f"({runs['test_speakers'].min()}-{runs['test_speakers'].max()} speakers, "
          f"{runs['test_utterances'].min()}-{runs['test_utterances'].max()} utterances each), "
          f"{DRAWS} draws per fraction; {len(runs)} fits in {seconds:.0f} s")
    print("| labelled chunks used | training chunks | weighted F1 | SD over folds | SD over draws | fold range |")
    print("|---|---:|---:|---:|---:|---|")
    for fraction, row in summarise(runs).iterrows():
        print(f"| {fraction:.0%} | {row.train_chunks:.0f} | {row.f1:.3f} | {row.sd_folds:.3f} | {row.sd_draws:.3f} "
              f"| {row.fold_min:.2f}-{row.fold_max:.2f} |")


if __name__ == "__main__":
    main()
