"""A steady service: unlimited intake, a warm-up before measurement, and metrics of the window."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ipssim.events import Discharge, Event, EventLog
from ipssim.experiment import run_one
from ipssim.outcomes import metrics
from ipssim.scenario import Scenario, ScenarioError, load, validate
from tests.conftest import SCENARIOS

E = Event
# a small team and stream that fills within its first year: quick to run for five years
SMALL = {
    "entry.intake_weeks": 0,
    "entry.arrivals_per_week": 1.5,
    "service.specialists": 2,
    "service.caseload_cap": 10,
    "run.warmup_weeks": 52,
}


def log_of(rows: list[tuple]) -> pd.DataFrame:
    log = EventLog()
    for row in rows:
        log.add(*row)
    return log.frame()


def test_unlimited_intake_keeps_clients_arriving_to_the_horizon() -> None:
    weeks = 60
    steady = Scenario().with_changes(
        {"run.horizon_weeks": weeks, "entry.intake_weeks": 0, "service.specialists": 1}
    )
    entries = run_one(steady, seed=3).events.query("event == 'entry'")["day"]
    assert entries.max() >= 7 * (weeks - 1)
    limited = steady.with_changes({"entry.intake_weeks": 10})
    assert run_one(limited, seed=3).events.query("event == 'entry'")["day"].max() < 70


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"entry.intake_weeks": "unlimited"}, "valid integer"),  # 0 says unlimited, no text
        ({"entry.intake_weeks": -1}, "greater than or equal to 0"),
        ({"run.warmup_weeks": 101}, "must leave at least 4 weeks"),
        ({"run.warmup_weeks": 1.0}, "valid integer"),
        (
            {"entry.intake_weeks": 0, "entry.arrivals_per_week": 2000.0},
            "client-weeks",
        ),
    ],
)
def test_bad_steady_state_values_are_refused(changes: dict, message: str) -> None:
    data = {"run": {"horizon_weeks": 104}, "entry": {}}
    for dotted, value in changes.items():
        section, key = dotted.split(".")
        data[section][key] = value
    with pytest.raises(ScenarioError, match=message):
        validate(data, source="test")


def test_stream_metrics_count_the_measurement_window_only() -> None:
    scenario = Scenario().with_changes(
        {
            "run.horizon_weeks": 10,
            "run.warmup_weeks": 5,
            "service.specialists": 1,
            "service.caseload_cap": 2,
            "costs.specialist_salary": 52000.0,  # no on-costs: 52,000 a year a post
            "costs.employer_ni_rate": 0.0,
            "costs.pension_rate": 0.0,
        }
    )
    df = log_of(
        [
            (0, 0, E.ENTRY, 0),
            (0, 0, E.REFERRED, 0),
            (0, 0, E.WAITLISTED, 0, 0),
            (14, 0, E.ENGAGED, 0, 0),  # a wait of 14 days in the warm-up: not counted
            (20, 0, E.JOB_START, 20, 0, 1),  # a placement in the warm-up: not counted
            (0, 1, E.ENTRY, 0),
            (35, 1, E.REFERRED, 0),  # the window starts on day 35
            (35, 1, E.WAITLISTED, 0, 0),
            (42, 1, E.ENGAGED, 0, 0),  # a wait of 7 days
            (49, 1, E.JOB_START, 20, 0, 1),
            (0, 2, E.ENTRY, 0),
            (40, 2, E.REFERRED, 0),
            (40, 2, E.WAITLISTED, 0, 0),
            (61, 2, E.ENGAGED, 0, 0),  # a wait of 21 days
            (30, -1, E.EMPLOYER_CONTACT, 0, 0, 1),  # warm-up
            (36, -1, E.EMPLOYER_CONTACT, 0, 0, 1),
        ]
    )
    m = metrics(df, scenario)
    years = 5 / 52
    assert m["placements"] == 1
    assert m["placements_per_year"] == pytest.approx(1 / years)
    assert m["referrals_per_year"] == pytest.approx(2 / years)
    assert m["waiting_weeks_mean"] == pytest.approx(2.0)
    assert m["waiting_weeks_p90"] == pytest.approx(np.percentile([7, 21], 90) / 7)
    assert m["employer_contacts_per_specialist_week"] == pytest.approx(1 / 5)
    # held from day 35 (client 0), 42 and 61 to the horizon (70), of 2 places x 35 days
    assert m["caseload_use"] == pytest.approx((35 + 28 + 9) / 70)
    assert m["staff_cost"] == pytest.approx(52_000.0 * 5 / 52)


def _trend(scenario: Scenario, reps: int) -> tuple[float, float]:
    """The waiting list's mean slope (clients a week) after the warm-up, and its mean."""
    slopes, levels = [], []
    for rep in range(reps):
        weekly = run_one(scenario, seed=11, rep=rep).weekly["waiting"].to_numpy()
        waiting = weekly[scenario.run.warmup_weeks :]
        slopes.append(np.polyfit(np.arange(len(waiting)), waiting, 1)[0])
        levels.append(waiting.mean())
    return float(np.mean(slopes)), float(np.mean(levels))


