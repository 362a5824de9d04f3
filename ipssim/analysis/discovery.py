"""Scenario discovery: which combinations of levers push a metric past a threshold, by PRIM.

PRIM (the Patient Rule Induction Method of the EMA Workbench, an optional extra:
``pip install -e '.[discovery]'``) finds boxes in the space of a sampled sweep where the points
of interest (each point's mean below or above the threshold) are concentrated. Each box is
reported in plain words with its coverage (the share of all points of interest inside it) and
density (the share of the points inside it that are of interest). On a peeling trajectory the
box kept is the one with the highest coverage among those that restrict at least one lever and
are at least as dense as ``density``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ipssim.errors import UserError
from ipssim.sweeps import Lever

MIN_COVERAGE = 0.1  # boxes catching fewer of the cases of interest are not reported


class DiscoveryError(UserError):
    """Scenario discovery cannot run: the extra is missing or the data cannot be analysed."""


@dataclass(frozen=True)
class Limit:
    """One restricted lever of a box: ``low <= lever <= high``, or the switch settings kept."""

    lever: str
    kind: str
    low: Any
    high: Any
    full_low: Any
    full_high: Any

    def words(self) -> str:
        name = self.lever.rsplit(".", 1)[-1].replace("_", " ")
        if self.kind == "bool":
            return f"{name} is {'on' if self.low else 'off'}"
        fmt = (lambda v: f"{v:.0f}") if self.kind == "int" else (lambda v: f"{v:.3g}")
        if self.low > self.full_low and self.high < self.full_high:
            return f"{name} is between {fmt(self.low)} and {fmt(self.high)}"
        if self.low > self.full_low:
            return f"{name} > {fmt(self.low)}"
        return f"{name} < {fmt(self.high)}"


@dataclass(frozen=True)
class Box:
    """A PRIM box: its limits, coverage, density and mass (share of all points inside)."""

    limits: tuple[Limit, ...]
    coverage: float
    density: float
    mass: float

    def sentence(self, outcome: str) -> str:
        where = " and ".join(limit.words() for limit in self.limits)
        return (
            f"{outcome} when {where} (coverage {100 * self.coverage:.0f}%, density "
            f"{100 * self.density:.0f}%)"
        )


def load_prim():
    """The EMA Workbench's PRIM, or a clear message on how to install it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from ema_workbench.analysis import prim
    except ImportError:
        raise DiscoveryError(
            "scenario discovery needs the EMA Workbench, an optional extra: "
            "pip install -e '.[discovery]' (or pip install 'ema-workbench>=2.5,"
            "<2.6')"
        ) from None
    return prim


def discover(
    points: pd.DataFrame,
    levers: tuple[Lever, ...],
    interesting: np.ndarray,
    density: float = 0.75,
    max_boxes: int = 3,
) -> list[Box]:
    """Boxes of the lever space where ``interesting`` points concentrate, best first."""
    if interesting.sum() == 0 or interesting.all():
        return []
    prim = load_prim()
    x = pd.DataFrame(
        {lv.key: points[lv.key].astype(bool if lv.kind is bool else float) for lv in levers}
    )  # whole numbers as floats: PRIM pastes half-steps
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        finder = prim.Prim(x, interesting.astype(bool), threshold=density)
        boxes = []
        for _ in range(max_boxes):
            box = finder.find_box()
            if box is None:
                break
            trajectory = box.peeling_trajectory
            dense = trajectory[(trajectory["density"] >= density) & (trajectory["res_dim"] > 0)]
            if dense.empty:
                break
            chosen = int(dense["coverage"].idxmax())
            box.select(chosen)
            if box.coverage < MIN_COVERAGE:
                break
            boxes.append(
                Box(
                    _limits(box.box_lims[chosen], finder.box_init, levers),
                    float(box.coverage),
                    float(box.density),
                    float(box.mass),
                )
            )
    return boxes


def _limits(lims: pd.DataFrame, init: pd.DataFrame, levers: tuple[Lever, ...]) -> tuple[Limit, ...]:
    out = []
    for lv in levers:
        low, high = lims[lv.key].iloc[0], lims[lv.key].iloc[1]
        full_low, full_high = init[lv.key].iloc[0], init[lv.key].iloc[1]
        if lv.kind is bool:
            if len(low) == 1:
                value = next(iter(low))
                out.append(Limit(lv.key, "bool", bool(value), bool(value), False, True))
        elif low > full_low or high < full_high:
            out.append(
                Limit(
                    lv.key,
                    lv.kind.__name__,
                    float(low),
                    float(high),
                    float(full_low),
                    float(full_high),
                )
            )
    return tuple(out)
