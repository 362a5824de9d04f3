"""Finding a field of a schema by its dotted key (``section.key``), walking every field, and
one way of saying what is wrong with a file checked against a schema.

Scenarios and sweep files both use these, so an unknown key, a section named where a value is
wanted, or a value out of range reads the same whichever file it is in.
"""

from __future__ import annotations

import difflib
import typing
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from ipssim.errors import SHOWN_CHARS, shown
from ipssim.schema.priors import Prior


class FieldNotFound(LookupError):
    """A dotted key that names no value of the schema.

    ``reason`` is ``"unknown"`` (``at`` is no field; ``allowed`` are the keys there),
    ``"value"`` (``at`` is a value, so it has no keys) or ``"section"`` (``at`` is a whole
    section; ``allowed`` are its keys).
    """

    def __init__(
        self,
        dotted: str,
        at: str,
        reason: Literal["unknown", "value", "section"],
        allowed: list[str],
    ) -> None:
        self.dotted, self.at, self.reason, self.allowed = dotted, at, reason, allowed
        super().__init__(self.explain())

    def explain(self) -> str:
        """What is wrong, beginning with the key, for a message that says where."""
        if self.reason == "unknown":
            return unknown_key(self.at, self.allowed)
        if self.reason == "value":
            return f"{self.at} is a value, not a section"
        return f"{self.dotted} is a section; name one of its keys: {', '.join(self.allowed)}"


def section_of(annotation: Any) -> type[BaseModel] | None:
    """The section a field holds (``Section`` or ``Section | None``), or None for a value."""
    for kind in (annotation, *typing.get_args(annotation)):
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            return kind
    return None


def find(model: type[BaseModel], dotted: str) -> FieldInfo:
    """The value field of ``model`` at ``dotted``, or FieldNotFound saying why there is none."""
    parts = dotted.split(".")
    for i, part in enumerate(parts):
        field = model.model_fields.get(part)
        at = ".".join(parts[: i + 1])
        if field is None:
            raise FieldNotFound(dotted, at, "unknown", list(model.model_fields))
        section = section_of(field.annotation)
        if i == len(parts) - 1:
            if section is not None:
                raise FieldNotFound(dotted, at, "section", list(section.model_fields))
            return field
        if section is None:
            raise FieldNotFound(dotted, at, "value", [])
        model = section
    raise AssertionError("unreachable: a split string has a last part")


def leaves(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, FieldInfo]]:
    """Every value field of ``model`` as (dotted key, field), in schema order."""
    for name, field in model.model_fields.items():
        section = section_of(field.annotation)
        if section is None:
            yield prefix + name, field
        else:
            yield from leaves(section, f"{prefix}{name}.")


def bounds(field: FieldInfo) -> tuple[Any, Any]:
    """The field's (ge, le) bounds; None where it has none."""
    low = high = None
    for meta in field.metadata:
        low = getattr(meta, "ge", low)
        high = getattr(meta, "le", high)
    return low, high


def extra(field: FieldInfo) -> dict[str, Any]:
    """What ``schema.param`` keeps beside a field (unit, source, control, prior), or nothing."""
    kept = field.json_schema_extra
    return kept if isinstance(kept, dict) else {}


def prior(field: FieldInfo) -> Prior | None:
    """The calibration prior ``schema.param`` keeps beside a field, or None."""
    kept = extra(field).get("prior")
    return Prior.from_kept(kept) if kept else None


def priors(model: type[BaseModel]) -> dict[str, Prior]:
    """Every field of ``model`` that has a prior, by dotted key, in schema order."""
    return {key: p for key, field in leaves(model) if (p := prior(field)) is not None}


def unknown_key(dotted: str, allowed: list[str]) -> str:
    """``dotted: unknown key.`` with the nearest allowed key and all of them."""
    near = difflib.get_close_matches(dotted.rsplit(".", 1)[-1][:SHOWN_CHARS], allowed, n=1)
    hint = f" Did you mean {near[0]!r}?" if near else ""
    key = dotted if len(dotted) <= SHOWN_CHARS else shown(dotted)
    return f"{key}: unknown key.{hint} Allowed here: {', '.join(allowed)}"


def describe(err: ErrorDetails, source: str, model: type[BaseModel], whole: str) -> str:
    """One of pydantic's validation errors of a file checked against ``model``, as one line
    that names the file, the field and what is allowed (``whole`` names the file's top)."""
    loc = ".".join(str(p) for p in err["loc"])
    if err["type"] == "extra_forbidden":
        parent = _section_at(model, err["loc"][:-1])
        return f"{source}: {unknown_key(loc, list(parent.model_fields) if parent else [])}"
    got = err.get("input")
    got_text = "" if isinstance(got, dict) or err["type"] == "missing" else f" (got {shown(got)})"
    return f"{source}: {loc or whole}: {err['msg']}{got_text}.{_allowed(model, err['loc'])}"


def _section_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    section: type[BaseModel] | None = model
    for part in loc:
        field = section.model_fields.get(str(part)) if section else None
        section = section_of(field.annotation) if field else None
    return section


def _allowed(model: type[BaseModel], loc: tuple[int | str, ...]) -> str:
    """The allowed values of the value field at ``loc``, as a sentence ("" if unknown)."""
    try:
        field = find(model, ".".join(str(p) for p in loc))
    except FieldNotFound:
        return ""
    low, high = bounds(field)
    unit = extra(field).get("unit", "")
    unit = "" if unit in ("-", "") else f" {unit}"
    if low is not None and high is not None:
        return f" Allowed: {low} to {high}{unit}."
    if field.annotation is bool:
        return " Allowed: true or false."
    if typing.get_origin(field.annotation) is Literal:
        return " Allowed: " + ", ".join(repr(a) for a in typing.get_args(field.annotation)) + "."
    return ""
