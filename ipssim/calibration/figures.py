"""Figures of a posterior: each calibrated parameter's weighted histogram over its prior's range,
a corner plot of the parameters the data inform most, and each target's posterior predictive
interval against the published figure.

A log-uniform prior is drawn on a log axis. Histograms show the share of weight in each bin
for the posterior and the share of the prior's mass in the same bin, so that the two compare
bin by bin on any axis. Saving (with a manifest in the metadata) is the caller's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter
from matplotlib.typing import RcKeyType
from scipy import stats

from ipssim.calibration.posterior import Posterior
from ipssim.figures import COLOURS, STYLE
from ipssim.schema.priors import Prior

BINS = 20
LEVEL = 0.95
POSTERIOR_COLOUR, PRIOR_COLOUR, DEFAULT_COLOUR = COLOURS[1], COLOURS[0], COLOURS[2]
PASS_COLOUR, FAIL_COLOUR = COLOURS[3], COLOURS[2]
SMALL: dict[RcKeyType, Any] = {
    **STYLE,
    "font.size": 8,
    "axes.titlesize": 8,
    "axes.labelsize": 8,
    "lines.linewidth": 1.2,
    "lines.markersize": 4,
    "figure.dpi": 80,
}


def scale(prior: Prior) -> str:
    """The axis a prior is drawn on: "log" for a log-uniform prior, else "linear"."""
    return "log" if prior.kind == "loguniform" else "linear"


def _forward(prior: Prior, values: Sequence[float]) -> np.ndarray:
    x = np.asarray(values, dtype=float)
    return np.log(x) if scale(prior) == "log" else x


def edges(prior: Prior, bins: int = BINS) -> np.ndarray:
    """Bin edges over the prior's range, equal on the axis it is drawn on."""
    if scale(prior) == "log":
        return np.geomspace(prior.low, prior.high, bins + 1)
    return np.linspace(prior.low, prior.high, bins + 1)


def prior_mass(prior: Prior, bin_edges: np.ndarray) -> np.ndarray:
    """The prior's mass in each bin."""
    name, args = prior.scipy()
    cdf = getattr(stats, name)(*args).cdf(bin_edges)
    return np.diff(cdf)


def prior_interval(prior: Prior, level: float = LEVEL) -> tuple[float, float]:
    """The prior's central ``level`` interval."""
    name, args = prior.scipy()
    tail = (1 - level) / 2
    low, high = getattr(stats, name)(*args).ppf([tail, 1 - tail])
    return float(low), float(high)


def narrowing(posterior: Posterior, key: str, prior: Prior) -> float:
    """The posterior's 95% interval as a share of the prior's, both measured on the axis the
    prior is drawn on (log for a log-uniform prior): near 1 the data say little, near 0 much."""
    post = _forward(prior, posterior.interval(key, LEVEL))
    before = _forward(prior, prior_interval(prior, LEVEL))
    return float((post[1] - post[0]) / (before[1] - before[0]))


def most_informed(posterior: Posterior, priors: dict[str, Prior], count: int) -> list[str]:
    """The ``count`` parameters whose posterior interval narrows most from the prior's (ties in
    the priors' order)."""
    ratio = {k: narrowing(posterior, k, p) for k, p in priors.items()}
    return sorted(priors, key=lambda k: ratio[k])[:count]


def short(key: str) -> str:
    """``clients.relapse_by_diagnosis.bipolar`` -> ``relapse_by_diagnosis.bipolar``."""
    return key.split(".", 1)[-1]


def _axis(ax: Axes, prior: Prior, which: str) -> None:
    """The prior's range on the ``which`` ("x" or "y") axis; a log axis gets three plain ticks
    (its ends and their geometric middle), as a range of less than a decade otherwise labels
    its minor ticks on top of each other."""
    axis = ax.xaxis if which == "x" else ax.yaxis
    (ax.set_xscale if which == "x" else ax.set_yscale)(scale(prior))
    (ax.set_xlim if which == "x" else ax.set_ylim)(prior.low, prior.high)
    if scale(prior) == "log":
        ticks = [prior.low, float(f"{math.sqrt(prior.low * prior.high):.2g}"), prior.high]
        axis.set_major_locator(FixedLocator(ticks))
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.3g}"))
        axis.set_minor_formatter(NullFormatter())


def _histogram(ax: Axes, posterior: Posterior, key: str, prior: Prior, default: float) -> None:
    bin_edges = edges(prior)
    values = posterior.particles[key].to_numpy(dtype=float)
    share, _ = np.histogram(values, bins=bin_edges, weights=posterior.weights)
    ax.stairs(share / share.sum(), bin_edges, fill=True, color=POSTERIOR_COLOUR, alpha=0.6)
    ax.stairs(prior_mass(prior, bin_edges), bin_edges, color=PRIOR_COLOUR, linewidth=1.2)
    if math.isfinite(default):
        ax.axvline(default, color=DEFAULT_COLOUR, linestyle="--", linewidth=1.2)
    _axis(ax, prior, "x")
    ax.set_yticks([])
    ax.grid(False)


