"""SimPy's own floor for the regional run: what the clock costs with no model logic at all.

Usage: python benchmarks/bench_simpy_floor.py [--clients 100000] [--weeks 156]

100,000 bare processes sleep and wake about 0.057 times per client-week, the rate of pathway
resumes measured with 10,000 clients in the benchmark configuration; the environment advances
one week per step. Each sleep waits, as a client's does when something may wake it early, on an
event of its own that a shared day event (``ipssim.clock.Clock``) rings. The wall time is what
the clock alone costs, with SimPy's own environment and with ipssim's (``ipssim.clock``, whose
lane for events due now spares the heap); the rest of a regional run is ipssim's own.
"""

from __future__ import annotations

import argparse
import gc
import random
import time

import simpy

from ipssim.clock import Clock, Environment

WAKES_PER_CLIENT_WEEK = 0.057  # measured: pathway resumes per client-week (10,000 clients)


def floor(env: simpy.Environment, clients: int, weeks: int) -> tuple[float, int]:
    """Wall seconds and wake-ups of ``clients`` bare sleeping processes over ``weeks``."""
    clock, horizon, rng, wakes = Clock(env), 7 * weeks, random.Random(1), 0

    def ring(wake: simpy.Event) -> None:
        wake.succeed()

    def client():
        nonlocal wakes
        while True:
            day = int(env.now + 1 + rng.expovariate(WAKES_PER_CLIENT_WEEK / 7))
            if day >= horizon:
                return
            wake = env.event()
            clock.at(day).callbacks.append(lambda _, w=wake: ring(w))
            yield wake
            wakes += 1

    gc.disable()
    start = time.perf_counter()
    for _ in range(clients):
        env.process(client())
    for week in range(weeks):
        env.run(until=7 * (week + 1))
    gc.enable()
    return time.perf_counter() - start, wakes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--weeks", type=int, default=156)
    args = parser.parse_args(argv)
    for name, env in (
        ("SimPy's environment", simpy.Environment()),
        ("ipssim's environment", Environment()),
    ):
        wall, wakes = floor(env, args.clients, args.weeks)
        print(
            f"{name}: {args.clients:,} bare processes, {wakes:,} wake-ups in {args.weeks} "
            f"weeks: {wall:.1f} s ({wall / max(wakes, 1) * 1e6:.1f} us per wake-up)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
