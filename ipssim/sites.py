"""A population of sites: many IPS services whose implementations vary, each reviewed.

Each site starts from a base scenario. Its implementation levers (staffing ratios, job
development, integration, policies) are drawn from the ranges in ``LEVERS``; like real services,
a site tends to do several things well or several badly, so each lever is drawn around one
site-level commitment to IPS (uniform 0-1) with noise of ``SPREAD``. Its context (staff numbers,
referrals, labour market, case mix) is drawn from ``CONTEXT`` independently of the commitment.
Nothing ties fidelity to outcomes except the model's mechanisms: the fidelity review reads the
site's event log, and the outcomes come from the same log.

Site ``s`` draws its levers from stream ``SITE_STREAM`` of replication ``s``'s seed tree and runs
as replication ``s``, so each site has its own clients, staff and employers, and its numbers
depend only on the seed and ``s``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ipssim.experiment import run_one
from ipssim.fidelity import review
from ipssim.outcomes import engaged_employment_rate
from ipssim.parameters import DEFAULTS, Parameters
from ipssim.scenario import Scenario
from ipssim.schema.levers import Lever, lever
from ipssim.streams import generator, replication_seed
from ipssim.workers import run_tasks

SITE_STREAM = 1000  # outside streams.Stream, so lever draws never meet a model stream
SPREAD = 0.25  # standard deviation of a lever's quantile around the site's commitment


@dataclass(frozen=True)
class Drawn:
    """A lever drawn per site within [low, high]; ``ips`` is the end IPS asks for (None for
    context, drawn uniformly and independently of the site's commitment). A switch is on (as
    IPS asks) when its quantile is 0.5 or more."""

    lever: Lever
    low: float
    high: float
    ips: str | None
    why: str

    def value(self, quantile: float) -> bool | int | float:
        """The value at ``quantile`` of the range (0 = far from IPS, 1 = as IPS asks)."""
        q = quantile if self.ips != "low" else 1.0 - quantile
        if self.lever.kind is bool:
            return bool(q >= 0.5)
        x = self.low + q * (self.high - self.low)
        return round(x) if self.lever.kind is int else round(float(x), 3)


def _drawn(key: str, low: float, high: float, ips: str | None, why: str) -> Drawn:
    return Drawn(lever(key), low, high, ips, why)


LEVERS = (
    _drawn("service.caseload_cap", 15, 45, "low", "fidelity anchors run from 20 or fewer to 41+"),
    _drawn("service.employment_time_share", 0.5, 1.0, "high", "anchors from under 60% to 96%+"),
    _drawn("service.employer_contacts_per_week", 0, 8, "high", "anchors from under 2 to 6+"),
    _drawn("service.community_share", 0.1, 0.8, "high", "anchors from under 30% to 65%+"),
    _drawn("service.integration", 0.0, 1.0, "high", "from a separate service to embedded"),
    _drawn("policy.zero_exclusion", False, True, "high", "formal eligibility criteria or none"),
    _drawn(
        "policy.referral_gatekeeping", 0.0, 0.8, "low", "none to the traditional service's 0.5+"
    ),
    _drawn("policy.benefits_counselling", False, True, "high", "offered or not"),
    _drawn("policy.time_unlimited_support", False, True, "high", "time-limited or not"),
    _drawn("policy.preference_led_search", False, True, "high", "preference-led or any job"),
    _drawn("policy.days_to_first_employer_contact", 7, 120, "low", "anchors from 30 to 270+ days"),
    _drawn("policy.prevocational_training_weeks", 0, 16, "low", "none to the traditional 16"),
    _drawn("policy.disclosure_support", False, True, "high", "offered or not"),
    _drawn("clinicians.training", False, True, "high", "clinicians trained in IPS or not"),
    _drawn("clinicians.belief_in_work_mean", 0.3, 0.8, "high", "assumption: sceptical to keen"),
)
CONTEXT = (
    _drawn("service.specialists", 2, 6, None, "assumption: team-scale services"),
    _drawn("entry.arrivals_per_week", 2.0, 8.0, None, "assumption: 100-400 new clients a year"),
    _drawn("labour_market.unemployment_rate", 0.03, 0.10, None, "assumption: UK local areas"),
    _drawn("employers.count", 200, 600, None, "assumption: employers within reach"),
    _drawn("employers.offence_aversion", 0.7, 1.3, None, "assumption: +/-30% around the surveys"),
    _drawn("employers.vacancy_probability", 0.09, 0.21, None, "assumption: +/-40% around 0.15"),
    _drawn("population.severity_mean", 0.4, 0.6, None, "assumption: case mix around the base"),
    _drawn("population.substance_use_share", 0.2, 0.5, None, "assumption: case mix"),
)
OUTCOMES = (
    "employment_rate",
    "employment_rate_12m",
    "reoffending_rate_12m",
    "referral_rate",
    "waiting_weeks_mean",
    "placements",
    "cost_per_placement",
)
ENGAGED_EMPLOYMENT = "employment_rate_engaged"  # the rate fidelity studies correlate with fidelity


def draw_site(base: Scenario, seed: int, site: int) -> tuple[Scenario, float]:
    """Site ``site``: the base scenario with its levers and context drawn, and its commitment."""
    rng = generator(replication_seed(seed, site), SITE_STREAM)
    commitment = float(rng.random())
    quantiles = np.clip(commitment + SPREAD * rng.standard_normal(len(LEVERS)), 0.0, 1.0)
    changes: dict[str, object] = {"name": f"site_{site}"}
    changes |= {drawn.lever.key: drawn.value(q) for drawn, q in zip(LEVERS, quantiles, strict=True)}
    changes |= {
        drawn.lever.key: drawn.value(u)
        for drawn, u in zip(CONTEXT, rng.random(len(CONTEXT)), strict=True)
    }
    return base.with_changes(changes), commitment


def _site(task: tuple[Scenario, int, int, float, Parameters]) -> dict[str, object]:
    """Simulate one site and review it: its levers, fidelity items and outcomes."""
    scenario, seed, site, commitment, calibrated = task
    result = run_one(scenario, seed, site, parameters=calibrated)
    fidelity = review(result.events, result.scenario, result.weekly)
    row: dict[str, object] = {"site": site, "commitment": commitment}
    for drawn in (*LEVERS, *CONTEXT):
        row[drawn.lever.key] = drawn.lever.value(scenario)
    row |= {"fidelity_total": fidelity.total, "band": fidelity.band}
    row |= {f"item_{item.number}": item.score for item in fidelity.items}
    row |= {name: result.metrics[name] for name in OUTCOMES}
    row[ENGAGED_EMPLOYMENT] = engaged_employment_rate(result.events)
    return row


def simulate(
    base: Scenario,
    n: int,
    seed: int,
    workers: int = 1,
    progress: bool = True,
    parameters: Parameters = DEFAULTS,
) -> pd.DataFrame:
    """One row per site: levers, context, fidelity total, band, items and outcomes; site s
    runs as replication s, its calibrated parameters from ``parameters``."""
    drawn = [draw_site(base, seed, site) for site in range(n)]
    tasks = [
        (scenario, seed, site, commitment, parameters)
        for site, (scenario, commitment) in enumerate(drawn)
    ]
    return pd.DataFrame(list(run_tasks(_site, tasks, workers, "sites", "site", progress=progress)))


def correlation(sites: pd.DataFrame, outcome: str) -> dict[str, float]:
    """Pearson's r between fidelity and an outcome with its 95% interval (Fisher's z), and
    Spearman's rank correlation."""
    pairs = sites[["fidelity_total", outcome]].dropna()
    n = len(pairs)
    if n < 4 or pairs.nunique().min() < 2:
        return {"n": float(n), "r": np.nan, "ci_low": np.nan, "ci_high": np.nan, "rho": np.nan}
    r = float(np.corrcoef(pairs["fidelity_total"], pairs[outcome])[0, 1])
    half = 1.96 / np.sqrt(n - 3)
    z = np.arctanh(np.clip(r, -0.999999, 0.999999))
    from scipy import stats  # here, not at the top: a command checks its input before SciPy loads

    rho = float(stats.spearmanr(pairs["fidelity_total"], pairs[outcome]).statistic)
    return {
        "n": float(n),
        "r": r,
        "ci_low": float(np.tanh(z - half)),
        "ci_high": float(np.tanh(z + half)),
        "rho": rho,
    }
