"""``ipssim sweep SWEEP.toml``: every point of a sweep with replications, resumable.

Runs are saved as they finish; run the same command again after an interruption and only the
missing runs are computed. The numbers do not depend on --workers, --scheduler or --dask-local.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from ipssim import sweeps
from ipssim.commands.execution import (
    add_execution_options,
    execution,
    interrupted,
    terminate_as_interrupt,
)
from ipssim.commands.options import add_parameter_options, parameters, warn_if_few
from ipssim.formatting import fmt, fmt_interval
from ipssim.sweep_runner import run_sweep

SHOWN_METRICS = 4
MAX_PRINTED_POINTS = 100


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("sweep", type=Path, help="sweep TOML file")
    add_execution_options(p)
    add_parameter_options(p)


def run(args: argparse.Namespace) -> int:
    sweep = sweeps.load(args.sweep, args.overrides, reps=args.reps, seed=args.seed)
    folder = args.folder or Path("results") / sweep.name
    drawn = parameters(args)
    warn_if_few(sweep.spec.reps)
    try:
        with terminate_as_interrupt():
            outcome = run_sweep(sweep, folder, execution(args), parameters=drawn)
    except KeyboardInterrupt:
        return interrupted(folder)
    print(
        f"{sweep.name}: {len(sweep.points)} points x {sweep.spec.reps} replications, seed "
        f"{sweep.spec.seed} ({outcome.computed} runs computed now, {outcome.reused} found in "
        f"{folder})"
    )
    print(drawn.describe())
    print_summary(outcome.summary, [lv.key for lv in sweep.levers], sweep.spec.metrics)
    print(
        f"\nresults in {folder}: runs.parquet, summary.csv; next: ipssim plot {folder}, "
        f"ipssim report {folder}"
    )
    return 0


def print_summary(summary: pd.DataFrame, levers: list[str], metrics: list[str]) -> None:
    """Each point's mean and 95% interval of the first few metrics (grids up to 100 points)."""
    points = summary["point"].nunique()
    if points > MAX_PRINTED_POINTS:
        print(f"{points} points: each point's mean and 95% interval are in summary.csv")
        return
    shown = metrics[:SHOWN_METRICS]
    wide = summary[summary["metric"].isin(shown)]
    names = [lv.rsplit(".", 1)[-1] for lv in levers]
    print(
        f"{'point':>6}"
        + "".join(f"  {n:>{len(n)}}" for n in names)
        + "".join(f"{m:>34}" for m in shown)
    )
    for (point, *values), group in wide.groupby(["point", *levers], sort=True):
        cells = group.set_index("metric").to_dict("index")
        line = f"{point:>6}" + "".join(
            f"  {_value(v):>{len(n)}}" for n, v in zip(names, values, strict=True)
        )
        for m in shown:
            row = cells[m]
            cell = f"{fmt(m, row['mean'])} ({fmt_interval(m, row['ci_low'], row['ci_high'])})"
            line += f"{cell:>34}"
        print(line)
    if len(metrics) > SHOWN_METRICS:
        print(
            f"(means with 95% intervals; {len(metrics) - SHOWN_METRICS} more metrics in "
            "summary.csv)"
        )


def _value(value: object) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)
