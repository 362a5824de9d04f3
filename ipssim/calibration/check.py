"""The calibration check: each published target beside its posterior predictive distribution.

Every scenario a target names runs ``reps`` replications (a control arm beside its trial arm
in one labour market, ``evidence.PAIRS``), each with its calibrated parameters
drawn from ``Parameters`` (a posterior, its mean, or the scenario's defaults), so the spread of
the replications is the posterior predictive distribution: parameter uncertainty plus chance.
A target passes when its published figure lies inside the central 95% of that distribution
and the predictive mean lies within ``Z_LIMIT`` standard errors of the published figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ipssim import evidence
from ipssim.calibration.particle import ZERO_EXCLUSION_ITEM
from ipssim.evidence import Target
from ipssim.experiment import RunResult, replicate_group
from ipssim.fidelity import review
from ipssim.parameters import Parameters
from ipssim.scenario import Scenario

Z_LIMIT = 2.0  # standard errors from the published figure that a passing mean may lie
LEVEL = 0.95  # the posterior predictive interval's coverage
KEYS = ("scenario", "metric", "published", "se", "mean", "ci_low", "ci_high", "z", "inside")


def predictive_interval(values: np.ndarray, level: float = LEVEL) -> tuple[float, float]:
    """The central ``level`` interval of the replications' values (NaNs left out)."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return (math.nan, math.nan)
    tail = (1 - level) / 2
    low, high = np.quantile(values, [tail, 1 - tail])
    return (float(low), float(high))


def passes(published: float, se: float, mean: float, low: float, high: float) -> bool:
    """The 2-SE rule: ``published`` inside [low, high] and ``mean`` within ``Z_LIMIT`` standard
    errors of it (never for a missing figure)."""
    return bool(low <= published <= high and abs(mean - published) <= Z_LIMIT * se)


@dataclass(frozen=True)
class Predicted:
    """A target and its figure in each replication."""

    target: Target
    values: np.ndarray

    @property
    def mean(self) -> float:
        kept = self.values[~np.isnan(self.values)]
        return float(kept.mean()) if len(kept) else math.nan

    @property
    def interval(self) -> tuple[float, float]:
        return predictive_interval(self.values)

    @property
    def z(self) -> float:
        return self.target.z(self.mean)

    @property
    def inside(self) -> bool:
        t = self.target
        return passes(t.published, t.se, self.mean, *self.interval)

    def row(self) -> dict[str, Any]:
        """The check as JSON (``KEYS``; a missing figure as null)."""
        low, high = self.interval
        t = self.target
        values = (t.scenario, t.metric, t.published, t.se, self.mean, low, high, self.z)
        out: dict[str, Any] = {
            k: None if isinstance(v, float) and math.isnan(v) else v
            for k, v in zip(KEYS, values, strict=False)
        }
        return out | {"inside": self.inside}


def figures(result: RunResult, metrics: list[str]) -> dict[str, float]:
    """The ``metrics`` of one replication, the fidelity review's zero exclusion score among
    them if asked for (it is no run metric)."""
    out = {m: float(result.metrics[m]) for m in metrics if m != evidence.ZERO_EXCLUSION}
    if evidence.ZERO_EXCLUSION in metrics:
        done = review(result.events, result.scenario, result.weekly)
        out[evidence.ZERO_EXCLUSION] = float(done.items[ZERO_EXCLUSION_ITEM - 1].score)
    return out


def check(
    targets: tuple[Target, ...],
    scenarios: dict[str, Scenario],
    parameters: Parameters,
    reps: int,
    seed: int,
    workers: int = 1,
    progress: bool = True,
) -> list[Predicted]:
    """Each target against ``reps`` replications of its scenario under ``parameters`` (with its
    partner of ``evidence.PAIRS`` in one labour market)."""
    values: dict[str, np.ndarray] = {}
    for group in evidence.runs(t.scenario for t in targets):
        arms = [scenarios[name] for name in group]
        runs = replicate_group(arms, reps, seed, workers, progress, parameters=parameters)
        for name, results in zip(group, runs, strict=True):
            metrics = [t.metric for t in targets if t.scenario == name]
            rows = [figures(r, metrics) for r in results]
            for m in metrics:
                values[f"{name}.{m}"] = np.array([row[m] for row in rows], dtype=float)
    return [Predicted(t, values[t.key]) for t in targets]
