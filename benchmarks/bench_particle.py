"""Calibration throughput: particles per minute (one particle = every calibration scenario run
once, as ``ipssim calibrate`` runs it) with 1 and 2 local workers and a local Dask cluster of 2
workers, and what a full calibration would take at that pace.

Each particle is ``calibration.smc.Model`` (the callable pyabc's samplers call) on a parameter
set drawn from the schema's priors; the same particles go to every executor, whose figures
must be identical. The rate is counted from the first finished particle to the last (worker
start-up left out). pyabc's own work between particles (proposal, weights, the SQLite history)
is not in it. The projection assumes ``--population`` particles accepted in each of
``--generations`` generations at ``--acceptance`` (accepted over simulated, an assumption: the
real rate falls as epsilon shrinks; 1.0 gives the floor), and says what fits in ``--hours``:
the population for ``--generations`` generations, or the generations of ``--population``.

Under the 1-worker line, the pace this process's CPU time gives on two idle cores in full use
(1 worker's CPU seconds a particle, halved): it moves less than wall time when other work
shares the cores; it is an estimate (the pitfalls notes measured 92-110% parallel efficiency
for a process pool on 1 s tasks).

Usage: python benchmarks/bench_particle.py [--particles 8] [--generations 10]
[--population 200] [--acceptance 0.2] [--hours 1] [--only workers1,workers2,dask2]
The machine has 2 cores: anything else running at the same time lowers the figures (the load
average is printed before and after).

Measured at commit c048e48 with other sessions running (load average 6.6): 1.24 CPU seconds a
particle, so about 97 particles a minute on two idle cores: 10 generations x 200 at 20%
acceptance in about 1.7 h; one hour fits a population of about 117 for 10 generations, or 5.8
generations of 200 (at 20% acceptance). The wall-clock lines read 24-33 a minute under that load.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import as_completed

import numpy as np

from ipssim import evidence
from ipssim.calibration.particle import Setup, load_scenarios
from ipssim.calibration.smc import Model
from ipssim.executors import Execution, dask_client
from ipssim.pool import local_pool
from ipssim.scenario import SHIPPED as SCENARIOS
from ipssim.scenario import Scenario
from ipssim.schema.fields import priors

Figures = dict[str, float]
IDLE_CORES = 2  # the CPU-time line: what 1 worker's CPU time per particle gives on 2 free cores


def setup() -> Setup:
    """Every target, every calibration scenario, every parameter with a prior, seed 1."""
    names = evidence.scenarios(evidence.TARGETS)
    return Setup(load_scenarios(SCENARIOS, names), evidence.TARGETS, priors(Scenario), 1)


def particles(s: Setup, n: int) -> list[dict[str, float]]:
    """``n`` parameter sets drawn uniformly within each prior's range (fixed seed)."""
    rng = np.random.default_rng(2026)
    return [{k: float(rng.uniform(p.low, p.high)) for k, p in s.priors.items()} for _ in range(n)]


def sorted_items(f: Figures) -> list[tuple[str, float]]:
    return sorted(f.items())


def stamped(results: Iterable[Figures]) -> tuple[list[Figures], list[float]]:
    start = time.perf_counter()
    out, stamps = [], []
    for r in results:
        out.append(r)
        stamps.append(time.perf_counter() - start)
    return out, stamps


def in_process(model: Model, values: list[dict[str, float]]) -> Iterable[Figures]:
    return (model(v) for v in values)


def in_pool(workers: int) -> Callable[[Model, list[dict[str, float]]], Iterable[Figures]]:
    def run(model: Model, values: list[dict[str, float]]) -> Iterable[Figures]:
        with local_pool(workers) as pool:
            yield from (f.result() for f in as_completed([pool.submit(model, v) for v in values]))

    return run


def in_dask(workers: int) -> Callable[[Model, list[dict[str, float]]], Iterable[Figures]]:
    def run(model: Model, values: list[dict[str, float]]) -> Iterable[Figures]:
        with dask_client(Execution(dask_local=workers)) as client:
            from distributed import as_completed as finished

            yield from (f.result() for f in finished(client.map(model, values, pure=False)))

    return run


RUNNERS = {
    "workers1": ("1 local worker", in_process),
    "workers2": ("2 local workers", in_pool(2)),
    "dask2": ("local Dask cluster, 2 workers", in_dask(2)),
}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--particles", type=int, default=8)
    p.add_argument("--generations", type=int, default=10)
    p.add_argument("--population", type=int, default=200)
    p.add_argument("--acceptance", type=float, default=0.2)
    p.add_argument("--hours", type=float, default=1.0)
    p.add_argument("--only", default=",".join(RUNNERS))
    args = p.parse_args()
    s = setup()
    values = particles(s, args.particles)
    model = Model(s)
    print(
        f"{args.particles} particles, each {len(s.scenarios)} scenarios "
        f"({', '.join(s.scenarios)}); {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.2f} before the start"
    )
    simulated = args.generations * args.population / args.acceptance
    print(
        f"projection: {args.generations} generations x {args.population} accepted at "
        f"acceptance {args.acceptance:.0%} = {simulated:,.0f} particles simulated"
    )
    print(
        f"{'':<32} {'s/particle':>10} {'particles/min':>14} {'full calibration':>17}   "
        f"in {args.hours:g} h: population for {args.generations} generations, "
        f"generations of {args.population}"
    )
    first: list[Figures] | None = None
    identical = True
    for key in args.only.split(","):
        label, runner = RUNNERS[key]
        cpu = time.process_time()
        figures, stamps = stamped(runner(model, values))
        cpu = time.process_time() - cpu
        first = first or figures
        identical &= sorted(map(sorted_items, figures)) == sorted(map(sorted_items, first))
        per_min = 60 * (len(stamps) - 1) / (stamps[-1] - stamps[0])
        hours = simulated / per_min / 60
        accepted = per_min * 60 * args.hours * args.acceptance
        print(
            f"{label:<32} {60 / per_min:10.2f} {per_min:14.1f} {hours:15.1f} h   "
            f"{accepted / args.generations:.0f}, {accepted / args.population:.1f}"
        )
        if key == "workers1":
            cpu_min = 60 * len(values) / cpu * IDLE_CORES  # the cores free, in full use
            accepted = cpu_min * 60 * args.hours * args.acceptance
            print(
                f"{f'  CPU time, {IDLE_CORES} idle cores':<32} {60 / cpu_min:10.2f} "
                f"{cpu_min:14.1f} {simulated / cpu_min / 60:15.1f} h   "
                f"{accepted / args.generations:.0f}, {accepted / args.population:.1f}"
            )
    print(f"identical figures across executors: {identical}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
