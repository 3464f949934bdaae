"""The ``corpus`` section: which corpus, where, how its labels become classes, and the embedded synthetic corpus."""
import re
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic.dataclasses import dataclass

from fewlabels.corpus.emotions import CODES, EMOTIONS, corpus_emotions
from fewlabels.schema import SECTION, Count, Float, Int, Seed, Share, Str, did_you_mean, doc

SYNTHETIC_VOICES = 808  # synthetic.BASE_VOICES x the voice variants of espeakng-loader 0.2.4 (a test checks it)
SOURCES = ("synthetic", "msp_podcast", "msp_improv", "tess", "ravdess", "crema_d", "emodb", "esc50", "folder")


def speaker_regex(pattern: str | None) -> str | None:
    """``pattern`` if it is a regular expression with a group named ``speaker`` (or None); else a ValueError."""
    if pattern is None:
        return None
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        raise ValueError(f"{pattern!r} is not a regular expression: {error}") from None
    if "speaker" not in compiled.groupindex:
        raise ValueError(f"{pattern!r} has no group named speaker, e.g. '^(?P<speaker>[^_]+)_'")
    return pattern


def known_emotion(emotion: str) -> None:
    """Refuse a name outside the vocabulary :data:`EMOTIONS`, with a close match."""
    if emotion not in EMOTIONS:
        raise ValueError(f"unknown emotion {emotion!r}{did_you_mean(emotion, EMOTIONS)}; known: {', '.join(EMOTIONS)}")


@dataclass(config=SECTION)
class ProsodyShift:
    """Shift of one valence step away from neutral, in eSpeak NG units."""

    pitch: Annotated[Float, Field(ge=0, le=99), doc("base pitch, 0-99")]
    pitch_range: Annotated[Float, Field(ge=0, le=99), doc("pitch range, 0-99")]
    rate: Annotated[Float, Field(ge=0, le=400), doc("speaking rate, words per minute")]
    volume: Annotated[Float, Field(ge=0, le=200), doc("amplitude, 0-200")]


@dataclass(config=SECTION)
class SyntheticParams:
    """The embedded corpus of synthetic English speech, written by the synthesise stage."""

    seed: Annotated[Seed, doc("seed of every random choice of the corpus")]
    speakers: Annotated[Count, Field(le=SYNTHETIC_VOICES), doc("synthetic speakers, each a distinct eSpeak NG voice "
                                                               "with its own pitch and rate")]
    utterances_per_speaker: Annotated[Int, Field(ge=3), doc("utterances per speaker, the classes balanced "
                                                            "within each speaker")]
    short_fraction: Annotated[Share, doc("share of utterances aimed at 1.5-3.5 s (the others at 4-8 s)")]
    snr_db_min: Annotated[Float, Field(ge=-20, le=100), doc("lowest signal-to-noise ratio of the added noise, dB")]
    snr_db_max: Annotated[Float, Field(ge=-20, le=100), doc("highest signal-to-noise ratio of the added noise, dB")]
    sample_rate: Annotated[Int, Field(ge=4000, le=48000), doc("sample rate of the written WAV files, Hz")]
    valence_shift: Annotated[ProsodyShift, doc("prosody shift of one valence step")]
    jitter: Annotated[Float, Field(ge=0, le=10),
                      doc("per-utterance prosody noise, standard deviation in units of valence_shift")]

    @model_validator(mode="after")
    def _snr_order(self):
        if self.snr_db_min > self.snr_db_max:
            raise ValueError(f"snr_db_min ({self.snr_db_min}) exceeds snr_db_max ({self.snr_db_max})")
        return self


