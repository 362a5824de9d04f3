"""The dashboard's levers: which scenario fields a trainer can change, and checking a change.

Each lever is a scenario field the schema marks as a control (``ipssim.schema.levers``): its
label, slider range, explanation and unit come from the schema, so the page says what the schema
says. A change is validated by the schema like a ``--set`` override: an out-of-range value is
refused with the schema's message and the scenario stays as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ipssim import scenario as scenarios
from ipssim.errors import shown
from ipssim.scenario import Scenario, ScenarioError
from ipssim.schema.levers import CONTROLS
from ipssim.streams import MAX_SEED


def show(value: Any) -> str:
    """A lever's value for people: on/off for switches, no float noise for numbers."""
    if isinstance(value, bool):
        return "on" if value else "off"
    return f"{value:g}"


def differences(baseline: Scenario, changed: Scenario) -> list[str]:
    """The levers that differ, as "Label: baseline -> changed"."""
    return [
        f"{item.label}: {show(item.value(baseline))} \u2192 {show(item.value(changed))}"
        for item in CONTROLS
        if item.value(baseline) != item.value(changed)
    ]


def attempt(scenario: Scenario, key: str, value: Any) -> tuple[Scenario, str]:
    """``scenario`` with one lever moved, validated by the schema, and "" as the message.

    A value outside the schema's range, or of the wrong type, is refused: the scenario comes back
    unchanged with a message that names the field and what is allowed.
    """
    if key not in {item.key for item in CONTROLS}:
        return scenario, f"Not changed: {key} is not a dashboard control"
    try:
        return scenario.with_changes({key: value}), ""
    except ScenarioError as exc:
        return scenario, "Not changed: " + str(exc).removeprefix("changes: ")


def attempt_preset(names: list[str], current: str, value: Any) -> tuple[str, str]:
    """``value`` as the new preset and "", or ``current`` unchanged and why: only a name the
    page offered is taken (a page can send any value; none reaches the file system)."""
    if not isinstance(value, str) or value not in names:
        return current, f"Not changed: {shown(value)} is not one of the presets offered"
    return value, ""


def attempt_seed(seed: int, value: Any) -> tuple[int, str]:
    """``value`` as the new seed and "", or ``seed`` unchanged and why ``value`` was refused."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SEED:
        return seed, (
            f"Not changed: the seed must be a whole number from 0 to {MAX_SEED} "
            f"(got {shown(value)})"
        )
    return value, ""


def presets(folder: Path) -> dict[str, Scenario]:
    """The named scenarios in ``folder`` (its ``*.toml`` files), by scenario name."""
    loaded = [scenarios.load(path) for path in sorted(Path(folder).glob("*.toml"))]
    return {s.name: s for s in loaded}
