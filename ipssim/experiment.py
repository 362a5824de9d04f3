"""Replications and comparisons: run_one -> replicate -> summarise / compare.

Replication ``r`` of a run with seed ``s`` always uses the seed tree ``SeedSequence(s, (r,))``,
so results are identical whatever the number of worker processes, and two scenarios run with
the same seed share their clients' random numbers (common random numbers). ``run_one`` is where
a replication's scenario is made: its calibrated parameters come from ``Parameters`` (the
scenario's defaults, a posterior draw of the seed tree, or the posterior's mean).

Scenarios that run in one labour market (``run_group``, ``replicate_group``: a calibration's
trial arm and its control, ``evidence.PAIRS``) run as the arms of a virtual trial: replication
``r`` of a group of ``k`` runs arm ``j`` from the seed tree of replication ``k r + j``, beside the
others on one clock and one set of employers (``model.in_one_market``), all arms with
replication ``r``'s calibrated parameters. A group of one runs alone, as ``run_one``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from tqdm import tqdm

from ipssim.metrics import bounds, metric
from ipssim.outcomes import METRICS, breakdowns, funnel, metrics
from ipssim.parameters import DEFAULTS, Parameters
from ipssim.pool import ordered_map, usable
from ipssim.scenario import Scenario

if TYPE_CHECKING:
    from ipssim.model import IPSModel


@dataclass
class RunResult:
    """One replication: its metrics, funnel, breakdowns by client trait (``BREAKDOWNS``), event
    log, weekly series and the scenario it ran (with its calibrated parameters)."""

    rep: int
    metrics: dict[str, float]
    funnel: dict[str, int]
    breakdowns: dict[str, pd.DataFrame]
    events: pd.DataFrame
    weekly: pd.DataFrame
    scenario: Scenario


def simulated(
    scenario: Scenario, seed: int, rep: int = 0, on_week: Callable[[int], object] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One replication run to the horizon: its event log and weekly series."""
    # imported here, not at the top, so that a command reports a mistake before Mesa loads
    from ipssim.model import IPSModel, paused_gc

    with paused_gc():
        model = IPSModel(scenario, seed=seed, rep=rep)
        model.run(on_week)
    return _record(model)


def _record(model: IPSModel) -> tuple[pd.DataFrame, pd.DataFrame]:
    weekly = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    return model.log.frame(), weekly


def simulated_together(
    arms: Sequence[Scenario], seed: int, rep: int = 0
) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """Replication ``rep`` of services in one labour market: each arm's event log and weekly
    series, arm ``j`` of ``k`` from the seed tree of replication ``k rep + j`` (one alone, as
    ``simulated``)."""
    if len(arms) == 1:
        return [simulated(arms[0], seed, rep)]
    from ipssim.model import in_one_market, paused_gc, run_together

    with paused_gc():
        models = in_one_market([(s, len(arms) * rep + j) for j, s in enumerate(arms)], seed)
        run_together(models)
    return [_record(m) for m in models]


def _result(rep: int, scenario: Scenario, events: pd.DataFrame, weekly: pd.DataFrame) -> RunResult:
    horizon_day = 7 * scenario.run.horizon_weeks
    return RunResult(
        rep,
        metrics(events, scenario),
        funnel(events, horizon_day),
        breakdowns(events, scenario),
        events,
        weekly,
        scenario,
    )


def run_one(
    scenario: Scenario,
    seed: int,
    rep: int = 0,
    on_week: Callable[[int], object] | None = None,
    parameters: Parameters = DEFAULTS,
) -> RunResult:
    """Run one replication to the horizon, its calibrated parameters from ``parameters``;
    ``on_week(week)`` after each simulated week."""
    scenario = parameters.scenario(scenario, seed, rep)
    return _result(rep, scenario, *simulated(scenario, seed, rep, on_week))


def run_group(
    arms: Sequence[Scenario], seed: int, rep: int = 0, parameters: Parameters = DEFAULTS
) -> list[RunResult]:
    """Replication ``rep`` of services in one labour market, one result per arm, all arms with
    replication ``rep``'s calibrated parameters from ``parameters``."""
    drawn = parameters.arms(arms, seed, rep)
    together = simulated_together(drawn, seed, rep)
    return [_result(rep, s, *out) for s, out in zip(drawn, together, strict=True)]


