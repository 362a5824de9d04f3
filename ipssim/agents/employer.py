"""Employers: vacancies, offence aversion by category, relationships with the team, hiring.

Each employer is a Mesa agent; their traits and relationships are also held as arrays in the
``EmployerPool``, so a day's applications are decided in one vectorised pass. The arms of a
trial share one set of employers, each arm's service with relationships of its own, and their
openings (``Openings``).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import mesa
import numpy as np

from ipssim.agents.base import ServiceAgent
from ipssim.events import Outcome
from ipssim.scenario import OFFENCES, REGULATED_SECTORS, SECTORS, Employers, LabourMarket
from ipssim.streams import integers

CASH_SECTORS = ("retail", "hospitality")  # where theft and fraud convictions weigh double
MAX_HIRE_PROBABILITY = 0.95
_HIRED, _NOT_SELECTED, _OFFENCE, _BARRED = (
    int(o) for o in (Outcome.HIRED, Outcome.NOT_SELECTED, Outcome.OFFENCE, Outcome.BARRED)
)


class Employer(ServiceAgent):
    """A local employer; its traits and relationship live in the model's ``EmployerPool``."""

    def __init__(self, model: mesa.Model, index: int, pool: EmployerPool) -> None:
        super().__init__(model)
        self.index = index
        self.pool = pool

    @property
    def sector(self) -> int:
        return int(self.pool.sector[self.index])

    @property
    def small_firm(self) -> bool:
        return bool(self.pool.small_firm[self.index])

    def averse_to(self, offence: int) -> bool:
        return bool(self.pool.averse[self.index, offence])

    def keeps(self, offence: int, day: int, cfg: Employers) -> bool:
        """Whether, learning of an employee's conviction at work, the employer keeps them: open
        to it with its tolerance raised by the team's relationship (``EmployerPool.open_to``)."""
        pool, me = self.pool, np.array([self.index])
        relation = pool.strength(me, day)
        leniency = pool.leniency(me, relation, np.zeros(1, bool), cfg)
        return bool(pool.open_to(me, np.array([offence]), leniency)[0])

    def strength(self, day: int) -> float:
        """The team's relationship with this employer, faded since the last contact."""
        return float(self.pool.strength(np.array([self.index]), day)[0])


@dataclass
class Applications:
    """A batch of job applications, one per row (numpy arrays of equal length)."""

    employer: np.ndarray
    introduced: np.ndarray  # put forward by the specialist after an employer contact
    disclosed: np.ndarray  # the applicant told the employer about the conviction
    supported: np.ndarray  # disclosure prepared with the specialist
    merit: np.ndarray
    offence: np.ndarray
    sexual: np.ndarray


class Openings:
    """The openings the services of one labour market (the arms of a trial) compete for.

    A client hired by an employer fills its opening for the other services: for
    ``open_days`` from the next day (a vacancy's life, ``employers.vacancy_open_days``), their
    applications to that employer, on a lead or alone, are not selected. Within one service the
    clients take no openings from one another (as in a run of one scenario). The rule is the
    same whichever service's day runs first: a hire counts for the others from the next day.
    """

    def __init__(self, employers: int, services: int, open_days: int) -> None:
        self.open_days = open_days
        self.services = services
        # the last day another service's client was hired, by service and employer
        self.filled_on = np.full((services, employers), -open_days - 1, dtype=np.int64)

    def fill(self, service: int, employers: np.ndarray, day: int) -> None:
        """Clients of ``service`` hired today by these employers."""
        others = np.arange(self.services) != service
        self.filled_on[np.ix_(others, employers)] = day

    def filled(self, service: int, employers: np.ndarray, day: int) -> np.ndarray:
        """Whether each employer's opening went to another service's client (before today)."""
        since = day - self.filled_on[service, employers]
        return (since >= 1) & (since <= self.open_days)


class EmployerPool:
    """All employers' traits and relationships, and their hiring decisions.

    An employer's tolerance (one uniform number) fixes which offences it will not accept: it is
    averse to an offence when tolerance < surveyed share x the scenario's offence aversion, so
    the shares of averse employers match the surveys at aversion 1. A relationship with the
    team and a conviction disclosed with the specialist raise the tolerance (``open_to``): they
    bring round employers near the threshold, never those far below it, so the offences most
    employers refuse stay refused by more of them.
    """

    def __init__(self, traits: np.ndarray, cfg: Employers) -> None:
        """``traits`` has one row per employer from the employer stream: sector, size, tolerance
        and records checks."""
        n = len(traits)
        self.sector = integers(traits[:, 0], len(SECTORS))
        self.small_firm = traits[:, 1] < cfg.small_firm_share
        self.regulated = np.isin(self.sector, [SECTORS.index(s) for s in REGULATED_SECTORS])
        self.tolerance = traits[:, 2]
        # a regulated role always checks (a barring check); others as their policy says
        self.checks = self.regulated | (traits[:, 3] < cfg.background_check_rate)
        cash = np.isin(self.sector, [SECTORS.index(s) for s in CASH_SECTORS])
        self.threshold = np.zeros((n, len(OFFENCES)))  # refuses an offence below this tolerance
        for k, offence in enumerate(OFFENCES):
            if offence == "none":
                continue
            share = getattr(cfg.aversion, offence) * np.where(
                cash & (offence == "acquisitive"), 2.0, 1.0
            )
            self.threshold[:, k] = np.minimum(1.0, share * cfg.offence_aversion)
        self.averse = self.tolerance[:, None] < self.threshold  # as surveyed: no relationship
        self.relationship = np.zeros(n)
        self.last_contact = np.zeros(n)
        self.half_life = cfg.relationship_half_life_days
        self.by_sector = np.argsort(self.sector, kind="stable")  # employers, sector by sector
        self.sector_size = np.bincount(self.sector, minlength=len(SECTORS))
        self.sector_start = np.cumsum(self.sector_size) - self.sector_size
        self.openings: Openings | None = None  # shared with other services (None: no others)
        self.service = 0  # this service's row in ``openings``

    def for_service(self, openings: Openings, service: int) -> EmployerPool:
        """The same employers (traits shared, not copied) seen by one service of a shared
        market: relationships of its own, none yet, and the market's ``openings``."""
        pool = copy.copy(self)
        pool.relationship = np.zeros(len(self))
        pool.last_contact = np.zeros(len(self))
        pool.openings, pool.service = openings, service
        return pool

    def hired(self, employers: np.ndarray, day: int) -> None:
        """This service's clients hired today by these employers (filling their openings for
        the other services of a shared market)."""
        if self.openings is not None:
            self.openings.fill(self.service, employers, day)

    def __len__(self) -> int:
        return len(self.sector)

    def in_sector(self, sector: np.ndarray, u: np.ndarray, fallback: np.ndarray) -> np.ndarray:
        """An employer in each ``sector``, picked by the uniforms ``u``; ``fallback`` where the
        sector is -1 (none) or has no employers."""
        safe = np.maximum(sector, 0)
        size = self.sector_size[safe]
        pick = np.minimum(self.sector_start[safe] + integers(u, size), len(self) - 1)
        return np.where((sector >= 0) & (size > 0), self.by_sector[pick], fallback)

    def strength(self, employers: np.ndarray, day: int) -> np.ndarray:
        """The team's relationships with these employers, faded since the last contact."""
        return self.relationship[employers] * np.exp2(
            -(day - self.last_contact[employers]) / self.half_life
        )

    def contacted(self, employers: np.ndarray, day: int, gain: float) -> None:
        """Specialists' face-to-face contacts build relationships (several add up)."""
        # a fifth of np.unique's cost at team scale; 0.3 ms more a week at 100,000 employers
        times = np.bincount(employers, minlength=len(self))
        unique = times.nonzero()[0]
        times = times[unique]
        self.relationship[unique] = np.minimum(1.0, self.strength(unique, day) + gain * times)
        self.last_contact[unique] = day

    def open_to(
        self, employers: np.ndarray, offence: np.ndarray, leniency: np.ndarray
    ) -> np.ndarray:
        """Whether each employer, knowing of the conviction, would consider the applicant, its
        tolerance raised by ``leniency`` (from the relationship and a supported disclosure)."""
        return self.tolerance[employers] + leniency >= self.threshold[employers, offence]

    def leniency(
        self, employers: np.ndarray, relation: np.ndarray, trusted: np.ndarray, cfg: Employers
    ) -> np.ndarray:
        """How far a ``relation`` (0-1) and a ``trusted`` disclosure (made with the specialist)
        raise each employer's tolerance."""
        return cfg.relationship_leniency * relation + cfg.disclosure_trust * trusted

    def closed_to(
        self,
        employers: np.ndarray,
        offence: np.ndarray,
        sexual: np.ndarray,
        day: int,
        cfg: Employers,
    ) -> np.ndarray:
        """Roles where an application is futile, as a specialist who knows the employer sees
        it: closed by a barring check, or refused even when disclosed with the specialist by an
        employer that checks records."""
        leniency = self.leniency(
            employers, self.strength(employers, day), np.ones(len(employers), bool), cfg
        )
        refuses = ~self.open_to(employers, offence, leniency)
        return (self.regulated[employers] & sexual) | (self.checks[employers] & refuses)

    def consider(
        self, apps: Applications, day: int, u: np.ndarray, market: LabourMarket, cfg: Employers
    ) -> tuple[np.ndarray, np.ndarray]:
        """Decide a batch of applications; returns each ``Outcome`` and whether the employer
        knows of the conviction.

        ``u`` holds one uniform per application (the selection), drawn from the applicant's
        own stream so decisions are common to compared scenarios. An employer learns of a
        conviction when it is disclosed or its records check finds it, and then refuses it
        unless ``open_to`` it.
        """
        emp = apps.employer
        barred = self.regulated[emp] & apps.sexual
        relation = self.strength(emp, day) * apps.introduced
        p = market.hire_probability * apps.merit * (1.0 + cfg.relationship_hire_boost * relation)
        p *= (0.045 / market.unemployment_rate) ** market.competition_elasticity
        selected = u < np.minimum(p, MAX_HIRE_PROBABILITY)
        if self.openings is not None:
            selected &= ~self.openings.filled(self.service, emp, day)
        knows = apps.disclosed | self.checks[emp]
        leniency = self.leniency(emp, relation, apps.disclosed & apps.supported, cfg)
        refused = knows & ~self.open_to(emp, apps.offence, leniency)
        outcome = np.full(len(emp), _HIRED)
        outcome[refused] = _OFFENCE
        outcome[~selected] = _NOT_SELECTED
        outcome[barred] = _BARRED
        known = np.where(selected, knows, apps.disclosed) | barred
        return outcome, known
