"""ABC-SMC with pyabc: the priors of the schema, the published targets, a distance that
standardises each target by its standard error, and a history in SQLite that resumes.

pyabc is imported only here, so the rest of ipssim runs without it. The calibration runs one
generation at a time, so that progress (generation, acceptance rate, epsilon, time left) is
printed after each and an interrupted calibration loses at most the generation under way.
"""

from __future__ import annotations

import importlib
import logging
import math
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from ipssim.calibration.particle import Setup, distance, simulate
from ipssim.errors import UserError
from ipssim.executors import Execution, dask_client
from ipssim.schema.priors import Prior

DATABASE = "calibration.db"


class CalibrationError(UserError):
    """A calibration that cannot start: pyabc missing, a bad folder or resume."""


def pyabc_module() -> Any:
    """pyabc, imported on first use (it ships no type information)."""
    try:
        return importlib.import_module("pyabc")
    except ImportError:
        raise CalibrationError(
            "calibration needs pyabc: pip install 'ipssim[calibration]'"
        ) from None


@dataclass(frozen=True)
class Model:
    """pyabc's model: a particle's parameters to its figure for every target (picklable, so
    that worker processes and Dask workers can run it)."""

    setup: Setup

    def __call__(self, parameters: Mapping[str, float]) -> dict[str, float]:
        return simulate(self.setup, natural(self.setup.priors, parameters))


@dataclass(frozen=True)
class Distance:
    """The root sum of squares of each target's difference in standard errors."""

    se: dict[str, float]

    def __call__(self, simulated: Mapping[str, float], observed: Mapping[str, float]) -> float:
        return distance(simulated, observed, self.se)


KERNEL_COVARIANCE = 2.0  # the perturbation's covariance, in weighted population covariances


def kernel_bandwidth(effective_particles: float, dimension: int) -> float:
    """The bandwidth of pyabc's multivariate normal perturbation: twice the weighted covariance
    of the last population (Beaumont et al. 2009, Biometrika 96:983; optimal for a Gaussian
    population, Filippi et al. 2013); pyabc's default is Silverman's rule (0.58 of it for 22
    parameters and 200 particles; docs/calibration.md)."""
    return float(KERNEL_COVARIANCE**0.5)


def searched(p: Prior) -> tuple[str, tuple[float, ...]]:
    """The scipy distribution pyabc searches a parameter on: a log-uniform prior as uniform on
    the logarithm, every other as the schema states it. On its own scale a log-uniform prior's
    density (1/x) varies many times over its range, the kernel's smooth proposal does not
    follow it, and the importance weights (prior over proposal) of particles near the lower
    bound took most of the weight (docs/calibration.md); on the logarithm the prior is flat."""
    if p.kind == "loguniform":
        low, high = math.log(p.low), math.log(p.high)
        return "uniform", (low, high - low)
    return p.scipy()


def natural(priors: Mapping[str, Prior], searched_values: Mapping[str, Any]) -> dict[str, float]:
    """A particle's values on the parameters' own scales, from the scales pyabc searches."""
    return {
        k: math.exp(float(searched_values[k]))
        if p.kind == "loguniform"
        else float(searched_values[k])
        for k, p in priors.items()
    }


def prior(setup: Setup) -> Any:
    """pyabc's prior: one scipy distribution per parameter, on the scale it is searched on."""
    pyabc = pyabc_module()
    rvs = {}
    for key, p in setup.priors.items():
        name, args = searched(p)
        rvs[key] = pyabc.RV(name, *args)
    return pyabc.Distribution(**rvs)


@contextmanager
def sampler(execution: Execution) -> Iterator[Any]:
    """pyabc's sampler for ``execution``: this process, forked worker processes, or Dask (a
    local cluster on 127.0.0.1 only, or a scheduler), closed afterwards."""
    pyabc = pyabc_module()
    if not execution.uses_dask:
        if execution.workers <= 1:
            yield pyabc.sampler.SingleCoreSampler()
        else:
            yield pyabc.sampler.MulticoreEvalParallelSampler(n_procs=execution.workers)
        return
    with dask_client(execution) as client:
        yield pyabc.sampler.DaskDistributedSampler(dask_client=client, batch_size=1)


