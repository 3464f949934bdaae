"""Expected failures print one ``error:`` line and exit 1, in every stage; a traceback is a bug."""
import subprocess
import sys

import pytest

from tests.conftest import ROOT, update_params

STAGES_WITH_PARAMS = ("synthesise", "corpus", "split", "spectrograms", "handcrafted", "train_autoencoder", "draws",
                      "classify", "compare")


@pytest.mark.parametrize("stage", STAGES_WITH_PARAMS)
def test_a_bad_param_stops_every_stage_with_one_error_line(tmp_path, stage):
    params = tmp_path / "params.yaml"
    params.write_text((ROOT / "params.yaml").read_text())
    update_params(params, {"autoencoder": {"batch_size": 0}})
    result = subprocess.run([sys.executable, "-m", f"fewlabels.stages.{stage}"], cwd=tmp_path, capture_output=True,
                            text=True, env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == ["error: params.yaml: autoencoder.batch_size must be at least 1, got 0"], result.stderr
