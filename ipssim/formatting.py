"""Figures for people: percentages, money, intervals, and JSON without NaN (used by the CLI,
reports, plots and experiments alike)."""

from __future__ import annotations

import math
from typing import Any


def is_share(name: str) -> bool:
    """Metrics that are proportions, shown as percentages."""
    return "_rate" in name or name.endswith(("_share", "_use"))


def is_money(name: str) -> bool:
    """Metrics in pounds."""
    return "cost" in name


def fmt(name: str, value: float) -> str:
    """One figure of metric ``name``, in its natural unit."""
    if value is None or math.isnan(value):
        return "-"
    if is_share(name):
        return f"{100 * value:.1f}%"
    if is_money(name):
        return f"£{value:,.0f}"
    return f"{value:,.1f}"


def fmt_diff(name: str, mean: float, low: float, high: float) -> str:
    """A difference with its interval: points for shares, units otherwise."""
    if math.isnan(mean):
        return "-"
    scale, unit = (100, " pts") if is_share(name) else (1, "")
    return f"{scale * mean:+,.1f}{unit} ({scale * low:+,.1f} to {scale * high:+,.1f})"


def clean(value: Any) -> Any:
    """JSON has no NaN: undefined figures (no one employed, say) become null."""
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