@dataclass(frozen=True)
class Generation:
    """One finished generation: its index, epsilon, particles accepted and simulations run."""

    t: int
    epsilon: float
    particles: int
    samples: int
    seconds: float
    effective: float  # the effective sample size of the particles' weights (Kish)

    @property
    def acceptance(self) -> float:
        return self.particles / self.samples if self.samples else float("nan")


def generations(history: Any) -> list[Generation]:
    """The finished generations of a history (t >= 0, not pyabc's sample for the first
    epsilon), with their wall times."""
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0].sort_values("t")
    return [
        Generation(
            int(r.t),
            float(r.epsilon),
            int(r.particles),
            int(r.samples),
            float(r.wall_time),
            effective_size(history.get_distribution(m=0, t=int(r.t))[1]),
        )
        for r in pops.itertuples()
    ]


def effective_size(weights: Any) -> float:
    """Kish's effective sample size of ``weights``: how many equally weighted particles they
    are worth."""
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / np.sum(w**2))


def wall_time(history: Any) -> float:
    """The seconds the whole calibration took: every generation and pyabc's sample for the
    first epsilon, summed over however many runs (``--resume``) it took."""
    return float(history.get_all_populations()["wall_time"].sum())


def database(folder: Path) -> str:
    return f"sqlite:///{(folder / DATABASE).resolve()}"


def run(
    setup: Setup,
    folder: Path,
    total: int,
    population: int,
    execution: Execution,
    resume: bool,
    report: Callable[[Generation, int], None],
) -> Any:
    """Run (or with ``resume``, continue) ABC-SMC in ``folder`` until ``total`` generations
    are done; ``report(generation, total)`` after each. Returns pyabc's history."""
    pyabc = pyabc_module()

    logging.getLogger("ABC").setLevel(logging.WARNING)  # our own progress replaces its log
    with sampler(execution) as chosen:

        def fresh() -> Any:
            return pyabc.ABCSMC(
                Model(setup),
                prior(setup),
                Distance({t.key: t.se for t in setup.targets}),
                population_size=population,
                transitions=pyabc.MultivariateNormalTransition(bandwidth_selector=kernel_bandwidth),
                sampler=chosen,
            )

        if not resume:
            fresh().new(database(folder), setup.observed())
        history = pyabc.History(database(folder))
        done = history.max_t + 1
        # pyabc proposes particles from numpy's global generator; seeding it makes the
        # proposals repeatable in one process (the model's own draws never use it)
        np.random.seed(np.random.SeedSequence([setup.seed, done]).generate_state(1)[0])
        for _ in range(done, total):
            # a fresh ABCSMC for each generation, loaded from the history as --resume does:
            # one reused across run() calls would keep setting epsilon from its first sample
            abc = fresh()
            abc.load(database(folder))
            history = abc.run(max_nr_populations=1)
            report(generations(history)[-1], total)
    return history


def progress(stream: TextIO | None = None) -> Callable[[Generation, int], None]:
    """A report of each generation on ``stream`` (stderr as it is when reporting), with the
    time left at the mean pace."""
    started = time.monotonic()
    finished: list[int] = []

    def report(g: Generation, total: int) -> None:
        finished.append(g.t)
        pace = (time.monotonic() - started) / len(finished)
        left = pace * (total - g.t - 1)
        print(
            f"generation {g.t + 1} of {total}: acceptance {g.acceptance:.1%} "
            f"({g.particles} of {g.samples}), epsilon {g.epsilon:.3g}, "
            f"effective sample size {g.effective:.0f}, "
            f"{g.seconds:.0f} s, about {left:.0f} s left",
            file=stream or sys.stderr,
            flush=True,
        )

    return report
