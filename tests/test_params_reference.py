"""docs/params.md is generated from the params models' descriptions and params.yaml, and kept current."""
import shutil
import subprocess
import sys

import pytest

from fewlabels import params_reference
from fewlabels.errors import FewlabelsError
from fewlabels.params import Params, read_params_file
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def page():
    return params_reference.render(read_params_file(ROOT / "params.yaml"))


def row(page: str, key: str) -> str:
    (found,) = [line for line in page.splitlines() if line.startswith(f"| `{key}` |")]
    return found


def test_the_committed_page_is_current(page):
    assert (ROOT / "docs/params.md").read_text() == page, \
        "docs/params.md is out of date: run python -m fewlabels.params_reference"


def test_every_section_and_every_param_has_a_description():
    models = params_reference.sections()
    assert {key for key, _ in models} >= set(Params.__pydantic_fields__)  # every section of params.yaml
    undocumented = [key for key, model in models  # a dataclass without a docstring gets its signature as one
                    if not (model.__doc__ or "").strip() or model.__doc__.startswith(f"{model.__name__}(")]
    assert not undocumented, f"sections without a docstring: {', '.join(undocumented)}"
    missing = [f"{key}.{name}" for key, model in models
               for name, field in model.__pydantic_fields__.items() if not (field.description or "").strip()]
    assert not missing, f"params without a doc(...) description: {', '.join(missing)}"


@pytest.mark.parametrize("key, kind, default", [
    ("autoencoder.dropout", "float in [0, 1)", "0.2"),
    ("spectrogram.kind", "one of: linear, logmel", "linear"),
    ("corpus.synthetic.speakers", "int in [1, 808]", "150"),
    ("corpus.keep_emotions", "list of str, ≥ 2 entries", "[angry, happy, sad, neutral]"),
    ("split.unlabelled_per_class", "null or int ≥ 1", "null"),
    ("spectrogram.mel.fmax", "null or float > 0", "null"),
    ("spectrogram.db_floor", "float in [-300, 0)", "-80.0"),
    ("corpus.synthetic.valence_shift.rate", "float in [0, 400]", "48.0"),
    ("end_to_end.fixed_epochs", "int ≥ 1", "25"),  # inherited from DrawTrainingParams
    ("finetune.budgets", "mapping of (one of: fraction, count) to ((list of (float > 0 or one of: all), ≥ 2 entries) "
                         "or one of: auto), ≥ 1 entry", "{count: auto}"),
])
def test_a_row_shows_the_range_or_choices_and_the_default_of_params_yaml(page, key, kind, default):
    assert row(page, key).startswith(f"| `{key}` | {kind} | `{default}` | ")


def test_the_default_comes_from_the_params_file_given():
    defaults = read_params_file(ROOT / "params.yaml")
    defaults["autoencoder"]["dropout"] = 0.35
    assert "| `0.35` |" in row(params_reference.render(defaults), "autoencoder.dropout")


def test_sections_have_a_heading_and_the_models_summary(page):
    assert "\n### corpus.synthetic\n\nThe embedded corpus of synthetic English speech" in page
    assert "\n#### corpus.synthetic.valence_shift\n" in page
    assert page.splitlines()[2] == params_reference.HEADER


def test_check_fails_on_a_stale_page_and_passes_on_the_current_one(tmp_path, monkeypatch, capsys):
    shutil.copy(ROOT / "params.yaml", tmp_path / "params.yaml")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FewlabelsError, match="docs/params.md is out of date"):  # no page yet
        params_reference.main(["--check"])
    params_reference.main([])
    params_reference.main(["--check"])
    page = tmp_path / "docs/params.md"
    page.write_text(page.read_text().replace("dropout rate", "drop rate"))
    stale = subprocess.run([sys.executable, "-m", "fewlabels.params_reference", "--check"], cwd=tmp_path,
                           capture_output=True, text=True)
    assert stale.returncode == 1
    assert stale.stderr == "error: docs/params.md is out of date: run python -m fewlabels.params_reference\n"
    params_reference.main([])
    params_reference.main(["--check"])
    assert page.read_text() == (ROOT / "docs/params.md").read_text()
