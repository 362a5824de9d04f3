"""ipssim plan SCENARIO --referrals-per-year R: the smallest team that meets every target.

The number of specialists (for each --caseload-cap given) is searched on the steady-state
scenario at R referrals a year (entry.arrivals_per_week = R / 52); a team meets the targets
when every target is met together in at least --confidence of the replications. Printed: the
smallest such team, its annual cost and cost per job start, and what one fewer specialist
misses, or, when no team up to --max-specialists meets them, the target out of reach and the
best value reached. --out keeps the sweep folder (ipssim report reads it).

Under --parameters posterior, replication r of every team size draws the same particle (from
the seed tree (seed, r)), so the share meeting the targets carries parameter uncertainty and
the teams compared differ only by their staffing.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from ipssim.analysis.plan import answer, default_largest, plan_sweep, search
from ipssim.analysis.targets import parse
from ipssim.commands.execution import interrupted, terminate_as_interrupt
from ipssim.commands.options import (
    add_overrides,
    add_parameter_options,
    parameters,
    positive,
    seed,
    warn_if_few,
)
from ipssim.commands.targets import add_target_options
from ipssim.executors import Execution
from ipssim.sweeps import SWEEP_METRICS

DEFAULT_REPS = 10
DEFAULT_CONFIDENCE = 0.8


def _number(low: float, high: float | None, what: str):
    """An argparse type: a number above ``low`` (and below ``high``, both open)."""

    def parse_number(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r:.80}") from None
        if not (value > low and (high is None or value < high)) or value != value:
            raise argparse.ArgumentTypeError(f"{what}, got {text:.80}")
        return value

    return parse_number


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", type=Path, help="steady-state scenario TOML (a referral stream)")
    p.add_argument(
        "--referrals-per-year",
        required=True,
        type=_number(0, None, "must be more than 0"),
        metavar="R",
        help="referrals a year the team takes",
    )
    add_target_options(p, 'a goal, e.g. "waiting_weeks_mean<4" or "ipsgrow_employment_rate>=0.4"')
    p.add_argument(
        "--budget",
        type=_number(-1e-300, None, "must be 0 or more"),
        metavar="GBP",
        help="the most the whole team may cost a year (annual_cost)",
    )
    p.add_argument(
        "--caseload-cap",
        dest="caps",
        type=positive,
        nargs="+",
        action="extend",
        default=[],
        metavar="C",
        help="caseload caps to plan for (default: the scenario's)",
    )
    p.add_argument(
        "--confidence",
        type=_number(0, 1, "must be between 0 and 1 (both excluded)"),
        default=DEFAULT_CONFIDENCE,
        metavar="P",
        help="share of replications that must meet every target (default 0.8)",
    )
    p.add_argument(
        "--max-specialists",
        type=positive,
        metavar="N",
        help="the largest team searched (default one per 10 referrals a year)",
    )
    p.add_argument("--out", type=Path, metavar="DIR", help="keep the sweep in this new folder")
    p.add_argument(
        "--reps", type=positive, default=DEFAULT_REPS, help=f"replications (default {DEFAULT_REPS})"
    )
    p.add_argument("--seed", type=seed, default=1, help="root seed (default 1)")
    p.add_argument("--workers", type=positive, default=2, help="worker processes (default 2)")
    add_overrides(p, "change one parameter of the scenario (repeatable)")
    add_parameter_options(p)


def run(args: argparse.Namespace) -> int:
    targets = [parse(text, list(SWEEP_METRICS)) for text in args.targets]
    sweep = plan_sweep(
        args.scenario, args.overrides, args.referrals_per_year, args.caps, args.reps, args.seed
    )
    largest = args.max_specialists or default_largest(args.referrals_per_year)
    drawn = parameters(args)
    warn_if_few(args.reps)
    execution = Execution(workers=args.workers)
    with tempfile.TemporaryDirectory(prefix="ipssim-plan-") as scratch:
        folder = args.out or Path(scratch) / "plan"
        try:
            with terminate_as_interrupt():
                about = {
                    "referrals_per_year": args.referrals_per_year,
                    "targets": [str(t) for t in targets],
                    "target_texts": args.targets,
                    "confidence": args.confidence,
                    "budget": args.budget,
                    "largest": largest,
                }
                plans, _ = search(
                    sweep,
                    targets,
                    args.confidence,
                    largest,
                    folder,
                    execution,
                    about=about,
                    parameters=drawn,
                )
        except KeyboardInterrupt:
            return interrupted(folder) if args.out else 130
    print(
        f"{sweep.base.name or args.scenario.stem}: {args.referrals_per_year:g} referrals a year, "
        f"{args.reps} replications a team, seed {args.seed}; a team meets the targets when "
        f"every one is met in at least {args.confidence:.0%} of replications"
    )
    print(drawn.describe())
    print("targets: " + ("; ".join(str(t) for t in targets) or "none (the smallest team)"))
    for plan in plans:
        print()
        print(answer(plan, targets, args.confidence, args.budget, len(plans) > 1))
    if args.out:
        print(f"\nsweep in {args.out}; next: ipssim report {args.out}")
    return 0
