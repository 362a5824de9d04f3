"""Virtual cluster-randomised trials: whole sites, drawn from the sites population, randomised.

Each trial draws ``K`` sites from the population of ``ipssim.sites`` and allocates half to each
arm. A site in arm A runs arm A's scenario with the site's drawn implementation levers and
context: IPS as that site implements it, the fidelity varying with its commitment. A site in
arm B, the comparator, runs arm B's scenario with its service as given and only the site's
context (staff, labour market, employers, case mix). Every site enrols a cohort of ``M``
clients and follows them for the follow-up, so the clients of one site share its service, its
staff and its employers, and the intraclass correlation comes from how sites differ. With
``drawn_levers=False`` arm A's sites run arm A's service as given, in their own context: the
sites then differ by context only, and the effect is the scenarios' own, as in the individually
randomised design. Each site is its own labour market: unlike ``trial``'s arms, which share one,
the arms' clients never compete for the same openings.

Site ``j`` of trial ``t`` is site ``t * K + j`` of the population: its levers and context come
from ``sites.draw_site`` and it runs as that replication, so no site or client is in two trials
and every trial's numbers depend only on the seed and ``t``, whatever the workers. The first
``K / 2`` sites of a trial go to arm A: the sites are independent draws, so this is the same in
distribution as randomising them. Every site of trial ``t`` takes trial ``t``'s calibrated
parameters (``Parameters.scenario`` with the seed tree (seed, t), as ``trial.simulate`` gives
both its arms): one world per trial, the sites differing by their draws only.

The analysis is at the cluster level: each site's share of clients with the outcome within the
follow-up (competitive work, a proven reoffence: intention to treat), the effect the difference
of the arms' mean site shares, tested by Student's t-test on the site shares with ``K - 2``
degrees of freedom. This is the standard analysis of cluster-level summaries (Hayes & Moulton
2017, Cluster Randomised Trials, 2nd ed.): valid with few clusters, and with equal numbers of
sites per arm robust to unequal variances between the arms, where Welch's correction would cost
degrees of freedom that two to five sites per arm cannot spare.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ipssim import sites
from ipssim.parameters import DEFAULTS, Parameters
from ipssim.scenario import Scenario
from ipssim.trial import ALPHA, OUTCOMES, PERCENTILES, Design, outcome_counts
from ipssim.workers import run_tasks

ARMS = ("a", "b")


def site_scenarios(
    plan: Design, k: int, trial: int, seed: int, drawn_levers: bool = True
) -> list[tuple[Scenario, int]]:
    """The ``k`` sites of one trial with their replications, arm A's first.

    ``plan`` holds the arms cut to one site's cohort and the follow-up (``trial.design``).
    """
    out = []
    for j in range(k):
        site = trial * k + j
        drawn, _ = sites.draw_site(plan.arm_a, seed, site)
        in_a = j < k // 2
        if not (in_a and drawn_levers):
            context = {d.lever.key: d.lever.value(drawn) for d in sites.CONTEXT}
            given = plan.arm_a if in_a else plan.arm_b
            drawn = given.with_changes({**context, "name": f"site_{site}"})
        out.append((drawn, site))
    return out


def _site(task: tuple[Scenario, int, int]) -> list[int]:
    """Run one site: its clients, then its clients with each outcome."""
    from ipssim.model import IPSModel, paused_gc  # here, not at the top: input is checked first

    scenario, seed, site = task
    with paused_gc():
        model = IPSModel(scenario, seed=seed, rep=site)
        model.run()
    return outcome_counts(model)


def simulate(
    plan: Design,
    k: int,
    trials: int,
    seed: int,
    workers: int = 1,
    progress: bool = True,
    parameters: Parameters = DEFAULTS,
    drawn_levers: bool = True,
) -> pd.DataFrame:
    """One row per site: its trial, site number, arm, clients and clients with each outcome."""
    keys, tasks = [], []
    for t in range(trials):
        for j, (scenario, site) in enumerate(site_scenarios(plan, k, t, seed, drawn_levers)):
            keys.append([t, site, ARMS[j >= k // 2]])
            tasks.append((parameters.scenario(scenario, seed, t), seed, site))
    counts = run_tasks(_site, tasks, workers, "cluster trials", "site", progress=progress)
    rows = [key + row for key, row in zip(keys, counts, strict=True)]
    return pd.DataFrame(rows, columns=["trial", "site", "arm", "n", *OUTCOMES])


def icc(events: np.ndarray, clients: np.ndarray, groups: np.ndarray) -> float:
    """The intraclass correlation of a binary outcome: the one-way analysis-of-variance
    estimator with clusters nested in groups (an arm of a trial), so that the arms' difference
    is not counted as the sites'.

    With cluster ``j`` holding ``m_j`` clients of whom ``y_j`` had the outcome (share ``p_j``),
    ``C`` clusters in ``G`` groups and ``N`` clients: MSB = sum m_j (p_j - p_g)^2 / (C - G) with
    ``p_g`` the share of the cluster's group, MSW = sum m_j p_j (1 - p_j) / (N - C), and
    ICC = (MSB - MSW) / (MSB + (m0 - 1) MSW) with m0 = (N - sum_g sum_j m_j^2 / N_g) / (C - G),
    the mean cluster size adjusted for unequal sizes (Donner 1986, Int Stat Rev 54:67-82). A
    negative estimate, which arises by chance when sites differ less than their clients do, is
    set to 0 as is usual; NaN when it cannot be estimated: no client varies (every share 0, or
    every share 1) or every cluster holds one client.
    """
    y, m = np.asarray(events, float), np.asarray(clients, float)
    _, g = np.unique(np.asarray(groups), return_inverse=True)
    n_g, y_g = np.bincount(g, m), np.bincount(g, y)
    p, p_g = y / m, (y_g / n_g)[g]
    between_df, within_df = len(m) - len(n_g), m.sum() - len(m)
    if within_df <= 0:
        return math.nan
    msb = float((m * (p - p_g) ** 2).sum()) / between_df
    msw = float((m * p * (1 - p)).sum()) / within_df
    m0 = (m.sum() - float((np.bincount(g, m**2) / n_g).sum())) / between_df
    denominator = msb + (m0 - 1) * msw
    return max(0.0, (msb - msw) / denominator) if denominator > 0 else math.nan


def _spread(values: np.ndarray) -> list[float]:
    values = values[~np.isnan(values)]
    if not len(values):
        return [math.nan] * 3
    return [float(v) for v in np.percentile(values, PERCENTILES, method="inverted_cdf")]


def estimates(runs: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Per trial: each arm's mean site share, their difference and ratio, the t-test's p-value
    and the trial's own ICC."""
    from scipy import stats  # here, not at the top: a command checks its input before SciPy loads

    share = runs[outcome] / runs["n"]
    by = {arm: share[runs["arm"] == arm].groupby(runs["trial"]) for arm in ARMS}
    mean = {arm: by[arm].mean().to_numpy() for arm in ARMS}
    var = {arm: by[arm].var().to_numpy() for arm in ARMS}
    size = {arm: by[arm].size().to_numpy() for arm in ARMS}
    difference = mean["a"] - mean["b"]
    pooled = ((size["a"] - 1) * var["a"] + (size["b"] - 1) * var["b"]) / (size["a"] + size["b"] - 2)
    se = np.sqrt(pooled * (1 / size["a"] + 1 / size["b"]))
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.abs(difference) / se
        p = np.where(se > 0, 2 * stats.t.sf(t, size["a"] + size["b"] - 2), 1.0 * (difference == 0))
        ratio = mean["a"] / mean["b"]
    trial_icc = [
        icc(g[outcome].to_numpy(), g["n"].to_numpy(), g["arm"].to_numpy())
        for _, g in runs.groupby("trial")
    ]
    return pd.DataFrame(
        {
            "rate_a": mean["a"],
            "rate_b": mean["b"],
            "risk_difference": difference,
            "relative_risk": ratio,
            "p_value": p,
            "icc": trial_icc,
        }
    )


