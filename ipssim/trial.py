"""Virtual randomised trials: many two-arm trials of a given size, to size a trial or read a null.

Each trial enrols ``n`` eligible clients from one population and allocates them in balance,
ceil(n/2) to arm A and the rest to arm B; each arm's service serves only its own clients for the
follow-up, and both arms' clients seek work at the same time from the same employers, whose
openings they compete for (``model.in_one_market``). Randomising a sample of independent draws
from one population gives each arm an independent sample of the same population, so arm A of
trial t takes the first clients enrolled from the seed tree of replication 2t and arm B those of
replication 2t + 1 (the employers are those of 2t): no client is in both arms, and every trial's
numbers depend only on the seed and t, whatever the workers.

Outcomes are intention to treat over every allocated client: competitive work (any job start)
and a proven reoffence, each within the follow-up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ipssim.events import Event
from ipssim.parameters import DEFAULTS, Parameters
from ipssim.scenario import Scenario, ScenarioError
from ipssim.workers import run_tasks

if TYPE_CHECKING:
    from ipssim.model import IPSModel

OUTCOMES = {"employment": Event.JOB_START, "reoffending": Event.REOFFENCE}
ALPHA = 0.05
PERCENTILES = (2.5, 50.0, 97.5)
TRIALS_PER_TASK = 10


@dataclass(frozen=True)
class Design:
    """A two-arm trial: the arms' scenarios cut to cohorts of their size and the follow-up."""

    arm_a: Scenario
    arm_b: Scenario
    n: int
    follow_up_weeks: int


