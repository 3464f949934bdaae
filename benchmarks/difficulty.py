"""Quick difficulty check of the corpus on the real splits (run after `dvc repro split`).

RandomForest on pyAudioAnalysis mid-term features (1 s mid windows, 0.05 s short windows) of
non-overlapping 30,000-sample chunks, utterance-level weighted F1 on the speaker-independent
test split, for a few labelled fractions (5 random draws each). A stand-in until the experiment
stage exists.

    python benchmarks/difficulty.py
"""
import numpy as np
import pandas as pd
import soundfile
from joblib import Parallel, delayed
from pyAudioAnalysis import MidTermFeatures
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import f1_score

CHUNK = 30_000  # samples at 8 kHz
FRACTIONS = (0.1, 0.3, 0.6, 1.0)
REPEATS = 5


def chunk_features(path: str) -> list[np.ndarray]:
    signal, rate = soundfile.read(path, dtype="int16")
    window = round(0.05 * rate)
    return [MidTermFeatures.mid_feature_extraction(signal[i:i + CHUNK].astype(float), rate, rate, rate, window, window)[0].mean(axis=1)
            for i in range(0, len(signal) - CHUNK + 1, CHUNK)]


def load(split: str):
    rows = pd.read_csv(f"data/splits/{split}.csv")
    features = Parallel(n_jobs=-1)(delayed(chunk_features)(path) for path in rows["path"])
    X = [f for per_utterance in features for f in per_utterance]
    y = [label for label, f in zip(rows["label"], features) for _ in f]
    utterance = [u for u, f in zip(rows["utterance"], features) for _ in f]
    return np.array(X), np.array(y), np.array(utterance)


def main() -> None:
    X, y, _ = load("labelled")
    X_test, y_test, utterance = load("test")
    truth = pd.Series(y_test, index=utterance).groupby(level=0).first()
    print(f"chunks: {len(y)} labelled, {len(y_test)} test ({truth.size} test utterances)")
    for fraction in FRACTIONS:
        scores = []
        for repeat in range(REPEATS):
            rng = np.random.default_rng(repeat)
            chosen = rng.choice(len(y), max(6, int(fraction * len(y))), replace=False)
            model = RandomForestClassifier(random_state=repeat, n_jobs=-1).fit(X[chosen], y[chosen])
            proba = pd.DataFrame(model.predict_proba(X_test), columns=model.classes_).groupby(utterance).mean()
            scores.append(f1_score(truth.loc[proba.index], proba.idxmax(axis=1), average="weighted"))
        print(f"{fraction:4.0%} of labelled chunks: weighted F1 {np.mean(scores):.3f} ± {np.std(scores):.3f}")


if __name__ == "__main__":
    main()