def summary(runs: pd.DataFrame) -> dict[str, dict[str, object]]:
    """Per outcome: the spread of each estimate across trials and the power, as
    ``trial.summary`` gives them, with the ICC and the design effect.

    ``icc`` pools every trial's sites (clusters nested in each trial's arms: the population's
    ICC, estimated from many sites), ``icc_arm_a`` and ``icc_arm_b`` are each arm's alone,
    ``icc_per_trial`` the spread of what one trial would estimate, and ``design_effect`` is
    1 + (M - 1) ICC with M the clients per site: how many times the clients an individually
    randomised trial needs for the same precision, were the effect the same.
    """
    m = float(runs["n"].mean())
    out: dict[str, dict[str, object]] = {}
    for outcome in OUTCOMES:
        est = estimates(runs, outcome)
        significant = est["p_value"] < ALPHA
        row: dict[str, object] = {
            name: _spread(est[name].to_numpy())
            for name in ("rate_a", "rate_b", "risk_difference", "relative_risk")
        }
        row["power"] = float(significant.mean())
        row["significant_favouring_a"] = float((significant & (est["risk_difference"] > 0)).mean())
        row["significant_favouring_b"] = float((significant & (est["risk_difference"] < 0)).mean())
        row["mean_rate_a"] = float(est["rate_a"].mean())
        row["mean_rate_b"] = float(est["rate_b"].mean())
        groups = runs["trial"].to_numpy() * 2 + (runs["arm"] == "b").to_numpy()
        pooled = icc(runs[outcome].to_numpy(), runs["n"].to_numpy(), groups)
        row["icc"] = pooled
        for arm in ARMS:
            one = runs[runs["arm"] == arm]
            row[f"icc_arm_{arm}"] = icc(
                one[outcome].to_numpy(), one["n"].to_numpy(), one["trial"].to_numpy()
            )
        row["icc_per_trial"] = _spread(est["icc"].to_numpy())
        row["design_effect"] = 1 + (m - 1) * pooled if m > 1 else 1.0
        out[outcome] = row
    return out
