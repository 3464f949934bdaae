"""compute.scheduler: the per-clip work of spectrograms, handcrafted and classify on a real Dask cluster
(``dask scheduler`` and ``dask worker`` processes, as docs/scaling.md starts them), byte-identical to the local run."""
import hashlib
import os
import re
import shlex
import subprocess
import threading
import time

import pytest
from distributed import Client, LocalCluster

from fewlabels import compute
from fewlabels.compute import ComputeError, work_on
from tests.conftest import BIN, update_params
from tests.documented import block_commands

ON_THE_CLUSTER = ("spectrograms", "handcrafted", "classify")
OUTPUTS = ("data/spectrograms", "data/features/labelled_hlf.pkl", "data/features/test_hlf.pkl",
           "data/predictions/classify.parquet")


def digests(root) -> dict[str, str]:
    """MD5 of every file under the outputs, by path."""
    files = [path for name in OUTPUTS for path in sorted((root / name).rglob("*") if (root / name).is_dir()
                                                         else [root / name]) if path.is_file()]
    return {str(path.relative_to(root)): hashlib.md5(path.read_bytes()).hexdigest() for path in files}


MARKER = "<!-- run by tests/test_dask.py::test_dvc_repro_on_a_dask_cluster_gives_the_outputs_of_the_local_run -->"
DOCUMENTED_ADDRESS = "tcp://10.0.0.5:8786"  # the docs' example; the test puts its own scheduler's address there


def started(command: str, cwd, env, pattern: str, timeout: float = 60) -> tuple[subprocess.Popen, re.Match]:
    """``command`` (a long-running Dask process) started, once its log printed a line matching ``pattern``."""
    process = subprocess.Popen(shlex.split(command), cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if found := re.search(pattern, line):
            threading.Thread(target=process.stderr.read, daemon=True).start()  # keep its pipe drained
            return process, found
        assert line or process.poll() is None, f"{command} exited with {process.returncode}"
    process.kill()
    raise AssertionError(f"{command} printed no {pattern!r} in {timeout} s")


@pytest.mark.e2e
def test_dvc_repro_on_a_dask_cluster_gives_the_outputs_of_the_local_run(reproduced_project):
    """docs/scaling.md's commands as written (the venv's dask, the scheduler's own address): a scheduler, a worker
    process per core, compute.scheduler set with sed, dvc repro; then each stage that reruns works there."""
    project = reproduced_project  # the local run
    local = digests(project.path)
    assert any("unlabelled/shard-00001.pkl" in name for name in local)  # several shards
    scheduler_command, worker_command, sed, repro = block_commands("docs/scaling.md", MARKER)
    processes = []
    try:
        scheduler, address = started(scheduler_command.replace(".venv/bin/", f"{BIN}/"), project.path, project.env,
                                     r"Scheduler at:\s+(tcp://\S+)")
        processes.append(scheduler)
        address = address[1]
        workers = worker_command.replace(".venv/bin/", f"{BIN}/").replace(DOCUMENTED_ADDRESS, address)
        processes.append(started(workers, project.path, project.env, r"Registered to:")[0])
        project.run("bash", "-c", sed.replace(DOCUMENTED_ADDRESS, address))
        assert f"scheduler: {address}" in (project.path / "params.yaml").read_text()
        assert project.repro_ran(*repro.split()[2:]) == set()  # where the work runs is no param of a stage
        with Client(address) as client:
            client.wait_for_workers(os.cpu_count(), timeout=60)  # --nworkers -1: a process per core
            for stage in ON_THE_CLUSTER:  # each stage sends its work there
                before = client.run_on_scheduler(lambda dask_scheduler: dask_scheduler.transition_counter)
                assert project.repro_ran("--force", "--single-item", stage) == {stage}
                after = client.run_on_scheduler(lambda dask_scheduler: dask_scheduler.transition_counter)
                assert after > before, f"{stage} sent no task to the cluster"
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(timeout=30)
    assert digests(project.path) == local


def test_an_unreachable_scheduler_or_one_without_workers_is_refused_with_what_to_do(monkeypatch):
    monkeypatch.setattr(compute, "CONNECT_TIMEOUT_S", 2)  # a refusal after 2 s, not 10: the same errors
    with pytest.raises(ComputeError, match=r"^compute.scheduler: no Dask scheduler answers at tcp://127.0.0.1:9 "
                                           r".*or set compute.scheduler: local$"):
        with work_on("tcp://127.0.0.1:9"):
            pass
    with LocalCluster(n_workers=0, processes=False, dashboard_address=None) as idle:
        with pytest.raises(ComputeError, match=r"^compute.scheduler: the Dask scheduler at .* has no worker: start one"):
            with work_on(idle.scheduler_address):
                pass


@pytest.mark.e2e
def test_an_unreachable_scheduler_is_one_error_line_that_says_what_to_do(reproduced_project):
    project = reproduced_project
    update_params(project.path / "params.yaml", {"compute": {"scheduler": "tcp://127.0.0.1:9"}})
    # where the work runs is no param of a stage: --force makes handcrafted run (and fail) all the same
    failed = project.dvc("repro", "--force", "--single-item", "handcrafted", check=False)
    assert failed.returncode != 0 and "Traceback" not in failed.stderr
    assert "error: compute.scheduler: no Dask scheduler answers at tcp://127.0.0.1:9" in failed.stderr
