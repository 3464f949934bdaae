"""compute.scheduler: the per-clip work of spectrograms, handcrafted and classify on a real Dask cluster
(a dask.distributed LocalCluster with worker processes), byte-identical to the local run."""
import hashlib

import pytest
from distributed import LocalCluster

from fewlabels import compute
from fewlabels.compute import ComputeError, work_on
from tests.conftest import update_params

ON_THE_CLUSTER = ("spectrograms", "handcrafted", "classify")
OUTPUTS = ("data/spectrograms", "data/features/labelled_hlf.pkl", "data/features/test_hlf.pkl",
           "data/predictions/classify.parquet")


def digests(root) -> dict[str, str]:
    """MD5 of every file under the outputs, by path."""
    files = [path for name in OUTPUTS for path in sorted((root / name).rglob("*") if (root / name).is_dir()
                                                         else [root / name]) if path.is_file()]
    return {str(path.relative_to(root)): hashlib.md5(path.read_bytes()).hexdigest() for path in files}


@pytest.mark.e2e
def test_dvc_repro_on_a_dask_cluster_gives_the_outputs_of_the_local_run(reproduced_project):
    project = reproduced_project  # the local run
    local = digests(project.path)
    assert any("unlabelled/shard-00001.pkl" in name for name in local)  # several shards
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        update_params(project.path / "params.yaml", {"compute": {"scheduler": cluster.scheduler_address}})
        assert project.repro_ran("classify") == set()  # where the work runs is no param of a stage
        for stage in ON_THE_CLUSTER:  # each stage sends its work there
            before = cluster.scheduler.transition_counter
            assert project.repro_ran("--force", "--single-item", stage) == {stage}
            assert cluster.scheduler.transition_counter > before, f"{stage} sent no task to the cluster"
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
