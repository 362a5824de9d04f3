"""Metric records: one per reported figure, read by formatting instead of guessing from names."""

from __future__ import annotations

import math

import pytest

from ipssim.formatting import fmt, fmt_diff
from ipssim.metrics import BY_NAME, RUN_METRICS, metric
from ipssim.outcomes import HEADLINE, METRICS
from ipssim.sweeps import SWEEP_METRICS


def test_every_metric_has_one_record_with_unit_and_meaning() -> None:
    assert tuple(m.name for m in RUN_METRICS) == METRICS
    assert set(HEADLINE) < set(METRICS) and METRICS[: len(HEADLINE)] == HEADLINE
    assert tuple(BY_NAME) == SWEEP_METRICS
    for m in BY_NAME.values():
        assert m.description and m.unit, m.name
        assert (m.kind == "share") == m.unit.startswith("share of"), m.name


def test_figures_are_shown_by_their_kind() -> None:
    assert fmt("employment_rate", 0.2934) == "29.3%"
    assert fmt("cost_per_placement", 12345.6) == "£12,346"
    assert fmt("waiting_weeks_mean", 3.25) == "3.2"
    assert fmt("fidelity_total", math.nan) == "-"
    assert fmt_diff("referral_rate", 0.1, 0.05, 0.15) == "+10.0 pts (+5.0 to +15.0)"
    assert fmt_diff("staff_cost", 10.0, 5.0, 15.0) == "+10.0 (+5.0 to +15.0)"
    assert metric("caseload_use").label == "caseload use (share of caseload places)"
    with pytest.raises(KeyError, match="not a metric"):
        fmt("employment", 0.5)
