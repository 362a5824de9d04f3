"""Metrics are pure functions of an event log: checked on hand-made logs."""

from __future__ import annotations

import math
from collections import Counter

import pandas as pd
import pytest

from ipssim.events import Discharge, Event, EventLog
from ipssim.experiment import run_one
from ipssim.outcomes import (
    METRICS,
    ORDER,
    breakdowns,
    first_job_tenure,
    funnel,
    job_spells,
    metrics,
    service_retention,
    spells_between,
    waiting_spells,
)
from ipssim.scenario import Scenario


def log_of(rows: list[tuple]) -> pd.DataFrame:
    """Rows are (day, client, event, detail[, specialist, employer])."""
    log = EventLog()
    for row in rows:
        log.add(*row)
    return log.frame()


SCENARIO = Scenario().with_changes(
    {
        "run.horizon_weeks": 104,
        "service.specialists": 2,
        "costs.specialist_salary": 52000.0,  # no on-costs: 52,000 a year a post
        "costs.employer_ni_rate": 0.0,
        "costs.pension_rate": 0.0,
    }
)
E = Event


def test_employment_tenure_and_reoffending_from_a_small_log() -> None:
    df = log_of(
        [
            (0, 0, E.ENTRY, 0),
            (0, 0, E.WANTS_WORK, 0),
            (7, 0, E.REFERRED, 0),
            (7, 0, E.WAITLISTED, 0, 0),
            (21, 0, E.ENGAGED, 0, 0),
            (100, 0, E.JOB_START, 30, 0, 5),
            (200, 0, E.JOB_END, 0, -1, 5),
            (0, 1, E.ENTRY, 3),
            (0, 1, E.WANTS_WORK, 0),
            (50, 1, E.REOFFENCE, 0),
            (400, 1, E.REOFFENCE, 1),
            (0, 2, E.ENTRY, 1),
            (300, 2, E.JOB_START, 12, -1, 7),
            (3, -1, E.EMPLOYER_CONTACT, 1, 0, 5),
            (4, -1, E.EMPLOYER_CONTACT, 0, 1, 6),
        ]
    )
    m = metrics(df, SCENARIO)
    assert set(m) == set(METRICS)
    assert m["employment_rate"] == pytest.approx(2 / 3)
    assert m["days_to_first_job_median"] == pytest.approx(200.0)  # median of 100 and 300
    horizon = 7 * 104
    assert m["weeks_worked_mean"] == pytest.approx((100 + horizon - 300) / 7 / 3)
    assert m["sustained_13wk_rate"] == pytest.approx(2 / 3)
    assert m["reoffending_rate_12m"] == pytest.approx(1 / 3)  # client 1's first year only
    assert m["referral_rate"] == pytest.approx(1 / 2)
    assert m["waiting_weeks_mean"] == pytest.approx(2.0)
    assert m["employer_contacts_per_specialist_week"] == pytest.approx(2 / (2 * 104))
    assert m["placements"] == 1
    assert m["cost_per_placement"] == pytest.approx(2 * 52000.0 * 2 / 1)
    assert m["full_time_job_share"] == pytest.approx(0.5)
    wage = SCENARIO.labour_market.hourly_wage  # 30 hours for 100 days, 12 to the horizon
    pay = (30 * 100 + 12 * (horizon - 300)) / 7 * wage
    assert m["earnings_per_worker"] == pytest.approx(pay / 2)


def test_prison_leavers_are_followed_from_release() -> None:
    df = log_of(
        [
            (0, 0, E.ENTRY, 0),
            (0, 0, E.IN_PRISON, 8),
            (56, 0, E.RELEASE, 0),
            (30, 0, E.REOFFENCE, 0),  # impossible in the model, but before the follow-up
            (400, 0, E.REOFFENCE, 0),
        ]
    )
    assert metrics(df, SCENARIO)["reoffending_rate_12m"] == pytest.approx(1.0)
    df = log_of(
        [
            (0, 0, E.ENTRY, 0),
            (0, 0, E.IN_PRISON, 8),
            (56, 0, E.RELEASE, 0),
            (500, 0, E.REOFFENCE, 0),
        ]
    )
    assert metrics(df, SCENARIO)["reoffending_rate_12m"] == 0.0


