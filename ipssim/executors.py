"""Where a sweep's runs execute: this process, local worker processes, or a Dask cluster.

Work is sent in batches of runs; each run is ``run_one(scenario, seed, rep, parameters=...)``,
so its numbers depend only on its scenario, seed, replication and parameters, never on the
executor or the batching.
Results come back as each batch finishes, in whatever order they finish.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ipssim.errors import UserError
from ipssim.experiment import run_one
from ipssim.parameters import DEFAULTS, Parameters
from ipssim.pool import local_pool, usable
from ipssim.scenario import Scenario

RunSpec = tuple[int, Scenario, int, int]  # point, scenario, seed, rep
Row = dict[str, Any]
POOL_RESTARTS = 3  # a local worker that dies is replaced this many times before giving up
CONNECT_TIMEOUT = "20s"  # to reach a Dask scheduler
LOOPBACK = "127.0.0.1"  # a local cluster listens on this machine only


class ExecutionError(UserError):
    """The executor could not start or reach its workers."""


@dataclass(frozen=True)
class Execution:
    """How to run: ``workers`` local processes, or a Dask scheduler address, or a local Dask
    cluster of ``dask_local`` workers. ``batch`` runs go to each task (None: chosen)."""

    workers: int = 1
    scheduler: str | None = None
    dask_local: int | None = None
    batch: int | None = None

    def describe(self) -> str:
        if self.scheduler:
            return f"dask scheduler {self.scheduler}"
        if self.dask_local:
            return f"local dask cluster of {self.dask_local} workers"
        return f"{self.workers} local worker process{'es' if self.workers > 1 else ''}"

    @property
    def uses_dask(self) -> bool:
        return bool(self.scheduler or self.dask_local)

    @property
    def parallelism(self) -> int:
        return self.dask_local or self.workers


def run_batch(runs: list[RunSpec], parameters: Parameters = DEFAULTS) -> list[Row]:
    """Run each (point, scenario, seed, rep) with ``parameters`` and return one row of metrics
    per run, keyed by ``parameters.key`` of the scenario's hash."""
    rows = []
    for point, scenario, seed, rep in runs:
        result = run_one(scenario, seed, rep, parameters=parameters)
        rows.append(
            {
                "point": point,
                "rep": rep,
                "seed": seed,
                "scenario_hash": parameters.key(scenario.hash()),
                **{k: float(v) for k, v in result.metrics.items()},
            }
        )
    return rows


def batches(runs: list[RunSpec], execution: Execution) -> list[list[RunSpec]]:
    """Runs grouped into tasks. A local pool costs little per task, so it takes one run at a
    time; Dask costs about 2 ms per task, so it takes up to 8 runs, while keeping about 16 tasks
    per worker so that the last tasks do not leave a worker idle for long."""
    size = execution.batch
    if size is None:
        size = (
            max(1, min(8, len(runs) // (16 * execution.parallelism))) if execution.uses_dask else 1
        )
    return [runs[i : i + size] for i in range(0, len(runs), size)]


def execute(
    tasks: list[list[RunSpec]], execution: Execution, parameters: Parameters = DEFAULTS
) -> Iterator[list[Row]]:
    """Run the tasks with ``parameters``; yield each task's rows as it finishes. Closing the
    generator (or an interrupt while it waits) stops the workers."""
    if execution.uses_dask:
        yield from _dask(tasks, execution, parameters)
    elif execution.workers <= 1 or len(tasks) <= 1:
        yield from (run_batch(task, parameters) for task in tasks)
    else:
        yield from _in_local_workers(tasks, execution.workers, parameters)


def _in_local_workers(
    tasks: list[list[RunSpec]], workers: int, parameters: Parameters
) -> Iterator[list[Row]]:
    pending = dict(enumerate(tasks))
    restarts = 0
    while pending:
        try:
            with local_pool(usable(workers, len(pending)), start="spawn") as pool:
                futures = {
                    pool.submit(run_batch, task, parameters): i for i, task in pending.items()
                }
                while futures:
                    done, _ = wait(futures, return_when=FIRST_COMPLETED)
                    for future in done:
                        rows = future.result()
                        del pending[futures.pop(future)]
                        yield rows
        except BrokenProcessPool:
            restarts += 1
            if restarts > POOL_RESTARTS:
                raise ExecutionError(
                    f"local worker processes died {restarts} times; giving up "
                    "(finished runs are saved)"
                ) from None


def local_cluster(workers: int) -> Any:
    """A Dask cluster of ``workers`` single-threaded worker processes on this machine, every
    socket of it (scheduler, its HTTP routes, workers, nannies) on 127.0.0.1 only."""
    import dask
    from distributed import LocalCluster

    # No dashboard, so no use for the workers' statistical profiler: sampling every 10 ms, it
    # cost about 9% of a team-scale sweep's throughput on 2 cores. The scheduler's HTTP routes
    # take any free port of 127.0.0.1, not 8787, which another Dask may hold; ":0" would listen
    # on every interface.
    with dask.config.set({"distributed.worker.profile.enabled": False}):
        return LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host=LOOPBACK,
            dashboard_address=None,
            scheduler_kwargs={"dashboard_address": f"{LOOPBACK}:0"},
            silence_logs=logging.ERROR,
        )


@contextmanager
def dask_client(execution: Execution) -> Iterator[Any]:
    """A Dask client of the execution's local cluster (started here, closed after) or of its
    scheduler; an unreachable scheduler is a user's error."""
    from distributed import Client

    cluster = None
    try:
        if execution.dask_local:
            cluster = local_cluster(execution.dask_local)
            address = cluster.scheduler_address
        else:
            assert execution.scheduler, "a Dask execution is a local cluster or a scheduler"
            address = execution.scheduler
        try:
            client = Client(address, timeout=CONNECT_TIMEOUT)
        except OSError as exc:
            raise ExecutionError(
                f"--scheduler {address}: cannot reach the Dask scheduler ({exc})"
            ) from None
        try:
            yield client
        finally:
            client.close()
    finally:
        if cluster is not None:
            cluster.close()


def _dask(
    tasks: list[list[RunSpec]], execution: Execution, parameters: Parameters
) -> Iterator[list[Row]]:
    try:
        from distributed import as_completed
    except ImportError:
        raise ExecutionError("Dask is not installed: pip install 'dask[distributed]'") from None
    with dask_client(execution) as client:
        futures = [
            client.submit(run_batch, task, parameters, pure=False, retries=2) for task in tasks
        ]
        try:
            for future in as_completed(futures):
                yield future.result()
                future.release()
        finally:
            client.cancel(futures)
