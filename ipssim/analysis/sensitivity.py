"""Global sensitivity of the metrics to the levers of a sampled sweep, with SALib.

The SALib problem is the unit cube, one dimension per lever in ``[sample] ranges``, decoded
into lever values as any sample is (``ipssim.sweeps``: a switch is on when its uniform is 0.5 or
more). So Morris mu* is the mean absolute change in a metric when a lever moves across its range
(for a switch: off to on), comparable across levers; Sobol indices are shares of variance.
Each point's metric is its mean over the replications, which share their seeds across points
(common random numbers), so the elementary effects are not drowned in client-to-client noise.

A Morris step moves a lever by delta = levels / (2 (levels - 1)) of its range, and SALib divides
the change by delta. A switch flips on every step, so its whole effect happens within one step:
its mu, mu* and sigma are multiplied by delta, making them the change from off to on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ipssim.sweeps import Sweep, SweepError, check_ranges, decode

METHODS = ("morris", "sobol")
CONF_LEVEL = 0.95
RESAMPLES = 1000


@dataclass(frozen=True)
class Design:
    """A SALib design: the unit-cube matrix SALib analyses and the sweep over its points."""

    method: str
    unit: np.ndarray
    sweep: Sweep

    @property
    def problem(self) -> dict:
        return problem(self.sweep)


def problem(sweep: Sweep) -> dict:
    """SALib's problem: one unit-range dimension per lever."""
    names = [lv.key for lv in sweep.levers]
    return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}


def design(sweep: Sweep, method: str) -> Design:
    """Morris trajectories or a Saltelli/Sobol design over the sweep's ``[sample]`` ranges."""
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    if sweep.spec.sample is None:
        raise SweepError(
            f"{sweep.path}: sensitivity needs a [sample] table with ranges for the "
            "levers (a [grid] or [zip] cannot be analysed this way)"
        )
    settings = sweep.spec.sensitivity
    bounds = check_ranges(sweep.levers, sweep.ranges(), sweep.path)
    spec = problem(sweep)
    if method == "morris":
        unit = morris_sample.sample(
            spec, settings.trajectories, num_levels=settings.levels, seed=sweep.spec.seed
        )
    else:
        unit = sobol_sample.sample(
            spec, settings.base_samples, calc_second_order=False, seed=sweep.spec.seed
        )
    return Design(method, unit, sweep.with_points(decode(sweep.levers, bounds, unit)))


def indices(
    design: Design, summary: pd.DataFrame, metrics: list[str]
) -> tuple[pd.DataFrame, list[str]]:
    """Indices of each metric with SALib's 95% intervals, one row per metric, lever and index,
    and notes on metrics that could not be analysed."""
    means = summary.pivot(index="point", columns="metric", values="mean").sort_index()
    rows, notes = [], []
    for metric in metrics:
        y = means[metric].to_numpy(dtype=float)
        if np.isnan(y).any():
            notes.append(
                f"{metric}: not analysed, {int(np.isnan(y).sum())} of {len(y)} points "
                "have no value (for example no placements to cost)"
            )
            continue
        if np.ptp(y) == 0:
            notes.append(f"{metric}: not analysed, the same at every point ({y[0]:g})")
            continue
        result = _morris(design, y) if design.method == "morris" else _sobol(design, y)
        for i, lever in enumerate(design.problem["names"]):
            for index, conf in INDICES[design.method]:
                rows.append(
                    {
                        "metric": metric,
                        "lever": lever,
                        "index": index,
                        "value": float(result[index][i]),
                        "conf": float(result[conf][i]) if conf else float("nan"),
                    }
                )
    return pd.DataFrame(rows, columns=["metric", "lever", "index", "value", "conf"]), notes


INDICES = {
    "morris": (("mu_star", "mu_star_conf"), ("sigma", None), ("mu", None)),
    "sobol": (("ST", "ST_conf"), ("S1", "S1_conf")),
}


def _morris(design: Design, y: np.ndarray) -> dict[str, np.ndarray]:
    from SALib.analyze import morris

    levels = design.sweep.spec.sensitivity.levels
    result = morris.analyze(
        design.problem,
        design.unit,
        y,
        num_resamples=RESAMPLES,
        conf_level=CONF_LEVEL,
        num_levels=levels,
        seed=design.sweep.spec.seed,
    )
    switch = np.array([lv.kind is bool for lv in design.sweep.levers])
    scale = np.where(switch, levels / (2 * (levels - 1)), 1.0)  # see the module docstring
    return {k: np.asarray(result[k]) * scale for k in ("mu_star", "mu_star_conf", "sigma", "mu")}


def _sobol(design: Design, y: np.ndarray) -> dict[str, np.ndarray]:
    from SALib.analyze import sobol

    result = sobol.analyze(
        design.problem,
        y,
        calc_second_order=False,
        num_resamples=RESAMPLES,
        conf_level=CONF_LEVEL,
        seed=design.sweep.spec.seed,
    )
    return {k: np.asarray(result[k]) for k in ("S1", "S1_conf", "ST", "ST_conf")}


def explanation(method: str) -> str:
    """What the indices mean, for the report."""
    if method == "morris":
        return (
            "Morris screening: mu* is the mean absolute change in the metric when one lever "
            "moves across its whole range with the others held (for a switch: off to on); "
            "sigma measures how much that effect depends on the other levers (interactions "
            "or curvature). Intervals are SALib's 95% bootstrap intervals of mu*."
        )
    return (
        "Sobol indices: the first-order index S1 is the share of the metric's variance due "
        "to the lever alone; the total-order index ST adds its interactions with the others. "
        "Intervals are SALib's 95% bootstrap intervals."
    )


def ranking(table: pd.DataFrame, method: str) -> pd.DataFrame:
    """Levers ranked for each metric by mu* (Morris) or the total-order index (Sobol)."""
    key = "mu_star" if method == "morris" else "ST"
    order = {metric: i for i, metric in enumerate(dict.fromkeys(table["metric"]))}
    ranked = table[table["index"] == key].assign(order=table["metric"].map(order))
    ranked = ranked.sort_values(["order", "value"], ascending=[True, False])
    ranked = ranked.assign(rank=ranked.groupby("metric").cumcount() + 1)
    return ranked[["metric", "rank", "lever", "index", "value", "conf"]].reset_index(drop=True)
