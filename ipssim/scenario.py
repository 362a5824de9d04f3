"""Scenarios: the schema's sections put together, loaded from TOML, overridden and validated.

A scenario is a TOML file whose tables match the sections of ``ipssim.schema``. A file may say
``extends = "base.toml"`` (a path relative to itself, to a .toml file in its own folder tree or
among the shipped ``scenarios/``) and state only what differs.
Unknown keys are refused. ``--set section.key=value`` overrides are applied last.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError, model_validator
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from ipssim.errors import UserError, shown
from ipssim.schema import (
    DIAGNOSES,
    OFFENCES,
    REGULATED_SECTORS,
    SECTORS,
    Clients,
    Clinicians,
    Costs,
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
from ipssim.schema.service import MAX_CLIENT_WEEKS, MIN_MEASURED_WEEKS, UNLIMITED
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
    "overridden",
    "overridden_keys",
    "parse_override",
    "read_toml",
    "referenced",
    "validate",
]


SHIPPED = Path(__file__).resolve().parent.parent / "scenarios"  # what any scenario may extend
BARE_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")  # a --set value taken as text unquoted


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
    costs: Costs = Costs()

    @model_validator(mode="after")
    def _finishes(self) -> Scenario:
        """At most MAX_CLIENT_WEEKS: the clients (a cohort, or a stream's mean intake, over the
        whole horizon when unlimited) times the weeks they are followed, a size measured to
        finish in 10 minutes and 8 GiB; and the warm-up leaves weeks to measure."""
        entry, weeks = self.entry, self.run.horizon_weeks
        if self.run.warmup_weeks > weeks - MIN_MEASURED_WEEKS:
            raise ValueError(
                f"run.warmup_weeks ({self.run.warmup_weeks}) must leave at least "
                f"{MIN_MEASURED_WEEKS} weeks of run.horizon_weeks ({weeks}) to measure"
            )
        intake = weeks if entry.intake_weeks == UNLIMITED else entry.intake_weeks
        clients = entry.cohort_size if entry.mode == "cohort" else entry.arrivals_per_week * intake
        if clients * self.run.horizon_weeks > MAX_CLIENT_WEEKS:
            raise ValueError(
                f"clients x run.horizon_weeks must be at most {MAX_CLIENT_WEEKS:,} client-weeks "
                f"(got {clients:,.0f} x {self.run.horizon_weeks}); a larger run does not finish "
                "in 10 minutes and 8 GiB"
            )
        return self

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
        """A copy with dotted ``section.key`` values changed, validated like a file. The copy
        keeps what was set (by a file, an override or a change) apart from what is the schema's
        default, as the original did, so that a posterior draw replaces defaults only."""
        data = self.model_dump(mode="json", exclude_unset=True)
        for dotted, value in changes.items():
            _set_dotted(data, dotted, value)
        return validate(data, source="changes")


class ScenarioError(UserError):
    """A user's mistake in a scenario or an override: the message says what and where."""


def field(key: str) -> FieldInfo:
    """The scenario field at dotted ``key`` (``section.key``); FieldNotFound says why not."""
    return find(Scenario, key)


def load(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    """Load a scenario file, follow ``extends``, apply ``section.key=value`` overrides, validate.

    The file (with what it extends) is validated before the overrides are applied, so a
    mistake is reported where it is: in the file, in the file it extends, or in ``--set``.
    """
    path = Path(path)
    data = _read_with_parents(path, seen=())
    data.setdefault("name", path.stem)
    return overridden(data, str(path), overrides)


def overridden(
    data: dict[str, Any], source: str, overrides: list[str] | tuple[str, ...] = ()
) -> Scenario:
    """Validate scenario ``data`` read from ``source``, then apply ``section.key=value``
    overrides and validate again, reporting a mistake in an override against ``--set``."""
    scenario = validate(data, source=source)
    if not overrides:
        return scenario
    texts: dict[str, str] = {}
    for text in overrides:
        dotted, value = parse_override(text)
        _check_dotted(dotted, text)
        _set_dotted(data, dotted, value)
        texts[dotted] = text
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(
            "\n".join(_override_error(err, texts) for err in exc.errors())
        ) from None


def validate(data: dict[str, Any], source: str) -> Scenario:
    """Validate a scenario dictionary, turning pydantic's errors into one clear message."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        lines = (describe(err, source, Scenario, "scenario") for err in exc.errors())
        raise ScenarioError("\n".join(lines)) from None


def overridden_keys(overrides: list[str] | tuple[str, ...]) -> set[str]:
    """The keys that ``section.key=value`` overrides set."""
    return {parse_override(text)[0] for text in overrides}


def parse_override(text: str) -> tuple[str, Any]:
    """Split ``section.key=value``; the value is read as TOML (``true``, ``0.5``, ``"x"``,
    ``[1, 2]``), or taken as text when it is one bare word (``cohort``). Nothing is converted
    afterwards: ``3`` is a whole number, ``3.0`` a number, ``yes`` the text "yes"; the schema
    then accepts only a value of the field's own type (a whole number is taken for a number)."""
    if "=" not in text:
        raise ScenarioError(
            f"--set {shown(text)}: expected section.key=value, for example "
            "--set service.caseload_cap=30"
        )
    dotted, raw = (part.strip() for part in text.split("=", 1))
    try:
        return dotted, tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        if BARE_WORD.fullmatch(raw):
            return dotted, raw
        raise ScenarioError(
            f"--set {shown(text)}: the value is not a TOML value; write true or false, a "
            'number, or text in quotes ("cohort")'
        ) from None
    except RecursionError:
        raise ScenarioError(f"--set {shown(text)}: the value is nested too deeply") from None


def read_toml(path: Path, kind: str) -> dict[str, Any]:
    """The tables of a TOML file, or a ScenarioError naming the file and what is wrong."""
    try:
        if not path.is_file():
            raise ScenarioError(f"{path}: no such {kind} file")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not a text file (TOML must be UTF-8)") from None
    except (OSError, ValueError) as exc:  # unreadable, or a name the system refuses
        raise ScenarioError(f"{shown(str(path))}: cannot read the {kind} file ({exc})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ScenarioError(f"{path}: not valid TOML: arrays or tables nested too deeply") from None


def _read_with_parents(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    resolved = path.resolve()
    if resolved in seen:
        chain = " -> ".join(str(p) for p in (*seen, resolved))
        raise ScenarioError(f"{path}: extends: the files extend each other in a loop ({chain})")
    data = read_toml(path, "scenario")
    parent = data.pop("extends", None)
    _check_keys(data, Scenario, "", str(path))
    if parent is None:
        return data
    target = referenced(path, parent, "extends")
    base = _read_with_parents(target, (*seen, resolved))
    try:
        validate({"name": target.stem, **base}, str(target))
    except ScenarioError as exc:  # the extended file is refused on its own, naming who extends it
        lines = (f"{line} (extended by {path})" for line in str(exc).splitlines())
        raise ScenarioError("\n".join(lines)) from None
    own = {k: v for k, v in base.items() if k not in ("name", "description")}  # not inherited
    return _merge(own, data)


def referenced(path: Path, name: object, key: str) -> Path:
    """The scenario file that ``key`` in file ``path`` names (``extends`` of a scenario, ``base``
    of a sweep): a ``.toml`` file, its name relative to ``path``'s folder, in that folder's tree
    or among the shipped scenarios. It is checked before it is read, so no message shows
    anything of another file; a mistake is reported against ``path`` and ``key``."""
    where = f"{path}: {key}"
    if not isinstance(name, str) or not name.endswith(".toml") or "\0" in name:
        raise ScenarioError(
            f"{where}: expected the name of a .toml file in quotes, got {shown(name)}"
        )
    target = path.parent / name
    try:
        inside = target.resolve()
    except (OSError, ValueError, RuntimeError):  # a name the system refuses, a symlink loop
        raise ScenarioError(f"{where}: {shown(name)} is not a usable file name") from None
    roots = (path.parent.resolve(), SHIPPED.resolve())
    if not any(inside.is_relative_to(root) for root in roots):
        raise ScenarioError(
            f"{where}: {shown(name)} is outside this file's folder and the shipped "
            f"scenarios; {key} may name only .toml files in this file's own folder, its "
            "subfolders or scenarios/"
        )
    try:
        found = target.is_file()
    except (OSError, ValueError):
        found = False
    if not found:
        raise ScenarioError(
            f"{where}: no such scenario file {shown(name)} (the path is relative to {path.name})"
        )
    return target


def _override_error(err: ErrorDetails, texts: dict[str, str]) -> str:
    """A validation error after ``--set``, against the override that caused it."""
    loc = ".".join(str(p) for p in err["loc"])
    text = next(
        (t for dotted, t in texts.items() if dotted.startswith(loc) or loc.startswith(dotted)),
        None,
    )
    source = "--set" if text is None else f"--set {shown(text)}"
    return describe(err, source, Scenario, "scenario")


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
        raise ScenarioError(f"--set {shown(text)}: {exc.explain()}") from None


def _set_dotted(data: dict[str, Any], dotted: str, value: Any) -> None:
    *sections, key = dotted.split(".")
    node = data
    for section in sections:
        node = node.setdefault(section, {})
    node[key] = value
