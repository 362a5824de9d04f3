"""``ipssim trial ARM_A.toml ARM_B.toml``: many virtual randomised trials of one size.

Each trial allocates ``--n`` clients from one population to the two arms (ceil(n/2) to A) and
follows them for ``--follow-up-months``. For employment and reoffending the table shows each
arm's rate, the risk difference and the relative risk as the median and 2.5th-97.5th
percentiles of the trials' estimates, and the power: the share of trials significant at 5%
(Fisher's exact test, two-sided).
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable
from pathlib import Path

from ipssim import scenario as scenarios
from ipssim.commands.options import (
    add_overrides,
    add_parameter_options,
    bounded,
    parameters,
    positive,
    seed,
)
from ipssim.formatting import clean
from ipssim.trial import ALPHA, design, simulate, summary
from ipssim.version import __version__

at_least_two = bounded(int, 2, note=" (one client per arm)")
months = bounded(float, 1, 120, note=" months")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("arm_a", type=Path, help="scenario of arm A (the intervention)")
    p.add_argument("arm_b", type=Path, help="scenario of arm B (the comparator)")
    p.add_argument("--n", type=at_least_two, default=85, help="clients per trial (default 85)")
    p.add_argument("--trials", type=positive, default=500, help="trials (default 500)")
    p.add_argument(
        "--follow-up-months",
        type=months,
        default=12.0,
        help="follow-up of every client (default 12)",
    )
    p.add_argument("--seed", type=seed, default=1, help="root seed (default 1)")
    add_overrides(p, "change one parameter in both arms")
    p.add_argument("--workers", type=positive, default=1, help="worker processes (default 1)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    add_parameter_options(p)


def run(args: argparse.Namespace) -> int:
    arm_a = scenarios.load(args.arm_a, args.overrides)
    arm_b = scenarios.load(args.arm_b, args.overrides)
    plan = design(arm_a, arm_b, args.n, args.follow_up_months)
    drawn = parameters(args)
    runs = simulate(plan, args.trials, args.seed, args.workers, parameters=drawn)
    results = summary(runs)
    head = {
        "arm_a": arm_a.name,
        "arm_a_hash": arm_a.hash(),
        "arm_b": arm_b.name,
        "arm_b_hash": arm_b.hash(),
        "n": args.n,
        "arm_a_n": plan.arm_a.entry.cohort_size,
        "arm_b_n": plan.arm_b.entry.cohort_size,
        "trials": args.trials,
        "follow_up_weeks": plan.follow_up_weeks,
        "seed": args.seed,
        "parameters": drawn.mode,
        "version": __version__,
    }
    if args.format == "json":
        print(json.dumps(clean({**head, "outcomes": results}), indent=2))
    else:
        print_trials(head, results)
    return 0


def _share(v: float) -> str:
    return f"{100 * v:.1f}%"


def _points(v: float) -> str:
    return f"{100 * v:+.1f}"


def _ratio(v: float) -> str:
    return "-" if math.isnan(v) else "inf" if math.isinf(v) else f"{v:.2f}"


def _cell(spread: list[float], show: Callable[[float], str]) -> str:
    low, mid, high = spread
    return f"{show(mid)} ({show(low)} to {show(high)})"


def print_trials(head: dict, results: dict[str, dict]) -> None:
    """The table: per outcome, each estimate's median and 95% range across trials, and power."""
    print(
        f"{head['trials']} virtual trials: {head['arm_a']} (A, {head['arm_a_n']} clients) vs "
        f"{head['arm_b']} (B, {head['arm_b_n']} clients), {head['follow_up_weeks']} weeks' "
        f"follow-up, seed {head['seed']}"
    )
    print(
        "each estimate: median across trials (2.5th to 97.5th percentile); parameters: "
        + head["parameters"]
    )
    print(
        f"{'outcome':<12} {'arm A rate':>22} {'arm B rate':>22} {'A - B (points)':>24} "
        f"{'A / B':>20} {'power':>7}"
    )
    for outcome, row in results.items():
        print(
            f"{outcome:<12} {_cell(row['rate_a'], _share):>22} "
            f"{_cell(row['rate_b'], _share):>22} {_cell(row['risk_difference'], _points):>24} "
            f"{_cell(row['relative_risk'], _ratio):>20} {_share(row['power']):>7}"
        )
    print(
        f"power: share of trials with p < {ALPHA:g} (Fisher's exact test, two-sided); "
        + "; ".join(
            f"{outcome}: {_share(r['significant_favouring_a'])} favour A, "
            f"{_share(r['significant_favouring_b'])} favour B"
            for outcome, r in results.items()
        )
    )
