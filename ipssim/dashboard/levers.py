"""The dashboard's levers: which scenario fields a trainer can change, and checking a change.

Each lever is a scenario field; its explanation and unit come from the scenario schema, so the
page says what the schema says. A change is validated by the schema like a ``--set`` override:
an out-of-range value is refused with the schema's message and the scenario stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic.fields import FieldInfo

from ipssim import scenario as scenarios
from ipssim.scenario import Scenario, ScenarioError


@dataclass(frozen=True)
class Lever:
    """One control: a scenario field, its label, and the slider's range (switches have none)."""

    key: str
    label: str
    low: float = 0.0
    high: float = 1.0
    step: float = 1.0

    @property
    def field(self) -> FieldInfo:
        return scenarios.field(self.key)

    @property
    def kind(self) -> type:
        """``bool``, ``int`` or ``float``, as the schema declares it."""
        return self.field.annotation

    @property
    def explanation(self) -> str:
        """The schema's one-line description of the field."""
        return self.field.description or ""

    @property
    def unit(self) -> str:
        unit = (self.field.json_schema_extra or {}).get("unit", "")
        return "" if unit in ("-", "0-1") else unit

    def value(self, scenario: Scenario) -> Any:
        """The lever's value in ``scenario``."""
        section, name = self.key.split(".")
        return getattr(getattr(scenario, section), name)


# Slider ranges are what is useful in a training room; the schema's own bounds still apply.
LEVERS: tuple[Lever, ...] = (
    Lever("policy.zero_exclusion", "Zero exclusion"),
    Lever("policy.referral_gatekeeping", "Referral gatekeeping", 0.0, 1.0, 0.1),
    Lever("clinicians.committed_leader", "Committed team leader"),
    Lever("service.caseload_cap", "Caseload cap", 5, 60, 1),
    Lever("employers.offence_aversion", "Employer offence aversion", 0.0, 3.0, 0.1),
    Lever("service.specialists", "Employment specialists", 0, 20, 1),
    Lever("service.employer_contacts_per_week", "Employer contacts per week", 0.0, 15.0, 0.5),
    Lever("policy.benefits_counselling", "Benefits counselling"),
    Lever("service.integration", "Integration with the clinical team", 0.0, 1.0, 0.1),
    Lever("policy.time_unlimited_support", "Time-unlimited support"),
)


def show(value: Any) -> str:
    """A lever's value for people: on/off for switches, no float noise for numbers."""
    if isinstance(value, bool):
        return "on" if value else "off"
    return f"{value:g}"


def differences(baseline: Scenario, changed: Scenario) -> list[str]:
    """The levers that differ, as "Label: baseline -> changed"."""
    return [
        f"{item.label}: {show(item.value(baseline))} \u2192 {show(item.value(changed))}"
        for item in LEVERS
        if item.value(baseline) != item.value(changed)
    ]


def attempt(scenario: Scenario, key: str, value: Any) -> tuple[Scenario, str]:
    """``scenario`` with one lever moved, validated by the schema, and "" as the message.

    A value outside the schema's range, or of the wrong type, is refused: the scenario comes back
    unchanged with a message that names the field and what is allowed.
    """
    if key not in {item.key for item in LEVERS}:
        return scenario, f"Not changed: {key} is not a dashboard control"
    try:
        return scenario.with_changes({key: value}), ""
    except ScenarioError as exc:
        return scenario, "Not changed: " + str(exc).removeprefix("changes: ")


def attempt_seed(seed: int, value: Any) -> tuple[int, str]:
    """``value`` as the new seed and "", or ``seed`` unchanged and why ``value`` was refused."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return seed, f"Not changed: the seed must be a whole number of 0 or more (got {value!r})"
    return value, ""


def presets(folder: Path) -> dict[str, Scenario]:
    """The named scenarios in ``folder`` (its ``*.toml`` files), by scenario name."""
    loaded = [scenarios.load(path) for path in sorted(Path(folder).glob("*.toml"))]
    return {s.name: s for s in loaded}
