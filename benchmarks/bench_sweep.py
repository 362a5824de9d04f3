"""Sweep throughput: team-scale runs per minute with 1 and 2 local workers and a local Dask
cluster of 2 workers: the whole sweep (worker start-up, saving and the final tables included)
and the steady rate once the workers are up (first result to last).

Team scale: the base scenario with about 500 clients (9.6 referrals a week for 52 weeks) over
104 weeks. Each executor runs the same sweep into a fresh folder; the best of ``--repeat``
timings counts, and the three results must be identical. Targets (issue 4): 2 workers reach
90% of twice the 1-worker throughput; Dask is within 10% of 2 local workers.

Usage: python benchmarks/bench_sweep.py [--points 4] [--reps 10] [--repeat 2]
The machine has 2 cores: anything else running at the same time lowers the parallel figures.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from ipssim import sweeps
from ipssim.executors import Execution, batches, execute
from ipssim.sweep_runner import run_sweep

ROOT = Path(__file__).resolve().parent.parent


def team_sweep(folder: Path, points: int, reps: int) -> Path:
    """A sweep of ``points`` specialist counts at team scale."""
    path = folder / "team.toml"
    specialists = ", ".join(str(4 + i) for i in range(points))
    path.write_text(
        f'name = "team"\nbase = "{ROOT / "scenarios" / "base.toml"}"\nreps = {reps}\n'
        f'seed = 1\n[set]\n"entry.arrivals_per_week" = 9.6\n'
        f'"entry.intake_weeks" = 52\n"run.horizon_weeks" = 104\n'
        f'[grid]\n"service.specialists" = [{specialists}]\n',
        encoding="utf-8",
    )
    return path


SPIN = (
    "import time; t = time.perf_counter(); sum(range(40_000_000)); print(time.perf_counter() - t)"
)


def capacity() -> float:
    """How much of two cores is free now: two pure-Python spins run side by side, as a share
    of twice the speed of one alone (1.0 on an idle 2-core machine)."""

    def spins(n: int) -> list[float]:
        procs = [
            subprocess.Popen([sys.executable, "-c", SPIN], stdout=subprocess.PIPE, text=True)
            for _ in range(n)
        ]
        return [float(p.communicate()[0]) for p in procs]

    alone = spins(1)[0]
    return alone / max(spins(2))


def timed(sweep: sweeps.Sweep, execution: Execution, repeat: int) -> tuple[float, pd.DataFrame]:
    """Best wall time of ``repeat`` fresh sweeps, and the runs table."""
    best, runs = float("inf"), None
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            outcome = run_sweep(sweep, Path(tmp) / "out", execution, progress=False)
            best = min(best, time.perf_counter() - start)
            runs = outcome.runs
    return best, runs


def steady(sweep: sweeps.Sweep, execution: Execution) -> float:
    """Runs per minute between the first and the last result (start-up left out)."""
    runs = [
        (p, s, sweep.spec.seed, r)
        for p, s in enumerate(sweep.scenarios())
        for r in range(sweep.spec.reps)
    ]
    start = time.perf_counter()
    stamps = [
        time.perf_counter() - start
        for rows in execute(batches(runs, execution), execution)
        for _ in rows
    ]
    return 60 * (len(stamps) - 1) / (stamps[-1] - stamps[0])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--points", type=int, default=4)
    p.add_argument("--reps", type=int, default=10)
    p.add_argument("--repeat", type=int, default=2)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sweep = sweeps.load(team_sweep(Path(tmp), args.points, args.reps))
    n = len(sweep.points) * args.reps
    load = os.getloadavg()[0]
    print(
        f"{n} team-scale runs ({len(sweep.points)} points x {args.reps} reps), best of "
        f"{args.repeat}; {os.cpu_count()} cores, load average {load:.2f} before the start"
    )
    print(f"free parallel capacity before: {capacity():.0%} (two CPU spins side by side vs one)")
    executions = {
        "1 local worker": Execution(workers=1),
        "2 local workers": Execution(workers=2),
        "local Dask cluster, 2 workers": Execution(dask_local=2),
    }
    rates, steadies, tables = {}, {}, {}
    print(f"{'':<32} {'whole sweep':>24} {'steady':>18}")
    for label, execution in executions.items():
        wall, tables[label] = timed(sweep, execution, args.repeat)
        rates[label] = 60 * n / wall
        steadies[label] = steady(sweep, execution)
        print(
            f"{label:<32} {wall:7.1f} s {rates[label]:7.1f} runs/min {steadies[label]:9.1f} "
            "runs/min"
        )
    first = next(iter(tables.values()))
    print(f"identical results across executors: {all(t.equals(first) for t in tables.values())}")
    for name, r in (("whole sweep", rates), ("steady", steadies)):
        one, two, dask = r.values()
        print(
            f"{name:<12} 2 workers / (2 x 1 worker) = {two / (2 * one):.0%} (target 90% or "
            f"more); Dask / 2 local workers = {dask / two:.0%} (target 90% or more)"
        )
    print(f"free parallel capacity after: {capacity():.0%}; load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
