"""What scenario sections share: the case-mix categories, and a field with its unit and source."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

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

ASSUMPTION = "assumption"


def param(default: Any, unit: str, source: str, description: str, **bounds: Any) -> Any:
    """A scenario field with its unit, source and meaning kept beside the default."""
    return Field(
        default,
        description=description,
        json_schema_extra={"unit": unit, "source": source},
        **bounds,
    )


class Section(BaseModel):
    """A scenario table: unknown keys refused, frozen once validated."""

    model_config = ConfigDict(extra="forbid", frozen=True)
