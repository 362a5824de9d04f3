"""Caseload size and follow-along intensity act continuously through each specialist's week and
each worker's job (``Team.plan_week``, ``tenure.days_left_followed``), at equal seeds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ipssim.agents.employer import EmployerPool
from ipssim.agents.specialist import Team
from ipssim.agents.tenure import YEAR_DAYS, days_left, days_left_followed, protection
from ipssim.experiment import replicate, run_one, runs_frame
from ipssim.streams import Stream, Streams
from tests.conftest import small


class _Log:
    def extend(self, *_) -> None:
        return None


def _week(load: list[float], **changes) -> Team:
    """A team of ``len(load)`` specialists that has planned one week with these loads."""
    scenario = small("base", **{"service.specialists": len(load), **changes})
    team = Team(
        [_Post() for _ in load], Streams(np.random.SeedSequence(3), Stream.SPECIALIST), scenario
    )
    team.on_caseload = lambda: np.ones(len(load), dtype=np.int64)  # type: ignore[method-assign]
    employers = EmployerPool(np.random.default_rng(3).random((50, 4)), scenario.employers)
    team.plan_week(0, employers, _Log(), np.array(load, dtype=float))
    return team


class _Post:
    class _Caseload:
        users: list = []

    caseload = _Caseload()


def test_each_client_gets_less_of_the_week_at_every_caseload_size() -> None:
    """Employer contacts per client fall from the smallest caseload to the largest (the same
    contacts shared by more clients, then fewer of them in a short week), and the gap between
    meetings grows with the caseload from the shortest, with no floor at a week."""
    loads = np.array([2.0, 10.0, 12.0, 15.0, 20.0, 30.0, 40.0])
    team = _week(list(loads))
    per_client = team.contacts / loads  # each rounded at random, within one
    assert (np.diff(per_client) < 0).all(), per_client
    gap = team.meeting_interval
    assert gap[0] == pytest.approx(3.5)  # service.min_meeting_gap_days
    assert (np.diff(gap[1:]) > 0).all()
    assert gap[1] < gap[2] < 7.0 < gap[4]  # no floor at a week: ten and twelve differ
    follow = _week(list(loads), service__follow_along_gap_factor=3.0).follow_along_interval
    assert follow == pytest.approx(3.0 * gap)


def test_a_short_week_cuts_employer_contacts() -> None:
    contacts = _week([4.0, 30.0, 120.0]).contacts
    assert contacts[0] == 6  # service.employer_contacts_per_week, hours to spare
    assert contacts[2] < contacts[1] < 6


def test_a_contact_protects_a_job_and_the_protection_fades() -> None:
    assert protection(0.0, 1.5, 28.0) == 1.0
    assert protection(28.0, 1.5, 28.0) == pytest.approx(1.0 + 0.5 * (1 - math.exp(-1)))
    assert protection(math.inf, 1.5, 28.0) == 1.5
    # no effect of support, or never seen: the plain Weibull draw at the matching multiplier
    for e in (0.1, 0.7, 2.0):
        assert days_left_followed(30.0, 2.0, 0.6, 1.2, 1.0, 5.0, 28.0, e) == pytest.approx(
            days_left(30.0, 2.0, 0.6, 1.2, e)
        )
        assert days_left_followed(30.0, 2.0, 0.6, 1.2, 1.5, math.inf, 28.0, e) == pytest.approx(
            days_left(30.0, 2.0, 0.6, 1.8, e)
        )
    assert days_left_followed(30.0, 0.0, 0.6, 1.0, 1.5, 0.0, 28.0, 1.0) == math.inf


def test_the_draw_after_a_contact_follows_the_fading_hazard() -> None:
    """Survival to x days after a contact is exp(-integral of the fading multiplier times the
    Weibull hazard), up to the week-by-week steps."""
    per_year, shape, risk, unsupported, tau, tenure, n = 2.2, 0.6, 1.1, 2.0, 28.0, 20.0, 30_000
    rng = np.random.default_rng(18)
    left = np.array(
        [
            days_left_followed(tenure, per_year, shape, risk, unsupported, 0.0, tau, e)
            for e in rng.exponential(size=n)
        ]
    )
    s = np.linspace(0.0, 400.0, 40_001)
    rate = (
        risk
        * (1 + (unsupported - 1) * -np.expm1(-s / tau))
        * shape
        * per_year
        / YEAR_DAYS
        * ((tenure + s) / YEAR_DAYS) ** (shape - 1)
    )
    spent = np.concatenate(([0.0], np.cumsum((rate[1:] + rate[:-1]) / 2 * np.diff(s))))
    for x in (7.0, 30.0, 91.0, 182.0, 365.0):
        assert np.mean(left > x) == pytest.approx(np.exp(-np.interp(x, s, spent)), abs=0.012)
    # seen just now the job lasts longer than seen two months ago
    recent = days_left_followed(tenure, per_year, shape, risk, unsupported, 0.0, tau, 0.5)
    stale = days_left_followed(tenure, per_year, shape, risk, unsupported, 60.0, tau, 0.5)
    assert recent > stale


def _by_caseload(cap: int, specialists: int):
    """The same 120 people who want work, each specialist holding ``cap`` of them."""
    return small(
        "base",
        entry__mode="cohort",
        entry__cohort_size=120,
        entry__wants_work_only=True,
        service__caseload_cap=cap,
        service__specialists=specialists,
    )


def test_employment_falls_as_each_specialist_holds_more_of_the_same_clients() -> None:
    """Caseloads of 10, 20, 30 and 40 (12, 6, 4 and 3 specialists for 120 people, everyone
    placed at once): employment falls step by step, within a little noise, and clearly
    overall."""
    rates = [
        runs_frame(replicate(_by_caseload(cap, n), 4, 21, progress=False))["employment_rate"].mean()
        for cap, n in ((10, 12), (20, 6), (30, 4), (40, 3))
    ]
    assert all(b < a + 0.015 for a, b in zip(rates, rates[1:], strict=False)), rates
    assert rates[0] - rates[-1] > 0.08, rates


def test_more_follow_along_keeps_first_jobs_longer() -> None:
    """Workers seen as often as job seekers against every eighth meeting gap (with a large
    effect of being out of touch, to see its direction in a small run)."""
    base = small(
        "smi_trial",
        entry__cohort_size=312,
        service__specialists=16,
        run__horizon_weeks=78,
        work__unsupported_job_loss=3.0,
    )
    often, rarely = (
        runs_frame(
            replicate(
                base.with_changes({"service.follow_along_gap_factor": f}), 4, 9, progress=False
            )
        )
        for f in (1.0, 8.0)
    )
    assert often["first_job_weeks_mean"].mean() > rarely["first_job_weeks_mean"].mean() + 1.0


def test_large_caseloads_fill_to_the_cap_when_referrals_exceed_the_places() -> None:
    """Base's referrals leave places free at a cap of 40 (in this half-year intake); three
    times as many fill every caseload to the cap, and no caseload ever goes over it."""
    for arrivals, full in ((5.0, False), (16.0, True)):
        weekly = run_one(small("large_caseloads", entry__arrivals_per_week=arrivals), 4).weekly
        assert weekly["caseload_max"].max() <= 40
        assert bool(weekly["on_caseload"].max() == 4 * 40) is full
