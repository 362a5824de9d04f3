"""Options shared by the commands that run sweeps: executor, output folder, replications."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ipssim.commands.options import add_overrides, positive, seed
from ipssim.executors import Execution


def add_execution_options(p: argparse.ArgumentParser) -> None:
    """--workers | --scheduler | --dask-local, --batch, --out, --reps, --seed, --set."""
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--workers", type=positive, default=1, help="local worker processes (default 1)"
    )
    where.add_argument(
        "--scheduler", metavar="tcp://HOST:PORT", help="run on this Dask distributed scheduler"
    )
    where.add_argument(
        "--dask-local",
        type=positive,
        metavar="N",
        help="start a local Dask cluster of N worker processes",
    )
    p.add_argument(
        "--batch",
        type=positive,
        metavar="RUNS",
        help="runs per task (default 1 locally, up to 8 on Dask)",
    )
    # dest is not "out": the folder may already hold this sweep, which then resumes
    p.add_argument(
        "--out",
        dest="folder",
        type=Path,
        metavar="DIR",
        help="result folder (default results/NAME); an interrupted sweep resumes there",
    )
    p.add_argument("--reps", type=positive, help="replications (default: the sweep file's)")
    p.add_argument("--seed", type=seed, help="root seed (default: the sweep file's)")
    add_overrides(p, "change one parameter of the base scenario")


def execution(args: argparse.Namespace) -> Execution:
    return Execution(
        workers=args.workers, scheduler=args.scheduler, dask_local=args.dask_local, batch=args.batch
    )


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM acts like Ctrl-C: workers are stopped, finished runs kept."""

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def interrupted(folder: Path) -> int:
    print(
        f"ipssim: interrupted; every finished run is saved in {folder}: run the same command "
        "again to compute only what is missing",
        file=sys.stderr,
    )
    return 130
