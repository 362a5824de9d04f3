"""SimPy's own floor for the regional run: what the clock costs with no model logic at all.

Usage: python benchmarks/bench_simpy_floor.py [--clients 100000] [--weeks 156]

100,000 bare processes wait on shared day events (as ipssim's clients do, through
``ipssim.model.Clock``) and wake about 0.057 times per client-week, the rate of pathway resumes
measured with 10,000 clients in the benchmark configuration; the environment advances one week
per step. The wall time is what SimPy alone costs; the rest of a regional run is ipssim's own.
"""

from __future__ import annotations

import argparse
import gc
import random
import time

import simpy

WAKES_PER_CLIENT_WEEK = 0.057  # measured: pathway resumes per client-week (10,000 clients)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--weeks", type=int, default=156)
    args = parser.parse_args(argv)
    env = simpy.Environment()
    days: dict[int, simpy.Event] = {}
    horizon = 7 * args.weeks
    rng = random.Random(1)
    wakes = 0

    def at(day: int) -> simpy.Event:
        event = days.get(day)
        if event is None:
            event = days[day] = env.timeout(day - env.now)
            event.callbacks.append(lambda _, d=day: days.pop(d))
        return event

    def client():
        nonlocal wakes
        while True:
            day = int(env.now + 1 + rng.expovariate(WAKES_PER_CLIENT_WEEK / 7))
            if day >= horizon:
                return
            yield at(day)
            wakes += 1

    gc.disable()
    start = time.perf_counter()
    for _ in range(args.clients):
        env.process(client())
    for week in range(args.weeks):
        env.run(until=7 * (week + 1))
    wall = time.perf_counter() - start
    print(f"{args.clients:,} bare SimPy processes, {wakes:,} wake-ups in {args.weeks} weeks: "
          f"{wall:.1f} s ({wall / max(wakes, 1) * 1e6:.1f} us per wake-up)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
