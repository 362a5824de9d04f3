"""Hours of work: the post's hours, the hours a client takes and offers declined
(``ipssim.agents.hours``), and benefits counselling raising the hours worked."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ipssim.agents.hours import allowance_hours, declines, hours_taken, offered_hours
from ipssim.events import Outcome
from ipssim.experiment import run_one
from ipssim.scenario import Scenario, ScenarioError
from ipssim.scenario import load as load_scenario
from tests.conftest import SCENARIOS, small

MARKET, WORK = Scenario().labour_market, Scenario().work


def test_offers_mix_part_time_and_full_time_posts() -> None:
    u = np.linspace(0, 1, 10_000, endpoint=False)
    hours = offered_hours(u, MARKET)
    part = hours != MARKET.full_time_hours
    assert part.mean() == pytest.approx(MARKET.part_time_share, abs=1e-3)
    mean = MARKET.part_time_hours
    assert hours[part].min() >= 0.5 * mean and hours[part].max() <= 1.5 * mean
    assert hours[part].mean() == pytest.approx(mean, rel=1e-2)
    none = MARKET.model_copy(update={"part_time_share": 0.0})
    assert (offered_hours(u, none) == MARKET.full_time_hours).all()


def test_the_work_allowance_in_hours_at_the_wage() -> None:
    assert allowance_hours(MARKET, WORK) == pytest.approx(411 * 12 / 52 / 12.71)


def test_a_client_takes_the_hours_wished_up_to_the_post_less_what_worry_holds_back() -> None:
    allowance = 7.5
    # without worry: the post's hours up to those wished; full time takes the post's hours
    assert hours_taken(20.0, 36.5, 0.0, allowance) == 20.0
    assert hours_taken(20.0, 16.0, 0.0, allowance) == 16.0
    assert hours_taken(math.inf, 36.5, 0.0, allowance) == 36.5
    # worry gives up its share of the hours above the allowance, never those below it
    assert hours_taken(math.inf, 36.5, 0.5, allowance) == pytest.approx(7.5 + 0.5 * 29.0)
    assert hours_taken(math.inf, 36.5, 1.0, allowance) == pytest.approx(allowance)
    assert hours_taken(6.0, 36.5, 1.0, allowance) == 6.0
    worry = np.linspace(0, 1, 11)
    assert (np.diff(hours_taken(30.0, 36.5, worry, allowance)) < 0).all()


def test_a_client_declines_a_post_of_far_more_hours_than_they_would_work() -> None:
    ratio = WORK.decline_hours_ratio
    assert declines(36.5, 36.5 / ratio - 0.1, WORK)
    assert not declines(36.5, 36.5 / ratio + 0.1, WORK)
    assert not declines(16.0, 16.0, WORK)


@pytest.mark.parametrize(
    "override, expected",
    [
        ("work.decline_hours_ratio=0.5", "greater than or equal to 1"),
        ("work.work_allowance_month=-1", "greater than or equal to 0"),
        ("labour_market.part_time_share=1.5", "less than or equal to 1"),
        ("labour_market.full_time_hours=0", "greater than or equal to 1"),
        ("labour_market.hourly_wage=true", "number"),
        ("population.part_time_wish_hours=40", "less than or equal to 34"),
        ("population.full_time_wish_share=-0.1", "greater than or equal to 0"),
    ],
)
def test_bad_hours_settings_are_refused(override: str, expected: str) -> None:
    with pytest.raises(ScenarioError, match=expected):
        load_scenario(SCENARIOS / "base.toml", [override])


def _in_service_jobs(scenario: Scenario, seed: int) -> tuple[np.ndarray, int]:
    """Hours of the jobs started in the service, and the offers declined."""
    ev = run_one(scenario, seed).events
    starts = ev[(ev["event"] == "job_start") & (ev["specialist"] >= 0)]
    apps = ev[ev["event"] == "application"]
    return starts["detail"].to_numpy(), int((apps["detail"] == int(Outcome.DECLINED)).sum())


def test_benefits_counselling_raises_hours_and_lowers_declines_among_worried_clients() -> None:
    worried = small("base", **{"population.benefits_share": 1.0})
    without = worried.with_changes({"policy.benefits_counselling": False})
    seeds = (1, 2, 3)  # a few dozen jobs a run: hours pooled over the seeds
    counselled = [_in_service_jobs(worried, seed) for seed in seeds]
    uncounselled = [_in_service_jobs(without, seed) for seed in seeds]
    for (_, declined), (_, declined_without) in zip(counselled, uncounselled, strict=True):
        assert declined < declined_without
    hours = np.concatenate([h for h, _ in counselled])
    hours_without = np.concatenate([h for h, _ in uncounselled])
    assert hours.mean() > hours_without.mean() + 1
    assert (hours >= 20).mean() > (hours_without >= 20).mean() + 0.05