def design(arm_a: Scenario, arm_b: Scenario, n: int, follow_up_months: float) -> Design:
    """Both arms as cohorts of their allocated size, followed for ``follow_up_months``.

    A trial randomises one population in one labour market: the arms must draw clients alike
    and seek work from the same employers.
    """
    same = (
        arm_a.population == arm_b.population
        and arm_a.offending.risk_12m == arm_b.offending.risk_12m
        and arm_a.offending.community_risk_12m == arm_b.offending.community_risk_12m
        and arm_a.entry.wants_work_only == arm_b.entry.wants_work_only
    )
    if not same:
        raise ScenarioError(
            f"trial: {arm_a.name} and {arm_b.name} draw clients from different "
            "populations; a trial randomises one population, so give both arms "
            "the same [population], offending.risk_12m, offending.community_risk_12m and "
            "entry.wants_work_only"
        )
    if arm_a.employers != arm_b.employers:
        raise ScenarioError(
            f"trial: {arm_a.name} and {arm_b.name} have different [employers]; both arms "
            "of a trial seek work from the same employers, so give them the same [employers]"
        )
    weeks = round(follow_up_months * 52 / 12)
    cut = {"entry.mode": "cohort", "run.horizon_weeks": weeks}
    return Design(
        arm_a.with_changes({**cut, "entry.cohort_size": math.ceil(n / 2)}),
        arm_b.with_changes({**cut, "entry.cohort_size": n // 2}),
        n,
        weeks,
    )


def outcome_counts(model: IPSModel) -> list[int]:
    """A run model's clients, then its clients with each outcome of ``OUTCOMES``."""
    events, clients = model.log.column("event"), model.log.column("client")
    with_outcome = [len(np.unique(clients[events == code])) for code in OUTCOMES.values()]
    return [len(model.clients), *with_outcome]


def _trial(arm_a: Scenario, arm_b: Scenario, seed: int, t: int) -> list[int]:
    """Run trial ``t``, both arms in one labour market; per arm, the clients allocated, then
    the clients with each outcome."""
    # here, not at the top: input is checked first
    from ipssim.model import in_one_market, paused_gc, run_together

    with paused_gc():
        arms = in_one_market([(arm_a, 2 * t), (arm_b, 2 * t + 1)], seed)
        run_together(arms)
    return [t, *(count for model in arms for count in outcome_counts(model))]


def _trials(task: tuple[Design, int, list[int], Parameters]) -> list[list[int]]:
    """Run some trials of a design: per trial, each arm's clients and outcome counts. Both
    arms of trial t take trial t's calibrated parameters (one world, two arms:
    ``Parameters.arms``)."""
    plan, seed, trials, drawn = task
    rows = []
    for t in trials:
        arm_a, arm_b = drawn.arms([plan.arm_a, plan.arm_b], seed, t)
        rows.append(_trial(arm_a, arm_b, seed, t))
    return rows


def simulate(
    plan: Design,
    trials: int,
    seed: int,
    workers: int = 1,
    progress: bool = True,
    parameters: Parameters = DEFAULTS,
) -> pd.DataFrame:
    """One row per trial: each arm's allocated clients and clients with each outcome, the
    calibrated parameters of trial t drawn from ``parameters`` with the seed tree (seed, t)."""
    chunks = [
        list(range(i, min(i + TRIALS_PER_TASK, trials))) for i in range(0, trials, TRIALS_PER_TASK)
    ]
    rows = [
        row
        for chunk in run_tasks(
            _trials,
            [(plan, seed, c, parameters) for c in chunks],
            workers,
            "trials",
            "trial",
            [len(c) for c in chunks],
            progress,
        )
        for row in chunk
    ]
    names = ["trial"] + [f"{arm}_{what}" for arm in ("a", "b") for what in ("n", *OUTCOMES)]
    return pd.DataFrame(rows, columns=names)


def estimates(runs: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Per trial: each arm's rate, risk difference, relative risk and Fisher exact p-value."""
    a, b = runs[f"a_{outcome}"].to_numpy(), runs[f"b_{outcome}"].to_numpy()
    na, nb = runs["a_n"].to_numpy(), runs["b_n"].to_numpy()
    rate_a, rate_b = a / na, b / nb
    with np.errstate(divide="ignore", invalid="ignore"):
        rr = rate_a / rate_b
    p = [_fisher(int(x), int(m), int(y), int(k)) for x, m, y, k in zip(a, na, b, nb, strict=True)]
    return pd.DataFrame(
        {
            "rate_a": rate_a,
            "rate_b": rate_b,
            "risk_difference": rate_a - rate_b,
            "relative_risk": rr,
            "p_value": p,
        }
    )


@cache
def _fisher(events_a: int, n_a: int, events_b: int, n_b: int) -> float:
    """Two-sided p-value of Fisher's exact test (trials repeat the same tables often)."""
    from scipy import stats  # here, not at the top: a command checks its input before SciPy loads

    return float(
        stats.fisher_exact([[events_a, n_a - events_a], [events_b, n_b - events_b]]).pvalue
    )


def summary(runs: pd.DataFrame) -> dict[str, dict[str, object]]:
    """Per outcome: the distribution of each estimate across trials, and the power.

    Percentiles are of the trials' own estimates (no interpolation, so an infinite relative
    risk from an arm with no events stays infinite); trials where neither arm had an event have
    no relative risk.
    """
    out: dict[str, dict[str, object]] = {}
    for outcome in OUTCOMES:
        est = estimates(runs, outcome)
        significant = est["p_value"] < ALPHA
        row: dict[str, object] = {}
        for name in ("rate_a", "rate_b", "risk_difference", "relative_risk"):
            values = est[name].to_numpy()
            values = values[~np.isnan(values)]
            row[name] = (
                [float(v) for v in np.percentile(values, PERCENTILES, method="inverted_cdf")]
                if len(values)
                else [math.nan] * 3
            )
        row["power"] = float(significant.mean())
        row["significant_favouring_a"] = float((significant & (est["risk_difference"] > 0)).mean())
        row["significant_favouring_b"] = float((significant & (est["risk_difference"] < 0)).mean())
        row["mean_rate_a"] = float(est["rate_a"].mean())
        row["mean_rate_b"] = float(est["rate_b"].mean())
        out[outcome] = row
    return out
