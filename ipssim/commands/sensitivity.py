"""``ipssim sensitivity SWEEP.toml --method morris|sobol``: which levers move each metric.

The levers and their ranges come from the sweep file's [sample] table (its method and n are
replaced by SALib's design, sized by the [sensitivity] table). Runs are saved as they finish and
resume like a sweep's. Writes indices.csv (each index with its 95% interval) and a ranked bar
chart per metric in DIR/figures.

Under --parameters posterior the levers keep their sampled values and every other calibrated
parameter is drawn per replication, replication r taking the same particle at every point: each
point's mean averages over those draws, so an index is a lever's effect averaged over the
posterior (the calibrated parameters' own influence is not what is measured).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ipssim import sweeps
from ipssim.analysis import sensitivity
from ipssim.commands.execution import (
    add_execution_options,
    execution,
    interrupted,
    terminate_as_interrupt,
)
from ipssim.commands.options import add_parameter_options, parameters
from ipssim.metrics import metric
from ipssim.plots import lever_label, save_all
from ipssim.result_folder import open_folder
from ipssim.store import atomic_write
from ipssim.sweep_runner import run_sweep


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("sweep", type=Path, help="sweep TOML file with a [sample] table")
    p.add_argument(
        "--method",
        choices=sensitivity.METHODS,
        default="morris",
        help="morris (screening, cheap) or sobol (variance shares; more runs)",
    )
    add_execution_options(p)
    add_parameter_options(p)


def run(args: argparse.Namespace) -> int:
    sweep = sweeps.load(args.sweep, args.overrides, reps=args.reps, seed=args.seed)
    design = sensitivity.design(sweep, args.method)
    folder = args.folder or Path("results") / f"{sweep.name}-{args.method}"
    drawn = parameters(args)
    settings = sweep.spec.sensitivity.model_dump()
    info = {
        "method": args.method,
        "settings": settings,
        "explanation": sensitivity.explanation(args.method),
    }
    try:
        with terminate_as_interrupt():
            outcome = run_sweep(
                design.sweep,
                folder,
                execution(args),
                kind="sensitivity",
                parameters=drawn,
                sensitivity=info,
            )
    except KeyboardInterrupt:
        return interrupted(folder)
    table, notes = sensitivity.indices(design, outcome.summary, list(sweep.spec.metrics))
    atomic_write(folder / "indices.csv", lambda p: table.to_csv(p, index=False))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["sensitivity"]["notes"] = notes
    atomic_write(
        folder / "manifest.json",
        lambda p: p.write_text(json.dumps(manifest, indent=2, default=str) + "\n"),
    )
    save_all(open_folder(folder), folder / "figures")
    print(
        f"{sweep.name}: {args.method}, {len(design.sweep.points)} points x "
        f"{sweep.spec.reps} replications ({outcome.computed} runs computed now, "
        f"{outcome.reused} found in {folder})"
    )
    print(drawn.describe())
    print_ranking(sensitivity.ranking(table, args.method))
    for note in notes:
        print(note)
    print(
        f"\nindices in {folder}/indices.csv, bar charts in {folder}/figures; next: "
        f"ipssim report {folder}"
    )
    return 0


def print_ranking(ranked) -> None:
    """Each metric's levers, most influential first, with 95% intervals; a share's Morris mu*
    (in the metric's units) in percentage points, as every other table shows shares (Sobol's
    indices are shares of variance, shown as they are)."""
    for name, group in ranked.groupby("metric", sort=False):
        share = metric(name).kind == "share" and group["index"].iloc[0] == "mu_star"
        scale, unit = (100.0, " pts") if share else (1.0, "")
        print(f"\n{name} ({group['index'].iloc[0]}{', percentage points' * share}, 95% interval):")
        for row in group.itertuples(index=False):
            print(
                f"  {row.rank:>2}. {lever_label(row.lever):<28} {scale * row.value:10.4f}{unit} "
                f"+/- {scale * row.conf:.4f}"
            )
