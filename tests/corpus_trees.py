"""Tiny corpora in the published layouts of the real ones: same folders, file names and label-file columns.

Every builder writes short noise clips at the corpus' native sample rate and returns the root.
``seconds`` makes the clips long enough for the pipeline's tiny params where an e2e test needs it.
"""
import io
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import soundfile


def clip(path: Path, sample_rate: int, seconds: float = 0.25, channels: int = 1, seed: int = 0, fmt: str = "WAV") -> Path:
    """Seeded 16-bit noise at ``sample_rate`` Hz, shape (frames, channels), written as ``fmt``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encoded_noise(sample_rate, seconds, channels, seed, fmt))
    return path


@cache
def encoded_noise(sample_rate: int, seconds: float, channels: int, seed: int, fmt: str) -> bytes:
    """The file ``clip`` writes, encoded once per set of arguments (a corpus tree repeats them thousands of times)."""
    rng = np.random.default_rng(seed)
    samples = (rng.standard_normal((round(seconds * sample_rate), channels)) * 3000).astype(np.int16)
    encoded = io.BytesIO()
    soundfile.write(encoded, samples, sample_rate, format=fmt, subtype="PCM_16" if fmt != "OGG" else "VORBIS")
    return encoded.getvalue()


def table_and_clips(root: Path, table_path: str, table: pd.DataFrame, audio_dir: str, names: pd.Series,
                    sample_rate: int, seconds: float) -> Path:
    """Write the label ``table`` to ``root/table_path`` and a clip for each of ``names`` (not one with a
    ``/``: those test path escapes) in ``root/audio_dir``."""
    (root / table_path).parent.mkdir(parents=True, exist_ok=True)
    (root / audio_dir).mkdir(parents=True, exist_ok=True)
    table.to_csv(root / table_path, index=False)
    for i, name in enumerate(names):
        if "/" not in name:
            clip(root / audio_dir / name, sample_rate, seconds, seed=i)
    return root


MSP_PODCAST_COLUMNS = ["FileName", "EmoClass", "EmoAct", "EmoVal", "EmoDom", "SpkrID", "Gender", "Split_Set"]


def msp_podcast(root: Path, rows: list[tuple] | None = None, seconds: float = 0.25) -> Path:
    """``rows``: (FileName, EmoClass, EmoVal, SpkrID, Split_Set); by default 6 speakers x 3 valences, 3 partitions."""
    if rows is None:
        rows = [(f"MSP-PODCAST_{s:04d}_{u:04d}.wav", "NHA"[u % 3], f"{1.5 + 2.5 * (u % 3):.1f}", str(100 + s),
                 ("Train", "Development", "Test1")[s % 3]) for s in range(6) for u in range(3)]
    table = pd.DataFrame([{"FileName": name, "EmoClass": emotion, "EmoAct": "4.0", "EmoVal": valence, "EmoDom": "4.0",
                           "SpkrID": speaker, "Gender": "Female", "Split_Set": partition}
                          for name, emotion, valence, speaker, partition in rows], columns=MSP_PODCAST_COLUMNS)
    return table_and_clips(root, "Labels/labels_consensus.csv", table, "Audios", table["FileName"], 16000, seconds)


def msp_improv_line(recording: str, emotion: str = "N", valence: str = "3.000000") -> str:
    return f"UTD-IMPROV-{recording}.avi; {emotion}; A:2.166667; V:{valence}; D:2.166667 ; N:6.000000;"


def msp_improv(root: Path, lines: list[str] | None = None, seconds: float = 0.25) -> Path:
    """``Evaluation.txt`` with one rater line after each recording, and its audio under ``session<k>/``."""
    if lines is None:
        lines = [msp_improv_line(f"S0{s}{'ANH'[u]}-{g}0{s}-{'PRST'[u]}-FM0{u}", "ANH"[u], f"{1.5 + 1.5 * u:.6f}")
                 for s in (1, 2) for g in "FM" for u in range(3)]
    text = []
    for line in lines:
        text += [line, "rater-1; Neutral; Other: calm; A:3.0; V:3.0; D:3.0; N:3.0;", ""]
    root.mkdir(parents=True, exist_ok=True)
    (root / "Evaluation.txt").write_text("\n".join(text) + "\n")
    for i, line in enumerate(lines):
        recording = line.split(".avi")[0].removeprefix("UTD-IMPROV-")
        sentence, speaker, scenario, _ = recording.split("-")
        clip(root / f"session{speaker[-1]}" / sentence / scenario / f"MSP-IMPROV-{recording}.wav", 44100, seconds, seed=i)
    return root


TESS_FOLDERS = {"angry": "angry", "disgust": "disgust", "fear": "Fear", "happy": "happy", "neutral": "neutral",
                "ps": "Pleasant_surprise", "sad": "Sad"}
TESS_QUIRKS = {("OAF", "fear"): (24414, "AIFF"), ("YAF", "sad"): (24414, "AIFF"), ("YAF", "happy"): (96000, "WAV")}
"""(speaker, emotion) -> (sample rate, container) of its first word's file in the published copy's quirky way."""


def tess(root: Path, words: tuple[str, ...] = ("back", "bar"), seconds: float = 0.25, quirks: bool = False) -> Path:
    """``OAF_<Emotion>/OAF_<word>_<emotion>.wav`` and the same for YAF (whose surprise folder is spelled differently).

    ``quirks``: as in the published copy, one more file whose name has a speaker prefix typo
    (``OAF_neutral/OA_bite_neutral.wav``), two files that are AIFF despite ``.wav`` and one at 96 kHz
    (:data:`TESS_QUIRKS`).
    """
    i = 0
    for speaker in ("OAF", "YAF"):
        for emotion, folder in TESS_FOLDERS.items():
            folder = "pleasant_surprised" if (speaker, emotion) == ("YAF", "ps") else folder.lower() if speaker == "YAF" else folder
            quirk = TESS_QUIRKS.get((speaker, emotion)) if quirks else None
            for w, word in enumerate(words):
                rate, fmt = quirk if quirk and w == 0 else (24414, "WAV")
                clip(root / f"{speaker}_{folder}" / f"{speaker}_{word}_{emotion}.wav", rate, seconds,
                     seed=(i := i + 1), fmt=fmt)
    if quirks:
        clip(root / "OAF_neutral" / "OA_bite_neutral.wav", 24414, seconds, seed=i + 1)
    return root


def ravdess_name(emotion: int, actor: int, statement: int = 1, repetition: int = 1, channel: int = 1,
                 intensity: int | None = None) -> str:
    intensity = intensity or (1 if emotion == 1 else 2)
    return f"03-{channel:02d}-{emotion:02d}-{intensity:02d}-{statement:02d}-{repetition:02d}-{actor:02d}.wav"


def ravdess(root: Path, actors: range = range(1, 7), emotions: range = range(1, 9), seconds: float = 0.25) -> Path:
    """``Actor_NN/03-01-EE-II-SS-RR-NN.wav`` for every actor and emotion (speech, statement 1, repetition 1)."""
    for actor in actors:
        for emotion in emotions:
            clip(root / f"Actor_{actor:02d}" / ravdess_name(emotion, actor), 48000, seconds, seed=actor * 10 + emotion)
    return root


def crema_d(root: Path, actors: range = range(1001, 1007), seconds: float = 0.25,
            emotions: tuple[str, ...] = ("ANG", "DIS", "FEA", "HAP", "NEU", "SAD")) -> Path:
    """``AudioWAV/<actor>_<sentence>_<emotion>_<level>.wav``, two sentences per actor and emotion."""
    for actor in actors:
        for e, emotion in enumerate(emotions):
            for s, (sentence, level) in enumerate((("DFA", "XX"), ("IEO", "HI"))):
                clip(root / "AudioWAV" / f"{actor}_{sentence}_{emotion}_{level}.wav", 16000, seconds,
                     seed=actor * 100 + e * 10 + s)
    return root


EMODB_SPEAKERS = ("03", "08", "09", "10", "11", "12", "13", "14", "15", "16")


def emodb(root: Path, speakers: tuple[str, ...] = EMODB_SPEAKERS[:6], texts: tuple[str, ...] = ("a01", "b01"),
          emotions: str = "WLEAFTN", seconds: float = 0.25) -> Path:
    """``wav/<speaker><text><emotion>a.wav`` at 16 kHz, and the published archive's other folders and notes (not audio)."""
    for s, speaker in enumerate(speakers):
        for t, text in enumerate(texts):
            for e, emotion in enumerate(emotions):
                name = f"{speaker}{text}{emotion}a"
                clip(root / "wav" / f"{name}.wav", 16000, seconds, seed=s * 100 + t * 10 + e)
                for folder in ("lablaut", "labsilb", "silb"):  # phone and syllable labels, as text
                    (root / folder).mkdir(exist_ok=True)
                    (root / folder / f"{name}.{folder}").write_text("#\n0.1 121 a\n")
    (root / "erkennung.txt").write_text("Erkennungsraten\n")
    (root / "erklaerung.txt").write_text("Erklaerung der Dateinamen\n")
    return root


