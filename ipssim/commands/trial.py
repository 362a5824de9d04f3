"""``ipssim trial ARM_A.toml ARM_B.toml``: many virtual randomised trials of one size.

Each trial allocates ``--n`` clients from one population to the two arms (ceil(n/2) to A) and
follows them for ``--follow-up-months``. For employment and reoffending the table shows each
arm's rate, the risk difference and the relative risk as the median and 2.5th-97.5th
percentiles of the trials' estimates, and the power: the share of trials significant at 5%
(Fisher's exact test, two-sided).

``--design cluster --sites K --clients-per-site M`` randomises whole sites instead: each trial
draws K sites from the population of ``ipssim sites``, K/2 run arm A as each implements it and
K/2 run arm B with their own context, M clients each, analysed on the sites' shares (see
``ipssim.cluster_trial``); the intraclass correlation and design effect are reported, and the
individually randomised design of the same K x M clients beside it. ``--ips-levers given``
runs arm A's service as given at every arm-A site, so that sites differ by context only.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable
from pathlib import Path

from ipssim import cluster_trial
from ipssim import scenario as scenarios
from ipssim.commands.options import (
    add_overrides,
    add_parameter_options,
    bounded,
    parameters,
    positive,
    seed,
)
from ipssim.errors import UserError
from ipssim.formatting import clean
from ipssim.schema.service import MAX_CLIENTS
from ipssim.trial import ALPHA, design, simulate, summary
from ipssim.version import __version__

MAX_N = 2 * MAX_CLIENTS  # a cohort of at most MAX_CLIENTS an arm
clients = bounded(int, 2, MAX_N, note=f" (1 to {MAX_CLIENTS} clients an arm)")
months = bounded(float, 1, 120, note=" months")
N_DEFAULT = 85


def even_sites(text: str) -> int:
    """An argparse type: an even number of sites, at least 4 (two an arm, for a variance)."""
    value = bounded(int, 4, note=" (two sites an arm at least)")(text)
    if value % 2:
        raise argparse.ArgumentTypeError(f"must be even (half the sites an arm), got {value}")
    return int(value)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("arm_a", type=Path, help="scenario of arm A (the intervention)")
    p.add_argument("arm_b", type=Path, help="scenario of arm B (the comparator)")
    p.add_argument(
        "--n", type=clients, help=f"clients per trial (default {N_DEFAULT}; individual design)"
    )
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
    p.add_argument(
        "--design",
        choices=("individual", "cluster"),
        default="individual",
        help="randomise clients (default) or whole sites drawn from the sites population",
    )
    p.add_argument("--sites", type=even_sites, help="sites per trial, an even number (cluster)")
    p.add_argument("--clients-per-site", type=positive, help="clients each site enrols (cluster)")
    p.add_argument(
        "--ips-levers",
        choices=("drawn", "given"),
        help="arm A's sites: levers drawn from the sites population, fidelity varying by site "
        "(default), or arm A's as given, sites differing by context only (cluster)",
    )


def check_design(args: argparse.Namespace) -> None:
    """Refuse options of the other design; set the individual design's size."""
    if args.design == "individual":
        if any(v is not None for v in (args.sites, args.clients_per_site, args.ips_levers)):
            raise UserError("--sites, --clients-per-site and --ips-levers need --design cluster")
        args.n = N_DEFAULT if args.n is None else args.n
        return
    missing = [
        o
        for o, v in (("--sites", args.sites), ("--clients-per-site", args.clients_per_site))
        if v is None
    ]
    if missing:
        raise UserError(f"--design cluster needs {' and '.join(missing)}")
    if args.n is not None:
        raise UserError(
            "--design cluster enrols --sites x --clients-per-site clients a trial: leave out --n"
        )
    args.n = args.sites * args.clients_per_site
    if args.n > MAX_N:
        raise UserError(
            f"--sites {args.sites} x --clients-per-site {args.clients_per_site} is {args.n} "
            f"clients a trial: at most {MAX_N} ({MAX_CLIENTS} an arm)"
        )
    args.ips_levers = args.ips_levers or "drawn"


