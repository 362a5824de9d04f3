"""The --target option of plot, report and plan: goals such as "waiting_weeks_mean<4"."""

from __future__ import annotations

import argparse

from ipssim.analysis.targets import Target, TargetError, parse
from ipssim.result_folder import ResultFolder

SWEEP_GOAL = 'a goal for a sweep, e.g. "waiting_weeks_mean<4" or "employment_rate>=0.4"'


def add_target_options(p: argparse.ArgumentParser, goal: str = SWEEP_GOAL) -> None:
    p.add_argument(
        "--target",
        dest="targets",
        action="append",
        default=[],
        metavar="METRIC<VALUE",
        help=f"{goal} (repeatable; <, <=, >, >=)",
    )


def read_targets(folder: ResultFolder, texts: list[str]) -> list[Target]:
    """The targets, checked against the folder's metrics; only sweeps take targets."""
    if texts and folder.kind not in ("sweep", "sensitivity"):
        raise TargetError(
            f"--target: {folder.path} is a {folder.kind} result; targets apply to sweeps"
        )
    return [parse(text, folder.metrics) for text in texts]
