"""No data loss: kill -9 or Ctrl-C of a running sweep leaves only complete files, keeps every
finished run, and running the same command again computes only what is missing."""

from __future__ import annotations

import re
import signal
from pathlib import Path

import pandas as pd
import pytest

from ipssim import sweeps
from ipssim.executors import Execution
from ipssim.store import RunStore
from ipssim.sweep_runner import run_sweep
from tests.sweeps_support import (
    BASE,
    GRID,
    group_alive,
    kill_group,
    parts,
    start,
    wait_for,
    write_sweep,
)

MANY = GRID.replace("[1, 2, 3]", "[1, 2, 3, 4, 5]")  # 10 points


DEFAULTS = ("--parameters", "defaults")  # as the reference, which run_sweep runs by default


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    """The sweep file and its runs computed without interruption."""
    folder = tmp_path_factory.mktemp("resume")
    path = write_sweep(folder, MANY, reps=3)
    done = run_sweep(sweeps.load(path), folder / "reference", Execution(), progress=False)
    return path, done.runs


def stored_keys(folder: Path) -> int:
    """Every file in the store reads whole; the number of distinct runs in it."""
    for part in parts(folder):
        pd.read_parquet(part)
    with RunStore(folder) as store:
        return len(store.keys())


def resume(path: Path, folder: Path, capsys) -> tuple[int, pd.DataFrame]:
    from ipssim import cli

    assert cli.main(["sweep", str(path), "--out", str(folder), *DEFAULTS]) == 0
    out = capsys.readouterr().out
    computed = int(re.search(r"\((\d+) runs computed now", out).group(1))
    return computed, pd.read_parquet(folder / "runs.parquet")


def test_kill_9_mid_sweep_loses_nothing_and_resumes(reference, tmp_path: Path, capsys) -> None:
    path, expected = reference
    folder = tmp_path / "killed"
    process = start(["sweep", str(path), "--out", str(folder), *DEFAULTS], tmp_path / "log.txt")
    try:
        wait_for(lambda: len(parts(folder)) >= 3, 120, "three finished runs")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        kill_group(process)
    saved = stored_keys(folder)
    assert 3 <= saved < 30
    assert not (folder / "runs.parquet").exists()  # no half-made table
    computed, runs = resume(path, folder, capsys)
    assert computed == 30 - saved  # only what was missing
    pd.testing.assert_frame_equal(runs, expected)
    assert not list(folder.glob("**/.*.tmp"))


def test_ctrl_c_stops_workers_keeps_runs_and_resumes(reference, tmp_path: Path, capsys) -> None:
    path, expected = reference
    folder = tmp_path / "interrupted"
    process = start(
        ["sweep", str(path), "--out", str(folder), "--workers", "2", *DEFAULTS],
        tmp_path / "log.txt",
    )
    try:
        wait_for(lambda: len(parts(folder)) >= 2, 120, "two finished runs")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 130
        wait_for(lambda: not group_alive(process.pid), 30, "the worker processes to end")
    finally:
        kill_group(process)
    log = (tmp_path / "log.txt").read_text()
    assert "interrupted; every finished run is saved" in log and "Traceback" not in log
    saved = stored_keys(folder)
    computed, runs = resume(path, folder, capsys)
    assert computed == 30 - saved
    pd.testing.assert_frame_equal(runs, expected)


def test_ctrl_c_reaches_a_started_command_though_the_tests_ignore_it(tmp_path: Path) -> None:
    """The Ctrl-C test above holds when the suite runs with SIGINT ignored (a background job:
    ``make test &``), which a child would otherwise inherit: ``start`` restores the default."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        process = start(["run", str(BASE), "--reps", "1000"], tmp_path / "log.txt")
    finally:
        signal.signal(signal.SIGINT, previous)
    try:
        wait_for(lambda: "%" in (tmp_path / "log.txt").read_text(), 60, "the progress bar")
        process.send_signal(signal.SIGINT)
        # ignored, the command would run on to the timeout; reached, it ends by Ctrl-C: 130 from
        # its handler, or killed by SIGINT (-2, seen once in a fresh-clone run; cause not found)
        assert process.wait(timeout=30) in (130, -signal.SIGINT)
    finally:
        kill_group(process)
    assert "Traceback" not in (tmp_path / "log.txt").read_text()
