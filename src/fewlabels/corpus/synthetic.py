"""The embedded default corpus: synthetic English speech whose valence lives only in its prosody.

Each speaker is a distinct eSpeak NG voice (base voice + variant) with its own baseline pitch,
pitch range, rate and volume. An utterance shifts that baseline by one step down (negative),
none (neutral) or one step up (positive), plus per-utterance jitter, so classes overlap. Words are
drawn from one vocabulary for every class. Audio is resampled, mixed with pink noise at a random
SNR and written as mono 16-bit WAV.

Every speaker is rendered by a fresh :class:`~fewlabels.corpus.espeak.Synthesizer` (its own copy
of eSpeak NG's state), so the bytes of a file depend only on the params, never on scheduling or
worker count.
"""
import wave
from dataclasses import dataclass
from itertools import product
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.fft
from joblib import Parallel, delayed
from scipy.signal import resample_poly
from tqdm import tqdm

from fewlabels.corpus import espeak
from fewlabels.corpus.vocabulary import WORDS
from fewlabels.errors import FewlabelsError
from fewlabels.io import write_csv
from fewlabels.corpus.params import SyntheticParams

CLASSES = ("negative", "neutral", "positive")
LABELS_FILE = "labels.csv"
VALENCE_STEP = {"negative": -1, "neutral": 0, "positive": 1}
BASE_VOICES = ("en", "en-029", "en-GB-scotland", "en-GB-x-gbclan", "en-GB-x-gbcwmd", "en-GB-x-rp", "en-US", "en-US-nyc")
EXCLUDED_VARIANTS = ("whisper", "whisperf", "Demonic")  # no pitch to shift; crashes eSpeak NG at wide pitch ranges
# Speaker baselines (uniform ranges) and the limits prosody is clipped to, in eSpeak NG units.
BASELINE = {"pitch": (30, 70), "pitch_range": (30, 70), "rate": (140, 185), "volume": (70, 110)}
LIMITS = {"pitch": (0, 99), "pitch_range": (0, 99), "rate": (80, 450), "volume": (20, 200)}  # volume 0 is silence
LONG_S, SHORT_S = (4.0, 8.0), (1.5, 3.5)  # target durations of ordinary and short utterances, seconds


@dataclass(frozen=True)
class Utterance:
    """Everything needed to render one utterance; prosody in eSpeak NG units."""

    utterance: str
    speaker: str
    voice: str
    label: str
    text: str
    pitch: int
    pitch_range: int
    rate: int
    volume: int
    snr_db: float
    noise_seed: int


def voice_variants() -> list[str]:
    """Names of the voice variants shipped with eSpeak NG, sorted, without the excluded ones."""
    return [name for name in espeak.variants() if name not in EXCLUDED_VARIANTS]


def plan_corpus(params: SyntheticParams, variants: list[str]) -> list[Utterance]:
    """Draw speakers and utterances from ``params.seed``; pure, no audio is rendered."""
    voices = [f"{base}+{variant}" for base, variant in product(BASE_VOICES, variants)]
    if params.speakers > len(voices):
        raise FewlabelsError(f"corpus.synthetic.speakers must be at most {len(voices)} (distinct voices), "
                             f"got {params.speakers}")
    rng = np.random.default_rng(params.seed)
    chosen = rng.choice(len(voices), size=params.speakers, replace=False)
    shift = params.valence_shift
    plans = []
    for s, voice_index in enumerate(chosen):
        speaker = f"spk{s:03d}"
        baseline = {name: rng.uniform(*bounds) for name, bounds in BASELINE.items()}
        labels = rng.permutation(np.resize(CLASSES, params.utterances_per_speaker))
        for u, label in enumerate(labels):
            step = VALENCE_STEP[label]
            prosody = {}
            for name, (low, high) in LIMITS.items():
                size = getattr(shift, name)
                value = baseline[name] + step * size + params.jitter * size * rng.standard_normal()
                prosody[name] = int(round(np.clip(value, low, high)))
            short = rng.random() < params.short_fraction
            duration = rng.uniform(*(SHORT_S if short else LONG_S))
            plans.append(Utterance(
                utterance=f"{speaker}_utt{u:03d}", speaker=speaker, voice=voices[voice_index], label=str(label),
                text=_sentences(rng, n_words=max(2, round(duration * prosody["rate"] / 60))),
                snr_db=float(rng.uniform(params.snr_db_min, params.snr_db_max)),
                noise_seed=int(rng.integers(2**32)), **prosody,
            ))
    return plans


