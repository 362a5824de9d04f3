"""Figures for people: each metric in its kind's form (percentages, pounds, numbers), intervals,
and JSON without NaN; used by the CLI, reports, plots and experiments alike."""

from __future__ import annotations

import math
from typing import Any

from ipssim.metrics import metric


def fmt(name: str, value: float | None) -> str:
    """One figure of metric ``name``, in its natural unit."""
    if value is None or math.isnan(value):
        return "-"
    kind = metric(name).kind
    if kind == "share":
        return f"{100 * value:.1f}%"
    if kind == "money":
        return f"£{value:,.0f}"
    return f"{value:,.1f}"


def fmt_interval(name: str, low: float, high: float) -> str:
    """An interval of metric ``name``, or a dash where there is none (one replication)."""
    if math.isnan(low) or math.isnan(high):
        return "-"
    return f"{fmt(name, low)} to {fmt(name, high)}"


def fmt_diff(name: str, mean: float, low: float, high: float) -> str:
    """A difference with its interval: points for shares, units otherwise."""
    if math.isnan(mean):
        return "-"
    scale, unit = (100, " pts") if metric(name).kind == "share" else (1, "")
    if math.isnan(low) or math.isnan(high):
        return f"{scale * mean:+,.1f}{unit} (-)"
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
