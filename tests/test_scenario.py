"""Scenario files: schema, extends, overrides, hashing and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from ipssim import scenario as scenarios
from ipssim.scenario import Scenario, ScenarioError
from ipssim.schema.fields import leaves

NAMED = (
    "base",
    "traditional_vr",
    "gatekept",
    "large_caseloads",
    "offence_averse_employers",
    "prison_leavers",
    "smi_trial",
    "smi_trial_control",
    "justice_trial",
    "justice_trial_control",
    "forensic_site",
)


@pytest.mark.parametrize("name", NAMED)
def test_named_scenarios_load_and_say_what_they_are(scenario_dir: Path, name: str) -> None:
    path = scenario_dir / f"{name}.toml"
    s = scenarios.load(path)
    assert s.name == name
    assert path.read_text().startswith("# "), "each scenario opens with a comment saying what it is"


def test_every_field_has_unit_source_and_meaning() -> None:
    for name, field in leaves(Scenario):
        if name in ("name", "description"):
            continue  # the scenario's labels
        extra = field.json_schema_extra or {}
        assert extra.get("unit") and extra.get("source") and field.description, name


def test_extends_states_only_what_differs(tmp_path: Path, scenario_dir: Path) -> None:
    child = tmp_path / "child.toml"
    child.write_text(f'extends = "{scenario_dir / "base.toml"}"\n[service]\ncaseload_cap = 30\n')
    s = scenarios.load(child)
    base = scenarios.load(scenario_dir / "base.toml")
    assert s.service.caseload_cap == 30
    assert s.service.specialists == base.service.specialists
    assert s.name == "child"


def test_the_four_named_policies_have_their_exact_keys(scenario_dir: Path) -> None:
    s = scenarios.load(
        scenario_dir / "base.toml",
        [
            "policy.zero_exclusion=false",
            "policy.referral_gatekeeping=0.5",
            "service.caseload_cap=30",
            "employers.offence_aversion=1.5",
        ],
    )
    assert (
        s.policy.zero_exclusion,
        s.policy.referral_gatekeeping,
        s.service.caseload_cap,
        s.employers.offence_aversion,
    ) == (False, 0.5, 30, 1.5)


def test_hash_depends_on_content_not_file(tmp_path: Path, scenario_dir: Path) -> None:
    base = scenarios.load(scenario_dir / "base.toml")
    copy = tmp_path / "copy.toml"
    copy.write_text((scenario_dir / "base.toml").read_text())
    assert scenarios.load(copy).hash() == base.hash()
    assert base.with_changes({"service.caseload_cap": 25}).hash() != base.hash()


def test_a_new_field_at_its_default_changes_no_hash(scenario_dir: Path) -> None:
    """The hash covers values: a lever added at a default leaves stored runs matching."""

    class Service(scenarios.Service):
        wage_subsidy: float = 0.0

    class Extended(scenarios.Scenario):
        service: Service = Service()

    for path in sorted(scenario_dir.glob("*.toml")):
        s = scenarios.load(path)
        extended = Extended.model_validate(s.model_dump())
        assert extended.hash() == s.hash(), path.name
        assert (
            extended.model_copy(
                update={"service": extended.service.model_copy(update={"wage_subsidy": 0.1})}
            ).hash()
            != s.hash()
        ), path.name


def test_a_value_set_to_its_default_is_the_same_scenario() -> None:
    default = scenarios.Scenario()
    cap = default.service.caseload_cap
    assert default.with_changes({"service.caseload_cap": cap}).hash() == default.hash()
    assert default.with_changes({"service.caseload_cap": cap + 1}).hash() != default.hash()


def test_the_hash_names_the_release_series(monkeypatch: pytest.MonkeyPatch) -> None:
    """A change of results is a new minor release, and every stored run is then run again."""
    before = scenarios.Scenario().hash()
    monkeypatch.setattr(scenarios, "release_series", lambda: "999.0")
    assert scenarios.Scenario().hash() != before


def test_frozen_after_loading(scenario_dir: Path) -> None:
    s = scenarios.load(scenario_dir / "base.toml")
    with pytest.raises(ValidationError):
        s.service.caseload_cap = 99  # type: ignore[misc]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("[service]\ncaseload = 20\n", ["service.caseload", "unknown key", "caseload_cap"]),
        ("[servce]\nspecialists = 2\n", ["servce", "unknown key", "service"]),
        (
            "[service]\ncaseload_cap = 0\n",
            ["service.caseload_cap", "greater than or equal to 1", "Allowed: 1 to 200"],
        ),
        ('[service]\ncaseload_cap = "lots"\n', ["service.caseload_cap", "integer", "lots"]),
        ("[policy]\nzero_exclusion = 3\n", ["policy.zero_exclusion", "Allowed: true or false"]),
        ('[entry]\nmode = "trickle"\n', ["entry.mode", "'stream', 'cohort'"]),
        ("[population.offences]\nviolent = 0.9\n", ["offences", "add up to 1"]),
        ("[service\nspecialists = 2\n", ["not valid TOML"]),
    ],
)
def test_bad_files_name_file_field_and_what_is_allowed(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as err:
        scenarios.load(path)
    message = str(err.value)
    assert str(path) in message
    for part in expected:
        assert part in message


def test_missing_file_and_extends_loop(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such scenario file"):
        scenarios.load(tmp_path / "nope.toml")
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n')
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n')
    with pytest.raises(ScenarioError, match="loop"):
        scenarios.load(tmp_path / "a.toml")


@pytest.mark.parametrize(
    "override, expected",
    [
        ("service.caseload_cap", "expected section.key=value"),
        ("service.caseloadcap=3", "unknown key"),
        ("service=3", "is a section"),
        ("service.caseload_cap=-1", "greater than or equal to 1"),
        ("policy.zero_exclusion=maybe", "Allowed: true or false"),
    ],
)
def test_bad_overrides_are_explained(scenario_dir: Path, override: str, expected: str) -> None:
    with pytest.raises(ScenarioError, match=expected):
        scenarios.load(scenario_dir / "base.toml", [override])


def test_override_values_are_read_as_toml(scenario_dir: Path) -> None:
    s = scenarios.load(
        scenario_dir / "base.toml",
        ["entry.mode=cohort", "policy.zero_exclusion=false", "service.hours_per_week=30"],
    )
    assert s.entry.mode == "cohort" and s.policy.zero_exclusion is False
    assert s.service.hours_per_week == 30.0
