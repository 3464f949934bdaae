"""Every artifact path of the pipeline, relative to the project root, declared once; dvc.yaml names the same
paths (tests/test_paths.py holds the two together)."""
from pathlib import Path

DATA, MODELS, PLOTS, METRICS = Path("data"), Path("models"), Path("plots"), Path("metrics")
SYNTHETIC_CORPUS = DATA / "raw" / "synthetic"  # written by the synthesise stage
MANIFEST, CORPUS_REPORT = DATA / "manifest.csv", DATA / "reports" / "corpus.csv"
SPLITS, DRAWS, PREDICTIONS = DATA / "splits", DATA / "draws.csv", DATA / "predictions"
SPECTROGRAMS = DATA / "spectrograms"
UNLABELLED_SPECTROGRAMS = SPECTROGRAMS / "unlabelled"  # pickle shards and their index
FEATURES = DATA / "features"
AUTOENCODER, ENCODER = MODELS / "autoencoder.keras", MODELS / "encoder.keras"
CORPUS_DURATIONS, PRETRAINING_FIGURE = PLOTS / "corpus_durations.png", PLOTS / "pretraining.png"
AUTOENCODER_CURVES, F1_CURVES, F1_FIGURE = PLOTS / "autoencoder", PLOTS / "f1", PLOTS / "f1_curves.png"
RESULTS_PAGE = Path("docs") / "results.md"
FEATURE_FILES = {"handcrafted": "hlf", "code": "cf"}  # feature family -> its pickles' suffix
OPENSMILE_SETS = ("egemaps", "compare2016")  # openSMILE's sets: each a feature family of its own
OPENSMILE_FEATURES = FEATURES / "opensmile"  # the pickles of the openSMILE sets of handcrafted.sets
EMBEDDINGS = "embeddings"  # the family of a pretrained model's embeddings (embeddings.preset)
EMBEDDING_FEATURES = FEATURES / "embeddings"  # its pickles; empty without a preset
FAMILIES = (*FEATURE_FILES, *OPENSMILE_SETS, EMBEDDINGS)  # every feature family, in the order methods are listed


def split_table(split: str) -> Path:
    """``data/splits/<split>.csv``: one row per utterance of labelled, test or unlabelled."""
    return SPLITS / f"{split}.csv"


def spectrograms(split: str) -> Path:
    """The spectrogram pickle of labelled or test (the unlabelled ones are shards: :data:`UNLABELLED_SPECTROGRAMS`)."""
    return SPECTROGRAMS / f"{split}.pkl"


def features(split: str, family: str) -> Path:
    """``data/features/<split>_<suffix>.pkl`` of a feature family (:data:`FEATURE_FILES`),
    ``data/features/opensmile/<split>_<set>.pkl`` of an openSMILE set (:data:`OPENSMILE_SETS`), or
    ``data/features/embeddings/<split>_embeddings.pkl``."""
    if family in OPENSMILE_SETS:
        return OPENSMILE_FEATURES / f"{split}_{family}.pkl"
    if family == EMBEDDINGS:
        return EMBEDDING_FEATURES / f"{split}_{family}.pkl"
    return FEATURES / f"{split}_{FEATURE_FILES[family]}.pkl"


def predictions(stage: str) -> Path:
    """The prediction table a method stage writes."""
    return PREDICTIONS / f"{stage}.parquet"


def metrics(name: str) -> Path:
    """``metrics/<name>.json``."""
    return METRICS / f"{name}.json"


def network_logs(stage: str) -> Path:
    """The per-run training curves of a network stage (finetune, end_to_end)."""
    return PLOTS / stage
