"""Clients: each one's pathway through the service is a SimPy process.

The pathway is a small state machine. In each state the client sleeps until the next thing due
(a review, a meeting, the end of a break, a job ending), while a reoffending clock runs beside it:
the client reoffends when the hazard accumulated since the last reoffence reaches a unit
exponential threshold drawn in advance. A client in work or custody costs nothing per week.
"""

from __future__ import annotations

import math
from enum import IntEnum
from typing import TYPE_CHECKING

import mesa

from ipssim.events import Discharge, Event, JobEnd, Outcome
from ipssim.population import Profile, annual_to_daily
from ipssim.scenario import OFFENCES
from ipssim.streams import Draws

if TYPE_CHECKING:
    from ipssim.agents.clinician import Clinician
    from ipssim.agents.employer import Employer
    from ipssim.agents.specialist import Specialist

NEVER = math.inf
FADE_DAYS = 91  # the post-release rise in reoffending fades over 13 weeks
FADE_STEP_DAYS = 14  # the reoffending hazard is re-read this often while it fades
IN_REACH_DAYS = 56  # assumption: through-the-gate support starts eight weeks before release
COUNSELLING_RELIEF = 0.6  # assumption: benefits counselling removes 60% of the worry
FULL_TIME_HOURS, PART_TIME_HOURS = 30, 12


class State(IntEnum):
    """Where a client is; every client is in exactly one state at any time."""

    PRISON = 0
    COMMUNITY = 1
    WAITING = 2
    PREPARING = 3
    SEARCHING = 4
    WORKING = 5
    PAUSED = 6
    CUSTODY = 7


class Job:
    """A competitive job held by a client."""

    __slots__ = ("employer", "start", "matched", "known")

    def __init__(self, employer: Employer, start: int, matched: bool, known: bool) -> None:
        self.employer = employer
        self.start = start
        self.matched = matched  # the job matches the client's preferences
        self.known = known  # the employer knows about the conviction


