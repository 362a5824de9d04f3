"""Clients: each one's pathway through the service is a SimPy process.

The pathway is a small state machine. In each state the client sleeps until the next thing due
(a review, the end of a break, a job ending, a setback the service day saw coming), while a
reoffending clock (``ipssim.agents.reoffending``) runs beside it and wakes it on the day of a
reoffence. Meetings, applications
and follow-along contacts happen in the service day (``ipssim.agents.service_day``), which
wakes the client when its pathway changes. A client in work or custody costs nothing per week.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, ClassVar

import mesa

from ipssim.agents.base import ServiceAgent
from ipssim.agents.clinician import Clinician, Presentation
from ipssim.agents.engagement import disengage_hazard
from ipssim.agents.reoffending import ReoffendingClock
from ipssim.agents.roster import NEVER_DAY, eased_worry, own_application_day
from ipssim.agents.states import (
    COMMUNITY,
    CUSTODY,
    IN_SERVICE,
    PAUSED,
    PREPARING,
    PRISON,
    SEARCHING,
    WAITING,
    WORKING,
    State,
)
from ipssim.agents.tenure import days_left_followed
from ipssim.clock import Wake
from ipssim.events import Discharge, Event, JobEnd, Waitlist
from ipssim.population import Profile, annual_to_daily
from ipssim.streams import Draws

if TYPE_CHECKING:
    from ipssim.agents.employer import Employer
    from ipssim.agents.specialist import Place, Specialist

NEVER = math.inf
# applying alone, as anyone who wants work and is not in work does, in the service or out of it
# (and on a break from the service: a pause in contact with the specialist, not in the search)
SEARCHING_ALONE = (COMMUNITY, WAITING, PREPARING, SEARCHING)


class Job:
    """A competitive job held by a client."""

    __slots__ = ("employer", "known", "last_contact", "matched", "start")

    def __init__(
        self, employer: Employer, start: int, matched: bool, known: bool, supported: bool
    ) -> None:
        self.employer = employer
        self.start = start
        self.matched = matched  # the job matches the client's preferences
        self.known = known  # the employer knows about the conviction
        # the day of the last follow-along contact (a placement by the specialist counts)
        self.last_contact = float(start) if supported else -NEVER


class Client(ServiceAgent):
    """A person on the clinical team's caseload."""

    __slots__ = (
        "_base_rate",
        "_relapse_rate",
        "_relapse_share",
        "_seeker_of",
        "_work_multiplier",
        "accepted_from",
        "care_until",
        "clinician",
        "draws",
        "entry_day",
        "env",
        "index",
        "job",
        "last_incident_day",
        "left_care",
        "next_review",
        "pause_until",
        "profile",
        "reoffending",
        "relapsed",
        "resume_state",
        "roster",
        "setback_day",
        "slot",
        "specialist",
        "state",
        "support_until",
        "wake",
        "wants_work",
    )

    def __init__(
        self,
        model: mesa.Model,
        profile: Profile,
        entry_day: int,
        draws: Draws,
        clinician: Clinician,
        care_days: float = NEVER,
    ) -> None:
        super().__init__(model)
        self.env = model.env
        self.index = profile.number
        self.profile = profile
        self.entry_day = entry_day
        self.draws = draws
        self.clinician = clinician
        self.roster = model.roster
        self.state = PRISON if profile.prison_leaver else COMMUNITY
        self.specialist: Specialist | None = None
        self._seeker_of = -1  # the specialist counting this client among their job seekers
        self.slot: Place | None = None  # the caseload place held or waited for
        self.support_until = NEVER
        self.setback_day = NEVER  # a relapse, break or dropping out the service day foresaw
        self._relapse_share = 0.0  # chance that the setback is a relapse
        self.resume_state = SEARCHING
        self.pause_until = 0.0
        self.relapsed = False
        self.wants_work = profile.wants_work  # the wish fades at a hazard, in service or out
        self.job: Job | None = None
        self.last_incident_day = entry_day if profile.prison_leaver else -(10**6)
        self.next_review = NEVER
        # the day the client leaves the clinical team: counted from release for a prison leaver
        start = entry_day + (7 * profile.release_week if profile.prison_leaver else 0)
        self.care_until = math.ceil(start + care_days) if care_days != NEVER else NEVER
        self.left_care = False
        # the first day the service takes this client on: after the enrolment delay (from
        # entry, or from release) and after a case closed at the limit of support reopens
        self.accepted_from = entry_day + 7.0 * model.scenario.policy.enrolment_delay_weeks
        self._relapse_rate = float(self.roster.relapse_rate[self.index])
        self._base_rate = annual_to_daily(profile.risk_12m) * (
            model.scenario.offending.substance_multiplier if profile.substance_use else 1.0
        )
        self._work_multiplier = model.scenario.offending.work_multiplier
        self.reoffending = ReoffendingClock(
            profile.thresholds,
            model.scenario.offending.release_multiplier - 1.0,
            7 * model.scenario.offending.release_fade_weeks,
            float(entry_day),
            draws,
        )
        self.wake: Wake | None = None  # what this client's process waits for, if it may be woken
        model.env.process(self.pathway())

    # --- the pathway -------------------------------------------------------------------------

    def pathway(self):
        """The client's whole time in the model, one state handler after another."""
        model = self.model
        if self.entry_day > self.env.now:
            yield model.clock.at(self.entry_day)
        model.log.add(self.entry_day, self.index, Event.ENTRY, self.profile.offence)
        model.log.add(self.entry_day, self.index, Event.DIAGNOSIS, self.profile.diagnosis)
        if self.profile.prison_leaver:
            model.log.add(self.entry_day, self.index, Event.IN_PRISON, self.profile.release_week)
        if self.profile.wants_work:
            model.log.add(
                self.entry_day, self.index, Event.WANTS_WORK, self.profile.preferred_sector
            )
        if self.state is COMMUNITY:
            self.next_review = self.entry_day + self._first_review_delay()
            self._schedule_own_application()
        self._accrue()
        handlers = self._handlers
        while True:
            yield from handlers[self.state](self)

    def _prison(self):
        model, now = self.model, self.env.now
        release = self.entry_day + 7 * self.profile.release_week
        policy = model.scenario.policy
        in_reach = policy.through_the_gate and policy.enrolment_delay_weeks == 0
        if in_reach and self.profile.wants_work and model.specialists:
            yield from self._sleep(max(now, release - 7 * policy.in_reach_weeks))
            if self._referred():
                slot = self._request_place()
                yield from self._sleep(release)
                if slot.triggered:
                    self._engage(slot, in_prison=True)
        yield from self._sleep(max(release, self.env.now))
        self._released()
        if self.slot is None:
            self._home()
        else:
            self._move(PREPARING if self.specialist else WAITING)

    def _community(self):
        """At home with the clinical team; reviews come round, own applications go out, and
        relapses and a fading wish to work come as to anyone. At a review the clinician may
        lead a client who does not want work to want it, and takes up a wish to work (or lets
        it wait) by their belief in work. Before the service takes the client on (the
        enrolment delay, a closed case) the first review that may refer is the first one
        after."""
        now = self.env.now
        cycle = self.clinician.review_days
        if self.left_care:  # out of the clinical team's care: no more reviews
            review = NEVER
        elif not self.wants_work:  # reviews come round whether or not there is a service
            review = self.next_review
            if review < now:
                review += cycle * math.ceil((now - review) / cycle)
        else:
            review = self.next_review if self.model.specialists else NEVER
            if review < self.accepted_from:
                review += cycle * math.ceil((self.accepted_from - review) / cycle)
        relapse = self._relapse_day()
        gives_up = self._gives_up_day()
        if not (yield from self._sleep(min(review, relapse, gives_up))):
            return
        now = self.env.now
        if now >= relapse:
            self._pause(Event.RELAPSE, self.model.scenario.clients.relapse_weeks)
            return
        if now >= gives_up:
            self._give_up_work()
            return
        self.next_review = now + cycle
        if not self.wants_work:
            if not self.clinician.encourages(self.draws):
                return
            self._come_to_want_work()
            if not self.model.specialists or now < self.accepted_from:
                return
        elif not self.clinician.takes_up_wish(self.draws):
            return
        if self._referred():
            self._request_place()
            self._move(WAITING)

    def _waiting(self):
        """On a waiting list: own applications go out, and relapses and a fading wish to work
        come as in the community. A relapse pauses the wait with the place on the list kept;
        running out of patience or giving up the wish to work takes the client off the list
        and home to the clinical team."""
        slot = self._request_place() if self.slot is None else self.slot
        if not slot.triggered:
            patience = 7.0 * self.model.scenario.service.waitlist_patience_weeks
            due = (
                self.env.now + self.draws.exponential(patience),
                self._relapse_day(),
                self._gives_up_day(),
            )
            day = min(due)
            if (yield from self._sleep(day)):
                kind = due.index(day)
                if kind == 1:
                    self._pause(Event.RELAPSE, self.model.scenario.clients.relapse_weeks)
                    return
                if kind == 2:
                    self._give_up_work()
                self._leave_waitlist(Waitlist.GAVE_UP if kind == 0 else Waitlist.LOST_WISH)
                self.next_review = self.env.now + self.clinician.review_days
                self._move(COMMUNITY)
                return
            if self.state is not WAITING or not slot.triggered:
                return
        self._engage(slot, in_prison=False)
        self._move(PREPARING)

    def _in_service(self):
        """With a specialist, preparing for or searching for work; meetings are in the service
        day. Here the wish to work does not fade on its own: losing interest is one of the ways
        of disengaging, and the disengagement hazard (calibrated on continued contact, which
        counts leaving for any reason) covers it; after dropping out it fades as for anyone."""
        if not (yield from self._sleep(min(self.support_until, self.setback_day))):
            return
        if self.env.now >= self.support_until:
            self._discharge(Discharge.TIME_LIMIT)
            return
        if self.env.now < self.setback_day:
            return
        self.setback_day = NEVER
        clients = self.model.scenario.clients
        if self.draws.chance(self._relapse_share):
            self._pause(Event.RELAPSE, clients.relapse_weeks)
        elif self.draws.chance(clients.break_share):
            self._pause(Event.BREAK, clients.break_weeks)
        else:
            self._discharge(Discharge.DROPPED_OUT)

    def _working(self):
        model, now, job = self.model, self.env.now, self.job
        assert job is not None  # a client in work holds a job
        work = model.scenario.work
        supported = self.specialist is not None
        risk = (0.1 + 1.8 * self.profile.severity) * (1.3 if self.profile.substance_use else 1.0)
        risk *= 1.0 if job.matched else work.mismatch_job_loss
        # out of touch with follow-along support; a small firm has little capacity to stand in
        unsupported = work.unsupported_job_loss * (
            work.small_firm_job_loss if job.employer.small_firm else 1.0
        )
        averse = not job.known and job.employer.averse_to(self.profile.offence)
        due = (
            self.support_until if supported else NEVER,
            now + self.draws.exponential(30.44 * work.support_wanted_months)
            if supported
            else NEVER,
            now + self.draws.exponential(self._mean_days_in_touch()) if supported else NEVER,
            now
            + days_left_followed(
                now - job.start,
                work.job_loss_per_year,
                work.job_loss_shape,
                risk,
                unsupported,
                now - job.last_contact,
                7.0 * work.follow_along_protection_weeks,
                self.draws.exponential(1.0),
            ),
            self._relapse_day(),
            now + self.draws.exponential(365.0 / work.discovery_per_year)
            if averse and work.discovery_per_year > 0
            else NEVER,
        )
        day = min(due)
        kind = ("limit", "settled", "dropped_out", "job_loss", "relapse", "discovery")[
            due.index(day)
        ]
        if not (yield from self._sleep(day)):
            return
        if kind == "limit":
            self._discharge(Discharge.TIME_LIMIT)
        elif kind == "settled":
            self._discharge(Discharge.SETTLED)
        elif kind == "dropped_out":  # out of touch with the specialist; the job goes on
            self._discharge(Discharge.DROPPED_OUT)
        elif kind == "job_loss":
            self._end_job(JobEnd.LEFT)
        elif kind == "relapse":
            lost = self.draws.chance(
                model.scenario.clients.relapse_job_loss * (0.5 if supported else 1)
            )
            model.log.add(self.env.now, self.index, Event.RELAPSE, int(lost))
            if lost:  # out of work and unwell: no search until recovered
                self._end_job(JobEnd.RELAPSE)
                self._take_pause(True, model.scenario.clients.relapse_weeks)
        else:
            job.known = True
            if not job.employer.keeps(self.profile.offence, self.env.now, model.scenario.employers):
                self._end_job(JobEnd.CONVICTION_FOUND)

    def _paused(self):
        """On a break or relapsed; the limit of support may close the case meanwhile (a relapse
        then runs its course at home)."""
        if not (yield from self._sleep(min(self.pause_until, self.support_until))):
            return
        if self.env.now >= self.support_until:
            self._discharge(Discharge.TIME_LIMIT)
            return
        event = Event.RECOVERED if self.relapsed else Event.RETURNED
        self.relapsed = False
        self.model.log.add(self.env.now, self.index, event)
        self._move(self.resume_state)

    def _custody(self):
        yield from self._sleep(
            self.env.now
            + max(
                7, round(self.draws.exponential(7.0 * self.model.scenario.offending.custody_weeks))
            )
        )
        self._released()
        self._home()

    # the handler of each state: one table for all clients, not a table of bound methods each
    _handlers: ClassVar[dict[State, Callable]] = {
        PRISON: _prison,
        COMMUNITY: _community,
        WAITING: _waiting,
        PREPARING: _in_service,
        SEARCHING: _in_service,
        WORKING: _working,
        PAUSED: _paused,
        CUSTODY: _custody,
    }

    # --- what the service day hands back -----------------------------------------------------

    def start_search(self) -> None:
        """Preparation is over: the specialist's first employer contact for this client."""
        spec = self.specialist
        assert spec is not None  # a client preparing has a specialist
        self.model.log.add(
            self.env.now, self.index, Event.FIRST_EMPLOYER_CONTACT, specialist=spec.index
        )
        self._move(SEARCHING)

    def setback_at(self, day: int, relapse_share: float) -> None:
        """A setback will come on ``day``: a relapse with this chance, else a break or dropping
        out."""
        self.setback_day = day
        self._relapse_share = relapse_share
        wake = self.wake
        if wake is not None and not wake.triggered:  # else the next sleep sees setback_day
            self.model.clock.at(day).callbacks.append(wake.ring)

    def followed_up(self) -> None:
        """A follow-along contact: it renews the protection of the job, so its end is drawn
        again."""
        if self.job is not None:
            self.job.last_contact = self.env.now
            self._poke()

    def hired(self, employer: Employer, known: bool, hours: int) -> None:
        """A job offer taken at ``hours`` a week; one found alone while waiting for a place ends
        the wait, and one found alone on a break from the service ends the break (the
        specialist, still theirs, follows the job along)."""
        if self.state is WAITING:
            self._leave_waitlist(Waitlist.FOUND_WORK)
        elif self.state is PAUSED:
            assert not self.relapsed  # a relapse stops the search
            self.model.log.add(self.env.now, self.index, Event.RETURNED)
        self._start_job(employer, known, hours)
        self._poke()

    # --- decisions and transitions -----------------------------------------------------------

    def _referred(self) -> bool:
        """The clinician's referral decision at a review, logged."""
        model, now, p = self.model, self.env.now, self.profile
        seen = Presentation(
            p.severity,
            p.substance_use,
            p.work_history,
            p.housing_unstable,
            p.impression,
            self.relapsed,
            now - self.last_incident_day,
        )
        if not model.scenario.policy.zero_exclusion:
            reason = self.clinician.screen(seen)
            if reason is not None:
                model.log.add(now, self.index, Event.SCREENED_OUT, reason)
                return False
        if not self.clinician.judges_ready(seen, model.scenario.policy, self.draws):
            model.log.add(now, self.index, Event.HELD_BACK)
            return False
        model.log.add(now, self.index, Event.REFERRED)
        return True

    def _request_place(self) -> Place:
        """Join the waiting list of the least loaded of up to eight specialists (neighbours in
        the team list from a random start)."""
        specialists = self.model.specialists
        n = len(specialists)
        start = self.draws.integer(n) if n > 8 else 0
        spec: Specialist = min(  # the first in post with fewest holding or waiting
            (specialists[k % n] for k in range(start, start + min(n, 8))),
            key=attrgetter("referral_order"),
        )
        slot = self.slot = spec.request_place()
        slot.callbacks.append(self._place_offered)
        self.model.log.add(
            self.env.now, self.index, Event.WAITLISTED, len(spec.caseload.queue), spec.index
        )
        return slot

    def _leave_waitlist(self, why: Waitlist) -> None:
        """Leave the waiting list, or give back a place offered but not yet taken."""
        slot = self.slot
        assert slot is not None  # only a client waiting leaves the list
        if slot.triggered:
            slot.specialist.caseload.release(slot)
        else:
            slot.cancel()
        self.slot = None
        self.model.log.add(self.env.now, self.index, Event.LEFT_WAITLIST, why)

    def _place_offered(self, slot) -> None:
        if slot is self.slot and self.specialist is None:
            self._poke()

    def _engage(self, slot: Place, in_prison: bool) -> None:
        policy = self.model.scenario.policy
        self.specialist = spec = slot.specialist
        self.roster.specialist[self.index] = spec.index
        now = self.env.now
        self.model.log.add(now, self.index, Event.ENGAGED, int(in_prison), spec.index)
        self.roster.search_from[self.index] = (
            now + 7 * policy.prevocational_training_weeks + policy.days_to_first_employer_contact
        )
        self.support_until = (
            NEVER if policy.time_unlimited_support else (now + 30.44 * policy.support_limit_months)
        )

    def _start_job(self, employer: Employer, known: bool, hours: int) -> None:
        model = self.model
        spec = self.specialist
        model.log.add(
            self.env.now,
            self.index,
            Event.JOB_START,
            hours,
            spec.index if spec else -1,
            employer.index,
        )
        self.job = Job(
            employer,
            self.env.now,
            employer.sector == self.profile.preferred_sector,
            known,
            spec is not None,
        )
        if spec is not None:
            model.stories(positive=True)
        model.placements += 1
        self._move(WORKING)

    def _end_job(self, cause: JobEnd) -> None:
        job = self.job
        assert job is not None  # only a job held ends
        self.model.log.add(
            self.env.now, self.index, Event.JOB_END, cause, employer=job.employer.index
        )
        self.job = None
        if self.specialist is not None and cause is not JobEnd.CUSTODY:
            self._move(SEARCHING)
        elif cause is not JobEnd.CUSTODY:
            self._move(COMMUNITY)

    def _pause(self, event: Event, mean_weeks: float) -> None:
        """A relapse or a break, logged."""
        self.model.log.add(self.env.now, self.index, event)
        self._take_pause(event is Event.RELAPSE, mean_weeks)

    def _take_pause(self, relapsed: bool, mean_weeks: float) -> None:
        """Pause for a spell of about ``mean_weeks`` (at least a week), then resume."""
        self.relapsed = relapsed
        self.resume_state = self.state
        self.pause_until = self.env.now + max(7.0, self.draws.exponential(7.0 * mean_weeks))
        self._move(PAUSED)

    def _discharge(self, reason: Discharge) -> None:
        """Leave the employment service, free the caseload place and return to the clinical
        team; a case closed at the limit of support or on dropping out stays closed for the
        re-referral wait."""
        spec, slot = self.specialist, self.slot
        assert spec is not None and slot is not None  # only a client on a caseload leaves it
        self.model.log.add(self.env.now, self.index, Event.DISCHARGED, reason, spec.index)
        spec.caseload.release(slot)
        self.slot = self.specialist = None
        self.roster.specialist[self.index] = -1
        self.roster.follow_day[self.index] = NEVER_DAY
        self.support_until = NEVER
        self.next_review = self.env.now + self.clinician.review_days
        if reason is Discharge.TIME_LIMIT or reason is Discharge.DROPPED_OUT:
            wait = self.model.scenario.policy.rereferral_wait_months
            self.accepted_from = max(self.accepted_from, self.env.now + 30.44 * wait)
        if self.state is not WORKING:
            self._go_home()

    def _go_home(self) -> None:
        """Back to the clinical team from the service or its waiting list; a relapse under way
        runs its course first (a break from a service left is over)."""
        if self.state is PAUSED and self.relapsed:
            self.resume_state = COMMUNITY
        else:
            self._move(COMMUNITY)

    def _relapse_day(self) -> float:
        """The day of the next relapse outside the service day's meetings (the same hazard for
        all, in the community, on a waiting list and in work)."""
        return self.env.now + self.draws.exponential(1.0 / self._relapse_rate)

    def _gives_up_day(self) -> float:
        """The day a client who wants work would give up the wish (the same hazard for all)."""
        rate = self.model.scenario.clients.wish_loss_per_year
        if not self.wants_work or rate <= 0:
            return NEVER
        return self.env.now + self.draws.exponential(365.0 / rate)

    def _come_to_want_work(self) -> None:
        """Wanting work, encouraged by the clinician: logged, and own applications begin."""
        self.wants_work = True
        self.model.log.add(
            self.env.now, self.index, Event.WANTS_WORK, self.profile.preferred_sector
        )
        self._schedule_own_application()

    def _give_up_work(self) -> None:
        """No longer wanting work: own applications and referrals stop."""
        self.wants_work = False
        self.roster.apply_day[self.index] = NEVER_DAY

    def _released(self) -> None:
        now = self.env.now
        self.model.log.add(now, self.index, Event.RELEASE)
        self.reoffending.release_day = self.last_incident_day = now
        delay = 7.0 * self.model.scenario.policy.enrolment_delay_weeks
        self.accepted_from = max(self.accepted_from, now + delay)

    def _home(self) -> None:
        """Back in the community after a release. Through-the-gate support (for prison leavers
        only) takes the client on as soon as the service may; otherwise the clinician's first
        review comes round."""
        now = self.env.now
        if self.profile.prison_leaver and self.model.scenario.policy.through_the_gate:
            self.next_review = max(now, self.accepted_from)
        else:
            self.next_review = now + self._first_review_delay()
        self._move(COMMUNITY)

    def _reoffend(self) -> None:
        """A proven reoffence; it may lead to custody, which ends any job and any support."""
        model, offending = self.model, self.model.scenario.offending
        custody = self.draws.chance(offending.custody_probability)
        model.log.add(self.env.now, self.index, Event.REOFFENCE, int(custody))
        model.reoffences += 1
        self.reoffending.reoffended(self.env.now)
        self.last_incident_day = self.env.now
        if self.specialist is not None:
            model.stories(positive=False)
        if not custody:
            return
        model.log.add(self.env.now, self.index, Event.CUSTODY)
        if self.job is not None:
            self._end_job(JobEnd.CUSTODY)
        if self.slot is not None and self.specialist is None:  # still on a waiting list
            self._leave_waitlist(Waitlist.CUSTODY)
        elif self.slot is not None:
            self._discharge(Discharge.CUSTODY)
        self.relapsed = False
        self._move(CUSTODY)

    def _leave_care(self) -> None:
        """Leave the clinical team: no more reviews or referrals, off the waiting list or the
        caseload; a job held goes on without support."""
        self.care_until, self.left_care = NEVER, True
        self.model.log.add(self.env.now, self.index, Event.LEFT_CARE)
        if self.slot is not None and self.specialist is None:
            self._leave_waitlist(Waitlist.LEFT_CARE)
            self._go_home()
        elif self.specialist is not None:
            self._discharge(Discharge.LEFT_CARE)
        self.next_review = NEVER

    def _move(self, state: State) -> None:
        """Change state, keeping the roster (state and due days) and the seeker counts current."""
        old, roster, i = self.state, self.roster, self.index
        self.state = state
        roster.state[i] = state
        if old is SEARCHING or state is SEARCHING:
            seekers, sector = self.model.team.seekers, self.profile.preferred_sector
            if old is SEARCHING:
                seekers[self._seeker_of, sector] -= 1
            if state is SEARCHING:
                assert self.specialist is not None  # a job seeker has a specialist
                self._seeker_of = self.specialist.index
                seekers[self._seeker_of, sector] += 1
        was_in, now_in = old in IN_SERVICE, state in IN_SERVICE
        if was_in and not now_in:
            roster.meet_day[i] = NEVER_DAY
            self.setback_day = NEVER
        elif now_in and not was_in:
            roster.to_plan.append(i)
        if state in SEARCHING_ALONE or (state is PAUSED and not self.relapsed):
            if roster.apply_day[i] == NEVER_DAY:
                self._schedule_own_application()
        else:
            roster.apply_day[i] = NEVER_DAY
        if old is WORKING:
            roster.follow_day[i] = NEVER_DAY
        elif state is WORKING and self.specialist is not None:
            roster.follow_day[i] = self.env.now + max(
                1, round(self.model.team.follow_along_interval[self.specialist.index])
            )
        self._accrue()

    def _schedule_own_application(self) -> None:
        rate = float(self.roster.apply_rate[self.index])
        if self.wants_work and rate > 0:
            self.roster.apply_day[self.index] = own_application_day(
                self.env.now, self.draws.exponential(30.0 / rate)
            )

    # --- time, hazards and the reoffending clock ---------------------------------------------

    @property
    def worry(self) -> float:
        """Benefit worries, eased by counselling once engaged with the service."""
        return eased_worry(
            self.profile.benefits_worry,
            self.specialist is not None,
            self.model.scenario.policy.benefits_counselling,
            self.model.scenario.clients.counselling_relief,
        )

    def _mean_days_in_touch(self) -> float:
        """Mean days before a worker with follow-along support loses touch with the
        specialist, from the disengagement hazard in work."""
        spec, team = self.specialist, self.model.team
        assert spec is not None  # only a supported worker has follow-along to lose
        rate = float(
            disengage_hazard(
                self.model.disengage_rate,
                self.worry,
                self.profile.confidence,
                team.follow_along_interval[spec.index],
                team.caseload_use()[spec.index],
                True,
                False,
                self.model.scenario.clients,
            )
        )
        return 1.0 / rate if rate > 0 else NEVER

    def _may_be_woken(self) -> bool:
        """Whether the service day or a caseload place may change this state before it ends."""
        state = self.state
        if state is COMMUNITY:
            return self.wants_work
        if state is PRISON:
            return self.slot is not None
        if state is WORKING:  # a follow-along contact renews the job's protection
            return self.specialist is not None
        if state is PAUSED:  # a job found alone ends a break
            return not self.relapsed
        return state in IN_SERVICE or state is WAITING

    def _poke(self) -> None:
        """Something outside changed this client's pathway: wake the process to re-plan."""
        if self.wake is not None:
            self.wake.poke()

    def _sleep(self, until: float):
        """Sleep until day ``until``; False if poked, or if a reoffence led to custody."""
        env, clock, reoffending = self.env, self.model.clock, self.reoffending
        target = max(math.ceil(until), env.now) if until != NEVER else NEVER
        while True:
            # leaving the clinical team waits for a release from prison or custody
            care = NEVER if self.state is PRISON or self.state is CUSTODY else self.care_until
            if env.now >= care:
                self._leave_care()
                return False
            due = reoffending.next_day()
            day = min(target, due, self.setback_day, care)
            if self._may_be_woken():
                self.wake = wake = Wake(env)
                if day != NEVER:
                    clock.at(day).callbacks.append(wake.ring)
                if not (yield wake):
                    return False
            else:  # nothing outside can change this state: wait on the shared day directly
                self.wake = None
                yield clock.at(day) if day != NEVER else env.event()
            if env.now >= due:
                self._reoffend()
                if self.state is CUSTODY:
                    return False
                continue
            if env.now >= care:
                continue  # leaves at the top of the loop
            return True  # the day came, or an alarm added to this sleep (``setback_at``)

    def _accrue(self) -> None:
        """Set the reoffending clock's rate from where the client is: none in prison or custody,
        lower in work."""
        state = self.state
        if state is PRISON or state is CUSTODY:
            rate = 0.0
        elif self.job is not None:
            rate = self._base_rate * self._work_multiplier
        else:
            rate = self._base_rate
        self.reoffending.set_rate(rate, self.env.now)

    def _first_review_delay(self) -> float:
        return 7.0 + self.profile.clinician_draw * self.clinician.review_days
