"""What scenario sections share: the case-mix categories, and a field with its unit and source."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ipssim.schema.priors import Prior

OFFENCES = ("violent", "sexual", "arson", "acquisitive", "drugs", "other", "none")
DIAGNOSES = ("psychosis", "bipolar", "depression", "personality")
SECTORS = (
    "retail",
    "hospitality",
    "construction",
    "care",
    "cleaning",
    "manufacturing",
    "office",
    "transport",
)
REGULATED_SECTORS = ("care",)  # roles closed to sexual offences by barring checks

# What a parameter stands on, read from the start of its source: a guess with its reason, a
# value calibrated to published figures (with a prior), or a setting: a choice a user makes
# about the service, population or place simulated, whose source says what the default
# represents. Any other source is a published figure, an IPS principle or the brief's design.
ASSUMPTION = "assumption"
CALIBRATED = "calibrated"
SETTING = "setting"
EVIDENCE = "evidence or design"


def basis(source: str) -> str:
    """What a parameter with this source stands on: ASSUMPTION, CALIBRATED, SETTING or
    EVIDENCE."""
    for kind in (ASSUMPTION, CALIBRATED, SETTING):
        if source.startswith(kind):
            return kind
    return EVIDENCE


def param(
    default: Any,
    unit: str,
    source: str,
    description: str,
    control: dict[str, Any] | None = None,
    prior: Prior | None = None,
    **bounds: Any,
) -> Any:
    """A scenario field with its unit, source and meaning kept beside the default; a
    ``control`` makes it one of the dashboard's controls, a ``prior`` one that calibration
    estimates (its range within the field's bounds, the default inside it)."""
    kept: dict[str, Any] = {"unit": unit, "source": source}
    if control is not None:
        kept["control"] = control
    if prior is not None:
        low, high = bounds.get("ge", -float("inf")), bounds.get("le", float("inf"))
        if not (low <= prior.low and prior.high <= high and prior.contains(default)):
            raise ValueError(
                f"prior on {prior.low:g} to {prior.high:g} must lie within the field's bounds "
                f"{low:g} to {high:g} and hold its default {default!r}"
            )
        kept["prior"] = prior.kept()
    return Field(default, description=description, json_schema_extra=kept, **bounds)


def control(label: str, low: float = 0.0, high: float = 1.0, step: float = 1.0) -> dict[str, Any]:
    """A dashboard control: its label and, for a number, the slider's range and step (what is
    useful in a training room; the field's own bounds still apply). A switch needs the label."""
    return {"label": label, "low": low, "high": high, "step": step}


class Section(BaseModel):
    """A scenario table: unknown keys refused, frozen once validated, and strict: a switch is
    ``true`` or ``false``, a count a whole number and a rate a number (``3`` is taken for 3.0),
    never text or a switch read as a number."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
