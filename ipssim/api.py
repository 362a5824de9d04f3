"""The Python API: ``ipssim.load``, ``ipssim.run``, ``ipssim.compare`` and ``ipssim.sweep``.

Thin over the layers the command line uses (``scenario.load``, ``experiment.replicate``,
``runs_frame``, ``summarise`` and ``compare``, ``sweep_runner.run_sweep``, the figures), so a
notebook gets the numbers ``ipssim run`` prints, as DataFrames. ``set`` maps dotted keys to
values (``{"service.caseload_cap": 30}``), as ``--set`` does; ``parameters`` ("posterior",
"point" or "defaults") and ``posterior`` (a folder written by ``ipssim calibrate``) choose the
calibrated parameters as ``--parameters`` and ``--posterior`` do. No progress bars unless asked.
"""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from ipssim import experiment, plots, timecourse, timecourse_figures
from ipssim import sweeps as sweep_files
from ipssim.calibration.posterior import projection
from ipssim.commands.compare import unique_labels
from ipssim.commands.run import write_run
from ipssim.executors import Execution
from ipssim.metrics import metric
from ipssim.outcomes import BREAKDOWNS
from ipssim.parameters import DEFAULTS, Parameters
from ipssim.results import manifest, write_folder
from ipssim.scenario import Scenario, ScenarioError
from ipssim.scenario import load as load_file
from ipssim.sweep_runner import run_sweep

__all__ = ["Comparison", "Run", "SweepResult", "compare", "load", "run", "sweep"]

Changes = Mapping[str, Any]
# the figures of one run: the funnel, one per breakdown table, one per time course
RUN_PLOTS = ("funnel", *(name for name, _ in BREAKDOWNS.values()), *timecourse.CURVES)


def load(path: str | Path, set: Changes | None = None) -> Scenario:
    """A scenario file loaded as ``ipssim run`` loads it, with ``set``'s values changed."""
    return load_file(path, _overrides(set))


def _scenario(scenario: Scenario | str | Path, set: Changes | None) -> Scenario:
    if isinstance(scenario, Scenario):
        return scenario.with_changes(dict(set)) if set else scenario
    return load(scenario, set)


def _shown(fig: Figure) -> Figure:
    """The figure, let go by pyplot: a notebook shows it once (as the cell's value), and a loop
    drawing many keeps no figure open. It still draws and saves (``fig.savefig``)."""
    plt.close(fig)
    return fig


def _warn_if_few(reps: int) -> None:
    note = experiment.replication_warning(reps)
    if note is not None:
        warnings.warn(note, stacklevel=3)


def _parameters(parameters: str | None, posterior: str | Path | None) -> Parameters:
    return projection(parameters, Path(posterior) if posterior is not None else None)


def _overrides(set: Changes | None) -> list[str]:
    """``set`` as ``--set`` texts (JSON's scalars and lists read as TOML alike)."""
    return [f"{key}={json.dumps(value)}" for key, value in (set or {}).items()]


@dataclass(frozen=True)
class Run:
    """The replications of one scenario: each table has one row per replication (``rep``)."""

    scenario: Scenario
    seed: int
    results: list[experiment.RunResult]
    wall_time_s: float = 0.0
    parameters: Parameters = DEFAULTS

    @property
    def reps(self) -> int:
        return len(self.results)

    @cached_property
    def runs(self) -> pd.DataFrame:
        """One row per replication with every metric."""
        return experiment.runs_frame(self.results)

    def summary(self) -> pd.DataFrame:
        """Each metric's mean and 95% interval (``ci_low``, ``ci_high``), with its meaning."""
        table = experiment.summarise(self.runs)
        return table.assign(
            unit=[metric(n).unit for n in table.index],
            description=[metric(n).description for n in table.index],
        )

    @cached_property
    def events(self) -> pd.DataFrame:
        """Every replication's event log, stacked (``rep`` tells them apart)."""
        return experiment.pooled(self.results, lambda r: r.events)

    @cached_property
    def weekly(self) -> pd.DataFrame:
        """Every replication's weekly series, stacked (``rep`` tells them apart)."""
        return experiment.pooled(self.results, lambda r: r.weekly)

    def funnel(self) -> pd.DataFrame:
        """Clients reaching each stage of the referral funnel, one row per replication."""
        return experiment.pooled(self.results, lambda r: pd.DataFrame([r.funnel]))

    def by_offence(self) -> pd.DataFrame:
        """Clients, employment and 12-month reoffending by index offence, per replication."""
        return self._breakdown("offence")

    def by_diagnosis(self) -> pd.DataFrame:
        """Clients, employment and 12-month reoffending by diagnosis, per replication."""
        return self._breakdown("diagnosis")

    def _breakdown(self, trait: str) -> pd.DataFrame:
        return experiment.pooled(self.results, lambda r: r.breakdowns[trait].reset_index())

    @cached_property
    def timecourses(self) -> dict[str, pd.DataFrame]:
        """Each time course (``timecourse.CURVES``) pooled across replications, with 95% bands."""
        return timecourse.tables(self.events, self.weekly, self.scenario)

    def plot(self, name: str = "funnel") -> Figure:
        """One figure of ``RUN_PLOTS``: the funnel, a breakdown, or a time course."""
        return _shown(self._figure(name))

    def _figure(self, name: str) -> Figure:
        if name == "funnel":
            return plots.funnel_bars(self.funnel())
        for trait, (table, _) in BREAKDOWNS.items():
            if name == table:
                return plots.breakdown_bars(self._breakdown(trait), trait)
        if name in timecourse.CURVES:
            return timecourse_figures.plot(
                name, {self.scenario.name: self.timecourses[name]}, self.scenario.run.warmup_weeks
            )[0]
        raise ValueError(f"no figure {name!r}; figures: {', '.join(RUN_PLOTS)}")

    def save(self, folder: str | Path) -> Path:
        """Write what ``ipssim run --out`` writes into a new ``folder``; returns its path."""
        folder = Path(folder)
        info = manifest(
            [self.scenario], self.seed, self.reps, self.wall_time_s, **self.parameters.record()
        )
        summary = experiment.summarise(self.runs)
        write_folder(
            folder,
            lambda d: write_run(d, info, self.scenario, self.seed, self.results, summary),
        )
        return folder