def _panels(count: int, columns: int, width: float, height: float) -> tuple[Figure, list[Axes]]:
    rows = max(1, math.ceil(count / columns))
    fig, grid = plt.subplots(rows, columns, figsize=(width * columns, height * rows), squeeze=False)
    axes = list(grid.ravel())
    for ax in axes[count:]:
        ax.set_visible(False)
    return fig, axes[:count]


def _legend(fig: Figure, labels: Sequence[tuple[str, dict[str, Any]]]) -> None:
    handles = [plt.Line2D([], [], **style) for _, style in labels]
    fig.legend(handles, [t for t, _ in labels], loc="lower center", ncol=len(labels), frameon=False)


def marginals(
    posterior: Posterior, priors: dict[str, Prior], defaults: dict[str, float], columns: int = 5
) -> Figure:
    """One small panel per calibrated parameter: the posterior's weighted histogram, the prior's
    mass per bin and the schema's default."""
    with plt.rc_context(SMALL):
        fig, axes = _panels(len(priors), columns, 2.6, 1.7)
        for ax, (key, prior) in zip(axes, priors.items(), strict=True):
            _histogram(ax, posterior, key, prior, defaults[key])
            ax.set_title(key, fontsize=7)
        _legend(
            fig,
            [
                ("posterior (weighted)", {"color": POSTERIOR_COLOUR, "linewidth": 6, "alpha": 0.6}),
                ("prior", {"color": PRIOR_COLOUR}),
                ("schema default", {"color": DEFAULT_COLOUR, "linestyle": "--"}),
            ],
        )
        fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def corner(
    posterior: Posterior, priors: dict[str, Prior], defaults: dict[str, float], keys: list[str]
) -> Figure:
    """Pairs of ``keys``: each one's histogram on the diagonal and the particles below it, each
    drawn with an area in proportion to its weight."""
    n = len(keys)
    weights = posterior.weights / posterior.weights.max()
    with plt.rc_context(SMALL):
        fig, grid = plt.subplots(n, n, figsize=(1.9 * n + 0.5, 1.9 * n + 0.5), squeeze=False)
        for i, row in enumerate(keys):
            for j, column in enumerate(keys):
                ax = grid[i][j]
                if j > i:
                    ax.set_visible(False)
                    continue
                if i == j:
                    _histogram(ax, posterior, row, priors[row], defaults[row])
                else:
                    ax.scatter(
                        posterior.particles[column],
                        posterior.particles[row],
                        s=2 + 30 * weights,
                        color=POSTERIOR_COLOUR,
                        alpha=0.4,
                        linewidths=0,
                    )
                    _axis(ax, priors[column], "x")
                    _axis(ax, priors[row], "y")
                    ax.grid(False)
                    if j == 0:
                        ax.set_ylabel(short(row), fontsize=7)
                    else:
                        ax.tick_params(labelleft=False)
                if i == n - 1:
                    ax.set_xlabel(short(column), fontsize=7)
                else:
                    ax.tick_params(labelbottom=False)
        fig.tight_layout()
    return fig


def predictive(rows: list[dict[str, Any]], columns: int = 4) -> Figure:
    """Each target: the published figure +- 1.96 standard errors above the posterior predictive
    mean and 95% interval, green when the target passes and orange when it fails."""
    with plt.rc_context(SMALL):
        fig, axes = _panels(len(rows), columns, 2.9, 1.5)
        for ax, row in zip(axes, rows, strict=True):
            published, half = row["published"], 1.96 * row["se"]
            ax.errorbar(published, 1, xerr=half, fmt="s", color=PRIOR_COLOUR, capsize=3)
            colour = PASS_COLOUR if row["inside"] else FAIL_COLOUR
            if row["mean"] is not None and row["ci_low"] is not None:
                low, high = row["mean"] - row["ci_low"], row["ci_high"] - row["mean"]
                ax.errorbar(row["mean"], 0, xerr=[[low], [high]], fmt="o", color=colour, capsize=3)
            ax.set_yticks([0, 1], ["predicted", "published"])
            ax.set_ylim(-0.6, 1.6)
            verdict = "passes" if row["inside"] else "fails"
            ax.set_title(f"{row['scenario']}\n{row['metric']} ({verdict})", fontsize=7)
        _legend(
            fig,
            [
                ("published +- 1.96 se", {"color": PRIOR_COLOUR, "marker": "s"}),
                ("posterior predictive mean, 95% interval", {"color": PASS_COLOUR, "marker": "o"}),
            ],
        )
        fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig
