"""Employers: vacancies, offence aversion by category, and relationships with the team."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa

from ipssim.events import Outcome
from ipssim.scenario import OFFENCES, REGULATED_SECTORS, SECTORS, Employers, LabourMarket

if TYPE_CHECKING:
    from ipssim.agents.client import Client

CASH_SECTORS = ("retail", "hospitality")  # where theft and fraud convictions weigh double
RELATIONSHIP_HALF_LIFE_DAYS = 182.0  # assumption: a relationship fades without contact
HIRE_BOOST_PER_RELATIONSHIP = 1.0  # assumption: a full relationship doubles the chance of hiring
DISCLOSURE_TRUST = 0.1  # assumption: supported disclosure adds this to an averse employer's leniency


class Employer(mesa.Agent):
    """A local employer that decides whom to hire.

    Its tolerance (one uniform number) fixes which offences it will not accept: it is averse to
    an offence when tolerance < surveyed share x the scenario's offence aversion, so the shares
    of averse employers match the surveys at aversion 1.
    """

    def __init__(self, model: mesa.Model, index: int, draws: tuple[float, float, float],
                 cfg: Employers) -> None:
        """``draws`` are employer ``index``'s row of the employer stream: sector, size, tolerance."""
        super().__init__(model)
        self.index = index
        sector_u, size_u, tolerance = draws
        self.sector = min(int(sector_u * len(SECTORS)), len(SECTORS) - 1)
        self.small_firm = size_u < cfg.small_firm_share
        self.regulated = SECTORS[self.sector] in REGULATED_SECTORS
        self.averse = tuple(self._averse(k, tolerance, cfg) for k in OFFENCES)
        self.relationship = 0.0
        self.last_contact = 0

    def _averse(self, offence: str, tolerance: float, cfg: Employers) -> bool:
        if offence == "none":
            return False
        share = getattr(cfg.aversion, offence)
        if offence == "acquisitive" and SECTORS[self.sector] in CASH_SECTORS:
            share *= 2.0
        return tolerance < min(1.0, share * cfg.offence_aversion)

    def strength(self, day: int) -> float:
        """The team's relationship with this employer, faded since the last contact."""
        if self.relationship == 0.0:
            return 0.0
        return self.relationship * math.exp2(-(day - self.last_contact) / RELATIONSHIP_HALF_LIFE_DAYS)

    def contacted(self, day: int, gain: float) -> None:
        """A specialist's face-to-face contact builds the relationship."""
        self.relationship = min(1.0, self.strength(day) + gain)
        self.last_contact = day

    def barred(self, client: Client) -> bool:
        """A role closed to this conviction by law (barring checks in regulated sectors)."""
        return self.regulated and client.sexual_offence

    def consider(self, client: Client, day: int, introduced: bool, disclosed: bool,
                 supported: bool, market: LabourMarket, cfg: Employers) -> tuple[Outcome, bool]:
        """Decide on an application; returns the outcome and whether the employer knows the offence.

        Draws come from the applicant's stream so the decision is common to compared scenarios.
        """
        draws = client.draws
        if self.barred(client):
            return Outcome.BARRED, True
        relation = self.strength(day) if introduced else 0.0
        p = market.hire_probability * client.merit * (1.0 + HIRE_BOOST_PER_RELATIONSHIP * relation)
        p *= (0.045 / market.unemployment_rate) ** market.competition_elasticity
        if not draws.chance(min(p, 0.95)):
            return Outcome.NOT_SELECTED, disclosed
        knows = disclosed or draws.chance(cfg.background_check_rate)
        if knows and self.averse[client.profile.offence]:
            trust = DISCLOSURE_TRUST if disclosed and supported else 0.0
            leniency = cfg.relationship_leniency * relation + trust
            if not draws.chance(leniency):
                return Outcome.OFFENCE, knows
        return Outcome.HIRED, knows
