import re

import pytest

from fewlabels.params import ParamsError, load_params
from tests.conftest import ROOT, update_params


@pytest.fixture
def params_file(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text((ROOT / "params.yaml").read_text())
    return path


def test_the_shipped_params_load():
    params = load_params(ROOT / "params.yaml")
    assert params.corpus.sample_rate == 8000
    assert isinstance(params.corpus.valence_shift.pitch, float)


@pytest.mark.parametrize("written", ["1e-05", "1E-5", "2.5e+3", ".5"])
def test_floats_in_exponent_notation_are_floats(params_file, written):
    params_file.write_text(re.sub(r"jitter: .*", f"jitter: {written}", params_file.read_text()))
    assert load_params(params_file).corpus.jitter == float(written)


def test_an_int_is_accepted_where_a_float_is_declared(params_file):
    update_params(params_file, {"corpus": {"snr_db_min": 5}})
    value = load_params(params_file).corpus.snr_db_min
    assert value == 5.0 and isinstance(value, float)


def test_unknown_key_is_named_with_a_suggestion(params_file):
    params_file.write_text(params_file.read_text().replace("speakers:", "speakrs:"))
    with pytest.raises(ParamsError, match=r"unknown param corpus\.speakrs \(did you mean corpus\.speakers\?\)"):
        load_params(params_file)


def test_unknown_nested_key_and_section_are_named(params_file):
    update_params(params_file, {"corpus": {"valence_shift": {"pitch": 1.0, "pitch_range": 1.0, "rate": 1.0,
                                                             "volume": 1.0, "tempo": 2.0}}})
    with pytest.raises(ParamsError, match=r"corpus\.valence_shift\.tempo"):
        load_params(params_file)
    params_file.write_text(params_file.read_text() + "\ntraining:\n  epochs: 3\n")
    with pytest.raises(ParamsError, match="unknown param training"):
        load_params(params_file)


def test_missing_key_is_named(params_file):
    params_file.write_text(params_file.read_text().replace("  seed: 2024\n  speakers", "  speakers"))
    with pytest.raises(ParamsError, match=r"missing param corpus\.seed"):
        load_params(params_file)


@pytest.mark.parametrize("section, key, value, message", [
    ("corpus", "speakers", "many", r"corpus\.speakers must be int, got str 'many'"),
    ("corpus", "speakers", 9.5, r"corpus\.speakers must be int, got float"),
    ("corpus", "speakers", True, r"corpus\.speakers must be int, got bool"),
    ("corpus", "on_bad_audio", "ignore", r"corpus\.on_bad_audio must be one of \['error', 'skip'\]"),
    ("split", "test_per_class", None, r"split\.test_per_class must be int, got NoneType"),
])
def test_mistyped_values_are_named(params_file, section, key, value, message):
    update_params(params_file, {section: {key: value}})
    with pytest.raises(ParamsError, match=message):
        load_params(params_file)


def test_optional_value_accepts_null_and_int(params_file):
    update_params(params_file, {"split": {"unlabelled_per_class": None}})
    assert load_params(params_file).split.unlabelled_per_class is None
    update_params(params_file, {"split": {"unlabelled_per_class": 40}})
    assert load_params(params_file).split.unlabelled_per_class == 40
