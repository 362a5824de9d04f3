"""One particle of a calibration: a parameter set run through every calibration scenario.

Every scenario of a particle runs from the same seed, drawn from the root seed and the
particle's values, so the scenarios share common random numbers and a particle's figures are
a function of its values alone, whichever worker computes them. A particle's value replaces
the schema's default; a scenario whose file sets the key itself keeps its own value. A trial's
control arm runs beside its trial arm in one labour market (``evidence.PAIRS``), as the arms of
a virtual trial: replication ``r`` of the pair from the seed trees of ``2r`` and ``2r + 1``.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from ipssim import evidence
from ipssim import scenario as scenarios
from ipssim.evidence import Target
from ipssim.experiment import simulated_together
from ipssim.fidelity import review
from ipssim.outcomes import metrics
from ipssim.parameters import for_market
from ipssim.scenario import Scenario
from ipssim.schema.priors import Prior

ZERO_EXCLUSION_ITEM = 9  # its number on the fidelity scale


@dataclass(frozen=True)
class Setup:
    """What every particle of one calibration shares: its scenarios (as loaded, with the
    user's overrides), the targets, the priors of the parameters estimated, the root seed, the
    replications of each scenario a particle averages, and the priors of the parameters drawn
    afresh for each particle (``nuisance``: not estimated, so integrated over their priors)."""

    scenarios: dict[str, Scenario]
    targets: tuple[Target, ...]
    priors: dict[str, Prior]
    seed: int
    reps: int = 1
    nuisance: dict[str, Prior] = field(default_factory=dict)

    def observed(self) -> dict[str, float]:
        return {t.key: t.published for t in self.targets}


def load_scenarios(
    folder: Path, names: tuple[str, ...], overrides: list[str] | tuple[str, ...] = ()
) -> dict[str, Scenario]:
    """The named scenarios of ``folder``, each with the overrides applied."""
    return {name: scenarios.load(folder / f"{name}.toml", overrides) for name in names}


def particle_seed(root: int, values: Mapping[str, float]) -> int:
    """A seed from the root seed and the particle's values (rounded, so that a value read back
    from the history gives the same seed)."""
    text = ";".join(f"{k}={float(values[k]):.12g}" for k in sorted(values))
    digest = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
    return int(np.random.SeedSequence([root, digest]).generate_state(1)[0])


def draw(schema: Mapping[str, Prior], draws: int, seed: np.random.SeedSequence) -> pd.DataFrame:
    """``draws`` particles from the priors, each parameter from its own stream of ``seed``."""
    columns = {}
    for (key, p), stream in zip(schema.items(), seed.spawn(len(schema)), strict=True):
        name, args = p.scipy()
        rng = np.random.default_rng(stream)
        columns[key] = getattr(stats, name)(*args).rvs(draws, random_state=rng)
    return pd.DataFrame(columns, index=range(draws))


def nuisance(setup: Setup, values: Mapping[str, float]) -> dict[str, float]:
    """The particle's draw of the parameters not estimated, from their priors and the
    particle's seed: a function of its values, so a posterior particle's draw can be read back."""
    if not setup.nuisance:
        return {}
    seed = np.random.SeedSequence([particle_seed(setup.seed, clipped(values, setup.priors)), 1])
    return {str(k): float(v) for k, v in draw(setup.nuisance, 1, seed).iloc[0].items()}


def clipped(values: Mapping[str, float], priors: Mapping[str, Prior]) -> dict[str, float]:
    """The values within their priors' ranges (a perturbed particle can land a rounding error
    outside, where the schema would refuse it)."""
    return {k: min(max(float(v), priors[k].low), priors[k].high) for k, v in values.items()}


def figures(
    scenario: Scenario, events: pd.DataFrame, weekly: pd.DataFrame, names: set[str]
) -> dict[str, float]:
    """The metrics ``names`` of one run; the fidelity review's zero exclusion score among them
    is a target that is no run metric."""
    out = {
        k: float(v) for k, v in metrics(events, scenario, names - {evidence.ZERO_EXCLUSION}).items()
    }
    if evidence.ZERO_EXCLUSION in names:
        done = review(events, scenario, weekly)
        out[evidence.ZERO_EXCLUSION] = float(done.items[ZERO_EXCLUSION_ITEM - 1].score)
    return out


def simulate(setup: Setup, values: Mapping[str, float]) -> dict[str, float]:
    """The particle's figure for every target: the mean over ``setup.reps`` replications of
    its scenario (a control arm beside its trial arm in one labour market, ``evidence.PAIRS``),
    all scenarios from the particle's own seed, with its draw of the nuisance parameters."""
    values = clipped(values, setup.priors)
    seed = particle_seed(setup.seed, values)
    every = {**nuisance(setup, values), **values}
    out: dict[str, float] = {}
    for group in evidence.runs(t.scenario for t in setup.targets):
        arms = for_market([setup.scenarios[name] for name in group], every)
        together = [simulated_together(arms, seed, rep) for rep in range(setup.reps)]
        for j, (name, run) in enumerate(zip(group, arms, strict=True)):
            wanted = [t for t in setup.targets if t.scenario == name]
            names = {t.metric for t in wanted}
            reps = [figures(run, *rep[j], names) for rep in together]
            for t in wanted:
                out[t.key] = float(np.mean([r[t.metric] for r in reps]))
    return out


def distance(
    simulated: Mapping[str, float], observed: Mapping[str, float], se: Mapping[str, float]
) -> float:
    """The root sum of squared standardised differences; infinite if a figure is missing
    (NaN: for example no one worked, so there are no weeks worked to compare)."""
    total = 0.0
    for key, published in observed.items():
        value = simulated.get(key, math.nan)
        if math.isnan(value):
            return math.inf
        total += ((value - published) / se[key]) ** 2
    return math.sqrt(total)