def test_clients_not_followed_for_a_year_are_left_out_of_12_month_rates() -> None:
    df = log_of([(700, 0, E.ENTRY, 0), (710, 0, E.REOFFENCE, 0)])
    m = metrics(df, SCENARIO)
    assert math.isnan(m["reoffending_rate_12m"])
    assert m["employment_rate"] == 0.0
    assert math.isnan(m["cost_per_placement"])


def test_open_spells_end_at_the_horizon() -> None:
    df = log_of(
        [
            (0, 0, E.ENTRY, 0),
            (10, 0, E.JOB_START, 30),
            (20, 0, E.JOB_END, 0),
            (30, 0, E.JOB_START, 30),
            (5, 0, E.WAITLISTED, 0),
        ]
    )
    spells = job_spells(df, horizon_day=100)
    assert spells["end"].tolist() == [20, 100]
    assert waiting_spells(df, horizon_day=100).tolist() == [95]


def test_funnel_counts_each_client_once_per_stage() -> None:
    df = log_of(
        [
            (0, 0, E.ENTRY, 0),
            (0, 0, E.WANTS_WORK, 0),
            (5, 0, E.REFERRED, 0),
            (50, 0, E.REFERRED, 0),
            (0, 1, E.ENTRY, 0),
        ]
    )
    f = funnel(df, horizon_day=100)
    assert (f["clients"], f["wants_work"], f["referred"], f["job"]) == (2, 1, 1, 0)


def test_breakdowns_by_offence_and_diagnosis() -> None:
    violent, arson = 0, 2
    psychosis, bipolar = 0, 1
    df = log_of(
        [
            (0, 0, E.ENTRY, violent),
            (0, 0, E.DIAGNOSIS, bipolar),
            (30, 0, E.JOB_START, 30),
            (0, 1, E.ENTRY, violent),
            (0, 1, E.DIAGNOSIS, psychosis),
            (40, 1, E.REOFFENCE, 0),
            (0, 2, E.ENTRY, arson),
            (0, 2, E.DIAGNOSIS, bipolar),
            (400, 2, E.REOFFENCE, 0),
        ]
    )
    by_offence = breakdowns(df, SCENARIO)["offence"]
    assert by_offence.loc["violent"].tolist() == [2, 0.5, 0.5]
    assert by_offence.loc["arson"].tolist() == [1, 0.0, 0.0]  # reoffended after its first year
    assert by_offence.loc["sexual", "clients"] == 0
    by_diagnosis = breakdowns(df, SCENARIO)["diagnosis"]
    assert by_diagnosis.loc["bipolar"].tolist() == [2, 0.5, 0.0]
    assert by_diagnosis.loc["psychosis"].tolist() == [1, 0.0, 1.0]


def test_tenure_custody_caseload_use_and_staff_cost_from_a_small_log() -> None:
    horizon = 7 * 104
    df = log_of(
        [
            (0, 0, E.ENTRY, 0),
            (10, 0, E.ENGAGED, 0, 0),
            (20, 0, E.JOB_START, 30, 0, 5),
            (220, 0, E.JOB_END, 0, -1, 5),
            (300, 0, E.DISCHARGED, 0, 0),  # a 200-day job
            (0, 1, E.ENTRY, 0),
            (0, 1, E.IN_PRISON, 8),
            (56, 1, E.RELEASE, 0),  # prison is not custody
            (100, 1, E.REOFFENCE, 1),
            (100, 1, E.CUSTODY, 0),
            (184, 1, E.RELEASE, 0),
            (600, 1, E.REOFFENCE, 1),
            (600, 1, E.CUSTODY, 0),
            (640, 1, E.RELEASE, 0),
            (640, 1, E.REOFFENCE, 1),
            (640, 1, E.CUSTODY, 0),  # back the day of release, still there
            (0, 2, E.ENTRY, 0),
            (700, 2, E.ENGAGED, 0, 1),
            (708, 2, E.JOB_START, 12, 1, 6),
        ]
    )
    m = metrics(df, SCENARIO)
    assert m["sustained_13wk_rate"] == m["sustained_26wk_rate"] == pytest.approx(1 / 3)
    assert m["job_tenure_weeks_mean"] == pytest.approx((200 + 20) / 2 / 7)
    assert m["custody_days_mean"] == pytest.approx((84 + 40 + horizon - 640) / 3)
    assert m["caseload_use"] == pytest.approx((290 + 28) / (2 * 20 * horizon))
    assert m["staff_cost"] == pytest.approx(2 * 52000.0 * 104 / 52)
    assert funnel(df, horizon)["sustained_13wk"] == 1