def test_after_the_warm_up_the_waiting_list_has_no_trend() -> None:
    """Clients leave the clinical team, so the people it reviews and refers stop growing and
    an adequately staffed team's list stays level; without leaving, the same team's list
    grows week after week (re-referrals from an ever larger caseload). Fourteen specialists
    meet this stream's demand (twelve did while the schema gave community clients prison
    leavers' reoffending risk, whose custody spells took some out of the list)."""
    weeks = 260
    scenario = Scenario().with_changes(
        {**SMALL, "run.horizon_weeks": weeks, "service.specialists": 14}
    )
    measured = weeks - scenario.run.warmup_weeks
    slope, _ = _trend(scenario, reps=2)
    assert abs(slope) * measured < 1.0  # less than a client over the four measured years
    kept = scenario.with_changes({"clinicians.discharge_per_year": 0.0})
    slope, _ = _trend(kept, reps=2)
    assert slope * measured > 3  # over ten clients more over the four years (seed 11)


def test_more_specialists_never_raise_the_mean_wait() -> None:
    scenario = Scenario().with_changes({**SMALL, "run.horizon_weeks": 104})
    waits = []
    for n in range(1, 6):
        team = scenario.with_changes({"service.specialists": n})
        runs = [run_one(team, seed=5, rep=rep).metrics for rep in range(3)]
        waits.append(np.mean([r["waiting_weeks_mean"] for r in runs]))
    assert all(a >= b for a, b in zip(waits, waits[1:], strict=False)), waits
    assert waits[0] > waits[-1]


def test_steady_team_measures_two_years_after_a_year_of_warm_up() -> None:
    steady = load(SCENARIOS / "steady_team.toml")
    assert (steady.run.warmup_weeks, steady.run.horizon_weeks) == (52, 156)
    assert steady.entry.intake_weeks == 0


def test_a_client_who_leaves_the_clinical_team_is_not_referred_again_and_leaves_the_caseload() -> (
    None
):
    scenario = Scenario().with_changes(
        {"run.horizon_weeks": 104, "clinicians.discharge_per_year": 2.0}
    )
    result = run_one(scenario, seed=4)
    log = result.events
    left = log[log["event"] == "left_care"].set_index("client")["day"]
    assert len(left) > 50 and left.index.is_unique
    after = log.merge(left.rename("left"), left_on="client", right_index=True)
    after = after[after["day"] > after["left"]]
    for event in ("referred", "waitlisted", "engaged", "meeting"):
        assert not (after["event"] == event).any(), event
    discharged = log[(log["event"] == "discharged") & (log["detail"] == Discharge.LEFT_CARE)]
    assert len(discharged) > 0
    assert (discharged.set_index("client")["day"] == left[discharged["client"]]).all()
    # fewer people in the service at the horizon than when no one leaves the team
    kept = run_one(scenario.with_changes({"clinicians.discharge_per_year": 0.0}), seed=4)
    assert kept.weekly["on_caseload"].iloc[-1] > result.weekly["on_caseload"].iloc[-1]
