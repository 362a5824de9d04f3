"""Figures of the validation report: targets beside simulated intervals, and time courses with
the published figures marked on them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import PercentFormatter

from ipssim.figures import COLOURS, new_figure, save_figure
from ipssim.timecourse_figures import LAYOUTS, plot

PASS, MISS, RANGE = COLOURS[1], COLOURS[2], "#bbbbbb"


@dataclass(frozen=True)
class TimeCourseFigure:
    """A time-course figure of the report: which curve, which scenarios, which published
    ranges to mark (week, low, high) and its caption."""

    file: str
    curve: str
    scenarios: tuple[str, ...]
    targets: tuple[tuple[float, float, float], ...]
    caption: str


def targets_figure(path: Path, checks: list, manifest: dict) -> tuple[str, str]:
    """Each share-like target's published range (grey bar) beside the simulated mean and its
    95% interval (blue if inside, orange if not)."""
    fig, ax = new_figure(9.0, 0.45 * len(checks) + 1.6)
    for y, check in enumerate(reversed(checks)):
        ax.plot(
            [100 * check.low, 100 * check.high],
            [y, y],
            color=RANGE,
            linewidth=9,
            solid_capstyle="butt",
        )
        colour = PASS if check.inside else MISS
        if not math.isnan(check.ci_low):
            ax.plot([100 * check.ci_low, 100 * check.ci_high], [y, y], color=colour, linewidth=2)
        ax.plot(
            [100 * check.mean],
            [y],
            marker="o" if check.inside else "X",
            color=colour,
            markersize=8,
            linestyle="none",
        )
    ax.set_yticks(range(len(checks)))
    ax.set_yticklabels([f"{c.scenario}: {c.metric}" for c in reversed(checks)], fontsize=9)
    ax.xaxis.set_major_formatter(PercentFormatter())
    ax.set_xlim(0, 100)
    ax.set_title("Calibration targets: published range and simulated mean")
    ax.legend(
        handles=[
            Line2D([], [], color=RANGE, linewidth=9, label="published range"),
            Line2D([], [], color=PASS, marker="o", label="simulated, inside"),
            Line2D([], [], color=MISS, marker="X", linestyle="none", label="simulated, outside"),
        ],
        loc="lower right",
        fontsize=9,
    )
    save_figure(fig, path, manifest)
    return path.name, (
        "Calibration targets (shares): the grey bar is the published range, the "
        "point the simulated mean with its 95% interval across replications."
    )


def time_course_figure(
    path: Path, spec: TimeCourseFigure, tables: dict[str, pd.DataFrame], manifest: dict
) -> tuple[str, str]:
    """A time-course figure with each published range drawn as a bar at its follow-up week."""
    fig, ax = plot(spec.curve, tables)
    scale = 100.0 if LAYOUTS[spec.curve].share else 1.0
    for i, (week, low, high) in enumerate(spec.targets):
        ax.plot(
            [week, week],
            [scale * low, scale * high],
            color="black",
            linewidth=5,
            alpha=0.45,
            solid_capstyle="butt",
            label="published range" if i == 0 else None,
        )
    if spec.targets:
        ax.legend(title="mean, 95% interval", loc="best")
    save_figure(fig, path, manifest)
    return path.name, spec.caption
