"""Nothing left running: the workers of a sweep (a local pool's, or a local Dask cluster's) and
multiprocessing's resource tracker end when the process that started them is killed with SIGKILL
(which no handler can catch)."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

import pytest

from tests.sweeps_support import start, wait_for, write_sweep


def children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (read from /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except OSError:
        return False


@pytest.mark.parametrize("executor", [["--workers", "2"], ["--dask-local", "2"]])
def test_kill_9_of_a_sweep_leaves_no_worker(tmp_path: Path, executor: list[str]) -> None:
    grid = '[grid]\n"service.specialists" = [1, 2, 3, 4]\n"service.caseload_cap" = [5, 20]\n'
    sweep = write_sweep(tmp_path, grid, reps=40)
    parent = start(
        ["sweep", str(sweep), *executor, "--out", str(tmp_path / "out")], tmp_path / "log"
    )
    try:
        wait_for(lambda: (tmp_path / "out" / "store").is_dir(), 60, "the sweep to start")
        wait_for(lambda: len(children(parent.pid)) >= 3, 60, "two workers and the tracker")
        workers = children(parent.pid)
        commands = [Path(f"/proc/{w}/cmdline").read_bytes() for w in workers]
        assert any(b"resource_tracker" in c for c in commands), commands
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 20  # Dask's workers find out by themselves
        while any(alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = {w: Path(f"/proc/{w}/cmdline").read_bytes()[:200] for w in workers if alive(w)}
        assert not left, f"outlived their parent: {left}"
    finally:
        for pid in children(parent.pid) | {parent.pid}:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
