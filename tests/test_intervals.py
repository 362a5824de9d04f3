"""Honest intervals: none from one replication, a warning below five, within each metric's range."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import ipssim
from ipssim import cli
from ipssim.experiment import compare, interval, replication_warning, summarise
from ipssim.formatting import fmt_diff, fmt_interval
from ipssim.metrics import bounds
from tests.conftest import SCENARIOS

QUICK = ["run.horizon_weeks=8", "entry.arrivals_per_week=2", "employers.count=50"]


def test_one_value_gives_a_mean_and_no_interval() -> None:
    mean, low, high = interval(np.array([0.3]))
    assert mean == 0.3 and math.isnan(low) and math.isnan(high)
    assert all(math.isnan(v) for v in interval(np.array([np.nan, np.nan])))


def test_the_interval_is_clipped_to_the_range_and_keeps_the_t_interval_inside() -> None:
    values = np.array([0.0, 0.6])
    _, low, high = interval(values)
    assert low < 0 < 1 < high  # a t-interval of two values is wide
    _, clipped_low, clipped_high = interval(values, bounds=(0.0, 1.0))
    assert (clipped_low, clipped_high) == (0.0, 1.0)
    _, low, high = interval(np.array([0.0, 0.0, 0.0]), bounds=(0.0, math.inf))
    assert str(low) == "0.0" and str(high) == "0.0"  # not -0.0


def test_metric_ranges() -> None:
    assert bounds("employment_rate") == (0.0, 1.0)
    assert bounds("waiting_weeks_mean") == (0.0, math.inf)
    assert bounds("cost_per_placement")[0] == 0.0


def test_summaries_and_differences_stay_in_range() -> None:
    runs = pd.DataFrame(
        {"rep": [0, 1], "employment_rate": [0.02, 0.5], "waiting_weeks_mean": [0.0, 4.0]}
    )
    table = summarise(runs, ("employment_rate", "waiting_weeks_mean"))
    assert (table["ci_low"] >= 0).all() and table.loc["employment_rate", "ci_high"] <= 1
    other = runs.assign(employment_rate=[0.98, 0.5])
    diff = compare({"a": runs, "b": other}, ("employment_rate",)).loc["employment_rate"]
    assert diff["b - a ci_low"] >= -1 and diff["b - a ci_high"] <= 1


def test_warnings_below_two_and_below_five_replications() -> None:
    assert "no 95% interval" in (replication_warning(1) or "")
    assert "only 4 replications" in (replication_warning(4) or "")
    assert replication_warning(5) is None


def test_a_missing_interval_prints_as_a_dash() -> None:
    assert fmt_interval("employment_rate", math.nan, math.nan) == "-"
    assert fmt_interval("employment_rate", 0.1, 0.2) == "10.0% to 20.0%"
    assert fmt_diff("employment_rate", 0.05, math.nan, math.nan) == "+5.0 pts (-)"


def _run(capsys, *args: str) -> tuple[str, str]:
    overrides = [part for key in QUICK for part in ("--set", key)]
    assert cli.main(["run", str(SCENARIOS / "base.toml"), *overrides, *args]) == 0
    out = capsys.readouterr()
    return out.out, out.err


def test_run_with_one_replication_prints_no_interval_and_warns(capsys) -> None:
    out, err = _run(capsys, "--reps", "1")
    line = next(x for x in out.splitlines() if x.startswith("employment_rate "))
    assert " to " not in line and " - " in line
    assert "1 replication," in out and "warning: 1 replication gives no 95% interval" in err


def test_run_warns_below_five_only(capsys) -> None:
    assert "warning: only 3 replications" in _run(capsys, "--reps", "3")[1]
    assert "warning" not in _run(capsys, "--reps", "5")[1]


def test_the_api_warns_too() -> None:
    with pytest.warns(UserWarning, match="no 95% interval"):
        result = ipssim.run(SCENARIOS / "base.toml", reps=1, set={"run.horizon_weeks": 4})
    assert result.summary()["ci_low"].isna().all()


def test_cost_per_placement_is_total_cost_over_total_placements() -> None:
    runs = pd.DataFrame(
        {
            "rep": [0, 1, 2],
            "staff_cost": [100.0, 100.0, 100.0],
            "placements": [1.0, 3.0, 0.0],
            "cost_per_placement": [100.0, 100 / 3, math.nan],  # the third had no placement
        }
    )
    row = summarise(runs, ("cost_per_placement",)).loc["cost_per_placement"]
    assert row["mean"] == pytest.approx(75.0)  # 300 / 4, not the mean of ratios (66.7)
    assert 0 <= row["ci_low"] < 75 < row["ci_high"]
    same = compare({"a": runs, "b": runs}, ("cost_per_placement",)).loc["cost_per_placement"]
    assert same["a"] == pytest.approx(75.0) and same["b - a"] == pytest.approx(0.0)
    dearer = runs.assign(staff_cost=[200.0, 200.0, 200.0])
    diff = compare({"a": runs, "b": dearer}, ("cost_per_placement",)).loc["cost_per_placement"]
    assert diff["b - a"] == pytest.approx(75.0)


def test_no_placement_anywhere_gives_no_cost_per_placement() -> None:
    runs = pd.DataFrame({"rep": [0, 1], "staff_cost": [5.0, 5.0], "placements": [0.0, 0.0]}).assign(
        cost_per_placement=math.nan
    )
    assert math.isnan(summarise(runs, ("cost_per_placement",)).loc["cost_per_placement", "mean"])
