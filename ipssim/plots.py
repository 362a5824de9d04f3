"""Figures of result folders: sweeps against their levers, sensitivity indices, a run's funnel
and its breakdowns by offence and diagnosis, a comparison's paired differences. Every interval
drawn is a 95% interval.

Each function returns a matplotlib figure in the house style of ``ipssim.figures``; ``figures``
picks the ones that suit a folder. Saving (with the manifest in the metadata) is the caller's.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from ipssim import metrics
from ipssim.analysis.targets import Target
from ipssim.experiment import differences
from ipssim.figures import STYLE, new_figure, save_figure, series_style
from ipssim.outcomes import BREAKDOWNS, HEADLINE
from ipssim.result_folder import ResultFolder

HATCHES = ("", "///", "...", "xx")
INTERVAL_NOTE = "bars: 95% intervals"


def styled(draw: Callable[..., Figure]) -> Callable[..., Figure]:
    """Draw the whole figure in the house style (font sizes and line widths apply when each
    element is drawn, not only when the figure is made)."""

    @functools.wraps(draw)
    def wrapper(*args, **kwargs) -> Figure:
        with plt.rc_context(STYLE):
            return draw(*args, **kwargs)

    return wrapper


def metric_label(metric: str) -> str:
    """What ``metric`` means, from its record."""
    return metrics.metric(metric).description


def lever_label(lever: str) -> str:
    """``service.caseload_cap`` -> ``caseload cap``."""
    return lever.rsplit(".", 1)[-1].replace("_", " ")


def _is_share(metric: str) -> bool:
    return metrics.metric(metric).kind == "share"


def _format_axis(ax, metric: str) -> None:
    kind = metrics.metric(metric).kind
    if kind == "share":
        # enough decimals that neighbouring ticks differ: a near-constant rate (0.955 to 0.962)
        # is not labelled 96%, 96%, 96%
        low, high = ax.get_ylim()
        span = abs(high - low)
        decimals = 0 if span >= 0.05 else 1 if span >= 0.005 else 2
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=decimals))
    elif kind == "money":
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"£{v:,.0f}"))


@styled
def sweep_lines(
    summary: pd.DataFrame,
    levers: Sequence[str],
    metric: str,
    reps: int,
    targets: Sequence[Target] = (),
) -> Figure:
    """``metric`` against the first lever, one line per combination of the others (dodged
    sideways a little so that their error bars do not hide each other)."""
    x, others = levers[0], list(levers[1:])
    data = summary[summary["metric"] == metric]
    fig, ax = new_figure()
    groups = list(data.groupby(others, sort=True)) if others else [((), data)]
    xs = np.sort(data[x].astype(float).unique())
    step = np.diff(xs).min() if len(xs) > 1 else 1.0
    for i, (keys, group) in enumerate(groups):
        keys = keys if isinstance(keys, tuple) else (keys,)
        group = group.sort_values(x)
        label = (
            ", ".join(f"{lever_label(k)} {v}" for k, v in zip(others, keys, strict=True)) or None
        )
        err = np.vstack([group["mean"] - group["ci_low"], group["ci_high"] - group["mean"]])
        dodge = (i - (len(groups) - 1) / 2) * 0.3 * step / max(1, len(groups) - 1)
        ax.errorbar(
            group[x].astype(float) + dodge,
            group["mean"],
            yerr=np.nan_to_num(err),
            capsize=3,
            label=label,
            **series_style(i),
        )
    for target in targets:
        if target.metric == metric:
            _threshold(ax, target)
    if all(float(v).is_integer() for v in xs):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(lever_label(x))
    ax.set_ylabel(metrics.metric(metric).label)
    ax.set_title(
        f"{_sentence(metric_label(metric))}\n({INTERVAL_NOTE}, {reps} replications per point)",
        fontsize=12,
    )
    _format_axis(ax, metric)
    if others:
        ax.legend(loc="best", frameon=True, fontsize=10)
    return fig


def _threshold(ax, target: Target) -> None:
    """The target drawn as a dashed line, labelled."""
    shown = f"{100 * target.value:g}%" if _is_share(target.metric) else f"{target.value:g}"
    ax.axhline(target.value, color="#555555", linestyle=(0, (6, 3)), linewidth=1.6)
    ax.annotate(
        f"target {target.op} {shown}",
        (0.99, target.value),
        xycoords=("axes fraction", "data"),
        ha="right",
        va="bottom",
        fontsize=11,
        color="#333333",
        backgroundcolor="white",
    )


@styled
def plan_targets(
    summary: pd.DataFrame,
    team: str,
    cap: str,
    targets: Sequence[Target],
    chosen: dict[int, int | None],
    reps: int,
) -> Figure:
    """One panel per target: its metric against the team size ``team`` (mean and 95% interval,
    one line per caseload ``cap``), the threshold as a dashed line, and the team the plan chose
    for each cap (``chosen``, None where none meets the targets) ringed."""
    fig, axes = plt.subplots(
        len(targets), 1, figsize=(8.0, 3.6 * len(targets)), squeeze=False, sharex=True
    )
    for ax, target in zip(axes[:, 0], targets, strict=True):
        data = summary[summary["metric"] == target.metric]
        for i, value in enumerate(sorted(int(c) for c in data[cap].unique())):
            group = data[data[cap] == value].sort_values(team)
            err = np.vstack([group["mean"] - group["ci_low"], group["ci_high"] - group["mean"]])
            style = series_style(i)
            ax.errorbar(
                group[team].astype(float),
                group["mean"],
                yerr=np.nan_to_num(err),
                capsize=3,
                label=f"{lever_label(cap)} {value}",
                **style,
            )
            best = group[group[team] == chosen.get(value)]
            ax.plot(
                best[team].astype(float),
                best["mean"],
                linestyle="none",
                marker="o",
                markersize=16,
                markerfacecolor="none",
                markeredgecolor=style["color"],
                markeredgewidth=2.5,
                label=f"chosen team, {lever_label(cap)} {value}" if len(best) else None,
            )
        _threshold(ax, target)
        ax.set_ylabel(metrics.metric(target.metric).label)
        ax.set_title(f"Target {target}", fontsize=12)
        _format_axis(ax, target.metric)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(loc="best", frameon=True, fontsize=9)
    axes[-1, 0].set_xlabel(f"{lever_label(team)} ({INTERVAL_NOTE}, {reps} replications each)")
    fig.tight_layout()
    return fig


@styled
def sample_scatter(summary: pd.DataFrame, levers: Sequence[str], metric: str) -> Figure:
    """Each sampled point's mean of ``metric`` against each lever (one panel per lever)."""
    data = summary[summary["metric"] == metric]
    cols = min(3, len(levers))
    rows = -(-len(levers) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.4 * rows), squeeze=False)
    for ax in axes.flat[len(levers) :]:
        ax.set_visible(False)
    for ax, lever in zip(axes.flat, levers, strict=True):
        values = data[lever].astype(float)
        ax.scatter(values, data["mean"], s=14, color="#1b1b1b", alpha=0.6)
        ax.set_xlabel(lever_label(lever))
        _format_axis(ax, metric)
    fig.suptitle(f"{_sentence(metric_label(metric))}: mean of each sampled point")
    fig.tight_layout()
    return fig


