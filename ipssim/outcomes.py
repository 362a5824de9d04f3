"""Outcomes: pure functions of one run's event log and its scenario (no Mesa, no SimPy).

Follow-up for reoffending and for 12-month employment starts at entry, or at release for
clients who entered in prison; only clients whose 12 months end by the horizon count.

The service's stream metrics (placements, referrals, waits, caseload use, employer contacts and
costs) count the measurement window only: from the end of ``run.warmup_weeks`` to the horizon,
so that a steady service is measured once it has filled. With no warm-up the window is the run.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import cached_property

import numpy as np
import pandas as pd

from ipssim.costing import service_costs
from ipssim.events import Discharge, Event
from ipssim.fidelity import review
from ipssim.metrics import RUN_METRICS
from ipssim.scenario import DIAGNOSES, OFFENCES, Scenario
from ipssim.service_rates import (
    AFTER_RELEASE_DAYS,
    employed_after_release,
    ipsgrow_employment_rate,
    quarterly_employment_rate,
)

YEAR = 364  # 52 weeks, so a one-year trial horizon follows everyone for a year
SUSTAINED_DAYS = (91, 182)  # a job sustained 13 weeks, 26 weeks
# a job of this many hours a week or more counts in full_time_job_share (Bond et al. 2008: about
# two thirds of IPS workers work 20+ hours a week); the fidelity review draws its own line
FULL_TIME_SHARE_HOURS = 20

METRICS = tuple(m.name for m in RUN_METRICS)  # every metric ``metrics`` computes
HEADLINE = tuple(m.name for m in RUN_METRICS if m.headline)
# client traits outcomes are broken down by: the table's name and how to title it
BREAKDOWNS = {"offence": ("offences", "index offence"), "diagnosis": ("diagnoses", "diagnosis")}


def _of(log: pd.DataFrame, event: Event) -> pd.DataFrame:
    return log[log["event"] == event.name.lower()]


def _first(log: pd.DataFrame, event: Event) -> pd.Series:
    """Day of each client's first ``event``, indexed by client."""
    return _of(log, event).groupby("client")["day"].min()


def clients(log: pd.DataFrame) -> pd.DataFrame:
    """One row per client: entry day, offence, diagnosis, follow-up start day."""
    entry = _of(log, Event.ENTRY).set_index("client")
    diagnosis = _of(log, Event.DIAGNOSIS).set_index("client")["detail"].reindex(entry.index)
    out = pd.DataFrame(
        {
            "entry": entry["day"],
            "offence": pd.Categorical.from_codes(entry["detail"], categories=pd.Index(OFFENCES)),
            "diagnosis": pd.Categorical.from_codes(
                diagnosis.fillna(-1).astype(int), categories=pd.Index(DIAGNOSES)
            ),
        }
    )
    prison = _of(log, Event.IN_PRISON)["client"]
    release = _first(log[log["client"].isin(prison)], Event.RELEASE)
    out["start"] = release.reindex(out.index).fillna(out["entry"]).astype(int)
    out.loc[out.index.isin(prison) & ~out.index.isin(release.index), "start"] = np.iinfo(
        np.int32
    ).max
    return out


def spells_between(
    log: pd.DataFrame, begin: Event, end: tuple[Event, ...], horizon_day: int
) -> pd.DataFrame:
    """Each ``begin`` event as client, start, its detail and end: the day of the client's next
    ``end`` event in the log (which is in the order things happened, within a day too), or the
    horizon."""
    client, event = log["client"].to_numpy(), log["event"]
    starts = np.flatnonzero(event.eq(begin.name.lower()).to_numpy())
    ends = np.flatnonzero(event.isin([e.name.lower() for e in end]).to_numpy())
    # a client's events in log order as one sorted key: the next end is a binary search away
    key = client.astype(np.int64) * (len(log) + 1)
    end_keys = key[ends] + ends
    order = np.argsort(end_keys, kind="stable")
    end_keys, ends = end_keys[order], ends[order]
    at = np.searchsorted(end_keys, key[starts] + starts, side="right")
    found = at < len(ends)
    found[found] = client[ends[at[found]]] == client[starts[found]]
    end_day = np.full(len(starts), horizon_day, dtype=np.int64)
    end_day[found] = log["day"].to_numpy()[ends[at[found]]]
    return pd.DataFrame(
        {
            "client": client[starts],
            "start": log["day"].to_numpy()[starts],
            "detail": log["detail"].to_numpy()[starts],
            "end": end_day,
        }
    )


