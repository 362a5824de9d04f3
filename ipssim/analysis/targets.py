"""Targets a planner sets ("waiting_weeks_mean<4") and the smallest staffing that meets them.

A point meets a target "on the mean" when its mean does; it meets it "with confidence" when its
whole 95% interval does (the upper end below a ceiling, the lower end above a floor).
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ipssim.errors import UserError
from ipssim.formatting import fmt

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
}
PATTERN = re.compile(r"^\s*([a-z0-9_]+)\s*(<=|>=|<|>)\s*(-?[0-9.]+(?:e-?[0-9]+)?)\s*$")


class TargetError(UserError):
    """A target the user wrote that cannot be read or does not name a metric of the result."""


@dataclass(frozen=True)
class Target:
    """``metric op value``, for example waiting_weeks_mean < 4."""

    metric: str
    op: str
    value: float

    def __str__(self) -> str:
        return f"{self.metric} {self.op} {self.value:g}"

    def met(self, value: float) -> bool:
        return not math.isnan(value) and OPERATORS[self.op](value, self.value)

    def met_with_confidence(self, low: float, high: float) -> bool:
        """The whole interval on the right side: the conservative reading."""
        return self.met(high) if self.op in ("<", "<=") else self.met(low)


def parse(text: str, metrics: list[str]) -> Target:
    """Read ``metric<value`` (also <=, >, >=); the metric must be one of ``metrics``."""
    match = PATTERN.match(text)
    if not match:
        raise TargetError(
            f"--target {text!r}: expected METRIC<VALUE (or <=, >, >=), for example "
            '--target "waiting_weeks_mean<4" --target "employment_rate>=0.4"'
        )
    metric, op, value = match.groups()
    if metric not in metrics:
        raise TargetError(
            f"--target {text!r}: {metric} is not a metric of this result; allowed: "
            + ", ".join(metrics)
        )
    return Target(metric, op, float(value))


def assess(
    summary: pd.DataFrame, levers: list[str], targets: list[Target], shown: tuple[str, ...] = ()
) -> pd.DataFrame:
    """One row per point: lever values, the mean and interval of each target's metric (and of
    the ``shown`` metrics), and whether the targets are met."""
    table = summary.pivot_table(
        index=["point", *levers],
        columns="metric",
        values=["mean", "ci_low", "ci_high"],
        dropna=False,
    )
    out = table.index.to_frame(index=False)
    meets = pd.Series(True, index=out.index)
    sure = pd.Series(True, index=out.index)
    for metric in dict.fromkeys([*(t.metric for t in targets), *shown]):
        for stat in ("mean", "ci_low", "ci_high"):
            out[metric if stat == "mean" else f"{metric} {stat}"] = table[(stat, metric)].to_numpy()
    for target in targets:
        mean = out[target.metric].to_numpy()
        low = out[f"{target.metric} ci_low"].to_numpy()
        high = out[f"{target.metric} ci_high"].to_numpy()
        meets &= pd.Series([target.met(m) for m in mean])
        sure &= pd.Series(
            [target.met_with_confidence(lo, hi) for lo, hi in zip(low, high, strict=True)]
        )
    out["meets"] = meets
    out["meets_with_confidence"] = sure
    return out


def smallest(assessed: pd.DataFrame, minimise: str, levers: list[str]) -> pd.DataFrame:
    """For each combination of the other levers, the point with the smallest ``minimise`` that
    meets every target on the mean (its row of ``assessed``; NaN where none does), and the
    smallest that meets them with confidence."""
    others = [lv for lv in levers if lv != minimise]
    groups = assessed.groupby(others, sort=True) if others else [((), assessed)]
    mean_col = f"smallest {minimise} (on the mean)"
    sure_col = f"smallest {minimise} (with confidence)"
    rows = []
    for keys, group in groups:
        keys = keys if isinstance(keys, tuple) else (keys,)
        ok = group[group["meets"]].sort_values(minimise)
        row = ok.iloc[0].to_dict() if len(ok) else dict(zip(others, keys, strict=True))
        row[mean_col] = ok[minimise].iloc[0] if len(ok) else float("nan")
        sure = group.loc[group["meets_with_confidence"], minimise]
        row[sure_col] = sure.min() if len(sure) else float("nan")
        rows.append(row)
    return pd.DataFrame(rows)


def headline(
    best: pd.DataFrame,
    minimise: str,
    levers: list[str],
    targets: list[Target],
    assessed: pd.DataFrame,
) -> str:
    """Every target, then the smallest value over every group meeting them all on the mean and
    with confidence; where no point does, the target out of reach and the best value reached."""
    others = [lv for lv in levers if lv != minimise]
    name = _name(minimise)
    parts = ["Targets: " + "; ".join(str(t) for t in targets) + "."]
    for label in ("on the mean", "with confidence"):
        column = best[f"smallest {minimise} ({label})"]
        if column.isna().all():
            parts.append(
                f"No point meets every target {label}"
                + _out_of_reach(assessed, targets, levers, label)
            )
            continue
        low = column.min()
        where = best[column == low]
        if len(others) == 1:
            values = [str(v) for v in where[others[0]]]
            listed = ", ".join(values[:-1]) + (" or " if len(values) > 1 else "") + values[-1]
            settings = f"{_name(others[0])} {listed}"
        else:
            settings = "; ".join(
                ", ".join(f"{_name(o)} {r[o]}" for o in others) for _, r in where.iterrows()
            )
        parts.append(
            f"Smallest {name} meeting every target {label}: {low:g}"
            + (f" (at {settings})." if settings else ".")
        )
    return " ".join(parts)


def _out_of_reach(
    assessed: pd.DataFrame, targets: list[Target], levers: list[str], label: str
) -> str:
    """Which targets no point meets (on the mean, or with confidence) and the best value any
    point reached; or that each is met somewhere but never all together."""
    missed = []
    for target in targets:
        low, high = assessed[f"{target.metric} ci_low"], assessed[f"{target.metric} ci_high"]
        if label == "on the mean":
            ok = assessed[target.metric].map(target.met)
        else:
            ok = pd.Series(
                [target.met_with_confidence(lo, hi) for lo, hi in zip(low, high, strict=True)],
                index=assessed.index,
            )
        if ok.any():
            continue
        down = target.op in ("<", "<=")
        reached = assessed[target.metric] if label == "on the mean" else (high if down else low)
        values = reached.to_numpy(dtype=float)
        at = int(np.nanargmin(values) if down else np.nanargmax(values))
        point = assessed.iloc[at]
        where = ", ".join(f"{_name(lv)} {point[lv]:g}" for lv in levers)
        bound = "" if label == "on the mean" else (" (upper end)" if down else " (lower end)")
        missed.append(
            f"{target} is out of reach, best{bound} {fmt(target.metric, values[at])} at {where}"
        )
    if not missed:
        return ": each target is met at some point, but never all at once."
    return ": " + "; ".join(missed) + "."


def _name(lever: str) -> str:
    return lever.rsplit(".", 1)[-1].replace("_", " ")