def run(
    scenario: Scenario | str | Path,
    reps: int = 20,
    seed: int = 1,
    workers: int = 1,
    set: Changes | None = None,
    progress: bool = False,
    parameters: str | None = None,
    posterior: str | Path | None = None,
) -> Run:
    """Run ``reps`` replications of a scenario (or scenario file), as ``ipssim run`` does."""
    loaded = _scenario(scenario, set)
    drawn = _parameters(parameters, posterior)
    _warn_if_few(reps)
    start = time.perf_counter()
    results = experiment.replicate(loaded, reps, seed, workers, progress=progress, parameters=drawn)
    return Run(loaded, seed, results, time.perf_counter() - start, drawn)


@dataclass(frozen=True)
class Comparison:
    """Scenarios run with the same seed (common random numbers), by label; the first is the
    baseline of the differences."""

    arms: dict[str, Run]

    @property
    def labels(self) -> list[str]:
        return list(self.arms)

    @cached_property
    def runs(self) -> pd.DataFrame:
        """Every arm's replications, one row each, with a ``scenario`` column (the label)."""
        return pd.concat(
            [arm.runs.assign(scenario=label) for label, arm in self.arms.items()],
            ignore_index=True,
        )

    def differences(self) -> pd.DataFrame:
        """Each arm's mean, and its paired difference from the first with a 95% interval."""
        return experiment.compare({label: arm.runs for label, arm in self.arms.items()})

    def plot(self, name: str = "differences") -> Figure:
        """The paired differences in the rates, or a time course of every arm."""
        if name == "differences":
            return _shown(plots.compare_forest(self.differences()))
        if name in timecourse.CURVES:
            tables = {label: arm.timecourses[name] for label, arm in self.arms.items()}
            return _shown(timecourse_figures.plot(name, tables)[0])
        raise ValueError(
            f"no figure {name!r}; figures: differences, {', '.join(timecourse.CURVES)}"
        )


def compare(
    *scenarios: Scenario | str | Path,
    labels: Sequence[str] | None = None,
    reps: int = 20,
    seed: int = 1,
    workers: int = 1,
    set: Changes | None = None,
    progress: bool = False,
    parameters: str | None = None,
    posterior: str | Path | None = None,
) -> Comparison:
    """Run two or more scenarios with the same seed, as ``ipssim compare`` does; ``set``
    changes every one of them, ``labels`` names them (default: their names, primed when two
    are the same)."""
    if len(scenarios) < 2:
        raise ScenarioError("compare: give at least two scenarios")
    loaded = [_scenario(s, set) for s in scenarios]
    names = list(labels) if labels is not None else unique_labels([s.name for s in loaded])
    if len(names) != len(loaded) or len(dict.fromkeys(names)) != len(names):
        raise ScenarioError(f"compare: labels {names}: give one distinct label each")
    return Comparison(
        {
            label: run(s, reps, seed, workers, None, progress, parameters, posterior)
            for label, s in zip(names, loaded, strict=True)
        }
    )


@dataclass(frozen=True)
class SweepResult:
    """A finished sweep: its definition, result folder and tidy tables."""

    sweep: sweep_files.Sweep
    folder: Path
    runs: pd.DataFrame
    table: pd.DataFrame
    computed: int

    @cached_property
    def levers(self) -> list[str]:
        return [lv.key for lv in self.sweep.levers]

    def summary(self) -> pd.DataFrame:
        """Each point's mean and 95% interval of each of the sweep's metrics (one row each)."""
        return self.table

    def plot(self, metric: str) -> Figure:
        """``metric`` against the levers (lines for a grid, one scatter per lever for a sample)."""
        if metric not in self.sweep.spec.metrics:
            raise ValueError(
                f"{metric!r} is not among the sweep's metrics {self.sweep.spec.metrics}"
            )
        if self.sweep.spec.sample is not None:
            return _shown(plots.sample_scatter(self.summary(), self.levers, metric))
        return _shown(plots.sweep_lines(self.summary(), self.levers, metric, self.sweep.spec.reps))


def sweep(
    path: str | Path,
    folder: str | Path | None = None,
    reps: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    set: Changes | None = None,
    progress: bool = False,
    parameters: str | None = None,
    posterior: str | Path | None = None,
) -> SweepResult:
    """Run a sweep file into ``folder`` (default ``results/<name>``, as ``ipssim sweep``):
    resumable, only missing runs are computed; ``reps`` and ``seed`` replace the file's."""
    loaded = sweep_files.load(path, _overrides(set), reps=reps, seed=seed)
    _warn_if_few(loaded.spec.reps)
    out = Path(folder) if folder is not None else Path("results") / loaded.name
    outcome = run_sweep(
        loaded,
        out,
        Execution(workers=workers),
        progress=progress,
        parameters=_parameters(parameters, posterior),
    )
    return SweepResult(loaded, out, outcome.runs, outcome.summary, outcome.computed)
