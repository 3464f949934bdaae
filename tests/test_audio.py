import numpy as np
import pytest
import soundfile

from fewlabels.audio import PCM16_SCALE, AudioError, fixed_size_chunks, load_signal, probe


@pytest.mark.parametrize("n, chunks", [(29_999, 0), (30_000, 1), (59_999, 1), (60_000, 2), (70_000, 2)])
def test_chunk_arithmetic(n, chunks):
    signal = np.arange(n, dtype=float)
    out = fixed_size_chunks(signal, 30_000)
    assert out.shape == (chunks, 30_000)
    for i in range(chunks):  # non-overlapping, in order, the tail dropped
        assert out[i, 0] == i * 30_000 and out[i, -1] == (i + 1) * 30_000 - 1


def test_pad_mode_pads_short_signals_only():
    short = fixed_size_chunks(np.ones(29_999), 30_000, "pad")
    assert short.shape == (1, 30_000) and short[0, :29_999].all() and short[0, -1] == 0
    assert fixed_size_chunks(np.ones(70_000), 30_000, "pad").shape == (2, 30_000)


def test_chunking_rejects_bad_settings():
    with pytest.raises(ValueError, match="short_signals must be 'drop' or 'pad'"):
        fixed_size_chunks(np.ones(10), 5, "trim")
    with pytest.raises(ValueError, match="at least 1 sample"):
        fixed_size_chunks(np.ones(10), 0)


def test_16bit_wav_is_read_on_the_integer_scale(tmp_path):
    samples = np.array([0, 1, -1, 32767, -32768, 1234], dtype=np.int16)
    path = tmp_path / "clip.wav"
    soundfile.write(path, samples, 8000, subtype="PCM_16")
    assert np.array_equal(load_signal(path, 8000), samples.astype(float))


def test_other_rates_are_resampled_keeping_the_frequency(tmp_path):
    rate, seconds, tone = 22_050, 2.0, 440.0
    t = np.arange(int(rate * seconds)) / rate
    path = tmp_path / "tone.wav"
    soundfile.write(path, 0.5 * np.sin(2 * np.pi * tone * t), rate, subtype="PCM_16")
    signal = load_signal(path, 8000)
    assert signal.size == 16_000
    spectrum = np.abs(np.fft.rfft(signal))
    assert np.fft.rfftfreq(signal.size, 1 / 8000)[spectrum.argmax()] == pytest.approx(tone, abs=1)
    assert np.abs(signal).max() == pytest.approx(0.5 * PCM16_SCALE, rel=0.02)


def test_stereo_is_averaged_to_mono(tmp_path):
    left = np.full(1000, 1000, dtype=np.int16)
    right = np.full(1000, -200, dtype=np.int16)
    left[::2] = 3000
    path = tmp_path / "stereo.wav"
    soundfile.write(path, np.stack([left, right], axis=1), 8000, subtype="PCM_16")
    assert np.allclose(load_signal(path, 8000), (left.astype(float) + right) / 2)
    assert probe(path).channels == 2


@pytest.mark.parametrize("content, reason", [
    (b"RIFF\x24\x00\x00\x00WAVEfmt garbage", "not readable as audio"),
    (b"ID3 not a wav at all" * 10, "not readable as audio"),
])
def test_corrupt_files_are_errors_naming_them(tmp_path, content, reason):
    path = tmp_path / "corrupt.wav"
    path.write_bytes(content)
    with pytest.raises(AudioError, match=f"corrupt.wav: {reason}"):
        load_signal(path, 8000)


def test_silent_wav_is_an_error(tmp_path):
    path = tmp_path / "silent.wav"
    soundfile.write(path, np.zeros(40_000, np.int16), 8000, subtype="PCM_16")
    with pytest.raises(AudioError, match="silent.wav: is digital silence"):
        load_signal(path, 8000)


def test_non_finite_float_samples_are_an_error(tmp_path):
    samples = np.random.default_rng(0).uniform(-0.5, 0.5, 1000).astype(np.float32)
    samples[10] = np.nan
    path = tmp_path / "float.wav"
    soundfile.write(path, samples, 8000, subtype="FLOAT")
    with pytest.raises(AudioError, match="float.wav: contains NaN or infinite samples"):
        load_signal(path, 8000)