def _sentences(rng: np.random.Generator, n_words: int) -> str:
    """``n_words`` vocabulary words cut into sentences of 3 to 9 words."""
    words = list(rng.choice(WORDS, size=n_words))
    sentences = []
    while words:
        length = int(rng.integers(3, 10))
        sentence, words = words[:length], words[length:]
        sentences.append(" ".join(sentence).capitalize() + ".")
    return " ".join(sentences)


def pink_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """Noise with a 1/f power spectrum and unit RMS, shape (n,)."""
    n_fft = scipy.fft.next_fast_len(n, real=True)
    spectrum = scipy.fft.rfft(rng.standard_normal(n_fft))
    spectrum[1:] /= np.sqrt(np.arange(1, spectrum.size))
    spectrum[0] = 0
    noise = scipy.fft.irfft(spectrum, n_fft)[:n]
    return noise / max(np.sqrt(np.mean(noise**2)), 1e-12)


def mix_at_snr(speech: np.ndarray, noise: np.ndarray, snr_db: float) -> np.ndarray:
    """``speech + noise`` with the noise scaled to ``snr_db`` below the speech power; float arrays (n,)."""
    speech_power = np.mean(speech**2)
    noise_power = np.mean(noise**2)
    return speech + noise * np.sqrt(speech_power / max(noise_power, 1e-12) / 10 ** (snr_db / 10))


def render(plan: Utterance, synthesizer, sample_rate: int) -> np.ndarray:
    """Speak ``plan`` with the synthesizer's current voice; int16 samples at ``sample_rate`` Hz, shape (n,)."""
    native = synthesizer.synthesize(plan.text, rate=plan.rate, volume=plan.volume, pitch=plan.pitch,
                                    pitch_range=plan.pitch_range).astype(np.float64)
    divisor = np.gcd(sample_rate, synthesizer.sample_rate)
    speech = resample_poly(native, sample_rate // divisor, synthesizer.sample_rate // divisor)
    noisy = mix_at_snr(speech, pink_noise(speech.size, np.random.default_rng(plan.noise_seed)), plan.snr_db)
    return np.clip(np.round(noisy), -32768, 32767).astype(np.int16)


def write_wav(path: Path, samples: np.ndarray, sample_rate: int) -> None:
    """Write int16 mono ``samples`` (n,) as a 16-bit PCM WAV, byte-for-byte reproducibly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(sample_rate)
        f.writeframes(samples.astype("<i2").tobytes())


def wav_path(out_dir: Path, plan: Utterance) -> Path:
    return out_dir / plan.speaker / f"{plan.utterance}.wav"


def _render_speaker(plans: list[Utterance], out_dir: Path, sample_rate: int) -> None:
    """Render one speaker's utterances with a synthesizer of its own."""
    with espeak.Synthesizer(seed=plans[0].noise_seed) as synthesizer:
        synthesizer.set_voice(plans[0].voice)
        for plan in plans:
            write_wav(wav_path(out_dir, plan), render(plan, synthesizer, sample_rate), sample_rate)


def generate(plans: list[Utterance], out_dir: Path, sample_rate: int, n_jobs: int = -1) -> list[Path]:
    """Render every planned utterance to ``out_dir/<speaker>/<utterance>.wav`` on ``n_jobs`` cores,
    and list them in ``out_dir/labels.csv`` (utterance, file relative to ``out_dir``, label, speaker).

    Returns the paths in plan order.
    """
    by_speaker: dict[str, list[Utterance]] = {}
    for plan in plans:
        by_speaker.setdefault(plan.speaker, []).append(plan)
    jobs = Parallel(n_jobs=n_jobs, return_as="generator_unordered")(
        delayed(_render_speaker)(group, out_dir, sample_rate) for group in by_speaker.values())
    for _ in tqdm(jobs, total=len(by_speaker), desc="speakers", unit="spk"):
        pass
    paths = [wav_path(out_dir, plan) for plan in plans]
    write_csv(out_dir / LABELS_FILE, pd.DataFrame({
        "utterance": [plan.utterance for plan in plans],
        "file": [path.relative_to(out_dir).as_posix() for path in paths],
        "label": [plan.label for plan in plans],
        "speaker": [plan.speaker for plan in plans],
    }))
    return paths
