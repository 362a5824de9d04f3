"""Every shipped scenario's description says everything it changes from the file it extends
(issue 21 item 5): each overridden field is named by a word of its own name."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
LABELS = {"name", "description", "extends"}
# words of field names that do not say which field is meant
VAGUE = {"per", "mean", "share", "rate", "to", "of", "in", "on", "max", "only", "week", "weeks"}
VAGUE |= {"months", "days", "work", "the", "led", "12m", "time", "own", "size"}
# the words a description may use for a word of a field's name
SYNONYMS = {
    "horizon": {"followed"},
    "mode": {"cohort", "stream"},
    "want": {"wanting"},
    "cap": {"capped"},
    "unlimited": {"limited"},
    "limit": {"limited"},
    "aversion": {"averse"},
}


def overridden(table: dict, prefix: str = "") -> list[str]:
    """The dotted keys a scenario file sets, its labels left out."""
    keys = []
    for key, value in table.items():
        if not prefix and key in LABELS:
            continue
        dotted = f"{prefix}{key}"
        keys += overridden(value, dotted + ".") if isinstance(value, dict) else [dotted]
    return keys


def singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def words(text: str) -> set[str]:
    return {singular(w) for w in re.findall(r"[a-z0-9]+", text.lower())}


def named(key: str, description: str) -> bool:
    """Whether the description names the field: every telling word of its name (or a synonym),
    or for a share of a mix (population.offences.violent) the mix's name."""
    parts = key.lower().split(".")
    said = words(description)
    if len(parts) > 2:
        return singular(parts[-2]) in said
    wanted = {singular(w) for w in parts[-1].split("_") if w not in VAGUE}
    return bool(wanted) and all(({w} | SYNONYMS.get(w, set())) & said for w in wanted)


EXTENDING = sorted(p for p in SCENARIOS.glob("*.toml") if "extends" in p.read_text())


def test_every_scenario_but_base_extends_another() -> None:
    assert {p.name for p in SCENARIOS.glob("*.toml")} - {p.name for p in EXTENDING} == {
        "base.toml"  # the reference team; docs/odd.md gives each of its values
    }


@pytest.mark.parametrize("path", EXTENDING, ids=lambda p: p.stem)
def test_description_names_every_field_it_changes(path: Path) -> None:
    spec = tomllib.loads(path.read_text(encoding="utf-8"))
    missing = [k for k in overridden(spec) if not named(k, spec["description"])]
    assert not missing, f"{path.name}: the description does not mention {missing}"


def test_the_check_finds_an_unnamed_change() -> None:
    old = "Clinicians hold back referrals for 'readiness'"  # gatekept.toml's text before
    for key in (
        "policy.referral_gatekeeping",
        "clinicians.belief_in_work_mean",
        "clinicians.training",
    ):
        assert not named(key, old)
    assert named("policy.referral_gatekeeping", old + " (referral gatekeeping 0.6)")
    assert named("population.offences.violent", "the trial's mix of offences")
    assert not named("policy.time_unlimited_support", "disclosure support")
