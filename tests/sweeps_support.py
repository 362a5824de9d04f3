"""Tiny sweep files and process helpers shared by the sweep, resume, Dask and report tests."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "scenarios" / "base.toml"
QUICK = {
    "entry.arrivals_per_week": 2.0,
    "run.horizon_weeks": 16,
    "entry.intake_weeks": 8,
    "employers.count": 50,
}


def write_sweep(
    folder: Path,
    body: str,
    name: str = "tiny",
    reps: int = 2,
    seed: int = 3,
    quick: dict | None = None,
) -> Path:
    """A sweep file on the base scenario cut down to runs of about a tenth of a second."""
    fixed = "\n".join(f'"{k}" = {v}' for k, v in (quick or QUICK).items())
    path = folder / f"{name}.toml"
    path.write_text(
        f'name = "{name}"\nbase = "{BASE}"\nreps = {reps}\nseed = {seed}\n'
        f'metrics = ["employment_rate", "waiting_weeks_mean", "placements_per_year"]\n'
        f"{body}\n[set]\n{fixed}\n",
        encoding="utf-8",
    )
    return path


GRID = """
[grid]
"service.specialists" = [1, 2, 3]
"service.caseload_cap" = [5, 20]
"""


def start(args: list[str], log: Path) -> subprocess.Popen:
    """Start ``python -m ipssim.cli ARGS`` in its own process group, output to ``log``, with
    Ctrl-C's default handling even when the tests run with SIGINT ignored (a background job),
    which Python would otherwise pass on to the command as ignored."""
    with open(log, "wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "ipssim.cli", *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=True,
            preexec_fn=_default_interrupt,
        )


def _default_interrupt() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


def parts(folder: Path) -> list[Path]:
    return sorted((folder / "store").glob("*.parquet")) if (folder / "store").is_dir() else []


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def kill_group(process: subprocess.Popen) -> None:
    """End a test's process and everything it started (its own process group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def listening(pid: int) -> set[tuple[str, int]]:
    """The (address, port) of every socket that process ``pid`` and its descendants listen on,
    as ``ss -ltnp`` would list them for that process tree (psutil reads /proc)."""
    import psutil  # installed with dask.distributed

    root = psutil.Process(pid)
    found = set()
    for process in (root, *root.children(recursive=True)):
        with contextlib.suppress(psutil.NoSuchProcess):
            found |= {
                (c.laddr.ip, c.laddr.port)
                for c in process.net_connections(kind="inet")
                if c.status == psutil.CONN_LISTEN
            }
    return found
