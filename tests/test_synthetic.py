import dataclasses
import re
import hashlib

import numpy as np
import pytest
import soundfile

from fewlabels.corpus import synthetic
from fewlabels.corpus.espeak import Synthesizer
from fewlabels.corpus.params import SYNTHETIC_VOICES
from fewlabels.corpus.vocabulary import WORDS
from fewlabels.errors import FewlabelsError
from fewlabels.params import load_params
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def params():
    return load_params(ROOT / "params.yaml").corpus.synthetic


@pytest.fixture(scope="module")
def variants():
    return synthetic.voice_variants()


def tiny(params, **changes):
    return dataclasses.replace(params, **{"speakers": 4, "utterances_per_speaker": 6, **changes})


def digest(paths):
    return [hashlib.sha256(path.read_bytes()).hexdigest() for path in paths]


def test_same_params_give_byte_identical_files_whatever_the_worker_count(params, variants, tmp_path):
    plans = synthetic.plan_corpus(tiny(params), variants)
    first = synthetic.generate(plans, tmp_path / "a", params.sample_rate, n_jobs=1)
    second = synthetic.generate(plans, tmp_path / "b", params.sample_rate, n_jobs=2)
    assert digest(first) == digest(second)


def test_a_different_seed_gives_a_different_corpus(params, variants, tmp_path):
    one = synthetic.plan_corpus(tiny(params, seed=1), variants)
    two = synthetic.plan_corpus(tiny(params, seed=2), variants)
    assert [p.text for p in one] != [p.text for p in two]
    assert {p.voice for p in one} != {p.voice for p in two}
    paths_one = synthetic.generate(one[:3], tmp_path / "one", params.sample_rate)
    paths_two = synthetic.generate(two[:3], tmp_path / "two", params.sample_rate)
    assert digest(paths_one) != digest(paths_two)


def test_plan_is_a_pure_function_of_params(params, variants):
    assert synthetic.plan_corpus(params, variants) == synthetic.plan_corpus(params, variants)


def test_speakers_are_distinct_voices_with_every_class(params, variants):
    plans = synthetic.plan_corpus(params, variants)
    assert len(plans) == params.speakers * params.utterances_per_speaker
    voices = {p.speaker: p.voice for p in plans}
    assert len(voices) == params.speakers >= 60
    assert len(set(voices.values())) == params.speakers
    for speaker in voices:
        labels = [p.label for p in plans if p.speaker == speaker]
        counts = [labels.count(c) for c in synthetic.CLASSES]
        assert max(counts) - min(counts) <= 1


def test_valence_lives_in_prosody_relative_to_each_speaker(params, variants):
    plans = synthetic.plan_corpus(params, variants)
    by_speaker = {}
    for p in plans:
        by_speaker.setdefault(p.speaker, []).append(p)
    for name in ("pitch", "pitch_range", "rate", "volume"):
        # deviation of each utterance from its speaker's mean, averaged per class: ordered negative < neutral < positive
        deviation = {c: [] for c in synthetic.CLASSES}
        for utterances in by_speaker.values():
            mean = np.mean([getattr(u, name) for u in utterances])
            for u in utterances:
                deviation[u.label].append(getattr(u, name) - mean)
        means = [np.mean(deviation[c]) for c in synthetic.CLASSES]
        assert means[0] < means[1] < means[2], name
        # jitter: the same class varies within a speaker
        assert np.std(deviation["neutral"]) > 0.3 * getattr(params.valence_shift, name), name
        # without knowing the speaker, classes overlap: many emotional utterances lie in the central 80% of neutral ones
        value = {c: np.array([getattr(p, name) for p in plans if p.label == c]) for c in synthetic.CLASSES}
        low, high = np.percentile(value["neutral"], [10, 90])
        for label in ("negative", "positive"):
            assert np.mean((value[label] >= low) & (value[label] <= high)) > 0.3, (name, label)


def test_words_come_from_one_vocabulary_for_all_classes(params, variants):
    plans = synthetic.plan_corpus(params, variants)
    words = {c: set() for c in synthetic.CLASSES}
    for p in plans:
        tokens = p.text.lower().replace(".", "").split()
        assert set(tokens) <= set(WORDS)
        words[p.label].update(tokens)
    overlap = set.intersection(*words.values())
    assert len(overlap) > 0.9 * len(set.union(*words.values()))


def test_audio_is_8khz_mono_16bit_with_some_short_utterances(params, variants, tmp_path):
    plans = synthetic.plan_corpus(tiny(params, speakers=6, short_fraction=0.3), variants)
    paths = synthetic.generate(plans, tmp_path, params.sample_rate)
    durations = []
    for path in paths:
        info = soundfile.info(path)
        assert (info.samplerate, info.channels, info.subtype, info.format) == (8000, 1, "PCM_16", "WAV")
        durations.append(info.duration)
    durations = np.array(durations)
    assert (durations < 3.75).any() and (durations >= 4).mean() > 0.5
    assert durations.max() < 12


def test_noise_is_mixed_at_the_requested_snr():
    rng = np.random.default_rng(0)
    speech = np.sin(np.linspace(0, 2000, 8000)) * 1000
    noise = synthetic.pink_noise(speech.size, rng)
    mixed = synthetic.mix_at_snr(speech, noise, 10.0)
    snr = 10 * np.log10(np.mean(speech**2) / np.mean((mixed - speech) ** 2))
    assert snr == pytest.approx(10.0, abs=1e-9)


def test_more_speakers_than_voices_is_a_clear_error(params, variants):
    with pytest.raises(FewlabelsError, match="corpus.synthetic.speakers must be at most 8 "):
        synthetic.plan_corpus(tiny(params, speakers=9), variants[:1])


def test_the_params_cap_on_speakers_is_the_number_of_voices(variants):
    assert len(synthetic.BASE_VOICES) * len(variants) == SYNTHETIC_VOICES


def test_each_synthesizer_has_its_own_state():
    """eSpeak NG's output depends on what it said before; a fresh Synthesizer never sees another's history."""
    say = {"rate": 170, "volume": 100, "pitch": 50, "pitch_range": 50}
    with Synthesizer() as first:
        first.set_voice("en-US+m3")
        fresh = first.synthesize("we went home", **say)
        again = first.synthesize("we went home", **say)
    with Synthesizer() as other:
        other.set_voice("en-GB-x-rp+f2")
        other.synthesize("a few other words first", **say)
    with Synthesizer() as second:
        second.set_voice("en-US+m3")
        assert np.array_equal(second.synthesize("we went home", **say), fresh)
    assert fresh.dtype == np.int16 and fresh.size > 0.5 * first.sample_rate
    assert not np.array_equal(again, fresh)  # the hidden state this class isolates


@pytest.mark.parametrize("voice", ["en-US+nobody", "nobody"])
def test_unknown_voice_is_a_clear_error(voice):
    with Synthesizer() as synthesizer, pytest.raises(ValueError, match=re.escape(f"no voice '{voice}'")):
        synthesizer.set_voice(voice)