def run(args: argparse.Namespace) -> int:
    check_design(args)
    arm_a = scenarios.load(args.arm_a, args.overrides)
    arm_b = scenarios.load(args.arm_b, args.overrides)
    plan = design(arm_a, arm_b, args.n, args.follow_up_months)
    drawn = parameters(args)
    if args.design == "cluster":
        site_plan = design(arm_a, arm_b, 2 * args.clients_per_site, args.follow_up_months)
        site_runs = cluster_trial.simulate(
            site_plan,
            args.sites,
            args.trials,
            args.seed,
            args.workers,
            parameters=drawn,
            drawn_levers=args.ips_levers == "drawn",
        )
        clustered = cluster_trial.summary(site_runs)
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
    if args.design == "individual":
        if args.format == "json":
            print(json.dumps(clean({**head, "outcomes": results}), indent=2))
        else:
            print_trials(head, results)
        return 0
    cluster = {
        "sites": args.sites,
        "sites_per_arm": args.sites // 2,
        "clients_per_site": args.clients_per_site,
        "ips_levers": args.ips_levers,
        "outcomes": clustered,
    }
    if args.format == "json":
        print(
            json.dumps(
                clean({**head, "design": "cluster", "cluster": cluster, "outcomes": results}),
                indent=2,
            )
        )
    else:
        print_cluster(head, cluster)
        print(f"\nbeside it, the individually randomised design of the same {args.n} clients:")
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
    print_estimates(results)
    print(
        f"power: share of trials with p < {ALPHA:g} (Fisher's exact test, two-sided); "
        + _favouring(results)
    )


def print_cluster(head: dict, cluster: dict) -> None:
    """The cluster design's table, then each outcome's ICC and design effect."""
    k, half, m = cluster["sites"], cluster["sites_per_arm"], cluster["clients_per_site"]
    results = cluster["outcomes"]
    how = "as each site implements it" if cluster["ips_levers"] == "drawn" else "as given"
    print(
        f"{head['trials']} virtual cluster-randomised trials of {k} sites from the sites "
        f"population, {m} clients a site: {half} run {head['arm_a']} (A) {how}, {half} run "
        f"{head['arm_b']} (B), each in its own context; {head['follow_up_weeks']} weeks' "
        f"follow-up, seed {head['seed']}"
    )
    print(
        "each estimate: of the arms' mean site shares, median across trials (2.5th to 97.5th "
        "percentile); parameters: " + head["parameters"]
    )
    print_estimates(results)
    print(
        f"power: share of trials with p < {ALPHA:g} (Student's t-test on the site shares, "
        f"{k - 2} degrees of freedom, two-sided); " + _favouring(results)
    )
    print(
        "intraclass correlation (one-way ANOVA, sites within arms, every trial's sites pooled) "
        f"and design effect 1 + ({m} - 1) ICC:"
    )
    for outcome, r in results.items():
        low, mid, high = r["icc_per_trial"]
        print(
            f"  {outcome:<12} ICC {_icc(r['icc'])} (arm A {_icc(r['icc_arm_a'])}, arm B "
            f"{_icc(r['icc_arm_b'])}; one trial estimates {_icc(mid)}, {_icc(low)} to "
            f"{_icc(high)}), design effect {_ratio(r['design_effect'])}"
        )


def _icc(v: float) -> str:
    return "-" if math.isnan(v) else f"{v:.3f}"


def _favouring(results: dict[str, dict]) -> str:
    return "; ".join(
        f"{outcome}: {_share(r['significant_favouring_a'])} favour A, "
        f"{_share(r['significant_favouring_b'])} favour B"
        for outcome, r in results.items()
    )


def print_estimates(results: dict[str, dict]) -> None:
    """Per outcome: each arm's rate, the difference, the ratio and the power."""
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