@dataclass(config=SECTION)
class CorpusParams:
    """The corpus the study reads, in its published layout, and how its labels become classes."""

    source: Annotated[Literal[SOURCES], doc("the corpus's layout, read by its importer")]
    path: Annotated[Str, doc("the corpus in its published layout")]
    unlabelled_path: Annotated[Str, doc("extra unlabelled clips (WAV, FLAC, OGG; searched recursively, "
                                        "symlinked folders followed) that only the unlabelled split uses")]
    unlabelled_speaker: Annotated[Str | None, doc('regex with a group "speaker" on a clip\'s path below '
                                                  "unlabelled_path; null: its first folder")]
    on_bad_input: Annotated[Literal["error", "skip"], doc("missing, unlabelled or unreadable files, unknown speakers, "
                                                          "bad labels: stop, or leave out, list in "
                                                          "data/reports/corpus.csv and count")]
    on_odd_format: Annotated[Literal["error", "skip", "convert"],
                             doc("a file whose sample rate, channels or container differ from most of the corpus: "
                                 "stop, leave out, or keep (later stages decode and resample it); listed and counted")]
    unknown_speaker: Annotated[Literal["podcast", "skip", "error"],
                               doc("msp_podcast SpkrID Unknown: its podcast id as a proxy speaker, skip or error")]
    classes: Annotated[Literal["valence", "emotion"],
                       doc("valence (negative, neutral, positive) or emotion (those of keep_emotions)")]
    keep_emotions: Annotated[list[Str], Field(min_length=2),
                             doc("classes emotion: the classes, distinct emotions the corpus has; other "
                                 "emotions are excluded and counted")]
    label_from: Annotated[Literal["valence", "emotion"], doc("msp_podcast, msp_improv with classes valence: the "
                                                             "dimensional rating (binned) or the consensus emotion")]
    valence_edges: Annotated[dict[Str, list[Float]], doc("classes valence, per corpus: [lowest, negative | neutral, "
                                                         "neutral | positive, highest]; below the second edge "
                                                         "negative, above the third positive, between them (both "
                                                         "included) neutral, outside the outer ones or missing a bad "
                                                         "label")]
    emotions: Annotated[dict[Str, Str | None], doc("classes valence: categorical emotion -> valence class; null: "
                                                   "excluded and counted; every emotion of the vocabulary needs an "
                                                   "entry")]
    folder_speaker: Annotated[Str, doc('folder: regex on the file name (without suffix) whose group "speaker" '
                                       'is the speaker id')]
    synthetic: Annotated[SyntheticParams, doc("the embedded synthetic corpus")]

    @field_validator("valence_edges")
    @classmethod
    def _increasing(cls, table):
        for source, edges in table.items():
            if len(edges) != 4 or not all(a < b for a, b in zip(edges, edges[1:])):
                raise ValueError(f"{source} must be four increasing numbers "
                                 f"[lowest, negative|neutral, neutral|positive, highest], got {edges}")
        return table

    @field_validator("emotions", "keep_emotions")
    @classmethod
    def _known(cls, names):
        for emotion in names:
            known_emotion(emotion)
        return names

    @field_validator("emotions")
    @classmethod
    def _every_emotion(cls, table):
        missing = [emotion for emotion in EMOTIONS if emotion not in table]
        if missing:
            raise ValueError(f"no entry for {', '.join(missing)}: map each to a class, or to null to leave it out")
        return table

    @field_validator("keep_emotions")
    @classmethod
    def _each_once(cls, kept):
        twice = sorted({emotion for emotion in kept if kept.count(emotion) > 1})
        if twice:
            raise ValueError(f"lists an emotion twice: {', '.join(twice)}; keep each once")
        return kept

    @model_validator(mode="after")
    def _emotions_exist(self):
        """``classes: emotion`` needs a corpus with categorical emotions, and every kept emotion among them."""
        if self.classes == "valence":
            return self
        has = corpus_emotions(self.source)
        if not has:
            raise ValueError(f"classes emotion needs a corpus with categorical emotions ({', '.join(CODES)}); "
                             f"{self.source} has none: set corpus.classes to valence")
        absent = [emotion for emotion in self.keep_emotions if emotion not in has]
        if absent:
            raise ValueError(f"keep_emotions lists {', '.join(absent)}, which {self.source} does not have (its "
                             f"emotions: {', '.join(has)}): keep only those")
        return self

    @property
    def reads_valence(self) -> bool:
        """MSP-Podcast and MSP-IMPROV read the dimensional valence rating (else the consensus emotion)."""
        return self.classes == "valence" and self.label_from == "valence"

    @field_validator("folder_speaker", "unlabelled_speaker")
    @classmethod
    def _speaker_regexes(cls, pattern):
        return speaker_regex(pattern)
