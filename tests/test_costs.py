"""Costs as commissioners count them (IPS Grow workforce calculator): a hand-worked team."""

from __future__ import annotations

import pandas as pd
import pytest

from ipssim.costing import service_costs, vacant_weeks
from ipssim.events import Event, EventLog
from ipssim.schema.costs import Costs


def test_a_post_costs_salary_plus_national_insurance_above_the_threshold_and_pension() -> None:
    # 33,437 + 15% x (33,437 - 5,000) + 14.3% x 33,437
    assert Costs().specialist_year() == pytest.approx(33437 + 4265.55 + 4781.491)


def test_a_hand_worked_team_of_twelve_with_a_vacancy() -> None:
    """12 posts for 2 years, one post vacant for 10 weeks: 2 team leaders, 0.4 of a manager."""
    log = EventLog()
    log.add(100, -1, Event.SPECIALIST_LEFT, 10, 3)
    frame = log.frame()
    window = (0, 7 * 104)
    assert vacant_weeks(frame, window) == 10
    specialist = 33437 + 0.15 * (33437 - 5000) + 0.143 * 33437  # 42,484.04
    leader = 40823 + 0.15 * (40823 - 5000) + 0.143 * 40823  # 52,034.14
    manager = 50723 + 0.15 * (50723 - 5000) + 0.143 * 50723  # 64,834.84
    specialist_years = 12 * 2 - 10 / 52
    staff = specialist_years * specialist + 2 * 2 * leader + 0.4 * 2 * manager
    team = staff * 1.2  # 20% for non-staff and overhead costs
    money = service_costs(frame, Costs(), 12, window, placements=50, sustained=20)
    assert money["staff_cost"] == pytest.approx(specialist_years * specialist)
    assert money["team_cost"] == pytest.approx(team)
    assert money["annual_cost"] == pytest.approx(team / 2)
    assert money["cost_per_job_start"] == pytest.approx(team / 50)
    assert money["cost_per_sustained_job_13wk"] == pytest.approx(team / 20)
    assert money["annual_cost"] == pytest.approx(762_870.84, abs=0.01)  # the figure worked by hand


def test_a_vacancy_counts_only_inside_the_window() -> None:
    log = EventLog()
    log.add(0, -1, Event.SPECIALIST_LEFT, 4, 0)  # vacant days 0-28
    log.add(60, -1, Event.SPECIALIST_LEFT, 8, 1)  # vacant days 60-116, 60-88 in the window
    assert vacant_weeks(log.frame(), (14, 88)) == pytest.approx(2 + 4)


def test_no_job_starts_leave_the_costs_per_job_undefined() -> None:
    money = service_costs(
        pd.DataFrame(columns=["day", "event", "detail"]), Costs(), 1, (0, 364), 0, 0
    )
    assert money["annual_cost"] > 0
    assert pd.isna(money["cost_per_job_start"]) and pd.isna(money["cost_per_sustained_job_13wk"])
