"""The rates services are judged by, each on a small hand-made event log with a known answer."""

from __future__ import annotations

import pytest

from ipssim.events import Discharge, Event
from ipssim.outcomes import metrics
from ipssim.scenario import Scenario
from tests.test_steady_state import log_of

E = Event
HALF_YEAR = Scenario().with_changes({"run.horizon_weeks": 26, "service.specialists": 1})
# c0 out of work, placed; c1 in work alone when engaged (not counted by IPS Grow), job ends day
# 80; c2 engaged and discharged without a job; c3 engaged in the second quarter, no job
SERVICE = [
    (0, 0, E.ENTRY, 0),
    (0, 0, E.ENGAGED, 0, 0),
    (10, 0, E.JOB_START, 20, 0, 1),
    (100, 0, E.JOB_END, 0, -1, 1),
    (0, 1, E.ENTRY, 0),
    (0, 1, E.JOB_START, 20, -1, 2),
    (5, 1, E.ENGAGED, 0, 0),
    (80, 1, E.JOB_END, 0, -1, 2),
    (0, 2, E.ENTRY, 0),
    (20, 2, E.ENGAGED, 0, 0),
    (50, 2, E.DISCHARGED, int(Discharge.DROPPED_OUT), 0),
    (0, 3, E.ENTRY, 0),
    (100, 3, E.ENGAGED, 0, 0),
]


def test_ipsgrow_rate_counts_out_of_work_clients_who_start_a_job_in_the_service() -> None:
    m = metrics(log_of(SERVICE), HALF_YEAR)
    assert m["ipsgrow_employment_rate"] == pytest.approx(1 / 3)  # c0 of c0, c2, c3


def test_ipsgrow_rate_after_a_warm_up_takes_work_status_at_the_window_start() -> None:
    # from day 91: c0 is in work then (left out), c1 no longer is, c3 joins; neither starts a job
    warm = HALF_YEAR.with_changes({"run.warmup_weeks": 13})
    assert metrics(log_of(SERVICE), warm)["ipsgrow_employment_rate"] == 0.0


def test_quarterly_rate_is_the_mean_over_quarters_of_served_clients_who_worked() -> None:
    # quarter 1 (days 0-90): c0, c1, c2 served, c0 and c1 worked; quarter 2: c0, c1, c3
    # served, only c0 worked (to day 100)
    m = metrics(log_of(SERVICE), HALF_YEAR)
    assert m["quarterly_employment_rate"] == pytest.approx((2 / 3 + 1 / 3) / 2)


def test_employment_6_weeks_and_6_months_after_release() -> None:
    year = Scenario().with_changes({"run.horizon_weeks": 52, "service.specialists": 1})
    rows = []
    for client, release in ((4, 14), (5, 28), (6, 250)):
        rows += [(0, client, E.ENTRY, 0), (0, client, E.IN_PRISON, 2)]
        rows.append((release, client, E.RELEASE, 0))
    rows += [
        (30, 4, E.JOB_START, 20, -1, 1),  # in work on day 56, not on day 196
        (100, 4, E.JOB_END, 0, -1, 1),
        (150, 5, E.JOB_START, 20, -1, 2),  # not on day 70, in work on day 210
    ]
    rows.sort(key=lambda r: r[0])
    m = metrics(log_of(rows), year)
    assert m["employed_6wk_after_release_rate"] == pytest.approx(1 / 3)  # c6 followed 6 weeks
    assert m["employed_6m_after_release_rate"] == pytest.approx(1 / 2)  # c6 not followed


def test_rates_are_undefined_without_anyone_to_count() -> None:
    m = metrics(log_of([(0, 0, E.ENTRY, 0)]), HALF_YEAR)
    for name in ("ipsgrow_employment_rate", "quarterly_employment_rate"):
        assert m[name] != m[name]  # nan
    assert m["employed_6wk_after_release_rate"] != m["employed_6wk_after_release_rate"]
