"""Employment specialists: a capped caseload, a weekly time budget, and job development.

Each specialist is a Mesa agent with a SimPy caseload resource and the vacancies they have
found. Their weekly plans (the time budget, and the employer contacts it allows) are made for
the whole team at once by ``Team``, which holds the specialists' numbers as arrays. An agent is
a post: when its specialist leaves, the caseload stays with the post, covered by the team until
a replacement starts.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import mesa
import numpy as np
import simpy
from simpy.resources.resource import Request

from ipssim.agents.base import ServiceAgent
from ipssim.events import Event, EventLog
from ipssim.ranks import rank_among_equals, rank_in_runs, run_starts
from ipssim.scenario import SECTORS, Scenario
from ipssim.streams import Streams, integers

if TYPE_CHECKING:
    from ipssim.agents.employer import EmployerPool

# whether each (seeker row, employer) pair is a role closed to that seeker
Closed = Callable[[np.ndarray, np.ndarray], np.ndarray]
LEAD_SLOTS = 8  # columns of the table of open vacancies; it widens when a specialist has more


class Specialist(ServiceAgent):
    """An employment specialist: a caseload with a waiting list (their plans are the ``Team``'s)."""

    def __init__(self, model: mesa.Model, index: int, cap: int) -> None:
        super().__init__(model)
        self.index = index
        self.caseload = simpy.Resource(model.env, capacity=cap)
        self.vacant = False  # between a specialist leaving the post and the replacement starting

    @property
    def load(self) -> int:
        """Clients holding a place on the caseload or waiting for one."""
        return len(self.caseload.users) + len(self.caseload.queue)

    @property
    def referral_order(self) -> tuple[bool, int]:
        """How a referral ranks this post: a specialist in post before a vacant post, then the
        least loaded."""
        return self.vacant, self.load

    def request_place(self) -> Place:
        """Join the waiting list for a place on the caseload (granted at once if one is free)."""
        return Place(self)


class Place(Request):
    """A request for a place on a specialist's caseload, which knows whose it is."""

    def __init__(self, specialist: Specialist) -> None:
        self.specialist = specialist
        super().__init__(specialist.caseload)


class Team:
    """The specialists' weekly plans, for all of them at once.

    Each week each specialist's hours are split between employer contacts and the clients on
    the caseload: a week with too few hours for both (the aimed-for employer contacts and
    every client at the planned rhythm, ``service.meeting_gap_days``) cuts both in proportion,
    and the client time left is shared out as the gap between meetings (a worker's
    follow-along gap is ``service.follow_along_gap_factor`` times it, so a worker takes that
    fraction of a job seeker's time). So a fuller caseload means rarer meetings and
    follow-along contacts and fewer employer contacts per client at any size and, past the
    hours there are, fewer employer contacts in all: the caseload effect comes out of the time
    budget, continuously. A contact may find a vacancy, a lead the specialist puts to job
    seekers at meetings until it is filled or closes.
    """

    def __init__(
        self,
        specialists: list[Specialist],
        streams: Streams,
        scenario: Scenario,
        turnover: np.random.Generator | None = None,
    ) -> None:
        """``turnover`` draws who leaves each week (None: a team whose specialists never
        leave, whatever the scenario says)."""
        n = len(specialists)
        self.specialists = specialists
        self._holders = [s.caseload.users for s in specialists]  # SimPy keeps each list in place
        self.streams = streams
        self._turnover = turnover  # who leaves each week: a stream of its own
        self.vacant = np.zeros(n, dtype=bool)
        self.starts = np.zeros(n, dtype=np.int64)  # the day a vacant post's replacement starts
        streams.extend(n)
        self.scenario = scenario
        gap = scenario.service.meeting_gap_days
        self.meeting_interval = np.full(n, gap)  # days between a job seeker's meetings
        self.follow_along_interval = np.full(n, scenario.service.follow_along_gap_factor * gap)
        self.contacts = np.zeros(n, dtype=np.int64)
        self.seekers = np.zeros(
            (n, len(SECTORS)), dtype=np.int64
        )  # job seekers by preferred sector
        self._known = np.zeros((n, 64), dtype=np.int64)  # employers each has visited
        self._n_known = np.zeros(n, dtype=np.int64)
        self.lead_employer = np.full((n, LEAD_SLOTS), -1, dtype=np.int64)  # open, oldest first
        self.lead_closes = np.zeros((n, LEAD_SLOTS), dtype=np.int64)
        self._n_leads = np.zeros(n, dtype=np.int64)

    def on_caseload(self) -> np.ndarray:
        """Clients holding a place on each specialist's caseload."""
        return np.fromiter(map(len, self._holders), dtype=np.int64, count=len(self._holders))

    def staff_changes(self, day: int, log) -> None:
        """The week's leavers and replacements. Each specialist in post leaves with the weekly
        chance of ``service.turnover_per_year``; the post stays vacant for
        ``service.vacancy_weeks``, its clients keeping their places, and the replacement starts
        knowing no employers and holding none of the leaver's vacancies."""
        cfg = self.scenario.service
        if self._turnover is None or cfg.turnover_per_year <= 0 or not self.specialists:
            return
        chance = -math.expm1(-cfg.turnover_per_year * 7.0 / 365.0)
        leaving = (self._turnover.random(len(self.vacant)) < chance) & ~self.vacant
        if np.count_nonzero(leaving):
            self.vacant |= leaving
            self.starts[leaving] = day + 7 * cfg.vacancy_weeks
            self._known[leaving] = 0
            self._n_known[leaving] = 0
            self.lead_employer[leaving] = -1
            self._n_leads[leaving] = 0
            log.extend(day, -1, Event.SPECIALIST_LEFT, cfg.vacancy_weeks, leaving.nonzero()[0])
        starting = self.vacant & (self.starts <= day)
        if np.count_nonzero(starting):
            self.vacant &= ~starting
            log.extend(day, -1, Event.SPECIALIST_STARTED, 0, starting.nonzero()[0])
        for s in (leaving | starting).nonzero()[0].tolist():
            self.specialists[s].vacant = bool(self.vacant[s])

    def caseload_use(self) -> np.ndarray:
        """Each specialist's caseload as a share of the cap (caseload pressure)."""
        return self.on_caseload() / max(self.scenario.service.caseload_cap, 1)

    def plan_week(self, day: int, employers: EmployerPool, log, load: np.ndarray) -> None:
        """Split each specialist's week and make this week's employer contacts, with the
        levers as the team practises them this week (``Service.practised``: an unsupervised
        service drifts). ``load`` is each specialist's clients in meeting-equivalents (a job
        seeker or a client preparing 1, a worker 1 / ``follow_along_gap_factor``).

        Seeing every client at the planned rhythm (``service.meeting_gap_days``) and making
        the aimed-for employer contacts may need more hours than there are: then both are cut
        in proportion, so meetings grow rarer and contacts fewer. Hours to spare bring
        meetings closer, down to ``service.min_meeting_gap_days``. A vacant post's clients are
        covered by the team: meetings and follow-along at the longest gaps, no job
        development."""
        if not self.specialists:
            return
        cfg = self.scenario.service
        hours, wanted = self._budget(day, employers)
        working = (self.on_caseload() > 0) & ~self.vacant
        exact, most = None, 0
        if wanted is not None:
            clients = load * cfg.meeting_hours * 7.0 / cfg.meeting_gap_days
            need = clients + wanted * cfg.hours_per_employer_contact
            exact = wanted * np.minimum(1.0, hours / np.maximum(need, 1e-9))
            most = int(wanted) + 1
        contacts = self._contact_counts(exact, working)
        spare = np.maximum(hours - contacts * cfg.hours_per_employer_contact, 1e-9)
        gap = np.clip(
            7.0 * cfg.meeting_hours * load / spare,
            cfg.min_meeting_gap_days,
            cfg.max_meeting_gap_days,
        )
        gap[self.vacant] = cfg.max_meeting_gap_days
        self.meeting_interval = gap
        self.follow_along_interval = np.minimum(
            2.0 * cfg.max_meeting_gap_days, cfg.follow_along_gap_factor * gap
        )
        self._close_leads(day)
        self.contacts = contacts
        if np.count_nonzero(contacts):
            self._contact_employers(day, contacts, most, employers, log)

    def warm_up(self, employers: EmployerPool, weeks: int) -> None:
        """An established service's past: ``weeks`` weeks of job development by every
        specialist before day 0, so the run starts with employer relationships, employers each
        specialist knows and vacancies in hand. Nothing of it is logged."""
        if not self.specialists:
            return
        past = EventLog()
        for week in range(-weeks, 0):
            _, wanted = self._budget(0, employers)
            contacts = self._contact_counts(wanted, np.ones(len(self.vacant), dtype=bool))
            most = 0 if wanted is None else int(wanted) + 1
            self._close_leads(7 * week)
            if np.count_nonzero(contacts):
                self._contact_employers(7 * week, contacts, most, employers, past)

    def _budget(self, day: int, employers: EmployerPool) -> tuple[float, float | None]:
        """A specialist's hours for clients and employers this week, and the employer
        contacts they aim for within them (None with no job development)."""
        cfg = self.scenario.service
        aim = cfg.practised("employer_contacts_per_week", day)
        hours = cfg.hours_per_week * cfg.practised("employment_time_share", day)
        hours *= 1.0 - cfg.admin_share
        present = 1.0 - cfg.sickness_share  # sickness absence takes time from clients and employers
        hours *= (1.0 - cfg.travel_share * cfg.community_share) * present
        if aim <= 0 or not len(employers):
            return hours, None
        wanted = aim * present * cfg.hours_per_employer_contact
        return hours, min(wanted, cfg.max_contact_share * hours) / cfg.hours_per_employer_contact

    def _contact_counts(self, exact, working: np.ndarray) -> np.ndarray:
        """Each specialist's employer contacts this week: ``exact`` (one number, or one per
        specialist) rounded up or down at random to keep its mean, none where not
        ``working`` (and none at all for None)."""
        if exact is None:
            return np.zeros(len(working), dtype=np.int64)
        exact = np.asarray(exact, dtype=float)
        whole = np.floor(exact).astype(np.int64)
        extra = self.streams.uniforms(np.arange(len(working))) < exact - whole
        return np.where(working, whole + extra, 0)

    def _contact_employers(
        self, day: int, contacts: np.ndarray, most: int, employers: EmployerPool, log
    ) -> None:
        """The week's employer contacts, ``contacts[s]`` by specialist ``s`` (at most ``most``).

        Each contact goes back to an employer the specialist knew at the start of the week, or
        with preference-led search to one in a job seeker's preferred sector, or to any employer;
        it builds the relationship and may find a vacancy, which becomes a lead.
        """
        market = self.scenario.employers
        busy = contacts.nonzero()[0]
        draws = self.streams.uniforms(busy, 4 * most)  # the same count for everyone, every week
        who = np.repeat(busy, contacts[busy])  # one row per contact, specialist by specialist
        column = np.repeat(np.arange(len(busy)), contacts[busy])
        nth = rank_in_runs(who)
        u = [draws[4 * nth + k, column] for k in range(4)]
        known = self._n_known[who]
        revisit = (known > 0) & (u[0] < self.scenario.service.revisit_share)
        employer = integers(u[1], len(employers))
        if self.scenario.policy.preference_led_search:
            employer = self._in_seekers_sectors(who, u[1], u[2], employers, employer)
        old = self._known[who, integers(u[1], known)]
        employer = np.where(revisit, old, employer)
        new = ~revisit
        slot, self._n_known = _slots(self._n_known, who[new])
        self._known = _put(self._known, who[new], slot, employer[new], fill=0)
        employers.contacted(employer, day, market.relationship_gain)
        vacancy = u[3] < market.vacancy_probability
        slot, self._n_leads = _slots(self._n_leads, who[vacancy])
        self.lead_employer = _put(
            self.lead_employer, who[vacancy], slot, employer[vacancy], fill=-1
        )
        self.lead_closes = _put(
            self.lead_closes, who[vacancy], slot, day + market.vacancy_open_days, fill=0
        )
        log.extend(day, -1, Event.EMPLOYER_CONTACT, vacancy.astype(np.int32), who, employer)

    def _in_seekers_sectors(self, who, u_seeker, u_pick, employers: EmployerPool, fallback):
        """An employer in the preferred sector of one of the specialist's job seekers."""
        counts = self.seekers[who]
        total = counts.sum(axis=1)
        target = integers(u_seeker, total)
        sector = np.minimum(
            (counts.cumsum(axis=1) <= target[:, None]).sum(axis=1), len(SECTORS) - 1
        )
        return employers.in_sector(np.where(total > 0, sector, -1), u_pick, fallback)

    # --- leads: vacancies found by employer contacts -----------------------------------------

    def _close_leads(self, day: int) -> None:
        """Drop filled and closed vacancies, keeping the rest in the order they were found, and
        narrow the table to the most any specialist holds (at least ``LEAD_SLOTS``)."""
        open_ = (self.lead_employer >= 0) & (self.lead_closes > day)
        self._n_leads = open_.sum(axis=1)
        width = max(LEAD_SLOTS, int(self._n_leads.max(initial=0)))
        rows = np.arange(len(open_))[:, None]
        order = np.argsort(~open_, axis=1, kind="stable")[:, :width]
        self.lead_employer = np.where(open_[rows, order], self.lead_employer[rows, order], -1)
        self.lead_closes = self.lead_closes[rows, order]

    def leads_for(
        self,
        specialist: np.ndarray,
        recent: np.ndarray,
        preferred: np.ndarray,
        closed: Closed | None,
        employers: EmployerPool,
    ) -> np.ndarray:
        """The open vacancy each specialist puts to a job seeker at a meeting (-1 for none):
        in the seeker's ``preferred`` sector if the search is preference-led (-1 if not), else
        the oldest; never one among the seeker's ``recent`` applications, nor a role
        ``closed`` to the seeker (by seeker and employer) where the specialist knows it is."""
        if len(employers) == 0:
            return np.full(len(specialist), -1)
        # one row per open slot of each seeker's specialist: the first ``_n_leads`` columns
        count = self._n_leads[specialist]
        seeker = np.repeat(np.arange(len(specialist)), count)
        column = rank_in_runs(seeker)
        lead = self.lead_employer[specialist[seeker], column]
        safe = np.maximum(lead, 0)
        ok = (lead >= 0) & ~_any_last(recent[seeker] == lead[:, None])
        if closed is not None:
            ok &= ~closed(seeker, safe)
        liked = ok & (employers.sector[safe] == preferred[seeker])
        pick = np.full(len(specialist), -1)
        for usable in (ok, liked):  # the oldest usable lead, then the oldest liked one over it
            first, row = _first_per_row(usable, seeker)
            pick[row] = lead[first]
        return pick

    def fill(self, specialist: np.ndarray, employer: np.ndarray) -> np.ndarray:
        """Job offers on leads, in order: each fills (closes) the oldest open lead of that
        specialist at that employer; False where none is left, the vacancy having gone to an
        earlier applicant the same day."""
        if len(specialist) == 0:
            return np.zeros(0, dtype=bool)
        # the nth offer at one specialist's employer takes the nth open lead there, if any
        nth = rank_among_equals(specialist * (int(employer.max()) + 1) + employer)
        match = self.lead_employer[specialist] == employer[:, None]
        count = match.cumsum(axis=1)
        filled = count[:, -1] > nth
        column = (match & (count == (nth + 1)[:, None])).argmax(axis=1)
        self.lead_employer[specialist[filled], column[filled]] = -1
        return filled


def _first_per_row(mask: np.ndarray, row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first true entry of ``mask`` in each run of equal ``row`` (sorted), and that row."""
    where = mask.nonzero()[0]
    rows = row[where]
    first = run_starts(rows)
    return where[first], rows[first]


def _any_last(mask: np.ndarray) -> np.ndarray:
    """``mask.any(axis=-1)`` for a C-contiguous bool array whose last axis is a multiple of 8
    long, read eight bytes at a time: twice as fast as numpy's reduction over 16 applications."""
    words = mask.view(np.uint64)
    found = words[..., 0].copy()
    for k in range(1, words.shape[-1]):
        found |= words[..., k]
    return found != 0


def _slots(count: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where values appended to rows ``rows`` (sorted) of a ragged table with ``count`` entries
    per row go, and the new counts."""
    slot = count[rows] + rank_in_runs(rows)
    return slot, count + np.bincount(rows, minlength=len(count))


def _put(table: np.ndarray, rows: np.ndarray, slot: np.ndarray, values, fill: int) -> np.ndarray:
    """``table`` (a ragged table held as a padded array) with ``values`` at ``rows, slot``,
    widened with ``fill`` if need be."""
    if len(slot):
        while slot.max() >= table.shape[1]:  # double the width (np.pad takes 15 times as long)
            wider = np.full((len(table), 2 * table.shape[1]), fill, dtype=table.dtype)
            wider[:, : table.shape[1]] = table
            table = wider
        table[rows, slot] = values
    return table
