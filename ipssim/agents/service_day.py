"""The service's working day: job-search meetings, applications and follow-along contacts.

At the end of each day every client due a meeting, an own application or a follow-along
contact is handled in one vectorised pass, with each client's draws from its own stream. What
changes a client's pathway (a job offer taken, a setback ahead, the search beginning) is
handed back to the client agent, whose SimPy process carries on from there.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import simpy
from simpy.events import ProcessGenerator

from ipssim.agents.disclosure import disclose
from ipssim.agents.employer import Applications, Employer, EmployerPool
from ipssim.agents.engagement import disengage_hazard
from ipssim.agents.hours import allowance_hours, declines, hours_taken, offered_hours
from ipssim.agents.roster import NEVER_DAY, Roster, own_application_day
from ipssim.agents.specialist import Closed, Team
from ipssim.agents.states import IN_SERVICE, State
from ipssim.clock import EndOfDay
from ipssim.events import Event, EventLog, Outcome
from ipssim.ranks import run_starts
from ipssim.scenario import Scenario
from ipssim.streams import Streams, integers

WORKING_DAYS = 5  # assumption: the service works Monday to Friday (day 0 is a Monday)
_HIRED, _DECLINED, _NOT_SELECTED = (
    int(o) for o in (Outcome.HIRED, Outcome.DECLINED, Outcome.NOT_SELECTED)
)
# plain ints: numpy compares an array with an IntEnum member four times slower than with an int
_PREPARING, _SEARCHING = int(State.PREPARING), int(State.SEARCHING)
_IN_SERVICE = np.isin(np.arange(len(State)), IN_SERVICE)  # by state: with a specialist


def _union(due: np.ndarray, more: np.ndarray) -> np.ndarray:
    """``np.union1d`` of the clients due (sorted) and a few more: a stable sort, which is fast on
    nearly sorted input, then each client once (ten times faster at thousands of clients)."""
    clients = np.concatenate((due, more))
    clients.sort(kind="stable")
    return clients[run_starts(clients)]


def booked(day: int, gap, u) -> np.ndarray:
    """The day of the next contact ``gap`` days (a real number) after ``day``: the gap rounded
    down or up at random (by uniforms ``u``) so that its mean is kept, at least a day."""
    return (day + np.maximum(1.0, np.floor(gap + u))).astype(np.int64)


class Pathway(Protocol):
    """What the service day hands back to a client's pathway (``Client`` is one)."""

    def start_search(self) -> None: ...

    def setback_at(self, day: int, relapse_share: float) -> None: ...

    def hired(self, employer: Employer, known: bool, hours: int) -> None: ...

    def followed_up(self) -> None: ...


