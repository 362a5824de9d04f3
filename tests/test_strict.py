"""Strict types: a switch is a TOML boolean, a count a whole number, a rate a number, in scenario
files, ``--set``, sweep files and the dashboard; nothing is converted from text or a switch."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipssim import scenario as scenarios
from ipssim import sweeps
from ipssim.dashboard.levers import attempt
from ipssim.scenario import Scenario, ScenarioError
from ipssim.schema.fields import leaves
from tests.conftest import SCENARIOS
from tests.sweeps_support import write_sweep

ROOT = SCENARIOS.parent


def type_exact(scenario: Scenario) -> list[str]:
    """The fields whose value is not exactly of the schema's type (a float field holds a float,
    never an int or a bool)."""
    wrong = []
    for key, found in leaves(Scenario):
        node: object = scenario
        for part in key.split("."):
            node = getattr(node, part)
        kind = found.annotation
        if kind in (bool, int, float, str) and type(node) is not kind:
            wrong.append(f"{key}={node!r}")
    return wrong


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.toml")), ids=lambda p: p.stem)
def test_shipped_scenarios_load_type_exact(path: Path) -> None:
    assert type_exact(scenarios.load(path)) == []


@pytest.mark.parametrize(
    "path", sorted((ROOT / "experiments").glob("*.toml")), ids=lambda p: p.stem
)
def test_shipped_sweeps_load_type_exact(path: Path) -> None:
    sweep = sweeps.load(path)
    assert type_exact(sweep.base) == []
    assert type_exact(sweep.scenario(0)) == []


@pytest.mark.parametrize(
    "table, expected",
    [
        ("[service]\nspecialists = true", "service.specialists: Input should be a valid integer"),
        ("[service]\nspecialists = 3.0", "service.specialists: Input should be a valid integer"),
        ('[service]\nspecialists = "4"', "service.specialists: Input should be a valid integer"),
        ('[policy]\nzero_exclusion = "no"', "policy.zero_exclusion: Input should be a valid bool"),
        ("[policy]\nzero_exclusion = 0", "policy.zero_exclusion: Input should be a valid boolean"),
        ("[employers]\noffence_aversion = true", "employers.offence_aversion: Input should be"),
        ('[employers]\noffence_aversion = "1.5"', "employers.offence_aversion: Input should be"),
    ],
)
def test_a_file_value_of_another_type_is_refused(tmp_path: Path, table: str, expected: str) -> None:
    path = tmp_path / "lax.toml"
    path.write_text(table + "\n")
    with pytest.raises(ScenarioError, match=expected):
        scenarios.load(path)


def test_a_whole_number_is_taken_for_a_rate_as_a_float(tmp_path: Path) -> None:
    path = tmp_path / "whole.toml"
    path.write_text("[employers]\noffence_aversion = 2\n")
    value = scenarios.load(path).employers.offence_aversion
    assert value == 2.0 and type(value) is float


@pytest.mark.parametrize(
    "override, expected",
    [
        ("policy.zero_exclusion=yes", "Input should be a valid boolean (got 'yes')"),
        ("policy.zero_exclusion=1", "Input should be a valid boolean (got 1)"),
        ('policy.zero_exclusion="true"', "Input should be a valid boolean (got 'true')"),
        ("service.specialists=3.0", "Input should be a valid integer (got 3.0)"),
        ("service.specialists=true", "Input should be a valid integer (got True)"),
        ('service.specialists="3"', "Input should be a valid integer (got '3')"),
        ("employers.offence_aversion=false", "Input should be a valid number (got False)"),
        ("service.specialists=3 x", "is not a TOML value"),
    ],
)
def test_a_set_value_of_another_type_is_refused_as_set(override: str, expected: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        scenarios.load(SCENARIOS / "base.toml", [override])
    assert str(caught.value).startswith("--set ") and expected in str(caught.value)


def test_set_values_keep_their_toml_types() -> None:
    s = scenarios.load(
        SCENARIOS / "base.toml",
        [
            "policy.zero_exclusion=true",
            "service.specialists=3",
            "employers.offence_aversion=1",
            "entry.mode=cohort",
        ],
    )
    assert s.policy.zero_exclusion is True and type(s.service.specialists) is int
    assert type(s.employers.offence_aversion) is float and s.entry.mode == "cohort"
    assert type_exact(s) == []


def test_a_sweep_grid_of_switches_for_a_count_is_refused(tmp_path: Path) -> None:
    path = write_sweep(tmp_path, "[grid]\n'service.specialists' = [true, false]\n")
    sweep = sweeps.load(path)
    with pytest.raises(sweeps.SweepError, match="service.specialists: Input should be a valid int"):
        sweep.scenarios()


@pytest.mark.parametrize(
    "line, expected",
    [("reps = '4'", "reps: Input should be a valid integer"), ("reps = true", "reps: Input")],
)
def test_a_sweep_file_value_of_another_type_is_refused(
    tmp_path: Path, line: str, expected: str
) -> None:
    path = write_sweep(tmp_path, "[grid]\n'service.specialists' = [1, 2]\n")
    path.write_text(path.read_text().replace("reps = 2", line))
    with pytest.raises(sweeps.SweepError, match=expected):
        sweeps.load(path)


def test_the_dashboard_refuses_a_value_of_another_type() -> None:
    base = scenarios.load(SCENARIOS / "base.toml")
    for key, value in [
        ("policy.zero_exclusion", 1),
        ("policy.zero_exclusion", "yes"),
        ("service.specialists", 2.5),
        ("service.specialists", True),
    ]:
        kept, message = attempt(base, key, value)
        assert kept is base and key in message, (key, value)
