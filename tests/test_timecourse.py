"""Time-course outcomes on hand-made event logs, and on small real runs where a curve must agree
with a scalar outcome."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ipssim import scenario as scenarios
from ipssim import timecourse as tc
from ipssim import timecourse_figures
from ipssim.cli import main
from ipssim.events import Event, EventLog, JobEnd
from ipssim.experiment import pooled, replicate, run_one
from ipssim.figures import read_manifest

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def make_log(rows: list[tuple]) -> pd.DataFrame:
    """An event log from (day, client, event[, detail]) rows."""
    log = EventLog()
    for day, client, event, *detail in rows:
        log.add(day, client, event, *detail)
    return log.frame()


@pytest.fixture(scope="module")
def cohort_run():
    """One small cohort run: no one is censored before the horizon."""
    scenario = scenarios.load(SCENARIOS / "justice_trial.toml")
    return scenario, run_one(scenario, seed=3)


def test_kaplan_meier_by_hand():
    # Events on days 3, 10 and 20; one client followed 10 days (days 0-9) without the event.
    share, at_risk = tc.kaplan_meier(
        np.array([3, 10, 10, 20]), np.array([True, True, False, True]), weeks=3
    )
    # S(3) = 3/4; at day 10 two are at risk (the censored one was last seen on day 9): S = 3/8.
    np.testing.assert_allclose(share, [0.0, 0.25, 1 - 3 / 8, 1.0])
    np.testing.assert_array_equal(at_risk, [4, 3, 1, 0])


def test_kaplan_meier_without_censoring_is_the_plain_share():
    time = np.array([1, 5, 8, 15, 30])
    share, _ = tc.kaplan_meier(time, np.ones(5, dtype=bool), weeks=5)
    np.testing.assert_allclose(share, [(time < 7 * w).mean() for w in range(6)])


def test_censoring_raises_the_estimate_above_the_naive_share():
    # One client gets a job on day 14; the other was followed only 7 days.
    share, at_risk = tc.kaplan_meier(np.array([14, 7]), np.array([True, False]), weeks=4)
    assert share[2] == 0.0  # a job on day 14 is not before the two-week mark
    assert share[3] == 1.0  # the naive share would be 1/2
    np.testing.assert_array_equal(at_risk, [2, 1, 1, 0, 0])


def test_no_estimate_beyond_the_longest_follow_up():
    share, _ = tc.kaplan_meier(np.array([7]), np.array([False]), weeks=2)
    assert share[1] == 0.0 and math.isnan(share[2])


def test_first_job_clock_starts_at_release_and_censors_late_entrants():
    log = make_log(
        [
            (0, 0, Event.ENTRY, 0),
            (20, 0, Event.JOB_START, 30),
            (0, 2, Event.ENTRY, 0),
            (0, 2, Event.IN_PRISON, 4),
            (28, 2, Event.RELEASE),
            (35, 2, Event.JOB_START, 30),
            (0, 3, Event.ENTRY, 0),
            (0, 3, Event.IN_PRISON, 20),  # still in prison at the horizon
            (40, 1, Event.ENTRY, 0),  # entered late: followed 30 days, no job
        ]
    )
    curve = tc.first_job(log, horizon_day=70).set_index("week")
    assert curve.loc[0, "at_risk"] == 3  # the client still in prison is not at risk
    assert curve.loc[1, "first_job"] == 0.0
    assert curve.loc[2, "first_job"] == pytest.approx(1 / 3)  # a job 7 days after release
    assert curve.loc[3, "first_job"] == pytest.approx(1 - (2 / 3) * (1 / 2))  # day 20: 2 at risk
    assert curve.loc[4, "followed"] == 3 and curve.loc[5, "followed"] == 2


def test_first_reoffence_counts_from_release():
    log = make_log(
        [
            (0, 0, Event.ENTRY, 0),
            (0, 0, Event.IN_PRISON, 8),
            (56, 0, Event.RELEASE),
            (60, 0, Event.REOFFENCE, 0),
            (80, 0, Event.REOFFENCE, 0),
            (0, 1, Event.ENTRY, 0),
        ]
    )
    curve = tc.first_reoffence(log, horizon_day=140).set_index("week")
    assert curve.loc[1, "first_reoffence"] == pytest.approx(0.5)  # 4 days after release
    assert curve.loc[20, "first_reoffence"] == pytest.approx(0.5)  # a second offence is not a first


def worker_log() -> pd.DataFrame:
    """Worker 0: first job days 0-14, then a job from day 21; worker 1: a job from day 7."""
    return make_log(
        [
            (0, 0, Event.ENTRY, 0),
            (0, 0, Event.JOB_START, 30),
            (14, 0, Event.JOB_END, JobEnd.LEFT),
            (21, 0, Event.JOB_START, 12),
            (0, 1, Event.ENTRY, 0),
            (7, 1, Event.JOB_START, 30),
            (0, 2, Event.ENTRY, 0),  # never works: not in the retention curves
        ]
    )


def test_retention_of_first_job_and_of_work():
    curve = tc.retention(worker_log(), horizon_day=70).set_index("week")
    assert curve.loc[2, "in_first_job"] == 1.0  # a job ending on day 14 was held 14 days
    assert curve.loc[3, "in_first_job"] == 0.5
    assert curve.loc[2, "in_work"] == 0.5  # worker 0 is between jobs on day 14
    assert curve.loc[3, "in_work"] == 1.0
    assert curve.loc[8, "followed"] == 2 and curve.loc[9, "followed"] == 1


def test_weeks_worked_after_the_first_job():
    curve = tc.weeks_worked(worker_log(), horizon_day=70).set_index("week")
    assert curve.loc[3, "weeks_worked"] == pytest.approx((2 + 3) / 2)
    assert curve.loc[3, "weeks_worked_per_year"] == pytest.approx(2.5 / 3 * 52)
    assert curve.loc[5, "weeks_worked"] == pytest.approx((4 + 5) / 2)
    assert curve.loc[10, "followed"] == 1  # worker 1's window of 10 weeks ends after the horizon


def test_no_workers_gives_empty_curves_not_errors():
    log = make_log([(0, 0, Event.ENTRY, 0)])
    assert tc.retention(log, 70)["in_first_job"].isna().all()
    assert tc.weeks_worked(log, 70)["weeks_worked"].isna().all()
    assert (tc.first_job(log, 70)["first_job"].dropna() == 0).all()


def test_pool_gives_mean_and_t_interval_per_week():
    curves = pd.DataFrame(
        {
            "rep": [0, 1, 2, 0, 1, 2],
            "week": [0, 0, 0, 1, 1, 1],
            "x": [1.1, 1.2, 1.3, 0.5, np.nan, 0.7],
        }
    )
    table = tc.pool(curves).set_index("week")
    half = stats.t.ppf(0.975, 2) * 0.1 / math.sqrt(3)
    assert table.loc[0, "mean"] == pytest.approx(1.2)
    assert table.loc[0, "ci_low"] == pytest.approx(1.2 - half)
    assert table.loc[0, "ci_high"] == pytest.approx(1.2 + half)
    assert table.loc[1, "reps"] == 2  # the missing estimate is left out
    assert table.loc[1, "mean"] == pytest.approx(0.6)


def test_pool_drops_weeks_most_replications_cannot_estimate():
    curves = pd.DataFrame(
        {
            "rep": [0, 1, 2, 0, 1, 2],
            "week": [0, 0, 0, 1, 1, 1],
            "x": [0.1, 0.2, 0.3, 0.5, np.nan, np.nan],
        }
    )
    assert tc.pool(curves)["week"].tolist() == [0]


def test_pool_of_one_replication_has_no_interval():
    table = tc.pool(pd.DataFrame({"rep": [0], "week": [0], "x": [0.4]}))
    assert table.loc[0, "mean"] == 0.4
    assert np.isnan(table.loc[0, "ci_low"]) and np.isnan(table.loc[0, "ci_high"])


def test_pool_keeps_a_share_within_0_and_1_and_a_count_at_or_above_0():
    curves = pd.DataFrame(
        {"rep": [0, 1], "week": [0, 0], "first_job": [0.0, 0.9], "waiting": [0.0, 3.0]}
    )
    table = tc.pool(curves).set_index("measure")
    assert table.loc["first_job", "ci_low"] == 0.0 and table.loc["first_job", "ci_high"] == 1.0
    assert table.loc["waiting", "ci_low"] == 0.0 and table.loc["waiting", "ci_high"] > 3.0


def test_curves_agree_with_scalar_outcomes_in_a_cohort(cohort_run):
    scenario, result = cohort_run
    horizon_day = 7 * scenario.run.horizon_weeks
    jobs = tc.first_job(result.events, horizon_day)
    assert jobs["first_job"].iloc[-1] == pytest.approx(result.metrics["employment_rate"])
    reoffending = tc.first_reoffence(result.events, horizon_day)
    assert reoffending["first_reoffence"].iloc[52] == pytest.approx(
        result.metrics["reoffending_rate_12m"]
    )
    waiting = tc.waiting_list(result.weekly)
    assert len(waiting) == scenario.run.horizon_weeks and (waiting["waiting"] >= 0).all()


def test_tables_pool_replications_into_every_curve():
    scenario = scenarios.load(SCENARIOS / "justice_trial.toml")
    results = replicate(scenario, reps=2, seed=5, progress=False)
    tables = tc.tables(
        pooled(results, lambda r: r.events), pooled(results, lambda r: r.weekly), scenario
    )
    assert set(tables) == set(tc.CURVES) == set(timecourse_figures.LAYOUTS)
    for name, table in tables.items():
        assert list(table.columns) == ["week", "measure", "mean", "ci_low", "ci_high", "reps"]
        for measure in timecourse_figures.LAYOUTS[name].measures:
            assert measure in set(table["measure"]), (name, measure)
    jobs = tables["first_job"].query("measure == 'first_job' and reps == 2")["mean"]
    assert jobs.is_monotonic_increasing and jobs.between(0, 1).all()
    assert (tables["retention"].query("measure == 'in_work'")["mean"].between(0, 1)).all()


def test_drop_thin_weeks_blanks_estimates_followed_by_too_few():
    curve = pd.DataFrame(
        {
            "week": [0, 1],
            "x": [0.1, 0.2],
            "at_risk": [30, 5],
            "followed": [tc.MIN_FOLLOWED, tc.MIN_FOLLOWED - 1],
        }
    )
    kept = tc._drop_thin_weeks(curve)
    assert kept["x"].iloc[0] == 0.1 and math.isnan(kept["x"].iloc[1])
    assert kept["at_risk"].tolist() == [30, 5]


def test_figure_carries_the_manifest(tmp_path):
    table = tc.pool(
        pd.DataFrame({"rep": [0, 1, 0, 1], "week": [0, 0, 1, 1], "first_job": [0.0, 0.0, 0.2, 0.3]})
    )
    path = timecourse_figures.draw(
        "first_job", {"a": table, "b": table}, {"seed": 7}, tmp_path / "first_job.png"
    )
    assert read_manifest(path) == {"seed": 7}
    assert path.stat().st_size < 200_000


def test_run_out_writes_time_course_tables_and_figures(tmp_path, capsys):
    out = tmp_path / "out"
    assert (
        main(["run", str(SCENARIOS / "justice_trial.toml"), "--reps", "2", "--out", str(out)]) == 0
    )
    capsys.readouterr()
    for name in tc.CURVES:
        table = pd.read_csv(out / f"timecourse_{name}.csv")
        assert len(table) > 0 and set(table["reps"]) <= {1, 2}
        assert read_manifest(out / f"timecourse_{name}.png")["reps"] == 2
