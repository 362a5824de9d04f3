"""Time-course figures and files: each curve's mean with its 95% band, one or more scenarios.

The tables come from ``ipssim.timecourse.tables``; this module only draws and writes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from ipssim.fidelity import BANDS
from ipssim.figures import new_figure, save_figure, series_style

BAND_ALPHA = 0.18
MARKS_PER_LINE = 8  # markers keep series apart in greyscale without hiding the line


@dataclass(frozen=True)
class Layout:
    """What one figure shows: its title, axes and the measures drawn (with legend labels)."""

    title: str
    xlabel: str
    ylabel: str
    measures: dict[str, str]
    share: bool


LAYOUTS = {
    "first_job": Layout(
        "First competitive job",
        "weeks since entry (or release)",
        "clients with a first job",
        {"first_job": "first job"},
        True,
    ),
    "retention": Layout(
        "Job retention after the first job",
        "weeks since the first job began",
        "workers",
        {"in_first_job": "still in first job", "in_work": "in any job"},
        True,
    ),
    "weeks_worked": Layout(
        "Weeks worked after the first job",
        "weeks since the first job began",
        "weeks worked per year",
        {"weeks_worked_per_year": "weeks worked"},
        False,
    ),
    "first_reoffence": Layout(
        "First proven reoffence",
        "weeks since entry (or release)",
        "clients who reoffended",
        {"first_reoffence": "reoffended"},
        True,
    ),
    "waiting_list": Layout(
        "Waiting list", "week", "clients waiting for a place", {"waiting": "waiting"}, False
    ),
}


CALENDAR = ("waiting_list",)  # curves by week of the run, where a warm-up can be shown


def plot(
    curve: str, tables: Mapping[str, pd.DataFrame], warmup_weeks: int = 0
) -> tuple[Figure, Axes]:
    """A figure of one curve for several scenarios (``{label: pooled table}``): each mean with
    its 95% band, and on a curve by week of the run the warm-up shaded (``warmup_weeks``).
    Returns the figure and axes, so a caller can add to them before saving."""
    layout = LAYOUTS[curve]
    fig, ax = new_figure()
    if warmup_weeks and curve in CALENDAR:
        ax.axvspan(0, warmup_weeks, color="grey", alpha=BAND_ALPHA, label="warm-up (not measured)")
    scale = 100.0 if layout.share else 1.0
    series = [
        (label, measure, name) for label in tables for measure, name in layout.measures.items()
    ]
    for i, (label, measure, name) in enumerate(series):
        table = tables[label]
        rows = table[table["measure"] == measure].dropna(subset=["mean"])
        style = series_style(i)
        legend = label if len(layout.measures) == 1 else f"{label}: {name}"
        ax.plot(
            rows["week"],
            scale * rows["mean"],
            label=legend,
            markevery=max(1, len(rows) // MARKS_PER_LINE),
            **style,
        )
        ax.fill_between(
            rows["week"],
            scale * rows["ci_low"],
            scale * rows["ci_high"],
            color=style["color"],
            alpha=BAND_ALPHA,
            linewidth=0,
        )
    ax.set_title(layout.title)
    ax.set_xlabel(layout.xlabel)
    ax.set_ylabel(layout.ylabel)
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    if layout.share:
        ax.set_ylim(top=100)
        ax.yaxis.set_major_formatter(PercentFormatter())
    ax.legend(title="mean, 95% interval", loc="best")
    return fig, ax


def fidelity_course(table: pd.DataFrame, label: str) -> Figure:
    """The fidelity total's course (``week``, ``mean``, ``ci_low``, ``ci_high``: one review
    every few weeks) with its 95% band, against the scale's bands."""
    fig, ax = new_figure()
    style = series_style(0)
    ax.plot(table["week"], table["mean"], label=label, **style)
    ax.fill_between(
        table["week"],
        table["ci_low"],
        table["ci_high"],
        color=style["color"],
        alpha=BAND_ALPHA,
        linewidth=0,
    )
    for floor, name in BANDS[:-1]:
        ax.axhline(floor, color="grey", linestyle=":", linewidth=1)
        ax.annotate(name, (0, floor), xytext=(2, 2), textcoords="offset points", fontsize=9)
    ax.set_title("Fidelity review over time")
    ax.set_xlabel("week reviewed")
    ax.set_ylabel("fidelity total (25-125)")
    ax.set_xlim(left=0)
    ax.set_ylim(25, 125)
    ax.legend(title="mean, 95% interval", loc="lower right")
    return fig


def draw(
    curve: str,
    tables: Mapping[str, pd.DataFrame],
    manifest: dict[str, Any],
    path: Path,
    warmup_weeks: int = 0,
) -> Path:
    """Save one curve of several scenarios as a figure carrying the manifest."""
    fig, _ = plot(curve, tables, warmup_weeks)
    return save_figure(fig, path, manifest)


def write(
    folder: Path,
    tables: Mapping[str, pd.DataFrame],
    manifest: dict[str, Any],
    label: str,
    warmup_weeks: int = 0,
) -> None:
    """Write ``timecourse_<curve>.csv`` and ``timecourse_<curve>.png`` for each curve, the
    warm-up shaded on curves by week of the run."""
    for curve, table in tables.items():
        table.to_csv(folder / f"timecourse_{curve}.csv", index=False)
        draw(curve, {label: table}, manifest, folder / f"timecourse_{curve}.png", warmup_weeks)
