"""The metrics ipssim reports: one record each, saying what it means, its unit and its kind.

``ipssim.outcomes`` computes the run metrics; formatting, tables, plots, reports and the
README's metric table read these records, so a unit is stated once and never guessed from a
metric's name. Nothing here imports the rest of the package.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Kind = Literal["share", "count", "weeks", "days", "money", "score"]


@dataclass(frozen=True)
class Metric:
    """A reported figure: ``kind`` says how to show it (a share as a percentage, money in
    pounds, the rest as numbers of ``unit``); ``headline`` metrics are shown first. A
    ``ratio`` (numerator, denominator: two other metrics) is summarised across replications as
    the ratio of their totals, not the mean of each replication's ratio."""

    name: str
    description: str
    unit: str
    kind: Kind
    headline: bool = False
    ratio: tuple[str, str] | None = None

    @property
    def label(self) -> str:
        """The name in words with its unit, for an axis."""
        return f"{self.name.replace('_', ' ')} ({self.unit})"


def _share(name: str, description: str, of: str, headline: bool = False) -> Metric:
    return Metric(name, description, f"share of {of}", "share", headline)


RUN_METRICS: tuple[Metric, ...] = (  # every metric of one run, in the order tables list them
    _share(
        "employment_rate", "share of clients with a competitive job by the horizon", "clients", True
    ),
    Metric(
        "days_to_first_job_median",
        "median days from entry to first job, among those employed",
        "days",
        "days",
        True,
    ),
    Metric(
        "weeks_worked_mean",
        "mean weeks in competitive work per client by the horizon",
        "weeks per client",
        "weeks",
        True,
    ),
    _share(
        "sustained_13wk_rate",
        "share of clients with a job lasting 13 weeks or more",
        "clients",
        True,
    ),
    _share(
        "reoffending_rate_12m",
        "share with a proven reoffence within 12 months of entry or release",
        "clients followed a year",
        True,
    ),
    _share(
        "referral_rate",
        "share of those who want work who are referred",
        "clients who want work",
        True,
    ),
    Metric(
        "waiting_weeks_mean",
        "mean weeks on a waiting list, waits begun in the measurement window (open waits "
        "counted to the horizon)",
        "weeks per wait",
        "weeks",
        True,
    ),
    Metric(
        "employer_contacts_per_specialist_week",
        "face-to-face employer contacts per specialist-week, over the measurement window",
        "contacts per specialist-week",
        "count",
        True,
    ),
    Metric(
        "cost_per_placement",
        "specialists' staff cost (staff_cost, GBP) per job start in the service, over the "
        "measurement window (across replications: total cost over total job starts); kept for "
        "compatibility: cost_per_job_start counts the whole team as commissioners do",
        "GBP per job start",
        "money",
        True,
        ratio=("staff_cost", "placements"),
    ),
    _share("wants_work_rate", "share of clients who want competitive work at entry", "clients"),
    _share(
        "came_to_want_work_rate",
        "share of clients not wanting work at entry who came to want it",
        "clients not wanting work at entry",
    ),
    _share(
        "employment_rate_12m",
        "share with a competitive job within 12 months of entry or release",
        "clients followed a year",
    ),
    _share(
        "employed_at_12m_rate",
        "share in work 12 months after entry or release",
        "clients followed a year",
    ),
    Metric(
        "weeks_worked_per_year_after_first_job",
        "weeks worked per year after the first job, workers",
        "weeks per year",
        "weeks",
    ),
    _share("full_time_job_share", "share of job starts at 20 or more hours a week", "job starts"),
    Metric(
        "earnings_per_worker",
        "gross pay (GBP) from competitive work by the horizon, per client who worked: hours a "
        "week x weeks in each job x labour_market.hourly_wage",
        "GBP per worker",
        "money",
    ),
    _share(
        "sustained_26wk_rate", "share of clients with a job lasting 26 weeks or more", "clients"
    ),
    Metric(
        "job_tenure_weeks_mean",
        "mean weeks per job (jobs still held counted to the horizon)",
        "weeks per job",
        "weeks",
    ),
    Metric(
        "placements",
        "job starts while supported by the service, in the measurement window",
        "job starts",
        "count",
    ),
    Metric(
        "reoffences_per_client",
        "proven reoffences per client by the horizon",
        "reoffences per client",
        "count",
    ),
    Metric(
        "custody_days_mean",
        "mean days in custody after a reoffence per client by the horizon",
        "days per client",
        "days",
    ),
    _share(
        "caseload_use",
        "share of caseload places (specialists x cap) filled, over the measurement window",
        "caseload places",
    ),
    Metric(
        "staff_cost",
        "specialists' staff cost (GBP) over the measurement window: salary, employer National "
        "Insurance and pension (costs section) for the weeks each post was filled",
        "GBP",
        "money",
    ),
    Metric(
        "annual_cost",
        "the team's cost a year as commissioners in England count it (IPS Grow workforce "
        "calculator): specialists in post, team leaders and manager by ratio, each at salary "
        "plus employer National Insurance and pension, plus the non-staff share; over the "
        "measurement window",
        "GBP per year",
        "money",
    ),
    Metric(
        "team_cost", "the team's cost (annual_cost) over the measurement window", "GBP", "money"
    ),
    Metric(
        "sustained_placements_13wk",
        "job starts in the service, in the measurement window, that lasted 13 weeks or more",
        "job starts",
        "count",
    ),
    Metric(
        "cost_per_job_start",
        "the team's whole cost (team_cost) per job start in the service, over the measurement "
        "window (across replications: total cost over total job starts); cost_per_placement "
        "counts specialists' staff cost only",
        "GBP per job start",
        "money",
        ratio=("team_cost", "placements"),
    ),
    Metric(
        "cost_per_sustained_job_13wk",
        "the team's whole cost (team_cost) per job start in the service that lasted 13 weeks, "
        "over the measurement window (across replications: ratio of totals)",
        "GBP per sustained job",
        "money",
        ratio=("team_cost", "sustained_placements_13wk"),
    ),
    Metric(
        "fidelity_total",
        "simulated IPS fidelity review, 25 items scored 1-5 (of 125)",
        "points of 125",
        "score",
    ),
    Metric(
        "placements_per_year",
        "job starts per year in the service, over the measurement window (after the warm-up)",
        "job starts per year",
        "count",
    ),
    Metric(
        "referrals_per_year",
        "new referrals to the service per year (clients referred for the first time), over the "
        "measurement window",
        "referrals per year",
        "count",
    ),
    Metric(
        "waiting_weeks_p90",
        "90th percentile of weeks on a waiting list, waits begun in the measurement window "
        "(open waits counted to the horizon)",
        "weeks per wait",
        "weeks",
    ),
    _share(
        "ipsgrow_employment_rate",
        "IPS Grow employment rate (England, from April 2024; benchmark 40%): of the clients on "
        "a caseload in the measurement window who were out of work when that time began, the "
        "share who started a competitive job while on a caseload in the window (IPS Grow "
        "policy note: calculating employment rates)",
        "out-of-work clients on a caseload",
    ),
    _share(
        "quarterly_employment_rate",
        "IPS Employment Center quarterly employment rate (31% minimal, 41% average, 50% "
        "excellent): of the clients served (on a caseload) in a 13-week quarter, the share who "
        "worked in a competitive job at any time in it; mean over the window's whole quarters "
        "(IPS Employment Center, clients served and working)",
        "clients served in a quarter",
    ),
    _share(
        "employed_6wk_after_release_rate",
        "Ministry of Justice employment 6 weeks after release: of prison leavers whose first "
        "release falls in the window and who are followed 6 weeks, the share in a job on day 42 "
        "after release (MoJ Community Performance statistics)",
        "prison leavers followed 6 weeks",
    ),
    _share(
        "employed_6m_after_release_rate",
        "Ministry of Justice employment 6 months after release: as the 6-week rate, in a job on "
        "day 182 after release (MoJ Community Performance statistics)",
        "prison leavers followed 6 months",
    ),
    _share(
        "service_dropout_rate",
        "share of engaged clients who left the service by disengaging, by the horizon",
        "engaged clients",
    ),
    _share(
        "retained_12m_rate",
        "share of engaged clients still in the service 12 months after first engaging",
        "engaged clients followed 12 months",
    ),
    _share(
        "discharged_rate",
        "share of engaged clients discharged by the horizon, for any reason but custody",
        "engaged clients",
    ),
    Metric(
        "first_job_weeks_mean",
        "mean weeks in the first job (jobs still held counted to the horizon)",
        "weeks per first job",
        "weeks",
    ),
    Metric(
        "weeks_worked_after_first_job_24m",
        "mean weeks worked in the 104 weeks after a first job, among workers followed that long",
        "weeks per worker",
        "weeks",
    ),
)
BY_NAME = {m.name: m for m in RUN_METRICS}
PLACEMENTS_PER_YEAR = BY_NAME["placements_per_year"]  # a planning figure


def metric(name: str) -> Metric:
    """The record of the metric called ``name``."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"{name!r} is not a metric; metrics: {', '.join(BY_NAME)}") from None


def bounds(name: str) -> tuple[float, float]:
    """The range the mean of metric ``name`` can take: a share within 0 and 1, every other
    metric (counts, weeks, days, money, the fidelity score) at or above 0."""
    return (0.0, 1.0) if metric(name).kind == "share" else (0.0, math.inf)