ESC50_COLUMNS = ["filename", "fold", "target", "category", "esc10", "src_file", "take"]


def esc50(root: Path, rows: list[tuple] | None = None, seconds: float = 0.25) -> Path:
    """``rows``: (filename, fold, target, category, src_file); by default 2 categories x 5 folds x 2 takes."""
    if rows is None:
        rows = [(f"{fold}-{1000 * target + fold}-{take}-{target}.wav", str(fold), str(target),
                 ("dog", "rain")[target], str(1000 * target + fold)) for target in (0, 1) for fold in range(1, 6)
                for take in "AB"]
    table = pd.DataFrame([{"filename": name, "fold": fold, "target": target, "category": category, "esc10": "True",
                           "src_file": source, "take": name.split("-")[2] if name.count("-") == 3 else "A"}
                          for name, fold, target, category, source in rows], columns=ESC50_COLUMNS)
    return table_and_clips(root, "meta/esc50.csv", table, "audio", table["filename"], 44100, seconds)


def folder(root: Path, classes: tuple[str, ...] = ("cat", "dog"), speakers: int = 4, per_speaker: int = 2,
           seconds: float = 0.25, sample_rate: int = 16000) -> Path:
    """``<class>/<speaker>_<n>.wav``."""
    for c, name in enumerate(classes):
        for s in range(speakers):
            for n in range(per_speaker):
                clip(root / name / f"spk{s}_{n}.wav", sample_rate, seconds, seed=c * 100 + s * 10 + n)
    return root


BUILDERS = {"msp_podcast": msp_podcast, "msp_improv": msp_improv, "tess": tess, "ravdess": ravdess,
            "crema_d": crema_d, "emodb": emodb, "esc50": esc50, "folder": folder}
