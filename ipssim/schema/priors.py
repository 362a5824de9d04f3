"""Calibration priors kept beside a parameter: a distribution on a bounded range, and why.

A prior says what is believed about a parameter before calibration: the range from evidence,
or a plausible range where there is none, and the shape within it. ``ipssim.calibration`` turns
these into pyabc's prior; the schema itself needs only their numbers, so they are plain data
that a field keeps in its ``json_schema_extra``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Literal

Kind = Literal["uniform", "loguniform", "beta", "truncnorm"]
KINDS: tuple[Kind, ...] = ("uniform", "loguniform", "beta", "truncnorm")


@dataclass(frozen=True)
class Prior:
    """A distribution on [low, high]: uniform, log-uniform, or a beta or truncated normal with
    the given mean and sd (for a truncated normal, the mean and sd before truncation)."""

    kind: Kind
    low: float
    high: float
    reason: str
    mean: float | None = None
    sd: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"prior kind {self.kind!r}: expected one of {', '.join(KINDS)}")
        if not self.low < self.high:
            raise ValueError(f"prior range {self.low} to {self.high} is empty")
        if self.kind == "loguniform" and self.low <= 0:
            raise ValueError("a log-uniform prior needs a positive lower bound")
        if (self.kind in ("beta", "truncnorm")) != (self.mean is not None and self.sd is not None):
            raise ValueError(f"a {self.kind} prior takes a mean and sd only if beta or truncnorm")
        if self.kind == "beta":
            self._beta_shapes()  # refuses a mean and sd no beta on [low, high] has
        if not self.reason:
            raise ValueError("a prior needs a reason")

    def _beta_shapes(self) -> tuple[float, float]:
        assert self.mean is not None and self.sd is not None
        width = self.high - self.low
        m, v = (self.mean - self.low) / width, (self.sd / width) ** 2
        k = m * (1 - m) / v - 1 if 0 < m < 1 and v > 0 else -1.0
        if k <= 0:
            raise ValueError(
                f"no beta prior on {self.low} to {self.high} has mean {self.mean} and sd {self.sd}"
            )
        return m * k, (1 - m) * k

    def scipy(self) -> tuple[str, tuple[float, ...]]:
        """The scipy.stats distribution's name and positional arguments (as pyabc.RV takes)."""
        width = self.high - self.low
        if self.kind == "uniform":
            return "uniform", (self.low, width)
        if self.kind == "loguniform":
            return "loguniform", (self.low, self.high)
        if self.kind == "beta":
            return "beta", (*self._beta_shapes(), self.low, width)
        assert self.mean is not None and self.sd is not None
        a, b = (self.low - self.mean) / self.sd, (self.high - self.mean) / self.sd
        return "truncnorm", (a, b, self.mean, self.sd)

    def describe(self) -> str:
        """The distribution in words, for tables."""
        span = f"{self.low:g} to {self.high:g}"
        if self.kind == "uniform":
            return f"uniform on {span}"
        if self.kind == "loguniform":
            return f"log-uniform on {span}"
        name = "beta" if self.kind == "beta" else "normal"
        cut = "" if self.kind == "beta" else " truncated"
        return f"{name} (mean {self.mean:g}, sd {self.sd:g}){cut} to {span}"

    def kept(self) -> dict[str, Any]:
        """The prior as plain data, to keep in a field's json_schema_extra."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_kept(cls, data: dict[str, Any]) -> Prior:
        return cls(**data)

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high and math.isfinite(value)


def uniform(low: float, high: float, reason: str) -> Prior:
    return Prior("uniform", low, high, reason)


def loguniform(low: float, high: float, reason: str) -> Prior:
    return Prior("loguniform", low, high, reason)


def beta(mean: float, sd: float, low: float, high: float, reason: str) -> Prior:
    return Prior("beta", low, high, reason, mean, sd)


def truncnorm(mean: float, sd: float, low: float, high: float, reason: str) -> Prior:
    return Prior("truncnorm", low, high, reason, mean, sd)