def job_spells(log: pd.DataFrame, horizon_day: int) -> pd.DataFrame:
    """Each job as client, start, hours and end (the horizon for jobs still held)."""
    spells = spells_between(log, Event.JOB_START, (Event.JOB_END,), horizon_day)
    return spells.rename(columns={"detail": "hours"})


def waiting_spells(log: pd.DataFrame, horizon_day: int, since_day: int = 0) -> pd.Series:
    """Length in days of each stay on a waiting list begun on or after ``since_day`` (open
    stays end at the horizon)."""
    waits = spells_between(log, Event.WAITLISTED, (Event.ENGAGED, Event.LEFT_WAITLIST), horizon_day)
    waits = waits[waits["start"] >= since_day]
    return waits["end"] - waits["start"]


def window(scenario: Scenario) -> tuple[int, int]:
    """The measurement window's first day and the horizon day (its end, exclusive)."""
    return 7 * scenario.run.warmup_weeks, 7 * scenario.run.horizon_weeks


def measured_weeks(scenario: Scenario) -> int:
    """Weeks in the measurement window: the horizon after the warm-up."""
    return scenario.run.horizon_weeks - scenario.run.warmup_weeks


def _longest_job(spells: pd.DataFrame) -> pd.Series:
    """Days of each worker's longest job."""
    return (spells["end"] - spells["start"]).groupby(spells["client"]).max()


def funnel(log: pd.DataFrame, horizon_day: int) -> dict[str, int]:
    """Clients reaching each stage: wants work, referred, waiting, engaged, contact, job, and a
    job sustained 13 weeks (jobs still held at ``horizon_day`` counted to it)."""

    def count(event: Event) -> int:
        return int(_of(log, event)["client"].nunique())

    longest = _longest_job(job_spells(log, horizon_day))
    return {
        "clients": count(Event.ENTRY),
        "wants_work": count(Event.WANTS_WORK),
        "referred": count(Event.REFERRED),
        "waitlisted": count(Event.WAITLISTED),
        "engaged": count(Event.ENGAGED),
        "first_employer_contact": count(Event.FIRST_EMPLOYER_CONTACT),
        "job": count(Event.JOB_START),
        "sustained_13wk": int((longest >= SUSTAINED_DAYS[0]).sum()),
    }


def _rate(numerator: float, denominator: int) -> float:
    return numerator / denominator if denominator else float("nan")


class _Run:
    """One run's log and scenario, with the tables several metrics share, each made once, when
    a metric first needs it."""

    def __init__(self, log: pd.DataFrame, scenario: Scenario) -> None:
        self.log, self.scenario = log, scenario
        self.horizon_day = 7 * scenario.run.horizon_weeks
        self.begin, _ = window(scenario)

    @cached_property
    def people(self) -> pd.DataFrame:
        return clients(self.log)

    @cached_property
    def spells(self) -> pd.DataFrame:
        """Job spells, with each one's length in ``days``."""
        spells = job_spells(self.log, self.horizon_day)
        spells["days"] = spells["end"] - spells["start"]
        return spells

    @cached_property
    def first_job(self) -> pd.Series:
        return self.spells.groupby("client")["start"].min()

    @cached_property
    def followed(self) -> pd.DataFrame:
        """The clients whose first year from entry or release ends by the horizon."""
        return self.people[self.people["start"] + YEAR <= self.horizon_day]

    @cached_property
    def starts(self) -> pd.DataFrame:
        return _of(self.log, Event.JOB_START)

    @cached_property
    def held(self) -> pd.DataFrame:
        """Caseload spells: engagement to the next discharge, or the horizon."""
        return spells_between(self.log, Event.ENGAGED, (Event.DISCHARGED,), self.horizon_day)


