"""``ipssim sites --n 80``: a population of IPS services whose implementations vary.

Each site draws its levers and context (see ``ipssim.sites``), runs once and is reviewed. The
table shows the sites' fidelity bands with their mean outcomes, and the correlation of fidelity
with employment (over all clients, and among clients who engaged with the service, the rate
fidelity studies use) and with reoffending; ``--out`` writes every site's levers, items and
outcomes (sites.csv), a manifest and the three scatter plots.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ipssim import scenario as scenarios
from ipssim import sites
from ipssim.commands.options import (
    add_overrides,
    add_parameter_options,
    parameters,
    positive,
    seed,
)
from ipssim.fidelity import BANDS
from ipssim.formatting import clean
from ipssim.parameters import Parameters
from ipssim.results import manifest, write_folder, write_json

FIGURES = {
    "employment_rate": ("fidelity_employment.png", "Clients ever in competitive work"),
    sites.ENGAGED_EMPLOYMENT: (
        "fidelity_employment_engaged.png",
        "Engaged clients in competitive work",
    ),
    "reoffending_rate_12m": ("fidelity_reoffending.png", "Proven reoffending within 12 months"),
}


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--n", type=positive, default=80, help="sites (default 80)")
    p.add_argument(
        "--base",
        type=Path,
        help="scenario the sites start from (default: the "
        "schema's defaults, the base forensic team)",
    )
    p.add_argument("--seed", type=seed, default=1, help="root seed (default 1)")
    add_overrides(p, "change one parameter of the base scenario")
    p.add_argument("--workers", type=positive, default=1, help="worker processes (default 1)")
    p.add_argument(
        "--out", type=Path, help="write sites.csv, the figures and a manifest to this new folder"
    )
    add_parameter_options(p)


def run(args: argparse.Namespace) -> int:
    if args.base is not None:
        base = scenarios.load(args.base, args.overrides)
    else:
        base = scenarios.overridden({"name": "sites"}, "defaults", args.overrides)
    drawn = parameters(args)
    start = time.perf_counter()
    table = sites.simulate(base, args.n, args.seed, args.workers, parameters=drawn)
    wall = time.perf_counter() - start
    correlations = {outcome: sites.correlation(table, outcome) for outcome in FIGURES}
    if args.out is not None:
        info = manifest(
            [base],
            args.seed,
            1,
            wall,
            sites=args.n,
            correlations=clean(correlations),
            **drawn.record(),
        )
        write_folder(args.out, lambda d: write_sites(d, info, table, correlations))
    print_sites(base, args.seed, table, correlations, drawn)
    return 0


def write_sites(
    folder: Path, info: dict, table: pd.DataFrame, correlations: dict[str, dict[str, float]]
) -> None:
    """The files of ``ipssim sites --out``."""
    write_json(folder / "manifest.json", info)
    table.to_csv(folder / "sites.csv", index=False)
    for outcome, (name, label) in FIGURES.items():
        plot(table, outcome, label, correlations[outcome], folder / name, info)


def plot(
    table: pd.DataFrame, outcome: str, label: str, corr: dict[str, float], path: Path, info: dict
) -> Path:
    """Fidelity total against an outcome, one point per site, with the least-squares line and
    the scale's band boundaries."""
    from ipssim.figures import new_figure, save_figure  # here: input is checked before matplotlib

    fig, ax = new_figure()
    data = table[["fidelity_total", outcome]].dropna()
    ax.scatter(
        data["fidelity_total"],
        100 * data[outcome],
        color="#0072b2",
        alpha=0.75,
        edgecolor="#1b1b1b",
        label="one site",
    )
    if len(data) > 2 and data["fidelity_total"].nunique() > 1:
        slope, intercept = np.polyfit(data["fidelity_total"], 100 * data[outcome], 1)
        xs = np.array([data["fidelity_total"].min(), data["fidelity_total"].max()])
        ax.plot(
            xs,
            intercept + slope * xs,
            color="#d55e00",
            linestyle="--",
            label=f"least squares: r = {corr['r']:.2f} ({corr['ci_low']:.2f} to "
            f"{corr['ci_high']:.2f})",
        )
    for floor, name in BANDS[:-1]:
        ax.axvline(floor - 0.5, color="#1b1b1b", linestyle=":", linewidth=1)
        ax.text(floor, ax.get_ylim()[0], f" {name}", va="bottom", fontsize=10)
    ax.set_xlabel("Simulated fidelity review total (of 125)")
    ax.set_ylabel(f"{label} (%)")
    ax.set_title(f"{len(data)} simulated sites: fidelity and {label.lower()}")
    ax.legend(loc="best")
    return save_figure(fig, path, info)


def print_sites(
    base: scenarios.Scenario,
    seed: int,
    table: pd.DataFrame,
    correlations: dict[str, dict[str, float]],
    drawn: Parameters,
) -> None:
    """The table: sites by band with mean outcomes, and the correlations."""
    print(
        f"{len(table)} simulated sites from {base.name} ({base.hash()}), seed {seed}, "
        f"{base.run.horizon_weeks} weeks each"
    )
    print(drawn.describe())
    print(
        f"fidelity total: mean {table['fidelity_total'].mean():.1f}, range "
        f"{table['fidelity_total'].min()} to {table['fidelity_total'].max()}"
    )
    grouped = table.groupby("band")
    print(
        f"\n{'band':<10} {'sites':>5} {'employment':>11} {'of engaged':>11} "
        f"{'employment 12m':>15} {'reoffending 12m':>16} {'referred':>9}"
    )
    for _, name in BANDS:
        if name not in grouped.groups:
            continue
        g = grouped.get_group(name)
        print(
            f"{name:<10} {len(g):>5} {100 * g['employment_rate'].mean():>10.1f}% "
            f"{100 * g[sites.ENGAGED_EMPLOYMENT].mean():>10.1f}% "
            f"{100 * g['employment_rate_12m'].mean():>14.1f}% "
            f"{100 * g['reoffending_rate_12m'].mean():>15.1f}% "
            f"{100 * g['referral_rate'].mean():>8.1f}%"
        )
    print(
        "\nemployment: share of all clients ever in competitive work; of engaged: share of the "
        "clients who engaged with the service who started a job after engaging"
    )
    print("\ncorrelation of the fidelity total with each outcome across sites:")
    for outcome, c in correlations.items():
        print(
            f"  {outcome:<24} Pearson r {c['r']:+.2f} (95% interval {c['ci_low']:+.2f} to "
            f"{c['ci_high']:+.2f}), Spearman rho {c['rho']:+.2f}, {int(c['n'])} sites"
        )