def _run_task(args: tuple[Scenario, int, int, Parameters]) -> RunResult:
    scenario, seed, rep, parameters = args
    return run_one(scenario, seed, rep, parameters=parameters)


def replicate(
    scenario: Scenario,
    reps: int,
    seed: int,
    workers: int = 1,
    progress: bool = True,
    label: str = "",
    parameters: Parameters = DEFAULTS,
) -> list[RunResult]:
    """Run ``reps`` replications, in worker processes when ``workers`` > 1, in order of rep,
    their calibrated parameters from ``parameters``.

    The progress bar (stderr, when ``progress``) counts simulated weeks: in this process it
    moves week by week, so a long replication shows progress within itself; from worker
    processes it moves by a replication's weeks as each replication ends.
    """
    weeks = scenario.run.horizon_weeks
    with tqdm(
        total=reps * weeks,
        disable=not progress,
        desc=label or scenario.name,
        unit="week",
        leave=False,
    ) as bar:
        if usable(workers, reps) == 1:
            on_week = (lambda _: bar.update()) if progress else None
            return [run_one(scenario, seed, rep, on_week, parameters) for rep in range(reps)]
        results = []
        tasks = [(scenario, seed, rep, parameters) for rep in range(reps)]
        for result in ordered_map(_run_task, tasks, workers):
            bar.update(weeks)
            results.append(result)
        return results


def _group_task(args: tuple[Sequence[Scenario], int, int, Parameters]) -> list[RunResult]:
    arms, seed, rep, parameters = args
    return run_group(arms, seed, rep, parameters)


def replicate_group(
    arms: Sequence[Scenario],
    reps: int,
    seed: int,
    workers: int = 1,
    progress: bool = True,
    label: str = "",
    parameters: Parameters = DEFAULTS,
) -> list[list[RunResult]]:
    """Per arm, ``reps`` replications of services in one labour market (``run_group``), in
    worker processes when ``workers`` > 1; a group of one as ``replicate``."""
    if len(arms) == 1:
        return [replicate(arms[0], reps, seed, workers, progress, label, parameters)]
    weeks = arms[0].run.horizon_weeks
    tasks = [(arms, seed, rep, parameters) for rep in range(reps)]
    out: list[list[RunResult]] = [[] for _ in arms]
    desc = label or " + ".join(s.name for s in arms)
    with tqdm(total=reps * weeks, disable=not progress, desc=desc, unit="week", leave=False) as bar:
        runs = (
            map(_group_task, tasks)
            if usable(workers, reps) == 1
            else ordered_map(_group_task, tasks, workers)
        )
        for results in runs:
            bar.update(weeks)
            for arm, result in zip(out, results, strict=True):
                arm.append(result)
    return out


def runs_frame(results: list[RunResult]) -> pd.DataFrame:
    """One row per replication with every metric."""
    return pd.DataFrame([{"rep": r.rep, **r.metrics} for r in results])


MIN_REPS_FOR_INTERVAL = 2  # a t-interval needs two values
FEW_REPS = 5  # below this an interval rests on too few values to trust


def replication_warning(reps: int) -> str | None:
    """What to tell a user who asks for too few replications for an honest interval."""
    if reps < MIN_REPS_FOR_INTERVAL:
        return (
            f"{reps} replication gives no 95% interval (shown as -): ask for 5 or more "
            "(--reps 20 for a decision)"
        )
    if reps < FEW_REPS:
        return (
            f"only {reps} replications: the 95% intervals rest on {reps} values and are wide; "
            "ask for 5 or more (--reps 20 for a decision)"
        )
    return None


