"""Levers: the scenario fields a user moves, each described once, from the schema.

A lever's key, type, explanation, unit and bounds come from its field in ``ipssim.schema``. A
field given a ``control(...)`` there is also one of the dashboard's controls (``CONTROLS``),
with the label and slider range it names: adding a control needs the schema only. Sweeps vary
any number or switch (``decode``); the site population draws levers within its own ranges
(``ipssim.sites``), which the tests check against the schema.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ipssim.scenario import Scenario, field
from ipssim.schema.fields import bounds, extra, leaves

KINDS: tuple[type, ...] = (bool, int, float)
DIMENSIONLESS = ("-", "0-1")  # units not written beside a value


class NotALever(LookupError):
    """A scenario field that is neither a number nor a switch, so nothing can move it."""


@dataclass(frozen=True)
class Lever:
    """A scenario field a user can move: ``low`` to ``high`` in ``step`` is the range a control
    offers (the schema's own bounds for a field that is no control; they always apply)."""

    key: str
    kind: type  # bool, int or float, as the schema declares it
    label: str
    explanation: str
    unit: str  # "" when dimensionless
    low: float
    high: float
    step: float

    def value(self, scenario: Scenario) -> Any:
        """The lever's value in ``scenario``."""
        node: Any = scenario
        for part in self.key.split("."):
            node = getattr(node, part)
        return node

    def decode(self, u: np.ndarray, low: Any, high: Any) -> list[Any]:
        """Map uniforms in [0, 1) onto ``low``-``high``: a number is ``low + u (high - low)``;
        a whole number takes each value from ``low`` to ``high`` with equal chance; a switch is
        on when u >= 0.5."""
        if self.kind is bool:
            return [bool(x >= 0.5) for x in u]
        if self.kind is int:
            span = int(high) - int(low) + 1
            return [int(min(int(low) + math.floor(x * span), int(high))) for x in u]
        return [float(low + x * (high - low)) for x in u]


def lever(key: str) -> Lever:
    """The lever at dotted ``key``: FieldNotFound if the schema has no such value, NotALever if
    it is not a number or switch."""
    found = field(key)
    kind = found.annotation
    if kind not in KINDS:
        raise NotALever(f"{key}: not a number or switch that can be moved")
    assert isinstance(kind, type)
    kept = extra(found)
    control = kept.get("control")
    shown: dict[str, Any] = control if isinstance(control, dict) else {}
    low, high = bounds(found)
    unit = str(kept.get("unit", ""))
    return Lever(
        key=key,
        kind=kind,
        label=str(shown.get("label", key.rsplit(".", 1)[-1].replace("_", " ").capitalize())),
        explanation=found.description or "",
        unit="" if unit in DIMENSIONLESS else unit,
        low=float(shown.get("low", -math.inf if low is None else low)),
        high=float(shown.get("high", math.inf if high is None else high)),
        step=float(shown.get("step", 1.0)),
    )


CONTROLS: tuple[Lever, ...] = tuple(
    lever(key) for key, found in leaves(Scenario) if "control" in extra(found)
)  # the dashboard's controls, in schema order
