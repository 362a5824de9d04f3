"""Shared test fixtures: small scenarios that run in well under a second."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipssim import scenario as scenarios

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"


def small(name: str = "base", **changes) -> scenarios.Scenario:
    """A named scenario cut down to a quick run, with ``section.key`` changes."""
    s = scenarios.load(SCENARIOS / f"{name}.toml")
    quick = {"run.horizon_weeks": 52, "entry.intake_weeks": 26}
    return s.with_changes({**quick, **{k.replace("__", "."): v for k, v in changes.items()}})


@pytest.fixture
def scenario_dir() -> Path:
    return SCENARIOS
