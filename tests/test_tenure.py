"""The job-ending hazard: Weibull in time since the job began, drawn from the tenure reached."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ipssim.agents.tenure import YEAR_DAYS, cumulative_hazard, days_left, hazard
from ipssim.experiment import run_one
from tests.conftest import small


def test_the_hazard_falls_with_tenure_when_the_shape_is_below_one() -> None:
    days = [1, 7, 30, 91, 182, 365, 730]
    rates = [hazard(d, 2.0, 0.6) for d in days]
    assert all(a > b for a, b in zip(rates, rates[1:], strict=False))
    assert hazard(7, 2.0, 1.4) < hazard(180, 2.0, 1.4)  # above 1 it rises


def test_a_shape_of_one_is_the_constant_hazard() -> None:
    for tenure in (0.0, 10.0, 400.0):
        assert hazard(tenure, 3.0, 1.0) == pytest.approx(3.0 / YEAR_DAYS)
        # a unit-exponential draw at multiplier m lasts draw / (m x the daily hazard)
        assert days_left(tenure, 3.0, 1.0, 2.0, 0.7) == pytest.approx(0.7 / (2.0 * 3.0 / 365))


def test_the_first_year_integrates_to_the_hazard_per_year_at_any_shape() -> None:
    for shape in (0.4, 0.6, 1.0, 1.5):
        assert cumulative_hazard(YEAR_DAYS, 2.3, shape) == pytest.approx(2.3)
        steps = np.linspace(0.0, YEAR_DAYS, 200_001)[1:]
        numeric = hazard(steps, 2.3, shape).sum() * (steps[1] - steps[0])
        assert numeric == pytest.approx(2.3, rel=0.02)


def test_no_hazard_means_the_job_never_ends() -> None:
    assert days_left(30.0, 0.0, 0.6, 1.0, 0.5) == math.inf
    assert days_left(30.0, 2.0, 0.6, 0.0, 0.5) == math.inf


def _weibull_survival(t: np.ndarray, per_year: float, shape: float, m: float) -> np.ndarray:
    return np.exp(-m * per_year * (t / YEAR_DAYS) ** shape)


def test_the_draw_from_a_tenure_follows_the_conditional_weibull() -> None:
    per_year, shape, m, tenure, n = 2.3, 0.6, 1.4, 40.0, 40_000
    rng = np.random.default_rng(18)
    left = np.array([days_left(tenure, per_year, shape, m, e) for e in rng.exponential(size=n)])
    assert (left > 0).all()
    for x in (7.0, 30.0, 91.0, 182.0, 365.0):
        expected = _weibull_survival(np.array(tenure + x), per_year, shape, m) / (
            _weibull_survival(np.array(tenure), per_year, shape, m)
        )
        assert np.mean(left > x) == pytest.approx(float(expected), abs=0.01)


def test_redrawing_part_way_through_a_job_does_not_reset_its_clock() -> None:
    """Jobs redrawn on day 50 (as after a relapse that kept the job) last as long, in
    distribution, as jobs drawn once: the Weibull from the start."""
    per_year, shape, m, n, redraw = 2.3, 0.6, 1.0, 40_000, 50.0
    rng = np.random.default_rng(7)
    first = np.array([days_left(0.0, per_year, shape, m, e) for e in rng.exponential(size=n)])
    later = np.array([days_left(redraw, per_year, shape, m, e) for e in rng.exponential(size=n)])
    length = np.where(first > redraw, redraw + later, first)
    for x in (14.0, 50.0, 120.0, 300.0):
        expected = float(_weibull_survival(np.array(x), per_year, shape, m))
        assert np.mean(length > x) == pytest.approx(expected, abs=0.01)


def _first_job_risks(shape: float) -> tuple[float, float]:
    """Of first jobs followed a year: the share ending in their first 13 weeks, and of those
    reaching 26 weeks, the share ending by 52."""
    cohort = {"entry.cohort_size": 800, "run.horizon_weeks": 104, "work.job_loss_shape": shape}
    ev = run_one(small("smi_trial", **cohort), seed=3).events
    starts = ev[ev["event"] == "job_start"].groupby("client")["day"].min()
    ends = ev[ev["event"] == "job_end"].groupby("client")["day"].min()
    length = (ends.reindex(starts.index) - starts).fillna(np.inf)
    followed = length[starts <= 7 * 104 - YEAR_DAYS]
    late = followed[followed > YEAR_DAYS / 2]
    return float(np.mean(followed <= 91)), float(np.mean(late <= YEAR_DAYS))


def test_in_the_model_a_falling_hazard_moves_job_loss_into_the_first_weeks() -> None:
    """The same people at the same first-year hazard: with a shape below 1 more first jobs end
    in their first quarter and fewer of those that reach six months end in the next six."""
    (early_falling, late_falling), (early_flat, late_flat) = (
        _first_job_risks(0.6),
        _first_job_risks(1.0),
    )
    assert early_falling > early_flat + 0.05  # seed 3: 0.59 against 0.49
    assert late_falling < late_flat
