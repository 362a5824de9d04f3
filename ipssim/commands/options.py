"""Argument types and options shared by several subcommands."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ipssim.calibration.posterior import projection
from ipssim.errors import shown
from ipssim.experiment import replication_warning
from ipssim.parameters import MODES, Parameters
from ipssim.streams import MAX_SEED

WHOLE = re.compile(r"[+-]?[0-9]+")
DECIMAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def bounded(
    cast: Callable[[str], float], low: float, high: float | None = None, note: str = ""
) -> Callable[[str], Any]:
    """An argparse type: a number read with ``cast``, at least ``low`` and at most ``high``."""
    expected = "a whole number" if cast is int else "a number"
    form = WHOLE if cast is int else DECIMAL

    def parse(text: str) -> Any:
        if not form.fullmatch(text):  # Python's int and float also take " 4", "4_0", "nan"
            raise argparse.ArgumentTypeError(f"expected {expected}, got {shown(text)}")
        value = cast(text)
        if value < low or (high is not None and value > high):
            allowed = f"{low} or more" if high is None else f"between {low} and {high}"
            raise argparse.ArgumentTypeError(f"must be {allowed}{note}, got {value}")
        return value

    return parse


positive = bounded(int, 1)
seed = bounded(int, 0, MAX_SEED, " (results store seeds as 64-bit integers)")


def add_overrides(p: argparse.ArgumentParser, what: str) -> None:
    """--set SECTION.KEY=VALUE (repeatable) into ``args.overrides``; ``what`` is its help."""
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="SECTION.KEY=VALUE",
        help=what,
    )


def add_parameter_options(p: argparse.ArgumentParser) -> None:
    """--parameters and --posterior: where the calibrated parameters come from."""
    p.add_argument(
        "--parameters",
        dest="parameter_mode",
        choices=MODES,
        help="calibrated parameters: posterior (each replication draws them from the "
        "posterior), point (its weighted mean) or defaults (the scenario's values); default "
        "posterior when ipssim ships one, else defaults",
    )
    p.add_argument(
        "--posterior",
        type=Path,
        metavar="PATH",
        help="the posterior to use: a folder written by ipssim calibrate --out DIR, or its "
        "posterior.parquet (default: the one shipped with ipssim)",
    )


def parameters(args: argparse.Namespace) -> Parameters:
    """The parameters ``--parameters`` and ``--posterior`` ask for (a bad posterior is refused)."""
    return projection(args.parameter_mode, args.posterior)


def add_replication_options(p: argparse.ArgumentParser, reps: int = 20) -> None:
    """--reps, --seed, --set, --workers, --out, --format, --parameters and --posterior."""
    p.add_argument("--reps", type=positive, default=reps, help=f"replications (default {reps})")
    p.add_argument("--seed", type=seed, default=1, help="root seed (default 1)")
    add_overrides(p, "change one parameter (repeatable)")
    p.add_argument("--workers", type=positive, default=1, help="worker processes (default 1)")
    p.add_argument("--out", type=Path, help="write results to this new folder")
    p.add_argument("--format", choices=("table", "json"), default="table")
    add_parameter_options(p)


def warn_if_few(reps: int) -> None:
    """Say on stderr when ``reps`` replications are too few for an interval to trust."""
    note = replication_warning(reps)
    if note is not None:
        print(f"warning: {note}", file=sys.stderr)
