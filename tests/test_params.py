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
    assert params.corpus.synthetic.sample_rate == 8000
    assert isinstance(params.corpus.synthetic.valence_shift.pitch, float)
    assert params.corpus.valence_edges["msp_podcast"] == [1.0, 3.0, 5.0, 7.0]
    assert params.corpus.emotions["surprise"] is None and params.split.partitions is None


@pytest.mark.parametrize("written", ["1e-05", "1E-5", "2.5e+3", ".5"])
def test_floats_in_exponent_notation_are_floats(params_file, written):
    params_file.write_text(re.sub(r"jitter: .*", f"jitter: {written}", params_file.read_text()))
    assert load_params(params_file).corpus.synthetic.jitter == float(written)


def test_an_int_is_accepted_where_a_float_is_declared(params_file):
    update_params(params_file, {"corpus": {"synthetic": {"snr_db_min": 5}, "valence_edges": {"msp_podcast": [1, 3, 5, 7]}}})
    params = load_params(params_file).corpus
    assert params.valence_edges["msp_podcast"] == [1.0, 3.0, 5.0, 7.0]
    assert all(isinstance(edge, float) for edge in params.valence_edges["msp_podcast"])
    value = params.synthetic.snr_db_min
    assert value == 5.0 and isinstance(value, float)


def test_unknown_key_is_named_with_a_suggestion(params_file):
    params_file.write_text(params_file.read_text().replace("speakers:", "speakrs:"))
    with pytest.raises(ParamsError, match=r"unknown param corpus\.synthetic\.speakrs \(did you mean corpus\.synthetic\.speakers\?\)"):
        load_params(params_file)


def test_unknown_nested_key_and_section_are_named(params_file):
    update_params(params_file, {"corpus": {"synthetic": {"valence_shift": {"tempo": 2.0}}}})
    with pytest.raises(ParamsError, match=r"corpus\.synthetic\.valence_shift\.tempo"):
        load_params(params_file)
    params_file.write_text(params_file.read_text() + "\ntraining:\n  epochs: 3\n")
    with pytest.raises(ParamsError, match="unknown param training"):
        load_params(params_file)


def test_missing_key_is_named(params_file):
    params_file.write_text(params_file.read_text().replace("    seed: 2024\n    speakers", "    speakers"))
    with pytest.raises(ParamsError, match=r"missing param corpus\.synthetic\.seed"):
        load_params(params_file)


@pytest.mark.parametrize("section, key, value, message", [
    ("corpus", "synthetic", {"speakers": "many"}, r"corpus\.synthetic\.speakers must be int, got str 'many'"),
    ("corpus", "synthetic", {"speakers": 9.5}, r"corpus\.synthetic\.speakers must be int, got float"),
    ("corpus", "synthetic", {"speakers": True}, r"corpus\.synthetic\.speakers must be int, got bool"),
    ("corpus", "on_bad_input", "ignore", r"corpus\.on_bad_input must be one of \['error', 'skip'\]"),
    ("corpus", "source", "iemocap", r"corpus\.source must be one of \['synthetic', 'msp_podcast'"),
    ("corpus", "valence_edges", {"msp_podcast": 4.0}, r"corpus\.valence_edges\.msp_podcast must be a list, got 4\.0"),
    ("corpus", "valence_edges", {"msp_podcast": [1, "x"]}, r"corpus\.valence_edges\.msp_podcast\[1\] must be float"),
    ("corpus", "emotions", {"angry": 3}, r"corpus\.emotions\.angry must be str, got int"),
    ("split", "partitions", {"test": "Test1"}, r"split\.partitions\.test must be a list"),
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


def test_partitions_accept_null_and_a_mapping_of_lists(params_file):
    update_params(params_file, {"split": {"partitions": {"labelled": ["Train"], "test": ["Test1"]}}})
    assert load_params(params_file).split.partitions == {"labelled": ["Train"], "test": ["Test1"]}
