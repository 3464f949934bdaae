"""Expected failures print one ``error:`` line and exit 1, in every stage; a traceback is a bug."""
import subprocess
import sys

import pytest

from tests.conftest import ROOT, update_params

STAGES_WITH_PARAMS = ("synthesise", "corpus", "split", "spectrograms", "handcrafted", "train_autoencoder", "draws",
                      "classify", "finetune", "end_to_end", "compare", "results")
# (stage, section, key, bad value, what): a stage checks every section, so one bad param stops each stage; the
# network stages are also given a bad param of their own section.
BAD_PARAMS = [*((stage, "autoencoder", "batch_size", 0, "must be at least 1, got 0") for stage in STAGES_WITH_PARAMS),
              ("finetune", "finetune", "hidden_units", 0, "must be at least 1, got 0"),
              ("end_to_end", "end_to_end", "lstm_units", 0, "must be at least 1, got 0")]


@pytest.mark.parametrize("stage, section, key, value, what", BAD_PARAMS,
                         ids=[f"{stage}-{section}.{key}" for stage, section, key, _, _ in BAD_PARAMS])
def test_a_bad_param_stops_every_stage_with_one_error_line(tmp_path, stage, section, key, value, what):
    params = tmp_path / "params.yaml"
    params.write_text((ROOT / "params.yaml").read_text())
    update_params(params, {section: {key: value}})
    result = subprocess.run([sys.executable, "-m", f"fewlabels.stages.{stage}"], cwd=tmp_path, capture_output=True,
                            text=True, env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: params.yaml: {section}.{key} {what}"], result.stderr
