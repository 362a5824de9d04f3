"""Scenarios: the schema's sections put together, loaded from TOML, overridden and validated.

A scenario is a TOML file whose tables match the sections of ``ipssim.schema``. A file may say
``extends = "base.toml"`` (a path relative to itself) and state only what differs.
Unknown keys are refused. ``--set section.key=value`` overrides are applied last.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError
from pydantic.fields import FieldInfo

from ipssim.errors import UserError
from ipssim.schema import (
    DIAGNOSES,
    OFFENCES,
    REGULATED_SECTORS,
    SECTORS,
    Clients,
    Clinicians,
    Employers,
    Entry,
    LabourMarket,
    Offending,
    Policy,
    Population,
    Run,
    Section,
    Service,
    Work,
)
from ipssim.schema.fields import FieldNotFound, describe, find, section_of, unknown_key
from ipssim.version import release_series

__all__ = [  # the sections and categories others read from the scenario layer
    "DIAGNOSES",
    "OFFENCES",
    "REGULATED_SECTORS",
    "SECTORS",
    "Clinicians",
    "Employers",
    "LabourMarket",
    "Policy",
    "Population",
    "Scenario",
    "ScenarioError",
    "field",
    "load",
    "parse_override",
    "read_toml",
    "validate",
]


class Scenario(Section):
    """A whole scenario: every lever of brief section 2 in one validated, frozen object."""

    name: str = Field(default="unnamed", description="Short name of the scenario.")
    description: str = Field(default="", description="What the scenario represents.")
    run: Run = Run()
    entry: Entry = Entry()
    population: Population = Population()
    service: Service = Service()
    policy: Policy = Policy()
    clinicians: Clinicians = Clinicians()
    employers: Employers = Employers()
    labour_market: LabourMarket = LabourMarket()
    work: Work = Work()
    clients: Clients = Clients()
    offending: Offending = Offending()

    def hash(self) -> str:
        """A short hash of the scenario's values: equal scenarios give equal hashes, whatever
        their file.

        It covers the values that differ from the schema's defaults and the release series
        (major.minor) whose defaults fill in the rest. A field added at a default that changes
        nothing leaves every hash as it was; a change of results is a new minor release
        (CONTRIBUTING.md), which changes every hash, so stored runs are run again, not reused.
        """
        values = {
            "series": release_series(),
            "values": self.model_dump(mode="json", exclude_defaults=True),
        }
        return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:16]

    def with_changes(self, changes: dict[str, Any]) -> Scenario:
        """A copy with dotted ``section.key`` values changed, validated like a file."""
        data = self.model_dump(mode="json")
        for dotted, value in changes.items():
            _set_dotted(data, dotted, value)
        return validate(data, source="changes")


class ScenarioError(UserError):
    """A user's mistake in a scenario or an override: the message says what and where."""


def field(key: str) -> FieldInfo:
    """The scenario field at dotted ``key`` (``section.key``); FieldNotFound says why not."""
    return find(Scenario, key)


def load(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    """Load a scenario file, follow ``extends``, apply ``section.key=value`` overrides, validate."""
    path = Path(path)
    data = _read_with_parents(path, seen=())
    for text in overrides:
        dotted, value = parse_override(text)
        _check_dotted(dotted, text)
        _set_dotted(data, dotted, value)
    data.setdefault("name", path.stem)
    return validate(data, source=str(path))


def validate(data: dict[str, Any], source: str) -> Scenario:
    """Validate a scenario dictionary, turning pydantic's errors into one clear message."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        lines = (describe(err, source, Scenario, "scenario") for err in exc.errors())
        raise ScenarioError("\n".join(lines)) from None


def parse_override(text: str) -> tuple[str, Any]:
    """Split ``section.key=value``; the value is read as TOML (``true``, ``0.5``, ``"x"``)."""
    if "=" not in text:
        raise ScenarioError(
            f"--set {text!r}: expected section.key=value, for example --set service.caseload_cap=30"
        )
    dotted, raw = (part.strip() for part in text.split("=", 1))
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw  # a bare word such as cohort is taken as text
    return dotted, value


def read_toml(path: Path, kind: str) -> dict[str, Any]:
    """The tables of a TOML file, or a ScenarioError naming the file and what is wrong."""
    if not path.is_file():
        raise ScenarioError(f"{path}: no such {kind} file")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not a text file (TOML must be UTF-8)") from None


def _read_with_parents(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    resolved = path.resolve()
    if resolved in seen:
        chain = " -> ".join(str(p) for p in (*seen, resolved))
        raise ScenarioError(f"{path}: extends: the files extend each other in a loop ({chain})")
    data = read_toml(path, "scenario")
    parent = data.pop("extends", None)
    if parent is None:
        _check_keys(data, Scenario, "", str(path))
        return data
    if not isinstance(parent, str):
        raise ScenarioError(f"{path}: extends: must be a file name in quotes, got {parent!r}")
    base = _read_with_parents(path.parent / parent, (*seen, resolved))
    _check_keys(data, Scenario, "", str(path))
    own = {k: v for k, v in base.items() if k not in ("name", "description")}  # not inherited
    return _merge(own, data)


def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _check_keys(data: dict[str, Any], model: type[BaseModel], prefix: str, source: str) -> None:
    """Refuse unknown keys with the allowed ones listed (before pydantic, to name the file)."""
    for key, value in data.items():
        found = model.model_fields.get(key)
        if found is None:
            raise ScenarioError(f"{source}: {unknown_key(prefix + key, list(model.model_fields))}")
        section = section_of(found.annotation)
        if section is not None and isinstance(value, dict):
            _check_keys(value, section, f"{prefix}{key}.", source)


def _check_dotted(dotted: str, text: str) -> None:
    try:
        field(dotted)
    except FieldNotFound as exc:
        raise ScenarioError(f"--set {text!r}: {exc.explain()}") from None


def _set_dotted(data: dict[str, Any], dotted: str, value: Any) -> None:
    *sections, key = dotted.split(".")
    node = data
    for section in sections:
        node = node.setdefault(section, {})
    node[key] = value
