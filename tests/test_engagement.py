"""Disengagement: a hazard that depends on what the service does, and dropout by trial arm."""

from __future__ import annotations

import numpy as np
import pytest

from ipssim.agents.engagement import disengage_hazard
from ipssim.experiment import replicate, runs_frame
from ipssim.scenario import Scenario
from tests.conftest import small

CLIENTS = Scenario().clients
AVERAGE = {
    "base": 0.01,
    "worry": 0.5,
    "confidence": 0.5,
    "interval_days": 7,
    "caseload_use": 0.0,
    "working": False,
    "preparing": False,
}


def _hazard(clients=CLIENTS, **change) -> float:
    return float(disengage_hazard(**{**AVERAGE, **change, "clients": clients}))


def test_an_average_client_seen_weekly_has_the_base_hazard() -> None:
    assert _hazard() == pytest.approx(0.01)


@pytest.mark.parametrize(
    ("factor", "low", "high"),
    [
        ("worry", 0.1, 0.9),  # benefit worry (as eased by counselling) raises it
        ("interval_days", 7, 28),  # rarer meetings raise it
        ("caseload_use", 0.2, 1.0),  # a fuller caseload raises it
        ("preparing", False, True),  # waiting for the job search to begin raises it
        ("working", True, False),  # being in work with follow-along lowers it
        ("confidence", 0.9, 0.1),  # confidence lowers it
    ],
)
def test_the_hazard_moves_with_each_factor(factor: str, low, high) -> None:
    assert _hazard(**{factor: low}) < _hazard(**{factor: high})


def test_each_factor_follows_its_parameter() -> None:
    assert _hazard(interval_days=28) == pytest.approx(
        0.01 * 4**CLIENTS.disengage_interval_elasticity
    )
    assert _hazard(caseload_use=1.0) == pytest.approx(
        0.01 * (1 + CLIENTS.disengage_caseload_pressure)
    )
    assert _hazard(working=True) == pytest.approx(0.01 * CLIENTS.disengage_in_work)
    assert _hazard(preparing=True) == pytest.approx(0.01 * CLIENTS.disengage_preparing)
    flat = CLIENTS.model_copy(
        update={"disengage_interval_elasticity": 0.0, "disengage_caseload_pressure": 0.0}
    )
    assert _hazard(flat, interval_days=56, caseload_use=1.0) == pytest.approx(0.01)


def test_the_hazard_is_vectorised() -> None:
    rates = disengage_hazard(
        0.01,
        np.array([0.2, 0.8]),
        np.array([0.5, 0.5]),
        np.array([7, 14]),
        np.array([0.5, 0.5]),
        False,
        np.array([True, False]),
        CLIENTS,
    )
    assert rates.shape == (2,)
    assert rates[0] == pytest.approx(_hazard(worry=0.2, caseload_use=0.5, preparing=True))


def test_fewer_drop_out_of_ips_than_of_traditional_vocational_services() -> None:
    """At equal seeds the IPS arm of smi_trial loses fewer engaged clients by dropping out
    than its control arm (stepwise preparation, less benefits counselling)."""
    ips, control = (
        runs_frame(replicate(small(name), 4, 11, progress=False))
        for name in ("smi_trial", "smi_trial_control")
    )
    assert ips["service_dropout_rate"].mean() < control["service_dropout_rate"].mean()