@styled
def sensitivity_bars(indices: pd.DataFrame, metric: str, method: str) -> Figure:
    """Levers ranked by their index for ``metric``, with SALib's 95% confidence intervals."""
    data = indices[indices["metric"] == metric]
    shown = ("mu_star",) if method == "morris" else ("ST", "S1")
    names = {
        "mu_star": "Morris mu* (effect over the lever's range)",
        "ST": "total-order Sobol index",
        "S1": "first-order Sobol index",
    }
    first = data[data["index"] == shown[0]].sort_values("value")
    order = list(first["lever"])
    fig, ax = new_figure(8.5, max(3.5, 0.55 * len(order) + 1.5))
    height = 0.8 / len(shown)
    for j, index in enumerate(shown):
        rows = data[data["index"] == index].set_index("lever").reindex(order)
        y = np.arange(len(order)) + (j - (len(shown) - 1) / 2) * height
        style = series_style(j + 1)
        ax.barh(
            y,
            rows["value"],
            height=height,
            xerr=rows["conf"].fillna(0),
            capsize=3,
            color=style["color"],
            hatch=HATCHES[j],
            edgecolor="black",
            label=names[index],
            error_kw={"ecolor": "black", "elinewidth": 1.4},
        )
    ax.set_yticks(np.arange(len(order)), [lever_label(lv) for lv in order])
    ax.set_xlabel(names[shown[0]] if len(shown) == 1 else "Sobol index")
    ax.set_title(
        f"What moves the {metric.replace('_', ' ')}\n({method}; whiskers: 95% intervals)",
        fontsize=12,
    )
    if len(shown) > 1:
        ax.legend(loc="lower right")
    ax.grid(axis="y", alpha=0)
    return fig


@styled
def funnel_bars(funnel: pd.DataFrame) -> Figure:
    """Clients reaching each stage of the referral funnel: mean per run with 95% interval."""
    from ipssim.experiment import interval

    stages = [c for c in funnel.columns if c != "rep"]
    stats = [interval(funnel[s].to_numpy(), bounds=(0.0, np.inf)) for s in stages]
    fig, ax = new_figure()
    means = [m for m, _, _ in stats]
    err = np.array([[m - lo for m, lo, _ in stats], [hi - m for m, _, hi in stats]])
    ax.bar(
        range(len(stages)),
        means,
        yerr=np.nan_to_num(err),
        capsize=5,
        color="#0072b2",
        edgecolor="black",
    )
    ax.set_xticks(
        range(len(stages)), [s.replace("_", " ") for s in stages], rotation=30, ha="right"
    )
    ax.set_ylabel("clients per run")
    ax.set_title(f"Referral funnel ({INTERVAL_NOTE}, {len(funnel)} replications)", fontsize=12)
    return fig