@dataclass(frozen=True, kw_only=True, slots=True)
class ServiceDay:
    """Runs the day's meetings, applications and follow-along contacts.

    It holds what a day reads and changes: the clients' ``roster`` and their ``streams``, their
    ``pathways`` (by client index: a list the model appends to as clients arrive), the
    employers (agents and their ``pool``), the specialists' ``team`` and the event ``log``.
    """

    env: simpy.Environment
    scenario: Scenario
    roster: Roster
    streams: Streams
    pathways: Sequence[Pathway]
    employers: Sequence[Employer]
    pool: EmployerPool
    team: Team
    log: EventLog
    disengage_rate: float  # daily disengagement hazard of an average client

    def process(self) -> ProcessGenerator:
        """The SimPy process: one working day after another."""
        env = self.env
        yield EndOfDay(env, 0)
        while True:
            day = int(env.now)
            if day % 7 < WORKING_DAYS:
                self.run(day)
            yield EndOfDay(env, 1)

    def run(self, day: int) -> None:
        """A working day: what fell due since the last one (at the weekend) happens today."""
        roster = self.roster
        if roster.size == 0:
            return
        met = (roster.meet_day <= day).nonzero()[0]
        self._applications(day, self._meetings(day, met), (roster.apply_day <= day).nonzero()[0])
        plan = roster.to_plan
        if plan:
            met = _union(met, np.array(plan, dtype=np.int64))
            plan.clear()
        self._plan_meetings(day, met)
        self._follow_along(day, (roster.follow_day <= day).nonzero()[0])

    # --- meetings ------------------------------------------------------------------------------

    def _meetings(self, day: int, due: np.ndarray) -> np.ndarray:
        """Meet the clients due today; returns the job seekers among them."""
        if due.size == 0:
            return due
        roster, pathways = self.roster, self.pathways
        state = roster.state[due]
        ready = due[(state == _PREPARING) & (roster.search_from[due] <= day)]
        for i in ready.tolist():
            pathways[i].start_search()
        seekers = due[state == _SEARCHING]
        if seekers.size:
            self.log.extend(day, seekers, Event.MEETING, 0, roster.specialist[seekers])
        return seekers

    def _applications(self, day: int, seekers: np.ndarray, alone: np.ndarray) -> None:
        """The day's applications. A job seeker at a meeting applies for a vacancy the
        specialist found; every client who wants work and is not in work applies alone for
        advertised openings at the same rate in the service or out of it (the service changes
        only where: with preference-led search, the plan made with the specialist puts the
        preferred sector first). All are decided at once from each applicant's own draws, then
        those that happen are recorded; a seeker hired on a lead today makes no application
        alone."""
        roster, scenario = self.roster, self.scenario
        policy, employers, team = scenario.policy, self.pool, self.team
        if seekers.size == 0 and alone.size == 0:
            return
        spec = roster.specialist[seekers]
        mine = self.streams.uniforms(seekers, 3)  # the lead application
        theirs = self.streams.uniforms(alone, 6)  # employer (two), application, next one
        if seekers.size:
            preferred = (
                roster.preferred_sector[seekers]
                if policy.preference_led_search
                else np.full(len(seekers), -1)
            )
            lead = team.leads_for(
                spec, roster.recent[seekers], preferred, self._closed(day, seekers), employers
            )
        else:
            lead = seekers
        has = lead >= 0
        applying = alone if len(employers) else alone[:0]
        n_lead = np.count_nonzero(has)
        clients = np.concatenate((seekers[has], applying))
        anyone = integers(theirs[0, : len(applying)], len(employers))
        planned = (roster.specialist[applying] >= 0) & policy.preference_led_search
        sector = np.where(planned, roster.preferred_sector[applying], -1)
        own = employers.in_sector(sector, theirs[1, : len(applying)], anyone)
        employer = np.concatenate((lead[has], own))
        introduced = np.zeros(len(clients), dtype=bool)
        introduced[:n_lead] = True
        outcome, known, hours = self._decide(
            day,
            clients,
            employer,
            introduced,
            np.concatenate((mine[:, has], theirs[2:5, : len(applying)]), axis=1),
        )
        hired = outcome == _HIRED
        got = hired[:n_lead]  # a view of the offers on leads
        if np.count_nonzero(got):  # a vacancy filled earlier today goes to no one else
            late = got.nonzero()[0][~team.fill(spec[has][got], lead[has][got])]
            got[late] = False
            outcome[late] = _NOT_SELECTED
        self._record(
            day,
            clients[:n_lead],
            employer[:n_lead],
            outcome[:n_lead],
            known[:n_lead],
            hours[:n_lead],
            got,
        )
        stay = np.ones(len(alone), dtype=bool)
        if len(applying):  # applying alone only if not hired on a lead today
            lead_hired = np.zeros(roster.size, dtype=bool)
            lead_hired[seekers[has][got]] = True
            keep = ~lead_hired[applying]
            rest = slice(n_lead, None)
            self._record(
                day,
                clients[rest][keep],
                employer[rest][keep],
                outcome[rest][keep],
                known[rest][keep],
                hours[rest][keep],
                hired[rest][keep],
            )
            stay = keep & ~hired[rest]
        wait = -np.log1p(-theirs[5, stay]) * 30.0 / roster.apply_rate[alone[stay]]
        roster.apply_day[alone[stay]] = own_application_day(day, wait)

    def _closed(self, day: int, seekers: np.ndarray) -> Closed | None:
        """With disclosure support the specialist knows each seeker's conviction and puts no
        one forward for a role closed to it (``EmployerPool.closed_to``); without, none."""
        if not self.scenario.policy.disclosure_support:
            return None
        roster, pool, cfg = self.roster, self.pool, self.scenario.employers
        offence, sexual = roster.offence[seekers], roster.sexual[seekers]

        def closed(rows: np.ndarray, employer: np.ndarray) -> np.ndarray:
            return pool.closed_to(employer, offence[rows], sexual[rows], day, cfg)

        return closed

    def _plan_meetings(self, day: int, clients: np.ndarray) -> None:
        """Book each client's next meeting, unless a setback (a relapse, a break or dropping
        out) comes first; the disengagement hazard (``ipssim.agents.engagement``) rises as
        meetings grow rarer and caseloads fuller."""
        roster = self.roster
        if clients.size == 0:
            return
        clients = clients[_IN_SERVICE[roster.state[clients]]]
        if clients.size == 0:
            return
        spec = roster.specialist[clients]
        interval = self.team.meeting_interval[spec]
        disengage = disengage_hazard(
            self.disengage_rate,
            roster.eased_worry(clients),
            roster.confidence[clients],
            interval,
            self.team.caseload_use()[spec],
            False,
            roster.state[clients] == _PREPARING,
            self.scenario.clients,
        )
        relapse = roster.relapse_rate[clients]
        hazard = disengage + relapse
        u = self.streams.uniforms(clients, 2)  # the setback, the meeting day
        wait = -np.log1p(-u[0]) / hazard
        setback = wait < interval
        roster.meet_day[clients] = np.where(setback, NEVER_DAY, booked(day, interval, u[1]))
        if np.count_nonzero(setback):
            for i, t, p in zip(
                clients[setback].tolist(),
                wait[setback].tolist(),
                (relapse[setback] / hazard[setback]).tolist(),
                strict=True,
            ):
                self.pathways[i].setback_at(math.ceil(day + t), p)

    # --- applications --------------------------------------------------------------------------

    def _decide(
        self,
        day: int,
        clients: np.ndarray,
        employer: np.ndarray,
        introduced: np.ndarray,
        u: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each application's ``Outcome``, whether the employer knows of the conviction and the
        hours a week the client would work, from three uniforms per application (``u``): the
        client's disclosure decision (``ipssim.agents.disclosure``), the employer's selection
        and the post's hours (``ipssim.agents.hours``), which decide the client's acceptance."""
        roster, scenario, pool = self.roster, self.scenario, self.pool
        engaged = roster.specialist[clients] >= 0
        supported = engaged & scenario.policy.disclosure_support
        offender = roster.offender[clients]
        offence = roster.offence[clients]
        # the specialist who found a vacancy has met the employer and knows its stance
        trusted = pool.leniency(
            employer, pool.strength(employer, day), supported, scenario.employers
        )
        known_open = introduced & pool.open_to(employer, offence, trusted)
        disclosed = disclose(
            u[0],
            offender,
            supported,
            pool.checks[employer],
            known_open,
            scenario.work.disclosure_without_support,
        )
        worry = roster.eased_worry(clients)
        apps = Applications(
            employer=employer,
            introduced=introduced,
            disclosed=disclosed,
            supported=supported,
            merit=roster.merit[clients],
            offence=offence,
            sexual=roster.sexual[clients],
        )
        outcome, known = pool.consider(apps, day, u[1], scenario.labour_market, scenario.employers)
        offered = offered_hours(u[2], scenario.labour_market)
        allowance = allowance_hours(scenario.labour_market, scenario.work)
        hours = hours_taken(roster.wished_hours[clients], offered, worry, allowance)
        outcome[(outcome == _HIRED) & declines(offered, hours, scenario.work)] = _DECLINED
        return outcome, known | ~offender, np.maximum(1, np.rint(hours)).astype(np.int64)

    def _record(
        self,
        day: int,
        clients: np.ndarray,
        employer: np.ndarray,
        outcome: np.ndarray,
        known: np.ndarray,
        hours: np.ndarray,
        hired: np.ndarray,
    ) -> None:
        """Log applications (no client twice), remember them, and start the jobs taken at the
        hours agreed (their openings filled for any other service: ``EmployerPool.hired``)."""
        if clients.size == 0:
            return
        self.log.extend(day, clients, Event.APPLICATION, outcome, -1, employer)
        self.roster.applied(clients, employer)
        if np.count_nonzero(hired):
            self.pool.hired(employer[hired], day)
            for i, e, k, h in zip(
                clients[hired].tolist(),
                employer[hired].tolist(),
                known[hired].tolist(),
                hours[hired].tolist(),
                strict=True,
            ):
                self.pathways[i].hired(self.employers[e], k, h)

    # --- follow-along --------------------------------------------------------------------------

    def _follow_along(self, day: int, due: np.ndarray) -> None:
        """Follow-along support contacts with clients in work: each renews the protection of
        the worker's job (``Pathway.followed_up``) and books the next."""
        if due.size == 0:
            return
        spec = self.roster.specialist[due]
        self.log.extend(day, due, Event.FOLLOW_ALONG, 0, spec)
        gap = self.team.follow_along_interval[spec]
        self.roster.follow_day[due] = booked(day, gap, self.streams.uniforms(due))
        for i in due.tolist():
            self.pathways[i].followed_up()
