"""Clinicians (care coordinators): whether and when a client who wants work is referred."""

from __future__ import annotations

from typing import NamedTuple

import mesa
import numpy as np

from ipssim.agents.base import ServiceAgent
from ipssim.events import Screen
from ipssim.scenario import Clinicians, Policy
from ipssim.streams import Draws


class Presentation(NamedTuple):
    """What a clinician sees of a client at a review."""

    severity: float  # of symptoms, 0 to 1
    substance_use: bool
    work_history: bool
    housing_unstable: bool
    impression: float  # how 'ready' the client comes across, 0 to 1
    relapsed: bool  # in a relapse now
    days_since_incident: float  # since the last offence or release


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
        self.cfg = cfg
        self.knowledge = cfg.training_boost if cfg.training else 0.0

    @property
    def belief(self) -> float:
        """Belief in work, 0 to 1."""
        return float(self.beliefs[self.index])

    @property
    def conviction(self) -> float:
        """Belief in work raised by what training taught, 0 to 1: what the clinician acts on."""
        return min(1.0, self.belief + self.knowledge)

    def encourages(self, draws: Draws) -> bool:
        """Whether, at a review, the clinician leads a client who does not want work to want
        it (one draw from the client's ``draws``)."""
        return draws.chance(self.cfg.encouragement_per_review * self.conviction)

    def takes_up_wish(self, draws: Draws) -> bool:
        """Whether, at a review, the clinician takes up a client's wish to work and decides on
        a referral; if not, the wish waits for a later review (one draw)."""
        return not draws.chance(self.cfg.overlook_without_belief * (1.0 - self.conviction))

    @staticmethod
    def drift(beliefs: np.ndarray, climate: float, cfg: Clinicians) -> None:
        """Weekly: every clinician's belief drifts toward the team's climate (attitudes spread)."""
        beliefs += cfg.attitude_spread * (climate - beliefs)

    def screen(self, seen: Presentation) -> Screen | None:
        """The eligibility criterion a client fails when zero exclusion is off, or None."""
        if seen.substance_use:
            return Screen.SUBSTANCE_USE
        if seen.severity > self.cfg.severe_symptoms or seen.relapsed:
            return Screen.SYMPTOMS
        if seen.days_since_incident < self.cfg.recent_incident_days:
            return Screen.RECENT_OFFENCE
        if seen.housing_unstable:
            return Screen.HOUSING
        return None

    def judges_ready(self, seen: Presentation, policy: Policy, draws: Draws) -> bool:
        """The informal 'readiness' judgement behind gatekeeping.

        Readiness falls with symptoms, substance use, a recent incident and no work history, and
        carries the clinician's lasting impression of the client with a little noise at each
        review (one draw from the client's ``draws``, only under gatekeeping); the bar rises
        with gatekeeping and falls with belief in work and knowledge.
        """
        if policy.referral_gatekeeping == 0.0:
            return True
        readiness = (
            1.0
            - 0.5 * seen.severity
            - 0.2 * seen.substance_use
            - 0.2 * (not seen.work_history)
            - 0.2 * (seen.days_since_incident < self.cfg.recent_incident_days)
            - 0.3 * seen.relapsed
            + 0.3 * (seen.impression - 0.5)
            + 0.1 * (draws.uniform() - 0.5)
        )
        return readiness >= policy.referral_gatekeeping * (1.0 - 0.5 * self.conviction)
