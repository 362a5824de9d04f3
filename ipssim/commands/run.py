"""``ipssim run SCENARIO``: replications of one scenario, means with 95% intervals."""

from __future__ import annotations

import argparse
import json
import sys
import time
from functools import partial
from pathlib import Path

import pandas as pd

from ipssim import scenario as scenarios
from ipssim.commands.options import add_replication_options, parameters, warn_if_few
from ipssim.experiment import RunResult, pooled, replicate, runs_frame, summarise
from ipssim.formatting import clean, fmt, fmt_interval
from ipssim.metrics import metric
from ipssim.outcomes import BREAKDOWNS, METRICS
from ipssim.parameters import Parameters
from ipssim.results import manifest, write_folder, write_json
from ipssim.version import __version__


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", type=Path, help="scenario TOML file")
    add_replication_options(p)


def run(args: argparse.Namespace) -> int:
    scenario = scenarios.load(args.scenario, args.overrides)
    drawn = parameters(args)
    warn_if_few(args.reps)
    start = time.perf_counter()
    results = replicate(scenario, args.reps, args.seed, args.workers, parameters=drawn)
    wall = time.perf_counter() - start
    summary = summarise(runs_frame(results))
    if args.out is not None:
        info = manifest([scenario], args.seed, args.reps, wall, **drawn.record())
        write_folder(args.out, lambda d: write_run(d, info, scenario, args.seed, results, summary))
        print(f"results in {args.out}", file=sys.stderr)  # stderr: --format json stays JSON
    if args.format == "json":
        print(json.dumps(as_json(scenario, args.seed, args.reps, summary, drawn), indent=2))
    else:
        print_run(scenario, args.seed, args.reps, summary, results, drawn)
    return 0


def write_run(
    folder: Path,
    info: dict,
    scenario: scenarios.Scenario,
    seed: int,
    results: list[RunResult],
    summary: pd.DataFrame,
) -> None:
    """The files of ``ipssim run --out``."""
    from ipssim import timecourse, timecourse_figures  # here: input is checked before matplotlib

    write_json(folder / "manifest.json", info)
    runs = runs_frame(results).assign(
        seed=seed, scenario=scenario.name, scenario_hash=scenario.hash()
    )
    runs.to_parquet(folder / "runs.parquet", index=False)
    events = pooled(results, lambda r: r.events)
    weekly = pooled(results, lambda r: r.weekly)
    events.to_parquet(folder / "events.parquet", index=False)
    weekly.to_parquet(folder / "weekly.parquet", index=False)
    timecourse_figures.write(
        folder,
        timecourse.tables(events, weekly, scenario),
        info,
        scenario.name,
        scenario.run.warmup_weeks,
    )
    summary.to_csv(folder / "summary.csv")
    pooled(results, lambda r: pd.DataFrame([r.funnel])).to_csv(folder / "funnel.csv", index=False)
    for trait, (name, _) in BREAKDOWNS.items():
        pooled(results, partial(_breakdown, trait)).to_csv(folder / f"{name}.csv", index=False)


def _breakdown(trait: str, result: RunResult) -> pd.DataFrame:
    return result.breakdowns[trait].reset_index()


def as_json(
    scenario: scenarios.Scenario,
    seed: int,
    reps: int,
    summary: pd.DataFrame,
    drawn: Parameters,
) -> dict:
    """The ``--format json`` object."""
    return {
        "scenario": scenario.name,
        "scenario_hash": scenario.hash(),
        "seed": seed,
        "reps": reps,
        "parameters": drawn.mode,
        "version": __version__,
        "metrics": clean(
            {
                name: {
                    "mean": float(row["mean"]),
                    "ci_low": float(row["ci_low"]),
                    "ci_high": float(row["ci_high"]),
                }
                for name, row in summary.iterrows()
            }
        ),
    }


def print_run(
    scenario: scenarios.Scenario,
    seed: int,
    reps: int,
    summary: pd.DataFrame,
    results: list[RunResult],
    drawn: Parameters,
) -> None:
    """The table: each metric's mean and interval, the referral funnel, the breakdowns."""
    print(
        f"{scenario.name} ({scenario.hash()}): {reps} replication{'s' * (reps != 1)}, seed {seed}, "
        f"{scenario.run.horizon_weeks} weeks"
    )
    print(drawn.describe())
    print(f"{'metric':<40} {'mean':>10} {'95% interval':>22}  meaning")
    by_metric = summary.to_dict("index")
    for name in METRICS:
        row = by_metric[name]
        ci = fmt_interval(name, row["ci_low"], row["ci_high"])
        mean = fmt(name, row["mean"])
        print(f"{name:<40} {mean:>10} {ci:>22}  {metric(name).description}")
    funnel = pd.DataFrame([r.funnel for r in results]).mean()
    print(
        "\nreferral funnel (mean clients per run): "
        + " -> ".join(f"{str(k).replace('_', ' ')} {v:,.1f}" for k, v in funnel.items())
    )
    for trait, (_, title) in BREAKDOWNS.items():
        table = (
            pd.concat([r.breakdowns[trait] for r in results])
            .groupby(level=0, observed=False)
            .mean()
        )
        print(f"\nby {title} (mean over replications):")
        print(table[table["clients"] > 0].to_string(float_format=lambda v: f"{v:.3f}"))
