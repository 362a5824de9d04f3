"""Calibration priors kept in the schema: every calibrated parameter has one, each is a proper
distribution on its stated range, and docs/calibration.md lists them."""

from __future__ import annotations

import pytest
from scipy import stats

from ipssim.scenario import Scenario
from ipssim.schema import param
from ipssim.schema.fields import extra, find, leaves, priors
from ipssim.schema.priors import Prior, beta, loguniform, truncnorm, uniform

PRIORS = priors(Scenario)


def test_every_calibrated_parameter_has_a_prior():
    calibrated = [
        k for k, f in leaves(Scenario) if extra(f).get("source", "").startswith("calibrated")
    ]
    assert calibrated, "the schema names calibrated parameters"
    assert [k for k in calibrated if k not in PRIORS] == []


def test_priors_are_kept_on_numbers_a_particle_can_set():
    """A particle's values are floats, which a whole-number or switch field refuses."""
    assert [k for k in PRIORS if find(Scenario, k).annotation is not float] == []


@pytest.mark.parametrize("key", list(PRIORS))
def test_prior_is_a_distribution_on_its_range_holding_the_default(key: str):
    prior = PRIORS[key]
    name, args = prior.scipy()
    dist = getattr(stats, name)(*args)
    low, high = dist.support()
    assert (low, high) == pytest.approx((prior.low, prior.high))
    assert prior.low < dist.mean() < prior.high
    assert dist.pdf(find(Scenario, key).default) > 0
    assert len(prior.reason) > 20


def test_beta_and_truncated_normal_keep_their_mean_and_sd():
    b = beta(0.3, 0.1, 0.0, 1.0, "test")
    dist = getattr(stats, b.scipy()[0])(*b.scipy()[1])
    assert (dist.mean(), dist.std()) == pytest.approx((0.3, 0.1))
    t = truncnorm(0.5, 0.1, 0.0, 1.0, "test")  # truncation 5 sd away changes nothing visible
    dist = getattr(stats, t.scipy()[0])(*t.scipy()[1])
    assert (dist.mean(), dist.std()) == pytest.approx((0.5, 0.1), abs=1e-4)
    assert loguniform(0.1, 10, "x").describe() == "log-uniform on 0.1 to 10"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: uniform(1.0, 1.0, "x"), "empty"),
        (lambda: loguniform(0.0, 1.0, "x"), "positive"),
        (lambda: beta(0.5, 0.6, 0.0, 1.0, "x"), "no beta prior"),
        (lambda: uniform(0.0, 1.0, ""), "reason"),
        (lambda: Prior("gamma", 0.0, 1.0, "x"), "kind"),  # type: ignore[arg-type]
    ],
)
def test_bad_priors_are_refused(make, message: str):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize(
    ("default", "prior"),
    [(0.5, uniform(-0.5, 0.9, "outside the bounds")), (0.95, uniform(0.1, 0.9, "not the default"))],
)
def test_param_refuses_a_prior_outside_its_bounds_or_default(default: float, prior: Prior):
    with pytest.raises(ValueError, match="within the field's bounds"):
        param(default, "share", "assumption", "x", prior=prior, ge=0, le=1)


def test_priors_survive_the_schema_round_trip():
    kept = extra(find(Scenario, "offending.work_multiplier"))["prior"]
    assert Prior.from_kept(kept) == PRIORS["offending.work_multiplier"]
    assert Scenario.model_json_schema()  # what a field keeps stays plain data
