"""A pretrained speech model's embeddings per chunk: a tiny random Whisper saved with save_to_preset and loaded by the
path a user's preset takes; the chunks are the other families' chunks, read at the model's own rate."""
import keras
import numpy as np
import pandas as pd
import pytest
import soundfile

from fewlabels.errors import FewlabelsError
from fewlabels.features.embeddings import PresetError, embedding_featurizer, encoder, feature_names
from fewlabels.features.extract import class_names, extract, planned_chunks
from tests.test_extract import chunk_mean


def save_tiny_whisper(path) -> str:
    """A random Whisper backbone (1 layer, width 16) and its converter (4 s of audio), saved as a preset."""
    import keras_hub

    keras.utils.set_random_seed(0)
    keras_hub.models.WhisperBackbone(vocabulary_size=64, num_layers=1, num_heads=2, hidden_dim=16, intermediate_dim=32,
                                     max_encoder_sequence_length=400, max_decoder_sequence_length=8).save_to_preset(path)
    keras_hub.layers.WhisperAudioConverter(max_audio_length=4).save_to_preset(path)
    return str(path)


@pytest.fixture(scope="module")
def preset(tmp_path_factory) -> str:
    return save_tiny_whisper(tmp_path_factory.mktemp("presets") / "whisper")


@pytest.fixture
def rows(tmp_path):
    """Utterances at 8, 16 and 48 kHz: one of 2 chunks at 8 kHz whose 16 kHz length falls one sample short of
    them, one resampled, one shorter than a chunk."""
    rng = np.random.default_rng(5)
    specs = [("u_16k", 119_999, 16000), ("u_48k", 370_000, 48000), ("u_8k", 20_000, 8000)]
    records = []
    for utterance, n, rate in specs:
        path = tmp_path / f"{utterance}.wav"
        soundfile.write(path, rng.integers(-8000, 8000, n).astype(np.int16), rate, subtype="PCM_16")
        info = soundfile.info(path)
        records.append({"utterance": utterance, "path": str(path), "label": "a", "speaker": "s1",
                        "frames": info.frames, "sample_rate": rate, "duration_s": n / rate})
    return pd.DataFrame(records)


def test_each_chunk_is_read_at_the_models_rate_and_pooled_over_its_frames(rows, preset):
    featurize, rate = embedding_featurizer(preset, 30_000 / 8000)
    assert rate == 16000
    found, _ = extract(rows, class_names(rows), featurize, sample_rate=8000, min_signal=30_000, short_signals="pad",
                       desc="test", n_jobs=1, read_rate=rate)  # in this process: joblib's shared workers stay free of
    # TensorFlow, which openSMILE cannot share a process with (tests/test_opensmile.py)
    study, _ = extract(rows, class_names(rows), chunk_mean, sample_rate=8000, min_signal=30_000, short_signals="pad",
                       desc="test", n_jobs=2)
    assert found["utterance"] == study["utterance"] == ["u_16k", "u_16k", "u_48k", "u_48k", "u_8k"]
    assert np.array_equal(found["chunk"], study["chunk"])
    assert planned_chunks(rows, 8000, 30_000, "pad").tolist() == [2, 2, 1]
    # the first chunk of the 16 kHz file, as read (no resampling): converter -> encoder -> mean, SD over its frames
    model = encoder(preset)
    samples = soundfile.read(rows["path"][0], dtype="int16")[0][:60_000] / 2 ** 15
    frames = np.asarray(model.model(np.asarray(model.converter(samples.astype(np.float32)))[None]))[0]
    assert frames.shape == (200, 16)  # 4 s padded: 400 converter frames, 200 encoder frames; the chunk holds 188
    expected = np.concatenate([frames[:188].mean(axis=0), frames[:188].std(axis=0)])
    np.testing.assert_allclose(found["X"][0], expected, rtol=1e-5, atol=1e-6)
    assert found["X"].shape == (5, 32) and len(feature_names(16)) == 32
    # the second chunk holds the file's last 59,999 samples and one sample of padding
    assert not np.allclose(found["X"][1], found["X"][0])


def test_a_preset_that_cannot_be_loaded_or_holds_too_little_audio_says_how_to_go_on(tmp_path, preset):
    (tmp_path / "not_a_preset").mkdir()
    with pytest.raises(PresetError, match=r"embeddings\.preset '.*not_a_preset' cannot be loaded .* save_to_preset"):
        embedding_featurizer(str(tmp_path / "not_a_preset"), 3.75)
    with pytest.raises(PresetError, match=r"embeddings\.preset 'whisper_tiny_en' cannot be loaded .* save_to_preset"):
        embedding_featurizer("whisper_tiny_en", 3.75)  # a download from Kaggle: no internet here
    with pytest.raises(PresetError, match=r"lasts 5 s, longer than the 4 s embeddings\.preset .* lower audio.min_signal"):
        embedding_featurizer(preset, 5.0)
    assert issubclass(PresetError, FewlabelsError)  # one error: line, exit status 1
