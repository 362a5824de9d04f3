"""Clinicians (care coordinators): whether and when a client who wants work is referred."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from ipssim.agents.base import ServiceAgent
from ipssim.events import Screen
from ipssim.scenario import Clinicians, Policy
from ipssim.streams import Draws

if TYPE_CHECKING:
    from ipssim.agents.client import Client

TRAINING_BOOST = 0.25  # assumption: IPS training raises knowledge and belief in work
RECENT_INCIDENT_DAYS = 182  # assumption: an offence or release within six months counts as recent
SEVERE_SYMPTOMS = 0.7  # eligibility criterion of traditional services: 'symptoms not stable'


class Clinician(ServiceAgent):
    """A care coordinator whose belief in work moves with the team's climate.

    Beliefs are held in one array for the team (``beliefs``), which ``drift`` moves each week
    in one pass: a regional run has 4,000 clinicians.
    """

    def __init__(
        self,
        model: mesa.Model,
        index: int,
        draws: Draws,
        cfg: Clinicians,
        beliefs: np.ndarray,
        integration: float,
    ) -> None:
        super().__init__(model)
        self.index = index
        self.beliefs = beliefs
        # days between reviews of a client; a specialist in the team's meetings brings them closer
        self.review_days = 7.0 * cfg.review_interval_weeks * (1.0 - 0.5 * integration)
        beliefs[index] = min(1.0, max(0.0, cfg.belief_in_work_mean + 0.3 * (draws.uniform() - 0.5)))
        self.knowledge = TRAINING_BOOST if cfg.training else 0.0

    @property
    def belief(self) -> float:
        """Belief in work, 0 to 1."""
        return float(self.beliefs[self.index])

    @staticmethod
    def drift(beliefs: np.ndarray, climate: float, cfg: Clinicians) -> None:
        """Weekly: every clinician's belief drifts toward the team's climate (attitudes spread)."""
        beliefs += cfg.attitude_spread * (climate - beliefs)

    def screen(self, client: Client, day: int) -> Screen | None:
        """The eligibility criterion a client fails when zero exclusion is off, or None."""
        p = client.profile
        if p.substance_use:
            return Screen.SUBSTANCE_USE
        if p.severity > SEVERE_SYMPTOMS or client.relapsed:
            return Screen.SYMPTOMS
        if day - client.last_incident_day < RECENT_INCIDENT_DAYS:
            return Screen.RECENT_OFFENCE
        if p.housing_unstable:
            return Screen.HOUSING
        return None

    def judges_ready(self, client: Client, day: int, policy: Policy) -> bool:
        """The informal 'readiness' judgement behind gatekeeping.

        Readiness falls with symptoms, substance use, a recent incident and no work history, and
        carries the clinician's lasting impression of the client with a little noise at each
        review; the bar rises with gatekeeping and falls with belief in work and knowledge.
        """
        if policy.referral_gatekeeping == 0.0:
            return True
        p = client.profile
        readiness = (
            1.0
            - 0.5 * p.severity
            - 0.2 * p.substance_use
            - 0.2 * (not p.work_history)
            - 0.2 * (day - client.last_incident_day < RECENT_INCIDENT_DAYS)
            - 0.3 * client.relapsed
            + 0.3 * (p.impression - 0.5)
            + 0.1 * (client.draws.uniform() - 0.5)
        )
        belief = min(1.0, self.belief + self.knowledge)
        return readiness >= policy.referral_gatekeeping * (1.0 - 0.5 * belief)
