"""Expected failures print one ``error:`` line and exit 1, in every stage; a traceback is a bug.

Each stage runs in-process as ``python -m`` runs it (its ``__main__`` block, by runpy); one runs in a subprocess
with an empty PATH, the contract as a user meets it."""
import runpy
import subprocess
import sys
import warnings

import pytest

from tests.conftest import ROOT, update_params

STAGES_WITH_PARAMS = ("synthesise", "corpus", "split", "spectrograms", "handcrafted", "train_autoencoder", "draws",
                      "classify", "finetune", "end_to_end", "compare", "results")
# (stage, section, key, bad value, what): a stage checks every section, so one bad param stops each stage; the
# network stages are also given a bad param of their own section.
BAD_PARAMS = [*((stage, "autoencoder", "batch_size", 0, "must be at least 1, got 0") for stage in STAGES_WITH_PARAMS),
              ("finetune", "finetune", "hidden_units", 0, "must be at least 1, got 0"),
              ("end_to_end", "end_to_end", "lstm_units", 0, "must be at least 1, got 0")]


def bad_params(folder, section, key, value):
    """params.yaml as shipped, with one bad value, in ``folder``."""
    params = folder / "params.yaml"
    params.write_text((ROOT / "params.yaml").read_text())
    update_params(params, {section: {key: value}})


def one_error_line(stderr: str) -> list[str]:
    assert "Traceback" not in stderr
    return [line for line in stderr.splitlines() if line.startswith("error:")]


@pytest.mark.parametrize("stage, section, key, value, what", BAD_PARAMS,
                         ids=[f"{stage}-{section}.{key}" for stage, section, key, _, _ in BAD_PARAMS])
def test_a_bad_param_stops_every_stage_with_one_error_line(tmp_path, monkeypatch, capsys, stage, section, key, value,
                                                           what):
    bad_params(tmp_path, section, key, value)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stopped, warnings.catch_warnings():  # any other exception is a bug: it fails
        warnings.filterwarnings("ignore", "'fewlabels.stages.* found in sys.modules", RuntimeWarning)
        runpy.run_module(f"fewlabels.stages.{stage}", run_name="__main__", alter_sys=True)
    assert stopped.value.code == 1
    stderr = capsys.readouterr().err
    assert one_error_line(stderr) == [f"error: params.yaml: {section}.{key} {what}"], stderr


def test_a_stage_run_as_a_command_prints_one_error_line_and_exits_1(tmp_path):
    """A stage that imports TensorFlow, in its own process with nothing on PATH."""
    bad_params(tmp_path, "autoencoder", "batch_size", 0)
    result = subprocess.run([sys.executable, "-m", "fewlabels.stages.train_autoencoder"], cwd=tmp_path,
                            capture_output=True, text=True, env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""})
    assert result.returncode == 1
    assert one_error_line(result.stderr) == ["error: params.yaml: autoencoder.batch_size must be at least 1, got 0"], \
        result.stderr