def _jobs(r: _Run) -> dict[str, float]:
    n, spells, first_job = len(r.people), r.spells, r.first_job
    worked_days = spells.groupby("client")["days"].sum()
    longest = _longest_job(spells)
    years_after_first = (r.horizon_day - first_job).sum() / YEAR
    wage = r.scenario.labour_market.hourly_wage
    return {
        "employment_rate": _rate(len(first_job), n),
        "days_to_first_job_median": float(
            (first_job - r.people["entry"].reindex(first_job.index)).median()
        )
        if len(first_job)
        else float("nan"),
        "weeks_worked_mean": worked_days.sum() / 7 / n if n else float("nan"),
        "sustained_13wk_rate": _rate(int((longest >= SUSTAINED_DAYS[0]).sum()), n),
        "weeks_worked_per_year_after_first_job": (
            worked_days.sum() / 7 / years_after_first if years_after_first > 0 else float("nan")
        ),
        "full_time_job_share": float((spells["hours"] >= FULL_TIME_SHARE_HOURS).mean())
        if len(spells)
        else float("nan"),
        "earnings_per_worker": _rate(
            float((spells["hours"] * spells["days"]).sum() / 7 * wage), len(first_job)
        ),
        "sustained_26wk_rate": _rate(int((longest >= SUSTAINED_DAYS[1]).sum()), n),
        "job_tenure_weeks_mean": float(spells["days"].mean() / 7) if len(spells) else float("nan"),
    }


def _followed_a_year(r: _Run) -> dict[str, float]:
    followed, spells = r.followed, r.spells
    reoffences = _of(r.log, Event.REOFFENCE)
    reoffended = _within_year(reoffences[["client", "day"]], followed)
    employed_12m = _within_year(
        spells[["client", "start"]].rename(columns={"start": "day"}), followed
    )
    at_12m = followed["start"] + YEAR
    jobs_then = spells.merge(at_12m.rename("t"), left_on="client", right_index=True)
    working_then = jobs_then[
        (jobs_then["start"] <= jobs_then["t"]) & (jobs_then["end"] > jobs_then["t"])
    ]["client"].nunique()
    return {
        "reoffending_rate_12m": _rate(reoffended, len(followed)),
        "employment_rate_12m": _rate(employed_12m, len(followed)),
        "employed_at_12m_rate": _rate(working_then, len(followed)),
        "reoffences_per_client": _rate(len(reoffences), len(r.people)),
    }


def _wishes(r: _Run) -> dict[str, float]:
    people, n = r.people, len(r.people)
    wishes = _of(r.log, Event.WANTS_WORK)
    wants = set(wishes["client"])
    at_entry = set(
        wishes["client"][wishes["day"].values == people["entry"].reindex(wishes["client"]).values]
    )
    referred = set(_of(r.log, Event.REFERRED)["client"]) & wants
    return {
        "referral_rate": _rate(len(referred), len(wants)),
        "wants_work_rate": _rate(len(at_entry), n),
        "came_to_want_work_rate": _rate(len(wants - at_entry), n - len(at_entry)),
    }


def _custody(r: _Run) -> dict[str, float]:
    custody = spells_between(r.log, Event.CUSTODY, (Event.RELEASE,), r.horizon_day)
    return {
        "custody_days_mean": _rate(int((custody["end"] - custody["start"]).sum()), len(r.people))
    }


def _service(r: _Run) -> dict[str, float]:
    log, scenario, begin, horizon_day = r.log, r.scenario, r.begin, r.horizon_day
    service, weeks, starts = scenario.service, measured_weeks(scenario), r.starts
    placements = int(((starts["specialist"] >= 0) & (starts["day"] >= begin)).sum())
    service_jobs = (starts["specialist"] >= 0).to_numpy() & (starts["day"] >= begin).to_numpy()
    lasted = r.spells["days"].to_numpy() >= SUSTAINED_DAYS[0]
    sustained_placements = int((service_jobs & lasted).sum())
    money = service_costs(
        log, scenario.costs, service.specialists, window(scenario), placements, sustained_placements
    )
    waits = waiting_spells(log, horizon_day, begin)
    contacts = int((_of(log, Event.EMPLOYER_CONTACT)["day"] >= begin).sum())
    places = service.specialists * service.caseload_cap * (horizon_day - begin)
    held = r.held
    held_in_window = (held["end"] - np.maximum(held["start"], begin)).clip(lower=0)
    return {
        "waiting_weeks_mean": float(waits.mean() / 7) if len(waits) else 0.0,
        "employer_contacts_per_specialist_week": _rate(contacts, service.specialists * weeks),
        "cost_per_placement": money["staff_cost"] / placements if placements else float("nan"),
        "placements": float(placements),
        "caseload_use": _rate(int(held_in_window.sum()), places),
        **money,
        "sustained_placements_13wk": float(sustained_placements),
        "placements_per_year": placements * 52 / weeks,
        "referrals_per_year": int((_first(log, Event.REFERRED) >= begin).sum()) * 52 / weeks,
        "waiting_weeks_p90": float(np.percentile(waits, 90) / 7) if len(waits) else 0.0,
    }


