"""Where joblib's parallel loops run: local worker processes, or a Dask cluster (``compute.scheduler``)."""
import contextlib
import re
from collections.abc import Iterator
from typing import Annotated

import joblib
from pydantic import field_validator
from pydantic.dataclasses import dataclass

from fewlabels.errors import FewlabelsError
from fewlabels.schema import SECTION, Str, doc

CONNECT_TIMEOUT_S = 10


class ComputeError(FewlabelsError):
    """The Dask scheduler of ``compute.scheduler`` cannot be reached."""


@dataclass(config=SECTION)
class ComputeParams:
    """Where the per-clip work of spectrograms, handcrafted and classify runs; the outputs are the same."""

    scheduler: Annotated[Str, doc("local (joblib processes on this machine's cores) or a Dask scheduler's address, "
                                  "e.g. tcp://10.0.0.5:8786")]

    @field_validator("scheduler")
    @classmethod
    def _address(cls, scheduler):
        if scheduler != "local" and not re.fullmatch(r"tcp://\S+", scheduler):
            raise ValueError(f"{scheduler!r} is neither local nor a Dask scheduler address such as tcp://10.0.0.5:8786 "
                             "(the address `dask scheduler` prints)")
        return scheduler


@contextlib.contextmanager
def work_on(scheduler: str) -> Iterator[None]:
    """Inside the block, every ``joblib.Parallel`` runs on local processes (``"local"``) or, for the address
    of a Dask scheduler (``tcp://host:8786``), on that cluster's workers through joblib's Dask backend
    (a lazy generator of such a loop runs where it is first advanced: inside the block).

    Results are the same either way; the workers need the same fewlabels installation and must be
    able to read the audio paths of the manifest.
    """
    if scheduler == "local":
        yield
        return
    from distributed import Client  # only a cluster run pays for importing it

    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError) as error:
        raise ComputeError(f"compute.scheduler: no Dask scheduler answers at {scheduler} ({error}): start one "
                           f"(`dask scheduler`, then `dask worker <its address>` on each machine) or set "
                           "compute.scheduler: local") from None
    with client:
        try:
            client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S)
        except TimeoutError:
            raise ComputeError(f"compute.scheduler: the Dask scheduler at {scheduler} has no worker: start one "
                               f"(`dask worker {scheduler} --nworkers -1 --nthreads 1`) or set compute.scheduler: "
                               "local") from None
        with joblib.parallel_config(backend="dask"):
            yield
