"""Running a sweep into a result folder: only missing runs are computed, results saved as they
finish, then gathered into tidy tables.

Replication ``r`` of every point runs with the seed tree ``(seed, r)`` (common random numbers),
and under a posterior with the same parameter draw, so differences between points are paired
by replication.

The folder holds ``store/`` (the finished runs, see ``ipssim.store``) and, once every run is
in, ``points.parquet`` (the design), ``runs.parquet`` (one row per run: point, lever values,
rep, seed, scenario hash, every metric), ``summary.parquet`` and ``summary.csv`` (each point's
mean and 95% interval of each metric, one row per point and metric) and ``manifest.json``.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from ipssim.executors import Execution, batches, execute
from ipssim.experiment import interval, linearised
from ipssim.metrics import bounds
from ipssim.parameters import DEFAULTS, Parameters
from ipssim.results import manifest
from ipssim.store import RunStore, atomic_write
from ipssim.sweeps import SWEEP_METRICS, Sweep


@dataclass
class SweepOutcome:
    """The tidy tables of a finished sweep and how many runs this call computed."""

    runs: pd.DataFrame
    summary: pd.DataFrame
    computed: int
    reused: int


def run_sweep(
    sweep: Sweep,
    folder: Path,
    execution: Execution,
    progress: bool = True,
    kind: str = "sweep",
    parameters: Parameters = DEFAULTS,
    **extra: Any,
) -> SweepOutcome:
    """Compute the sweep's missing runs, their calibrated parameters from ``parameters``, into
    ``folder`` and write its tables there.

    ``kind`` and ``extra`` go into the manifest (a sensitivity analysis records its method).
    """
    scenarios = sweep.scenarios()  # every point validated before anything is written
    hashes = [parameters.key(s.hash()) for s in scenarios]
    seed, reps = sweep.spec.seed, sweep.spec.reps
    start = time.perf_counter()
    with RunStore(folder) as store:
        done = store.keys(required=SWEEP_METRICS)
        todo = [
            (point, scenario, seed, rep)
            for point, scenario in enumerate(scenarios)
            for rep in range(reps)
            if (hashes[point], seed, rep) not in done
        ]
        total = len(scenarios) * reps
        with tqdm(
            total=total,
            initial=total - len(todo),
            unit="run",
            desc=sweep.name,
            disable=not progress,
            dynamic_ncols=True,
        ) as bar:
            for rows in execute(batches(todo, execution), execution, parameters):
                store.save(rows)
                bar.update(len(rows))
        runs = tidy(sweep, hashes, store.frame())
        summary = summarise_points(runs, sweep)
        info = manifest(
            [sweep.base],
            seed,
            reps,
            time.perf_counter() - start,
            kind=kind,
            sweep=describe(sweep),
            execution=execution.describe(),
            **parameters.record(),
            runs_computed=len(todo),
            runs_reused=total - len(todo),
            **extra,
        )
        write_tables(folder, sweep.points, runs, summary, info)
        store.compact()
    return SweepOutcome(runs, summary, len(todo), total - len(todo))


def tidy(sweep: Sweep, hashes: list[str], stored: pd.DataFrame) -> pd.DataFrame:
    """One row per run of this sweep: point, lever values, rep, seed, scenario hash, metrics."""
    points = sweep.points.assign(scenario_hash=hashes)
    stored = stored[(stored["seed"] == sweep.spec.seed) & (stored["rep"] < sweep.spec.reps)]
    runs = points.merge(stored.drop(columns="point"), on="scenario_hash", how="inner")
    levers = [lv.key for lv in sweep.levers]
    columns = ["point", *levers, "rep", "seed", "scenario_hash", *SWEEP_METRICS]
    return runs[columns].sort_values(["point", "rep"]).reset_index(drop=True)


def summarise_points(runs: pd.DataFrame, sweep: Sweep) -> pd.DataFrame:
    """Each point's mean and 95% interval of each of the sweep's metrics (one row each)."""
    levers = [lv.key for lv in sweep.levers]
    rows = []
    for keys, group in runs.groupby(["point", *levers], sort=True):
        for metric in sweep.spec.metrics:
            values = linearised(group, metric).to_numpy(dtype=float)
            mean, low, high = interval(values, bounds=bounds(metric))
            rows.append((*keys, metric, mean, low, high, int((~np.isnan(values)).sum())))
    return pd.DataFrame(
        rows, columns=["point", *levers, "metric", "mean", "ci_low", "ci_high", "n"]
    )


def describe(sweep: Sweep) -> dict[str, Any]:
    """The sweep's definition for the manifest."""
    return {
        "name": sweep.name,
        "file": str(sweep.path),
        "description": sweep.spec.description,
        "levers": [{"name": lv.key, "type": lv.kind.__name__} for lv in sweep.levers],
        "points": len(sweep.points),
        "metrics": list(sweep.spec.metrics),
        "design": "sample" if sweep.spec.sample else "grid",
        "sample": sweep.spec.sample.model_dump() if sweep.spec.sample else None,
    }


def write_tables(
    folder: Path,
    points: pd.DataFrame,
    runs: pd.DataFrame,
    summary: pd.DataFrame,
    info: dict[str, Any],
) -> None:
    """Each table replaced whole; the manifest last, so it always describes complete tables."""
    atomic_write(folder / "points.parquet", lambda p: points.to_parquet(p, index=False))
    atomic_write(folder / "runs.parquet", lambda p: runs.to_parquet(p, index=False))
    atomic_write(folder / "summary.parquet", lambda p: summary.to_parquet(p, index=False))
    atomic_write(folder / "summary.csv", lambda p: summary.to_csv(p, index=False))
    atomic_write(
        folder / "manifest.json",
        lambda p: p.write_text(json.dumps(info, indent=2, default=str) + "\n"),
    )
