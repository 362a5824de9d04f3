"""Scenario discovery: which combinations of levers push a metric past a threshold, by PRIM.

PRIM (the Patient Rule Induction Method of the EMA Workbench, an optional extra:
``pip install -e '.[discovery]'``) finds boxes in the space of a sampled sweep where the points
of interest (each point's mean below or above the threshold) are concentrated. Each box is
reported in plain words with its coverage (the share of all points of interest inside it) and
density (the share of the points inside it that are of interest). On a peeling trajectory the
box kept is the one with the highest coverage among those that restrict at least one and at most
``max_levers`` levers (three by default: a box a planner can act on) and are at least as dense
as ``density``. Each restriction carries PRIM's quasi-p value (how likely so dense a slice would
arise by chance), and each box the Workbench's own figures: the peeling trajectory's trade-off
of coverage against density (``show_tradeoff``, the kept box ringed) and the box's limits
(``inspect``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ipssim.errors import UserError
from ipssim.sweeps import Lever

MIN_COVERAGE = 0.1  # boxes catching fewer of the cases of interest are not reported
MAX_LEVERS = 3  # a box restricts at most this many levers unless asked otherwise


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
    qp: float  # PRIM's quasi-p value of the restriction (the lower of its two sides)

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
    """A PRIM box: its limits, coverage, density and mass (share of all points inside), and the
    Workbench's figures of it by name (``tradeoff``, ``limits``)."""

    limits: tuple[Limit, ...]
    coverage: float
    density: float
    mass: float
    figures: dict[str, Figure] = field(default_factory=dict, compare=False, repr=False)

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
    max_levers: int = MAX_LEVERS,
) -> list[Box]:
    """Boxes of the lever space where ``interesting`` points concentrate, best first, each
    restricting at most ``max_levers`` levers."""
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
            restricted = trajectory["res_dim"]
            fits = trajectory[
                (trajectory["density"] >= density) & (restricted > 0) & (restricted <= max_levers)
            ]
            if fits.empty:
                break
            chosen = int(fits["coverage"].idxmax())
            box.select(chosen)
            if box.coverage < MIN_COVERAGE:
                break
            limits = _limits(box.box_lims[chosen], finder.box_init, levers, box.qp[chosen])
            boxes.append(
                Box(
                    limits,
                    float(box.coverage),
                    float(box.density),
                    float(box.mass),
                    {"tradeoff": _tradeoff(box, chosen), "limits": box.inspect(style="graph")[0]},
                )
            )
    return boxes


def _tradeoff(box, chosen: int) -> Figure:
    """The Workbench's coverage-density trade-off of the peeling trajectory, the kept box
    ringed."""
    fig = box.show_tradeoff()
    ax = fig.axes[0]
    kept = box.peeling_trajectory.iloc[chosen]
    ax.scatter(
        [kept["coverage"]], [kept["density"]], s=220, facecolors="none", edgecolors="#d55e00"
    )
    n = int(kept["res_dim"])
    ax.annotate(
        f"box kept ({n} lever{'s' if n > 1 else ''})",
        (kept["coverage"], kept["density"]),
        xytext=(-12, 12),
        textcoords="offset points",
        ha="right",
    )
    ax.set_title("PRIM peeling: coverage against density")
    return fig


def _limits(
    lims: pd.DataFrame, init: pd.DataFrame, levers: tuple[Lever, ...], qp: dict[str, list[float]]
) -> tuple[Limit, ...]:
    out = []
    for lv in levers:
        p = min((v for v in qp.get(lv.key, ()) if v >= 0), default=float("nan"))
        low, high = lims[lv.key].iloc[0], lims[lv.key].iloc[1]
        full_low, full_high = init[lv.key].iloc[0], init[lv.key].iloc[1]
        if lv.kind is bool:
            if len(low) == 1:
                value = next(iter(low))
                out.append(Limit(lv.key, "bool", bool(value), bool(value), False, True, p))
        elif low > full_low or high < full_high:
            out.append(
                Limit(
                    lv.key,
                    lv.kind.__name__,
                    float(low),
                    float(high),
                    float(full_low),
                    float(full_high),
                    p,
                )
            )
    return tuple(out)