def _fidelity(r: _Run) -> dict[str, float]:
    return {"fidelity_total": float(review(r.log, r.scenario).total)}


def _service_rates(r: _Run) -> dict[str, float]:
    jobs = r.spells.assign(specialist=r.starts["specialist"].to_numpy())
    return service_rates(r.log, r.held, jobs, r.scenario)


def _retention(r: _Run) -> dict[str, float]:
    return service_retention(r.log, r.held, r.horizon_day)


def _first_job_tenure(r: _Run) -> dict[str, float]:
    return first_job_tenure(r.spells, r.horizon_day)


# every metric in the order a run's metrics come (the columns of a folder's runs table), with
# the function that computes it: each function computes a group of metrics at once
_COMPUTED_BY: tuple[tuple[str, Callable[[_Run], dict[str, float]]], ...] = (
    ("employment_rate", _jobs),
    ("days_to_first_job_median", _jobs),
    ("weeks_worked_mean", _jobs),
    ("sustained_13wk_rate", _jobs),
    ("reoffending_rate_12m", _followed_a_year),
    ("referral_rate", _wishes),
    ("waiting_weeks_mean", _service),
    ("employer_contacts_per_specialist_week", _service),
    ("cost_per_placement", _service),
    ("wants_work_rate", _wishes),
    ("came_to_want_work_rate", _wishes),
    ("employment_rate_12m", _followed_a_year),
    ("employed_at_12m_rate", _followed_a_year),
    ("weeks_worked_per_year_after_first_job", _jobs),
    ("full_time_job_share", _jobs),
    ("earnings_per_worker", _jobs),
    ("sustained_26wk_rate", _jobs),
    ("job_tenure_weeks_mean", _jobs),
    ("placements", _service),
    ("reoffences_per_client", _followed_a_year),
    ("custody_days_mean", _custody),
    ("caseload_use", _service),
    ("staff_cost", _service),
    ("annual_cost", _service),
    ("team_cost", _service),
    ("cost_per_job_start", _service),
    ("cost_per_sustained_job_13wk", _service),
    ("sustained_placements_13wk", _service),
    ("fidelity_total", _fidelity),
    ("placements_per_year", _service),
    ("referrals_per_year", _service),
    ("waiting_weeks_p90", _service),
    ("ipsgrow_employment_rate", _service_rates),
    ("quarterly_employment_rate", _service_rates),
    *((name, _service_rates) for name in AFTER_RELEASE_DAYS),
    ("service_dropout_rate", _retention),
    ("discharged_rate", _retention),
    ("retained_12m_rate", _retention),
    ("first_job_weeks_mean", _first_job_tenure),
    ("weeks_worked_after_first_job_24m", _first_job_tenure),
)
ORDER = tuple(name for name, _ in _COMPUTED_BY)


def metrics(
    log: pd.DataFrame, scenario: Scenario, names: Collection[str] | None = None
) -> dict[str, float]:
    """Every metric of ``METRICS`` for one run, or only those of ``names`` (a calibration
    needs a few: the groups of metrics none of them is in are not computed)."""
    wanted = set(METRICS if names is None else names)
    if unknown := wanted - set(METRICS):
        raise KeyError(f"not metrics: {', '.join(sorted(unknown))}")
    run, found = _Run(log, scenario), dict[str, float]()
    for compute in dict.fromkeys(group for name, group in _COMPUTED_BY if name in wanted):
        found |= compute(run)
    return {name: found[name] for name in ORDER if name in wanted}


def service_rates(
    log: pd.DataFrame, held: pd.DataFrame, jobs: pd.DataFrame, scenario: Scenario
) -> dict[str, float]:
    """The rates services are judged by (``ipssim.service_rates``), over the measurement window;
    ``held`` are caseload spells, ``jobs`` job spells with the specialist of each start."""
    measured = window(scenario)
    prison = _of(log, Event.IN_PRISON)["client"]
    releases = _first(log[log["client"].isin(prison)], Event.RELEASE)
    return {
        "ipsgrow_employment_rate": ipsgrow_employment_rate(held, jobs, measured),
        "quarterly_employment_rate": quarterly_employment_rate(held, jobs, measured),
        **employed_after_release(releases, jobs, measured),
    }


