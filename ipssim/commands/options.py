"""Argument types and options shared by several subcommands."""

from __future__ import annotations

import argparse
from pathlib import Path


def positive(text: str) -> int:
    """A whole number of 1 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def seed(text: str) -> int:
    """A seed: a whole number of 0 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def add_replication_options(p: argparse.ArgumentParser, reps: int = 20) -> None:
    """--reps, --seed, --set, --workers, --out and --format."""
    p.add_argument("--reps", type=positive, default=reps, help=f"replications (default {reps})")
    p.add_argument("--seed", type=seed, default=1, help="root seed (default 1)")
    p.add_argument("--set", dest="overrides", action="append", default=[],
                   metavar="SECTION.KEY=VALUE", help="change one parameter (repeatable)")
    p.add_argument("--workers", type=positive, default=1, help="worker processes (default 1)")
    p.add_argument("--out", type=Path, help="write results to this new folder")
    p.add_argument("--format", choices=("table", "json"), default="table")
