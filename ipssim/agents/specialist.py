"""Employment specialists: a capped caseload, a weekly time budget, and job development."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa
import simpy

from ipssim.events import Event
from ipssim.scenario import Service
from ipssim.streams import Draws

if TYPE_CHECKING:
    from ipssim.agents.client import Client
    from ipssim.agents.employer import Employer

TRAVEL_SHARE = 0.15  # assumption: share of community time spent travelling
MAX_CONTACT_SHARE = 0.5  # assumption: job development never takes more than half the week
REVISIT_SHARE = 0.5  # assumption: half of contacts go back to employers already known
LEAD_DAYS = 28  # assumption: a vacancy found by a contact stays open four weeks
MAX_MEETING_GAP_DAYS = 42
FOLLOW_ALONG_FACTOR = 2  # assumption: a worker needs a contact half as often as a job seeker


class Specialist(mesa.Agent):
    """An employment specialist.

    Each week the time budget is split between employer contacts and the clients on the
    caseload, so a fuller caseload means rarer meetings and follow-along contacts: the caseload
    effect comes out of the time budget.
    """

    def __init__(self, model: mesa.Model, index: int, draws: Draws, cfg: Service) -> None:
        super().__init__(model)
        self.index = index
        self.draws = draws
        self.cfg = cfg
        self.caseload = simpy.Resource(model.env, capacity=cfg.caseload_cap)
        self.searching: dict[Client, None] = {}  # clients in job search, in arrival order
        self.leads: list[tuple[int, int]] = []  # (employer index, day the vacancy closes)
        self.known: list[int] = []  # employers this specialist has visited
        self.hours_per_client = math.inf
        self.contacts_this_week = 0

    @property
    def load(self) -> int:
        """Clients holding or waiting for a place."""
        return self.caseload.count + len(self.caseload.queue)

    def plan_week(self, day: int) -> None:
        """Split the week's hours and make this week's employer contacts."""
        cfg = self.cfg
        hours = cfg.hours_per_week * cfg.employment_time_share * (1.0 - cfg.admin_share)
        hours *= 1.0 - TRAVEL_SHARE * cfg.community_share
        active = self.caseload.count
        contacts = 0
        if active and cfg.employer_contacts_per_week > 0:
            wanted = cfg.employer_contacts_per_week * cfg.hours_per_employer_contact
            contact_hours = min(wanted, MAX_CONTACT_SHARE * hours)
            exact = contact_hours / cfg.hours_per_employer_contact
            contacts = int(exact) + self.draws.chance(exact - int(exact))
        self.hours_per_client = (hours - contacts * cfg.hours_per_employer_contact) / max(active, 1)
        self.leads = [lead for lead in self.leads if lead[1] > day]
        for _ in range(contacts):
            self._contact_employer(day)
        self.contacts_this_week = contacts

    def _contact_employer(self, day: int) -> None:
        model = self.model
        employer = self._choose_employer()
        if employer is None:
            return
        employer.contacted(day, model.scenario.employers.relationship_gain)
        vacancy = self.draws.chance(model.scenario.employers.vacancy_probability)
        if vacancy:
            self.leads.append((employer.index, day + LEAD_DAYS))
        model.log.add(day, -1, Event.EMPLOYER_CONTACT, int(vacancy), self.index, employer.index)

    def _choose_employer(self) -> Employer | None:
        employers = self.model.employers
        if not employers:
            return None
        if self.known and self.draws.chance(REVISIT_SHARE):
            return employers[self.known[self.draws.integer(len(self.known))]]
        if self.model.scenario.policy.preference_led_search and self.searching:
            seekers = list(self.searching)
            sector = seekers[self.draws.integer(len(seekers))].profile.preferred_sector
            pool = self.model.employers_by_sector[sector]
            if pool:
                employer = pool[self.draws.integer(len(pool))]
                self.known.append(employer.index)
                return employer
        employer = employers[self.draws.integer(len(employers))]
        self.known.append(employer.index)
        return employer

    def meeting_interval(self) -> int:
        """Days between job-search meetings that this week's time per client allows."""
        days = 7.0 * self.cfg.meeting_hours / max(self.hours_per_client, 1e-9)
        return int(min(MAX_MEETING_GAP_DAYS, max(7.0, round(days))))

    def follow_along_interval(self) -> int:
        """Days between follow-along contacts with a client in work."""
        return min(2 * MAX_MEETING_GAP_DAYS, FOLLOW_ALONG_FACTOR * self.meeting_interval())

    def lead_for(self, client: Client, preference_led: bool, skip_barred: bool) -> Employer | None:
        """The open vacancy to put to a client at a meeting: in the preferred sector if the
        search is preference-led, never one the client already tried or is barred from."""
        employers = self.model.employers
        fallback = None
        for index, _ in self.leads:
            if index in client.applied:
                continue
            employer = employers[index]
            if skip_barred and client.sexual_offence and employer.regulated:
                continue
            if not preference_led or employer.sector == client.profile.preferred_sector:
                return employer
            if fallback is None:
                fallback = employer
        return fallback

    def fill(self, employer: int) -> None:
        """A vacancy is filled: the lead closes."""
        for i, (e, _) in enumerate(self.leads):
            if e == employer:
                del self.leads[i]
                return