def service_retention(
    log: pd.DataFrame, contact: pd.DataFrame, horizon_day: int
) -> dict[str, float]:
    """Dropout, discharge and retention among engaged clients, counted from each client's first
    engagement; ``contact`` holds the spells in the service (engagement to the next discharge,
    which custody also brings, or the horizon)."""
    engaged = _first(log, Event.ENGAGED)
    discharges = _of(log, Event.DISCHARGED)
    dropped = discharges.loc[discharges["detail"] == int(Discharge.DROPPED_OUT), "client"]
    discharged = discharges.loc[discharges["detail"] != int(Discharge.CUSTODY), "client"]
    followed = engaged[engaged + YEAR <= horizon_day]
    at = contact.merge((followed + YEAR).rename("t"), left_on="client", right_index=True)
    retained = at.loc[(at["start"] <= at["t"]) & (at["end"] > at["t"]), "client"].nunique()
    return {
        "service_dropout_rate": _rate(dropped.nunique(), len(engaged)),
        "discharged_rate": _rate(discharged.nunique(), len(engaged)),
        "retained_12m_rate": _rate(retained, len(followed)),
    }


def engaged_employment_rate(log: pd.DataFrame) -> float:
    """Share of clients who engaged with the service who started a competitive job on or after
    their first engagement: the rate fidelity studies correlate with fidelity (Bond et al. 2012,
    Psychiatr Serv 63(8), validating the 25-item scale against employment among the clients a
    service serves), beside ``employment_rate`` over every client."""
    engaged = _first(log, Event.ENGAGED)
    starts = _of(log, Event.JOB_START)
    after = starts.merge(engaged.rename("engaged"), left_on="client", right_index=True)
    return _rate(after.loc[after["day"] >= after["engaged"], "client"].nunique(), len(engaged))


def first_job_tenure(jobs: pd.DataFrame, horizon_day: int) -> dict[str, float]:
    """Weeks in each worker's first job, and weeks worked in the 104 weeks after it started
    among workers followed that long; ``jobs`` as from ``job_spells``."""
    first = jobs.sort_values(["client", "start"], kind="stable").groupby("client").first()
    window = jobs.merge(first["start"].rename("first"), left_on="client", right_index=True)
    window = window[window["first"] + 2 * YEAR <= horizon_day]
    worked = (np.minimum(window["end"], window["first"] + 2 * YEAR) - window["start"]).clip(0)
    followed = window["client"].nunique()
    return {
        "first_job_weeks_mean": float((first["end"] - first["start"]).mean() / 7)
        if len(first)
        else float("nan"),
        "weeks_worked_after_first_job_24m": float(worked.sum() / 7 / followed)
        if followed
        else float("nan"),
    }


def _hit_within_year(events: pd.DataFrame, followed: pd.DataFrame) -> pd.Index:
    """Followed clients with at least one of ``events`` (client, day) in their first year."""
    joined = events.merge(followed["start"], left_on="client", right_index=True)
    hit = joined[(joined["day"] >= joined["start"]) & (joined["day"] < joined["start"] + YEAR)]
    return pd.Index(hit["client"].unique())


def _within_year(events: pd.DataFrame, followed: pd.DataFrame) -> int:
    """How many followed clients had at least one of ``events`` in their first year."""
    return len(_hit_within_year(events, followed))


def breakdowns(log: pd.DataFrame, scenario: Scenario) -> dict[str, pd.DataFrame]:
    """Employment and 12-month reoffending rates by each client trait of ``BREAKDOWNS``."""
    horizon_day = 7 * scenario.run.horizon_weeks
    people = clients(log)
    followed = people[people["start"] + YEAR <= horizon_day]
    hit = _hit_within_year(_of(log, Event.REOFFENCE), followed)
    people["employed"] = people.index.isin(_of(log, Event.JOB_START)["client"])
    # reoffending among the followed only: NaN for the others, which the mean leaves out
    people["reoffended"] = people.index.isin(hit).astype(float)
    people.loc[~people.index.isin(followed.index), "reoffended"] = np.nan
    out = {}
    for trait in BREAKDOWNS:
        grouped = people.groupby(trait, observed=False)
        out[trait] = pd.DataFrame(
            {
                "clients": grouped.size(),
                "employment_rate": grouped["employed"].mean(),
                "reoffending_rate_12m": grouped["reoffended"].mean(),
            }
        )
    return out
