"""Labels as a corpus states them mapped to the classes of the study, by the ``corpus`` params.

- dimensional valence (MSP-Podcast 1-7, MSP-IMPROV 1-5): ``[lowest, t1, t2, highest]`` bins it
  to negative (below t1), neutral (t1 to t2, both included) and positive (above t2); a value
  outside ``[lowest, highest]`` or missing is a bad label;
- categorical emotions: a table from the shared vocabulary :data:`fewlabels.corpus.emotions.EMOTIONS` (each importer
  names its corpus' emotions in it) to a class, or to ``None``: excluded and counted; or, for
  emotion classes, the emotions themselves, those not kept excluded and counted;
- class names (ESC-50 categories, folder names, the synthetic corpus) are kept as they are.
"""
import numpy as np
import pandas as pd

VALENCE_CLASSES = ("negative", "neutral", "positive")


def valence_classes(values: pd.Series, edges: list[float]) -> tuple[pd.Series, pd.Series]:
    """Classes of valence ``values`` (n,) binned by ``edges``, and a mask of values missing or out of range."""
    values = pd.to_numeric(values, errors="coerce")
    lowest, low, high, highest = edges
    bad = values.isna() | (values < lowest) | (values > highest)
    classes = np.select([values < low, values > high], ["negative", "positive"], "neutral")
    return pd.Series(classes, index=values.index).where(~bad), bad


def map_labels(entries: pd.DataFrame, label_kind: str, edges: list[float] | None, emotions: dict[str, str | None],
               keep_emotions: list[str] | None = None) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Class of each entry's ``source_label``; returns ``(label, bad, excluded)``.

    ``bad``: a missing or out-of-range valence; ``excluded``: an emotion mapped to ``None`` — or, with
    ``keep_emotions``, an emotion not in it (the kept emotions are the classes themselves).
    ``label`` is NaN where either is set.
    """
    labels = entries["source_label"]
    no = pd.Series(False, index=entries.index)
    if label_kind == "class":
        return labels.astype(str), no, no
    if label_kind == "valence":
        label, bad = valence_classes(labels, edges)
        return label, bad, no
    if label_kind == "emotion":
        label = labels.where(labels.isin(keep_emotions)) if keep_emotions is not None else labels.map(emotions)
        return label, no, label.isna()
    raise ValueError(f"unknown label kind {label_kind!r}")
