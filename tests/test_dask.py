"""A real Dask cluster on 127.0.0.1 (a `dask scheduler` and two `dask worker` processes), and a
local one started by ipssim, give the same numbers as local runs, and a worker killed mid-sweep
changes nothing."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ipssim import sweeps
from ipssim.executors import Execution, local_cluster
from ipssim.sweep_runner import run_sweep
from tests.sweeps_support import (
    GRID,
    ROOT,
    kill_group,
    listening,
    parts,
    start,
    wait_for,
    write_sweep,
)

distributed = pytest.importorskip("distributed")
DASK = str(Path(sys.executable).with_name("dask"))
MANY = GRID.replace("[1, 2, 3]", "[1, 2, 3, 4, 5]")  # 10 points


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def spawn(args: list[str], log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen(
            [DASK, *args], stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True
        )


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """The scheduler's address and the two worker processes; all torn down at the end."""
    logs = tmp_path_factory.mktemp("dask")
    address = f"tcp://127.0.0.1:{free_port()}"
    processes = [
        spawn(
            [
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                address.rsplit(":", 1)[1],
                "--no-dashboard",
            ],
            logs / "scheduler.log",
        )
    ]
    try:
        for i in range(2):
            processes.append(
                spawn(
                    [
                        "worker",
                        address,
                        "--host",
                        "127.0.0.1",
                        "--nthreads",
                        "1",
                        "--no-nanny",
                        "--no-dashboard",
                        "--death-timeout",
                        "60",
                        "--name",
                        f"w{i}",
                    ],
                    logs / f"worker{i}.log",
                )
            )
        with distributed.Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
        yield address, processes[1:]
    finally:
        for process in reversed(processes):
            kill_group(process)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    folder = tmp_path_factory.mktemp("dask-sweep")
    path = write_sweep(folder, MANY, reps=3)
    return path, run_sweep(sweeps.load(path), folder / "local", Execution(), progress=False).runs


def test_dask_cluster_gives_the_same_numbers(cluster, reference, tmp_path: Path) -> None:
    address, _ = cluster
    path, expected = reference
    done = run_sweep(
        sweeps.load(path), tmp_path / "dask", Execution(scheduler=address), progress=False
    )
    pd.testing.assert_frame_equal(done.runs, expected)
    manifest = (tmp_path / "dask" / "manifest.json").read_text()
    assert f"dask scheduler {address}" in manifest


def test_local_dask_cluster_gives_the_same_numbers(
    cluster, reference, recwarn, tmp_path: Path
) -> None:
    path, expected = reference  # the other cluster is up, holding Dask's usual ports
    done = run_sweep(
        sweeps.load(path), tmp_path / "dask-local", Execution(dask_local=2), progress=False
    )
    pd.testing.assert_frame_equal(done.runs, expected)
    assert not [w for w in recwarn if "already in use" in str(w.message)]
    assert (
        "local dask cluster of 2 workers" in (tmp_path / "dask-local" / "manifest.json").read_text()
    )


def test_worker_killed_mid_sweep_changes_nothing(cluster, reference, tmp_path: Path) -> None:
    address, workers = cluster
    path, expected = reference
    folder = tmp_path / "killed-worker"
    process = start(
        [
            "sweep",
            str(path),
            "--out",
            str(folder),
            "--scheduler",
            address,
            "--batch",
            "2",
            "--parameters",
            "defaults",  # as the reference, which run_sweep runs by default
        ],
        tmp_path / "log.txt",
    )
    try:
        wait_for(lambda: len(parts(folder)) >= 2, 120, "two finished batches")
        assert process.poll() is None  # the sweep is still running when the worker dies
        workers[0].send_signal(signal.SIGKILL)
        assert process.wait(timeout=180) == 0
    finally:
        kill_group(process)
    pd.testing.assert_frame_equal(pd.read_parquet(folder / "runs.parquet"), expected)


def test_unreachable_scheduler_is_a_clear_error(
    capsys, monkeypatch, reference, tmp_path: Path
) -> None:
    from ipssim import cli, executors

    monkeypatch.setattr(executors, "CONNECT_TIMEOUT", "1s")
    path, _ = reference
    code = cli.main(
        [
            "sweep",
            str(path),
            "--out",
            str(tmp_path / "o"),
            "--scheduler",
            f"tcp://127.0.0.1:{free_port()}",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "cannot reach the Dask scheduler" in err and "Traceback" not in err


def test_a_local_cluster_listens_on_this_machine_only() -> None:
    """Every socket the local cluster listens on, in this process (the scheduler and its HTTP
    routes) and in its worker and nanny processes, is bound to 127.0.0.1."""
    psutil = pytest.importorskip("psutil")
    me = psutil.Process()
    before = {c.laddr for c in me.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN}
    others = {p.pid for p in me.children(recursive=True)}  # another test's cluster, if any
    cluster = local_cluster(1)
    try:
        processes = [me, *(p for p in me.children(recursive=True) if p.pid not in others)]
        listening = {
            c.laddr
            for p in processes
            for c in p.net_connections(kind="inet")
            if c.status == psutil.CONN_LISTEN
        } - before
        assert listening, "the cluster listens on nothing?"
        assert {addr.ip for addr in listening} == {"127.0.0.1"}, listening
    finally:
        cluster.close()


def test_a_dask_local_sweep_listens_on_this_machine_only(tmp_path: Path) -> None:
    """While ``ipssim sweep --dask-local 2`` runs, every socket its processes listen on (the
    scheduler, its HTTP routes and the nannies in the command's process, and the two worker
    processes) is bound to 127.0.0.1: none on 0.0.0.0 or ::."""
    pytest.importorskip("psutil")
    grid = '[grid]\n"service.specialists" = [1, 2, 3, 4]\n"service.caseload_cap" = [5, 20]\n'
    folder = tmp_path / "out"
    process = start(
        [
            "sweep",
            str(write_sweep(tmp_path, grid, reps=40)),
            "--dask-local",
            "2",
            "--out",
            str(folder),
        ],
        tmp_path / "log",
    )
    try:
        wait_for(lambda: len(parts(folder)) >= 1, 120, "the first finished batch")
        assert process.poll() is None, (tmp_path / "log").read_text()
        found = listening(process.pid)
        ports = {port for _, port in found}
        assert len(ports) >= 6, found  # scheduler, HTTP routes, 2 nannies, 2 workers at least
        assert {address for address, _ in found} == {"127.0.0.1"}, found
    finally:
        kill_group(process)
