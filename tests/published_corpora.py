"""Fixture trees with the size and structure of the published corpora, and their known quirks.

What decides whether a split's quotas fit is how many speakers a corpus has and how many
utterances of each class each of them speaks; these builders reproduce that (files per speaker,
class and partition, as the corpora's documentation gives them) with tiny clips, so the README's
per-corpus commands can be run as a new user would. Counts are those of the published releases
where they are documented (RAVDESS, TESS, CREMA-D, EmoDB, ESC-50) and smaller but with the same
proportions where a corpus is too big to write in a test (MSP-Podcast, MSP-IMPROV).
"""
from itertools import product
from pathlib import Path

import numpy as np
import pandas as pd

from tests import corpus_trees as trees

SECONDS = 0.05


def ravdess(root: Path, seconds: float = SECONDS) -> Path:
    """Audio_Speech_Actors_01-24: 24 actors x 60 files; neutral at normal intensity only, the other seven
    emotions at two intensities; two statements, two repetitions each (1,440 files, 48 kHz)."""
    for actor, emotion in product(range(1, 25), range(1, 9)):
        for intensity, statement, repetition in product((1,) if emotion == 1 else (1, 2), (1, 2), (1, 2)):
            name = trees.ravdess_name(emotion, actor, statement, repetition, intensity=intensity)
            trees.clip(root / f"Actor_{actor:02d}" / name, 48000, seconds, seed=actor)
    return root


def tess(root: Path, seconds: float = SECONDS) -> Path:
    """Two speakers x 7 emotions x 200 target words (2,800 files, 24,414 Hz) and the published copy's quirks."""
    words = tuple(a + b + c for a, b, c in product("bcdfghjklmnprstvwz", "aeiou", "dgkt"))[:200]
    return trees.tess(root, words=words, seconds=seconds, quirks=True)


CREMA_D_SENTENCES = ("IEO", "TIE", "IOM", "IWW", "TAI", "MTI", "IWL", "ITH", "DFA", "ITS", "TSI", "WSI")


def crema_d(root: Path, seconds: float = SECONDS) -> Path:
    """AudioWAV: 91 actors x 12 sentences x 6 emotions; "It's eleven o'clock" (IEO) at three intensities
    (LO, MD, HI) for every emotion but neutral, the others unspecified (XX): 7,462 files at 16 kHz, one
    of them (1076_MTI_SAD_XX.wav) without audio, as in the published copy."""
    for actor, sentence, emotion in product(range(1001, 1092), CREMA_D_SENTENCES, ("ANG", "DIS", "FEA", "HAP", "NEU", "SAD")):
        for level in ("LO", "MD", "HI") if sentence == "IEO" and emotion != "NEU" else ("XX",):
            trees.clip(root / "AudioWAV" / f"{actor}_{sentence}_{emotion}_{level}.wav", 16000, seconds, seed=actor)
    trees.clip(root / "AudioWAV" / "1076_MTI_SAD_XX.wav", 16000, seconds=0)
    return root


EMODB_TEXTS = ("a01", "a02", "a04", "a05", "a07", "b01", "b02", "b03", "b09", "b10")
EMODB_TOTALS = {"W": 127, "L": 81, "E": 46, "A": 69, "F": 71, "T": 62, "N": 79}  # 535 files


def emodb(root: Path, seconds: float = SECONDS) -> Path:
    """wav/: the 535 files of the release, per emotion as published, spread over the ten speakers and texts."""
    for emotion, total in EMODB_TOTALS.items():
        for k in range(total):
            speaker, text, version = trees.EMODB_SPEAKERS[k % 10], EMODB_TEXTS[k // 10 % 10], "abcdef"[k // 100]
            trees.clip(root / "wav" / f"{speaker}{text}{emotion}{version}.wav", 16000, seconds, seed=k)
    return root


def esc50(root: Path, seconds: float = SECONDS) -> Path:
    """50 categories x 5 folds x 8 clips, two takes per source recording, each source in one fold (2,000 files)."""
    rows = [(f"{fold}-{source}-{'AB'[i % 2]}-{target}.wav", str(fold), str(target), f"category{target:02d}", str(source))
            for target, fold, i in product(range(50), range(1, 6), range(8))
            for source in [100000 + 1000 * target + 10 * fold + i // 2]]
    return trees.esc50(root, rows, seconds)


def msp_podcast(root: Path, seconds: float = SECONDS, podcasts: int = 250, segments: int = 20) -> Path:
    """5,000 segments of 250 podcasts; one or two known speakers per podcast and a third of the segments
    with SpkrID Unknown; every podcast in one partition (Train 60 %, Development 15 %, Test1 15 %, Test2 10 %)."""
    rng = np.random.default_rng(0)
    partitions = rng.choice(["Train", "Development", "Test1", "Test2"], podcasts, p=[0.6, 0.15, 0.15, 0.1])
    rows = []
    for podcast, segment in product(range(podcasts), range(segments)):
        speaker = "Unknown" if rng.random() < 1 / 3 else str(1000 + 2 * podcast + (segment % 2) * (podcast % 2))
        valence = f"{rng.uniform(1, 7):.1f}"
        rows.append((f"MSP-PODCAST_{podcast + 1:04d}_{segment + 1:04d}.wav", "NHASX"[segment % 5], valence, speaker,
                     partitions[podcast]))
    return trees.msp_podcast(root, rows, seconds)


def msp_improv(root: Path, seconds: float = SECONDS) -> Path:
    """12 actors in 6 sessions, 20 sentences x 4 target emotions x 4 scenarios x 2 turns each (7,680 recordings)."""
    rng = np.random.default_rng(0)
    lines = [trees.msp_improv_line(f"S{sentence:02d}{target}-{gender}0{session}-{scenario}-{gender}M{turn:02d}",
                                   "AHSN"[rng.integers(4)], f"{rng.uniform(1, 5):.6f}")
             for session, gender, sentence, target, scenario, turn
             in product(range(1, 7), "FM", range(1, 21), "AHSN", "PRST", (1, 2))]
    return trees.msp_improv(root, lines, seconds)


def folder(root: Path, seconds: float = SECONDS) -> Path:
    """Two classes, 12 speakers, 10 clips each per class."""
    return trees.folder(root, speakers=12, per_speaker=10, seconds=seconds)


BUILDERS = {"msp_podcast": msp_podcast, "msp_improv": msp_improv, "tess": tess, "ravdess": ravdess,
            "crema_d": crema_d, "emodb": emodb, "esc50": esc50, "folder": folder}
