"""Clients drawn from a scenario's distributions with the replication's population stream.

Client ``i`` always takes row ``i`` of the population stream, whatever the batch it arrives in,
so two scenarios run with one seed hold the same people wherever their distributions agree.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ipssim.scenario import DIAGNOSES, OFFENCES, SECTORS, Offending, Population, ScenarioError
from ipssim.streams import integers

# Relative one-year reoffending risk by index offence (assumption: Ministry of Justice proven
# reoffending tables rank acquisitive and drug offences highest and sexual offences lowest).
OFFENCE_RISK = {
    "violent": 1.0,
    "sexual": 0.45,
    "arson": 0.8,
    "acquisitive": 1.4,
    "drugs": 1.25,
    "other": 1.0,
    "none": 0.15,
}
MAX_SCREENING_ROUNDS = 100  # a trial screens at most 100 people per place before giving up
RECIDIVISM_DRAWS = 4  # reoffence thresholds drawn up front (more are drawn if needed)
_COLUMNS = 18 + RECIDIVISM_DRAWS


class Profile(NamedTuple):
    """What a client brings: fixed at entry (a named tuple: made in a fifth of the time a frozen
    dataclass takes, 100,000 times in a regional run)."""

    number: int  # the client's index: row of the roster, the population stream and the log
    wants_work: bool
    prison_leaver: bool
    release_week: int
    offence: int  # index into OFFENCES
    diagnosis: int  # index into DIAGNOSES
    severity: float
    substance_use: bool
    work_history: bool
    qualifications: bool
    on_benefits: bool
    benefits_worry: float
    confidence: float
    housing_unstable: bool
    risk_12m: float  # one-year reoffending chance in the community, not in work
    preferred_sector: int  # index into SECTORS
    clinician_draw: float
    impression: float  # how 'ready' the client comes across to a clinician, 0-1
    wished_hours: float  # hours a week the client wishes to work; inf: full time, any hours
    thresholds: tuple[float, ...]  # unit-exponential thresholds of the reoffending clock

    @property
    def offence_name(self) -> str:
        return OFFENCES[self.offence]


def _with_mean(u: np.ndarray, mean: float) -> np.ndarray:
    """Map uniforms to [0, 1] with the given mean, monotonically (a power distribution)."""
    return u ** (1.0 / mean - 1.0)


def _pick(u: np.ndarray, shares: list[float]) -> np.ndarray:
    return np.minimum(np.searchsorted(np.cumsum(shares), u, side="right"), len(shares) - 1)


def draw_clients(
    rng: np.random.Generator,
    first: int,
    n: int,
    pop: Population,
    offending: Offending,
    wanting_only: bool = False,
) -> list[Profile]:
    """Draw ``n`` clients numbered from ``first``, one row of the stream each.

    With ``wanting_only`` (trial eligibility) people are drawn until ``n`` of them want work,
    so those enrolled carry the confidence, symptoms and worries of people who want work.
    """
    if not wanting_only:
        return _draw(rng, first, n, pop, offending)
    enrolled: list[Profile] = []
    for _ in range(MAX_SCREENING_ROUNDS):
        enrolled += [p for p in _draw(rng, 0, n, pop, offending) if p.wants_work]
        if len(enrolled) >= n:
            break
    else:
        raise ScenarioError(
            f"entry.wants_work_only: fewer than 1 in {MAX_SCREENING_ROUNDS} people "
            "want work in this population, so no trial cohort can be enrolled; "
            "raise population.work_interest"
        )
    return [p._replace(number=first + i) for i, p in enumerate(enrolled[:n])]


def _draw(
    rng: np.random.Generator, first: int, n: int, pop: Population, offending: Offending
) -> list[Profile]:
    u = rng.random((n, _COLUMNS))
    offence = _pick(u[:, 3], [getattr(pop.offences, k) for k in OFFENCES])
    diagnosis = _pick(u[:, 4], [getattr(pop.diagnoses, k) for k in DIAGNOSES])
    severity = _with_mean(u[:, 5], pop.severity_mean)
    confidence = _with_mean(u[:, 11], pop.confidence_mean)
    on_benefits = u[:, 9] < pop.benefits_share
    worry = np.where(on_benefits, _with_mean(u[:, 10], pop.benefits_worry_mean), 0.0)
    interest = pop.work_interest + 2.0 * (confidence - 0.5) - 1.5 * (severity - 0.5) - worry
    wants = u[:, 0] < 1.0 / (1.0 + np.exp(-interest))
    offence_risk = np.array([OFFENCE_RISK[k] for k in OFFENCES])[offence]
    prison_leaver = u[:, 1] < pop.prison_leaver_share
    base_risk = np.where(prison_leaver, offending.risk_12m, offending.community_risk_12m)
    risk_12m = np.minimum(0.95, base_risk * offence_risk * (0.4 + 1.2 * u[:, 13]))
    thresholds = -np.log1p(-u[:, 18:])
    part_time = 1.0 - pop.full_time_wish_share
    wished = np.where(
        u[:, 16] < part_time,
        pop.part_time_wish_hours * (0.5 + u[:, 16] / max(part_time, 1e-12)),
        np.inf,
    )
    rows = zip(
        range(first, first + n),
        wants.tolist(),
        prison_leaver.tolist(),
        np.floor(u[:, 2] * (pop.release_weeks_max + 1)).astype(int).tolist(),
        offence.tolist(),
        diagnosis.tolist(),
        severity.tolist(),
        (u[:, 6] < pop.substance_use_share).tolist(),
        (u[:, 7] < pop.work_history_share).tolist(),
        (u[:, 8] < pop.qualifications_share).tolist(),
        on_benefits.tolist(),
        worry.tolist(),
        confidence.tolist(),
        (u[:, 12] < pop.housing_unstable_share).tolist(),
        risk_12m.tolist(),
        integers(u[:, 14], len(SECTORS)).tolist(),
        u[:, 15].tolist(),
        u[:, 17].tolist(),
        wished.tolist(),
        map(tuple, thresholds.tolist()),
        strict=True,
    )
    return list(map(Profile._make, rows))


def annual_to_daily_rate(per_year: float) -> float:
    """A hazard per year as a hazard per day (never exactly zero, so waits stay finite)."""
    return max(per_year, 1e-9) / 365.0


def annual_to_daily(p: float) -> float:
    """Constant daily hazard that gives a one-year probability ``p``."""
    return -math.log1p(-min(p, 0.999999)) / 365.0