@styled
def breakdown_bars(table: pd.DataFrame, trait: str) -> Figure:
    """Employment and 12-month reoffending by a client trait, mean over replications (95%)."""
    from ipssim.experiment import interval

    table = table[table["clients"] > 0]
    groups = list(dict.fromkeys(table[trait]))
    fig, ax = new_figure()
    width = 0.38
    for j, metric in enumerate(("employment_rate", "reoffending_rate_12m")):
        stats = [
            interval(table.loc[table[trait] == g, metric].to_numpy(), bounds=(0.0, 1.0))
            for g in groups
        ]
        means = np.array([m for m, _, _ in stats])
        err = np.array([[m - lo for m, lo, _ in stats], [hi - m for m, _, hi in stats]])
        style = series_style(j + 1)
        ax.bar(
            np.arange(len(groups)) + (j - 0.5) * width,
            means,
            width,
            yerr=np.nan_to_num(err),
            capsize=4,
            color=style["color"],
            hatch=HATCHES[j + 1],
            edgecolor="black",
            label=metric_label(metric),
        )
    ax.set_xticks(range(len(groups)), groups)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_title(f"By {BREAKDOWNS[trait][1]} ({INTERVAL_NOTE})", fontsize=12)
    ax.legend(loc="upper right", fontsize=10)
    return fig


@styled
def compare_forest(table: pd.DataFrame) -> Figure:
    """Paired differences from the first scenario in the rates, percentage points with 95%."""
    diffs = differences(table)
    rates = [m for m in HEADLINE if _is_share(m) and m in table.index]
    fig, ax = new_figure(9, 1.2 + 0.55 * len(rates) * max(1, len(diffs)))
    for j, diff in enumerate(diffs):
        y = np.arange(len(rates)) + j * 0.8 / max(1, len(diffs))
        mean = 100 * table.loc[rates, diff].to_numpy(dtype=float)
        low = 100 * table.loc[rates, f"{diff} ci_low"].to_numpy(dtype=float)
        high = 100 * table.loc[rates, f"{diff} ci_high"].to_numpy(dtype=float)
        style = series_style(j)
        ax.errorbar(
            mean,
            y,
            xerr=np.nan_to_num([mean - low, high - mean]),
            fmt=style["marker"],
            color=style["color"],
            capsize=4,
            label=diff,
            linestyle="none",
        )
    ax.axvline(0, color="#555555", linewidth=1.2)
    ax.set_yticks(np.arange(len(rates)), [m.replace("_", " ") for m in rates])
    ax.invert_yaxis()
    ax.set_xlabel("difference (percentage points)")
    ax.set_title("Paired differences (95% intervals, common random numbers)", fontsize=12)
    ax.legend(loc="best", fontsize=10)
    return fig


def figures(folder: ResultFolder, targets: Sequence[Target] = ()) -> list[tuple[str, Figure]]:
    """The figures that suit a result folder, each with a file stem."""
    if folder.kind == "run":
        out = [("funnel", funnel_bars(folder.table("funnel.csv")))]
        out += [
            (name, breakdown_bars(folder.table(f"{name}.csv"), trait))
            for trait, (name, _) in BREAKDOWNS.items()
            if folder.has(f"{name}.csv")
        ]
        return out
    if folder.kind == "compare":
        return [("differences", compare_forest(folder.table("compare.csv").set_index("metric")))]
    if folder.kind == "sensitivity":
        indices = folder.table("indices.csv")
        method = folder.manifest["sensitivity"]["method"]
        return [
            (f"sensitivity_{m}", sensitivity_bars(indices, m, method))
            for m in dict.fromkeys(indices["metric"])
        ]
    summary = folder.table("summary.parquet")
    if folder.manifest["sweep"]["design"] == "sample":
        return [(f"sample_{m}", sample_scatter(summary, folder.levers, m)) for m in folder.metrics]
    reps = folder.manifest["reps"]
    return [
        (f"sweep_{m}", sweep_lines(summary, folder.levers, m, reps, targets))
        for m in folder.metrics
    ]


def save_all(
    folder: ResultFolder, out: Path, suffix: str = ".png", targets: Sequence[Target] = ()
) -> list[Path]:
    """Save every figure of ``folder`` into ``out``, each replaced whole (temporary file, then
    rename) and carrying the folder's manifest."""
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    for stem, fig in figures(folder, targets):
        path = out / f"{stem}{suffix}"
        tmp = out / f".{stem}.{os.getpid()}.tmp{suffix}"
        try:
            save_figure(fig, tmp, folder.manifest)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        saved.append(path)
    return saved


def _sentence(text: str) -> str:
    """Capitalise the first letter only (keeps GBP and the like as written)."""
    return text[:1].upper() + text[1:]