class Client(mesa.Agent):
    """A person on the clinical team's caseload."""

    def __init__(self, model: mesa.Model, profile: Profile, entry_day: int, draws: Draws,
                 clinician: Clinician) -> None:
        super().__init__(model)
        self.env = model.env
        self.index = profile.index
        self.profile = profile
        self.entry_day = entry_day
        self.draws = draws
        self.clinician = clinician
        self.state = State.PRISON if profile.prison_leaver else State.COMMUNITY
        model.state_counts[self.state] += 1
        self.specialist: Specialist | None = None
        self.slot = None  # the caseload Request while holding or waiting for a place
        self.search_from = NEVER
        self.support_until = NEVER
        self.resume_state = State.SEARCHING
        self.pause_until = 0.0
        self.relapsed = False
        self.wants_work = profile.wants_work  # dropping out of the service ends the wish to work
        self.job: Job | None = None
        self.applied: set[int] = set()
        self.last_incident_day = entry_day if profile.prison_leaver else -10**6
        self.release_day = -10**6
        self.next_review = NEVER
        self.merit = ((0.3 + 0.7 * profile.work_history + 0.3 * profile.qualifications)
                      * (0.6 + 0.8 * profile.confidence) * (1.3 - 0.6 * profile.severity))
        offending, clients = model.scenario.offending, model.scenario.clients
        self._base_rate = annual_to_daily(profile.risk_12m) * (
            offending.substance_multiplier if profile.substance_use else 1.0)
        self._relapse_rate = (annual_to_daily_rate(clients.relapse_per_year) * profile.severity
                              * (1.3 if profile.substance_use else 1.0))
        self._disengage_factor = 1.5 - profile.confidence
        self.sexual_offence = OFFENCES[profile.offence] == "sexual"
        self._rate = 0.0
        self._since = float(entry_day)
        self._hazard = 0.0
        self._reoffences = 0
        self._thresholds = list(profile.thresholds)
        model.env.process(self.pathway())

    # --- the pathway -------------------------------------------------------------------------

    def pathway(self):
        """The client's whole time in the model, one state handler after another."""
        model = self.model
        yield model.clock.at(self.entry_day)
        model.log.add(self.entry_day, self.index, Event.ENTRY, self.profile.offence)
        if self.profile.prison_leaver:
            model.log.add(self.entry_day, self.index, Event.IN_PRISON, self.profile.release_week)
        if self.profile.wants_work:
            model.log.add(self.entry_day, self.index, Event.WANTS_WORK,
                          self.profile.preferred_sector)
        if self.state is State.COMMUNITY:
            self.next_review = self.entry_day + self._first_review_delay()
        self._accrue()
        handlers = {State.PRISON: self._prison, State.COMMUNITY: self._community,
                    State.WAITING: self._waiting, State.PREPARING: self._in_service,
                    State.SEARCHING: self._in_service, State.WORKING: self._working,
                    State.PAUSED: self._paused, State.CUSTODY: self._custody}
        while True:
            yield from handlers[self.state]()

    def _prison(self):
        model, now = self.model, self.env.now
        release = self.entry_day + 7 * self.profile.release_week
        policy = model.scenario.policy
        if policy.through_the_gate and self.profile.wants_work and model.specialists:
            yield model.clock.at(max(now, release - IN_REACH_DAYS))
            if self._referred():
                self._request_place()
                yield self.slot | model.clock.at(release)
                if self.slot.triggered:
                    self._engage(in_prison=True)
        yield model.clock.at(max(release, self.env.now))
        self._released()
        if self.slot is None:
            self.next_review = self.env.now if policy.through_the_gate else (
                self.env.now + self._first_review_delay())
            self._move(State.COMMUNITY)
        else:
            self._move(State.PREPARING if self.specialist else State.WAITING)

    def _community(self):
        model = self.model
        if not self.wants_work:
            yield from self._sleep(NEVER)
            return
        rate = model.scenario.labour_market.own_applications_per_month
        apply_at = self.env.now + self.draws.exponential(30.0 / rate) if rate > 0 else NEVER
        review = self.next_review if model.specialists else NEVER
        if not (yield from self._sleep(min(review, apply_at))):
            return
        if self.env.now >= review:
            self.next_review = self.env.now + self._review_interval()
            if self._referred():
                self._request_place()
                self._move(State.WAITING)
        else:
            self._own_application()

    def _waiting(self):
        model = self.model
        if self.slot is None:
            self._request_place()
        give_up = self.env.now + self.draws.exponential(7.0 * model.scenario.service.waitlist_patience_weeks)
        while not self.slot.triggered:
            self._accrue()
            due = self._reoffence_day()
            stop = min(due, math.ceil(give_up), self._fade_limit())
            yield self.slot | model.clock.at(stop)
            if self.slot.triggered:
                break
            self._accrue()
            if self.env.now >= due:
                self._reoffend()
                if self.state is State.CUSTODY:
                    return
            elif self.env.now >= give_up:
                self.slot.cancel()
                self.slot = None
                model.log.add(self.env.now, self.index, Event.LEFT_WAITLIST)
                self.next_review = self.env.now + self._review_interval()
                self._move(State.COMMUNITY)
                return
        self._engage(in_prison=False)
        self._move(State.PREPARING)

    def _in_service(self):
        """Preparing for or searching for work with a specialist, meeting by meeting."""
        model, now, spec = self.model, self.env.now, self.specialist
        interval = spec.meeting_interval()
        meeting = now + interval
        disengage = self._disengage_rate(interval)
        setback = now + self.draws.exponential(1.0 / (disengage + self._relapse_rate))
        if not (yield from self._sleep(min(meeting, setback, self.support_until))):
            return
        if self.env.now >= self.support_until:
            self._discharge(Discharge.TIME_LIMIT)
        elif setback < meeting:
            clients = model.scenario.clients
            if self.draws.chance(self._relapse_rate / (disengage + self._relapse_rate)):
                self._pause(Event.RELAPSE, clients.relapse_weeks)
            elif self.draws.chance(clients.break_share):
                self._pause(Event.BREAK, clients.break_weeks)
            else:
                self.wants_work = False
                self._discharge(Discharge.DROPPED_OUT)
        elif self.state is State.PREPARING:
            if self.env.now >= self.search_from:
                model.log.add(self.env.now, self.index, Event.FIRST_EMPLOYER_CONTACT,
                              specialist=spec.index)
                spec.searching[self] = None
                self._move(State.SEARCHING)
        else:
            model.log.add(self.env.now, self.index, Event.MEETING, specialist=spec.index)
            self._look_for_work(interval)

    def _working(self):
        model, now, job = self.model, self.env.now, self.job
        work = model.scenario.work
        supported = self.specialist is not None
        rate = annual_to_daily_rate(work.job_loss_per_year) * (0.1 + 1.8 * self.profile.severity)
        rate *= 1.3 if self.profile.substance_use else 1.0
        rate *= (1.0 if job.matched else work.mismatch_job_loss)
        rate *= (1.0 if supported else work.unsupported_job_loss)
        averse = not job.known and job.employer.averse[self.profile.offence]
        due = {"follow_along": now + self.specialist.follow_along_interval() if supported else NEVER,
               "limit": self.support_until if supported else NEVER,
               "settled": now + self.draws.exponential(30.44 * work.support_wanted_months)
               if supported else NEVER,
               "job_loss": now + self.draws.exponential(1.0 / rate),
               "relapse": now + self.draws.exponential(1.0 / self._relapse_rate),
               "discovery": now + self.draws.exponential(365.0 / work.discovery_per_year)
               if averse and work.discovery_per_year > 0 else NEVER}
        kind = min(due, key=due.get)
        if not (yield from self._sleep(due[kind])):
            return
        if kind == "follow_along":
            model.log.add(self.env.now, self.index, Event.FOLLOW_ALONG,
                          specialist=self.specialist.index)
        elif kind == "limit":
            self._discharge(Discharge.TIME_LIMIT)
        elif kind == "settled":
            self._discharge(Discharge.SETTLED)
        elif kind == "job_loss":
            self._end_job(JobEnd.LEFT)
        elif kind == "relapse":
            lost = self.draws.chance(model.scenario.clients.relapse_job_loss * (0.5 if supported else 1))
            model.log.add(self.env.now, self.index, Event.RELAPSE, int(lost))
            if lost:
                self._end_job(JobEnd.RELAPSE)
        else:
            job.known = True
            leniency = model.scenario.employers.relationship_leniency * job.employer.strength(self.env.now)
            if not self.draws.chance(leniency):
                self._end_job(JobEnd.CONVICTION_FOUND)

    def _paused(self):
        if not (yield from self._sleep(min(self.pause_until, self.support_until))):
            return
        if self.env.now >= self.support_until:
            self.relapsed = False
            self._discharge(Discharge.TIME_LIMIT)
            return
        event = Event.RECOVERED if self.relapsed else Event.RETURNED
        self.relapsed = False
        self.model.log.add(self.env.now, self.index, event)
        if self.resume_state is State.SEARCHING:
            self.specialist.searching[self] = None
        self._move(self.resume_state)

    def _custody(self):
        yield from self._sleep(self.env.now + max(7, round(self.draws.exponential(
            7.0 * self.model.scenario.offending.custody_weeks))))
        self._released()
        self.next_review = self.env.now if self.model.scenario.policy.through_the_gate else (
            self.env.now + self._first_review_delay())
        self._move(State.COMMUNITY)

    # --- decisions and transitions -----------------------------------------------------------

    def _referred(self) -> bool:
        """The clinician's referral decision at a review, logged."""
        model, now = self.model, self.env.now
        if not model.scenario.policy.zero_exclusion:
            reason = self.clinician.screen(self, now)
            if reason is not None:
                model.log.add(now, self.index, Event.SCREENED_OUT, reason)
                return False
        if not self.clinician.judges_ready(self, now, model.scenario.policy):
            model.log.add(now, self.index, Event.HELD_BACK)
            return False
        model.log.add(now, self.index, Event.REFERRED)
        return True

    def _request_place(self) -> None:
        """Join the waiting list of the least loaded of up to eight specialists."""
        specialists = self.model.specialists
        if len(specialists) <= 8:
            choices = specialists
        else:
            choices = [specialists[self.draws.integer(len(specialists))] for _ in range(8)]
        spec = min(choices, key=lambda s: s.load)
        self.slot = spec.caseload.request()
        self.slot.specialist = spec
        self.model.log.add(self.env.now, self.index, Event.WAITLISTED, len(spec.caseload.queue),
                           spec.index)

    def _engage(self, in_prison: bool) -> None:
        policy = self.model.scenario.policy
        self.specialist = self.slot.specialist
        now = self.env.now
        self.model.log.add(now, self.index, Event.ENGAGED, int(in_prison), self.specialist.index)
        self.search_from = (now + 7 * policy.prevocational_training_weeks
                            + policy.days_to_first_employer_contact)
        self.support_until = NEVER if policy.time_unlimited_support else (
            now + 30.44 * policy.support_limit_months)

    def _look_for_work(self, interval: int) -> None:
        """At a meeting: apply for vacancies the specialist found, and perhaps one found alone."""
        scenario = self.model.scenario
        policy = scenario.policy
        lead = self.specialist.lead_for(self, policy.preference_led_search, policy.disclosure_support)
        if lead is not None and self._apply(lead, introduced=True):
            self.specialist.fill(lead.index)
            return
        rate = scenario.labour_market.own_applications_per_month
        if self.draws.chance(1.0 - math.exp(-rate * interval / 30.0)):
            self._own_application()

    def _own_application(self) -> None:
        """Apply alone for an advertised opening at an employer picked at random."""
        employers = self.model.employers
        if employers:
            self._apply(employers[self.draws.integer(len(employers))], introduced=False)

    def _apply(self, employer: Employer, introduced: bool) -> bool:
        """Apply for a job; returns True when hired and the offer taken."""
        scenario = self.model.scenario
        self.applied.add(employer.index)
        supported = self.specialist is not None and scenario.policy.disclosure_support
        offender = self.profile.offence_name != "none"
        disclosed = offender and (supported or self.draws.chance(scenario.work.disclosure_without_support))
        outcome, known = employer.consider(self, self.env.now, introduced, disclosed, supported,
                                           scenario.labour_market, scenario.employers)
        if outcome is Outcome.HIRED and self.draws.chance(0.5 * self.worry):
            outcome = Outcome.DECLINED
        self.model.log.add(self.env.now, self.index, Event.APPLICATION, outcome,
                           employer=employer.index)
        if outcome is Outcome.HIRED:
            self._start_job(employer, known or not offender)
        return outcome is Outcome.HIRED

    def _start_job(self, employer: Employer, known: bool) -> None:
        model = self.model
        full_time = self.draws.chance(model.scenario.work.full_time_share * (1.0 - self.worry))
        hours = FULL_TIME_HOURS if full_time else PART_TIME_HOURS
        spec = self.specialist
        model.log.add(self.env.now, self.index, Event.JOB_START, hours,
                      spec.index if spec else -1, employer.index)
        self.job = Job(employer, self.env.now, employer.sector == self.profile.preferred_sector, known)
        if spec is not None:
            spec.searching.pop(self, None)
            model.stories(positive=True)
        model.placements += 1
        self._move(State.WORKING)

    def _end_job(self, cause: JobEnd) -> None:
        self.model.log.add(self.env.now, self.index, Event.JOB_END, cause,
                           employer=self.job.employer.index)
        self.job = None
        if self.specialist is not None and cause is not JobEnd.CUSTODY:
            self.specialist.searching[self] = None
            self._move(State.SEARCHING)
        elif cause is not JobEnd.CUSTODY:
            self._move(State.COMMUNITY)

    def _pause(self, event: Event, mean_weeks: float) -> None:
        self.relapsed = event is Event.RELAPSE
        self.resume_state = self.state
        self.specialist.searching.pop(self, None)
        self.pause_until = self.env.now + max(7.0, self.draws.exponential(7.0 * mean_weeks))
        self.model.log.add(self.env.now, self.index, event)
        self._move(State.PAUSED)

    def _discharge(self, reason: Discharge) -> None:
        """Leave the employment service and free the caseload place."""
        spec = self.specialist
        self.model.log.add(self.env.now, self.index, Event.DISCHARGED, reason, spec.index)
        spec.searching.pop(self, None)
        spec.caseload.release(self.slot)
        self.slot = self.specialist = None
        self.support_until = NEVER
        self.next_review = self.env.now + self._review_interval()
        if self.state is not State.WORKING:
            self._move(State.COMMUNITY)

    def _released(self) -> None:
        self.model.log.add(self.env.now, self.index, Event.RELEASE)
        self.release_day = self.last_incident_day = self.env.now

    def _reoffend(self) -> None:
        """A proven reoffence; it may lead to custody, which ends any job and any support."""
        model, offending = self.model, self.model.scenario.offending
        custody = self.draws.chance(offending.custody_probability)
        model.log.add(self.env.now, self.index, Event.REOFFENCE, int(custody))
        model.reoffences += 1
        self._reoffences += 1
        self._hazard = 0.0
        self.last_incident_day = self.env.now
        if self.specialist is not None:
            model.stories(positive=False)
        if not custody:
            return
        model.log.add(self.env.now, self.index, Event.CUSTODY)
        if self.job is not None:
            self._end_job(JobEnd.CUSTODY)
        if self.slot is not None and self.specialist is None:  # still on a waiting list
            self.slot.cancel()
            self.slot = None
            model.log.add(self.env.now, self.index, Event.LEFT_WAITLIST, 1)
        elif self.slot is not None:
            self._discharge(Discharge.CUSTODY)
        self.relapsed = False
        self._move(State.CUSTODY)

    def _move(self, state: State) -> None:
        counts = self.model.state_counts
        counts[self.state] -= 1
        counts[state] += 1
        self.state = state
        self._accrue()

    # --- time, hazards and the reoffending clock ---------------------------------------------

    @property
    def worry(self) -> float:
        """Benefit worries, eased by counselling once engaged with the service."""
        relief = COUNSELLING_RELIEF if (self.specialist is not None and
                                        self.model.scenario.policy.benefits_counselling) else 0.0
        return self.profile.benefits_worry * (1.0 - relief)

    def _sleep(self, until: float):
        """Sleep until day ``until``; False if a reoffence led to custody on the way."""
        clock = self.model.clock
        target = max(math.ceil(until), self.env.now) if until != NEVER else NEVER
        while True:
            self._accrue()
            stop = min(target, self._fade_limit())
            due = self._reoffence_day()
            if due <= stop:
                yield clock.at(due)
                self._accrue()
                self._reoffend()
                if self.state is State.CUSTODY:
                    return False
                continue
            if stop == NEVER:
                yield self.model.env.event()  # nothing more will happen to this client
            else:
                yield clock.at(stop)
            if stop >= target:
                return True

    def _accrue(self) -> None:
        """Add the hazard run up since the last reading, and read the current rate."""
        now = self.model.env.now
        self._hazard += self._rate * (now - self._since)
        self._since = now
        self._rate = self._reoffending_rate(now)

    def _reoffending_rate(self, now: float) -> float:
        if self.state is State.PRISON or self.state is State.CUSTODY:
            return 0.0
        rate = self._base_rate
        if self.job is not None:
            rate *= self.model.scenario.offending.work_multiplier
        since_release = now - self.release_day
        if since_release < FADE_DAYS:
            boost = self.model.scenario.offending.release_multiplier - 1.0
            rate *= 1.0 + boost * (1.0 - since_release / FADE_DAYS)
        return rate

    def _fade_limit(self) -> float:
        """While the post-release rise fades, wake every two weeks to re-read the hazard."""
        if self.env.now - self.release_day < FADE_DAYS and self._rate > 0:
            return self.env.now + FADE_STEP_DAYS
        return NEVER

    def _reoffence_day(self) -> float:
        if self._rate <= 0.0:
            return NEVER
        if self._reoffences >= len(self._thresholds):
            self._thresholds.append(self.draws.exponential(1.0))
        threshold = self._thresholds[self._reoffences]
        return math.ceil(self._since + max(0.0, threshold - self._hazard) / self._rate)

    def _disengage_rate(self, interval: int) -> float:
        """Disengagement hazard: worries, low confidence and rare meetings raise it."""
        return (self.model.disengage_rate * (0.5 + self.worry) * self._disengage_factor
                * math.sqrt(interval / 7.0))

    def _review_interval(self) -> float:
        clinicians = self.model.scenario.clinicians
        return 7.0 * clinicians.review_interval_weeks * (1.0 - 0.5 * self.model.scenario.service.integration)

    def _first_review_delay(self) -> float:
        return 7.0 + self.profile.clinician_draw * self._review_interval()


def annual_to_daily_rate(per_year: float) -> float:
    """A hazard per year as a hazard per day (never exactly zero, so waits stay finite)."""
    return max(per_year, 1e-9) / 365.0