def interval(
    values: np.ndarray,
    level: float = 0.95,
    bounds: tuple[float, float] = (-math.inf, math.inf),
) -> tuple[float, float, float]:
    """Mean and t-interval of ``values`` (NaNs dropped), clipped to ``bounds``, the range the
    mean can take (clipping never removes the true mean, so coverage stays as it was); no
    interval (NaN) from fewer than two values."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return (math.nan, math.nan, math.nan)
    mean = float(values.mean())
    if len(values) < MIN_REPS_FOR_INTERVAL:
        return (mean, math.nan, math.nan)
    from scipy import stats  # here, not at the top: worker processes start ~1 s faster

    half = (
        stats.t.ppf(0.5 + level / 2, len(values) - 1) * values.std(ddof=1) / math.sqrt(len(values))
    )
    low, high = bounds
    # + 0.0 turns a clipped -0.0 into 0.0
    return (mean, max(low, mean - half) + 0.0, min(high, mean + half) + 0.0)


def linearised(runs: pd.DataFrame, name: str) -> pd.Series:
    """Per replication (indexed by rep), values whose mean is the metric's estimate across
    replications and whose spread gives its interval.

    A plain metric's values are its own. A ratio metric (``Metric.ratio``, such as cost per
    placement) is estimated as total numerator over total denominator, so replications with no
    placement count; its values are that ratio plus each replication's linearised residual
    (numerator - ratio x denominator) / mean denominator: the delta method's interval.
    """
    indexed = runs.set_index("rep") if "rep" in runs else runs
    parts = metric(name).ratio
    if parts is None or not set(parts) <= set(indexed.columns):
        return indexed[name].astype(float)
    num, den = (indexed[p].astype(float) for p in parts)
    keep = num.notna() & den.notna()
    if den[keep].sum() == 0:
        return indexed[name].astype(float) * math.nan
    ratio = num[keep].sum() / den[keep].sum()
    return (ratio + (num - ratio * den) / den[keep].mean()).where(keep)


def summarise(runs: pd.DataFrame, names: tuple[str, ...] = METRICS) -> pd.DataFrame:
    """Mean with 95% interval of each metric across replications, within the metric's range."""
    rows = [
        (name, *interval(linearised(runs, name).to_numpy(), bounds=bounds(name))) for name in names
    ]
    return pd.DataFrame(rows, columns=["metric", "mean", "ci_low", "ci_high"]).set_index("metric")


def compare(runs: dict[str, pd.DataFrame], names: tuple[str, ...] = METRICS) -> pd.DataFrame:
    """Each scenario's mean, and paired differences from the first with 95% intervals and the
    share of paired replications in which the scenario's value exceeds the first's
    (``... p_greater``; the registry gives no direction, so whether higher is better is the
    reader's: more employment, less reoffending).

    Replications are paired by rep: with common random numbers the pairing removes most of the
    noise that the clients themselves bring.
    """
    labels = list(runs)
    rows = []
    for name in names:
        row: dict[str, object] = {"metric": name}
        values = {label: linearised(runs[label], name) for label in labels}
        for label in labels:
            row[label] = interval(values[label].to_numpy())[0]
        for label in labels[1:]:
            diff = values[label] - values[labels[0]]
            low, high = bounds(name)  # a difference of two values in [low, high]
            mean, low, high = interval(diff.to_numpy(), bounds=(low - high, high - low))
            row[f"{label} - {labels[0]}"] = mean
            row[f"{label} - {labels[0]} ci_low"] = low
            row[f"{label} - {labels[0]} ci_high"] = high
            row[f"{label} - {labels[0]} p_greater"] = share_greater(diff.to_numpy())
        rows.append(row)
    return pd.DataFrame(rows).set_index("metric")


def differences(table: pd.DataFrame) -> list[str]:
    """The columns of a ``compare`` table that hold a paired difference's mean."""
    extras = ("ci_low", "ci_high", "p_greater")
    return [c for c in table.columns if " - " in c and not c.endswith(extras)]


def share_greater(differences: np.ndarray) -> float:
    """The share of paired differences above zero (NaN pairs left out; NaN if none is left)."""
    values = np.asarray(differences, dtype=float)
    values = values[~np.isnan(values)]
    return float((values > 0).mean()) if len(values) else math.nan


def pooled(results: list[RunResult], part: Callable[[RunResult], pd.DataFrame]) -> pd.DataFrame:
    """Stack one table per replication, tagged with its rep."""
    return pd.concat([part(r).assign(rep=r.rep) for r in results], ignore_index=True)