def test_dropout_discharge_and_retention_from_a_small_log() -> None:
    horizon = 7 * 104
    df = log_of(
        [
            (10, 0, E.ENGAGED, 0, 0),
            (100, 0, E.DISCHARGED, int(Discharge.DROPPED_OUT), 0),
            (20, 1, E.ENGAGED, 0, 1),
            (30, 2, E.ENGAGED, 0, 0),
            (60, 2, E.DISCHARGED, int(Discharge.CUSTODY), 0),
            (200, 2, E.ENGAGED, 0, 1),  # back after custody: in contact a year on
            (500, 3, E.ENGAGED, 0, 0),  # engaged too late to be followed for a year
            (600, 3, E.DISCHARGED, int(Discharge.TIME_LIMIT), 0),
        ]
    )
    contact = spells_between(df, E.ENGAGED, (E.DISCHARGED,), horizon)
    m = service_retention(df, contact, horizon)
    assert m["service_dropout_rate"] == pytest.approx(1 / 4)
    assert m["discharged_rate"] == pytest.approx(2 / 4)  # custody is not a discharge here
    assert m["retained_12m_rate"] == pytest.approx(2 / 3)  # clients 1 and 2 of 0, 1, 2


def test_first_job_tenure_and_the_two_years_after_it() -> None:
    horizon = 7 * 156
    df = log_of(
        [
            (100, 0, E.JOB_START, 30, 0, 5),
            (170, 0, E.JOB_END, 0, -1, 5),
            (300, 0, E.JOB_START, 12, 0, 6),  # still held: counted to the horizon
            (500, 1, E.JOB_START, 30, -1, 7),  # first job too late to follow two years
        ]
    )
    m = first_job_tenure(job_spells(df, horizon), horizon)
    assert m["first_job_weeks_mean"] == pytest.approx((70 + horizon - 500) / 7 / 2)
    assert m["weeks_worked_after_first_job_24m"] == pytest.approx((70 + 100 + 728 - 300) / 7)
    assert math.isnan(
        first_job_tenure(job_spells(df.iloc[:0], horizon), horizon)["first_job_weeks_mean"]
    )


def test_every_metric_is_listed_once_in_the_order_a_run_gives() -> None:
    assert Counter(ORDER) == Counter(METRICS) == Counter(set(METRICS))


def test_metrics_asked_for_by_name_are_those_of_the_whole_set() -> None:
    scenario = Scenario().with_changes({"run.horizon_weeks": 104, "run.warmup_weeks": 26})
    events = run_one(scenario, seed=1).events
    every = metrics(events, scenario)
    assert tuple(every) == ORDER
    for name in METRICS:
        assert list(metrics(events, scenario, [name])) == [name]
        value = metrics(events, scenario, [name])[name]
        assert value == every[name] or (math.isnan(value) and math.isnan(every[name])), name
    some = ["retained_12m_rate", "employment_rate", "fidelity_total"]
    assert list(metrics(events, scenario, some)) == [n for n in ORDER if n in some]
    with pytest.raises(KeyError, match="no_such_metric"):
        metrics(events, scenario, ["employment_rate", "no_such_metric"])
