"""The calibration targets: published point estimates with standard errors, each naming a
scenario that exists and a figure the model reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipssim import evidence
from ipssim.metrics import BY_NAME

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def test_binomial_standard_error_of_a_trial_arm():
    target = evidence.BY_KEY["justice_trial.employment_rate"]
    assert target.se == pytest.approx((0.31 * 0.69 / 43) ** 0.5)
    assert target.z(0.31 + 2 * target.se) == pytest.approx(2.0)


def test_a_stated_tolerance_is_a_95_percent_range():
    target = evidence.BY_KEY["prison_leavers_usual_care.reoffending_rate_12m"]
    assert (target.published, target.se) == (0.61, 0.015)


@pytest.mark.parametrize("target", evidence.TARGETS, ids=lambda t: t.key)
def test_each_target_names_a_scenario_and_a_reported_figure(target: evidence.Target):
    assert (SCENARIOS / f"{target.scenario}.toml").exists()
    assert target.metric in BY_NAME or target.metric in evidence.DERIVED
    assert target.se > 0


def test_inputs_and_priors_are_not_targets():
    metrics = {t.metric for t in evidence.TARGETS}
    assert not any("aver" in m or "work_effect" in m for m in metrics)
    assert len(evidence.BY_KEY) == len(evidence.TARGETS)  # one figure per scenario and metric
