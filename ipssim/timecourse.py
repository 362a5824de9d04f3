"""Time-course outcomes: curves by week, pure functions of event logs (no Mesa, no SimPy).

Clocks. The first job and the first reoffence are timed from each client's follow-up start
(entry, or release for clients who entered in prison, as in ``outcomes``); clients still in
prison at the horizon are not at risk and are left out. Job retention and weeks worked are timed
from the start of each worker's first job.

Censoring. No one leaves the model: a client who drops out of the service, relapses or goes into
custody stays in the log, and what happens next (usually no job) is part of the outcome, so
censoring them would overstate employment. What ends observation is the horizon: a client who
entered late in a stream, or found a first job late, is followed for fewer weeks. Curves of
"ever" events are Kaplan-Meier estimates that censor at the horizon; curves of states at a time
(in work, weeks worked) use the workers followed that long.

Replications. Each replication gives one curve; a week's estimate is dropped when fewer than
``MIN_FOLLOWED`` clients were followed that long (the thin tail of late entrants is noise).
``pool`` gives, per week, the mean across replications with its 95% t-interval (the interval of
the mean, as in ``experiment.summarise``), for weeks that at least half the replications can
estimate (a mean over a selected few would jump about).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ipssim.events import Event
from ipssim.outcomes import clients, job_spells
from ipssim.scenario import Scenario

DAYS_PER_WEEK = 7
WEEKS_PER_YEAR = 52
MIN_FOLLOWED = 20  # a replication's estimate for a week is shown only if this many were followed

SHARES = ("first_job", "first_reoffence", "in_first_job", "in_work")  # measures within 0 and 1
CURVES = ("first_job", "retention", "weeks_worked", "first_reoffence", "waiting_list")

DESCRIPTIONS = {
    "first_job": "share with a first competitive job, by weeks since entry or release "
    "(Kaplan-Meier, censored at the horizon)",
    "first_reoffence": "share with a proven reoffence, by weeks since entry or release "
    "(Kaplan-Meier, censored at the horizon)",
    "at_risk": "clients still at risk (no event yet, still followed) at the week mark",
    "followed": "clients (or workers) followed to the week mark, event or not",
    "in_first_job": "share of workers still in their first job, by weeks since it started "
    "(Kaplan-Meier, censored at the horizon)",
    "in_work": "share of workers in any competitive job, by weeks since their first job started "
    "(workers followed that long)",
    "weeks_worked": "mean weeks in competitive work since the first job started "
    "(workers followed that long)",
    "weeks_worked_per_year": "weeks worked since the first job, as weeks per year",
    "waiting": "clients on a waiting list at the end of the week",
}


def _days(log: pd.DataFrame, event: Event) -> pd.DataFrame:
    return log.loc[log["event"] == event.name.lower(), ["client", "day"]]


def kaplan_meier(time: np.ndarray, event: np.ndarray, weeks: int) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative share with the event before each week mark, and the number at risk there.

    ``time`` is in days from the clock's start: to the event when ``event`` is true, otherwise
    the days followed (the client was observed on days 0 to time - 1). Returns two arrays over
    week marks 0..``weeks``: the Kaplan-Meier estimate of P(event before day 7w), NaN where no
    one was followed into week w, and the number with neither event nor censoring before day 7w.
    """
    time = np.asarray(time, dtype=np.int64)
    event = np.asarray(event, dtype=bool)
    last_seen = np.sort(np.where(event, time, time - 1))
    days, counts = np.unique(time[event], return_counts=True)
    at_risk_then = len(last_seen) - np.searchsorted(last_seen, days, side="left")
    survival = np.concatenate([[1.0], np.cumprod(1.0 - counts / at_risk_then)])
    marks = DAYS_PER_WEEK * np.arange(weeks + 1)
    surviving = survival[np.searchsorted(days, marks, side="left")]
    at_risk = len(last_seen) - np.searchsorted(last_seen, marks, side="left")
    week_start = np.maximum(marks - DAYS_PER_WEEK, 0)
    observed = len(last_seen) - np.searchsorted(last_seen, week_start, side="left")
    share = 1.0 - surviving
    share[(observed == 0) & (surviving > 0)] = np.nan
    return share, at_risk


def followed(followup: np.ndarray, weeks: int) -> np.ndarray:
    """How many of those followed ``followup`` days were followed to each week mark 0..weeks."""
    marks = DAYS_PER_WEEK * np.arange(weeks + 1)
    return len(followup) - np.searchsorted(np.sort(followup), marks, side="left")


def _time_to_first(
    log: pd.DataFrame, event: Event, horizon_day: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Days from follow-up start to each client's first ``event`` after it (or days followed),
    whether it happened, and days followed."""
    people = clients(log)
    people = people[people["start"] < horizon_day]
    hits = _days(log, event)
    after_start = hits["day"] >= hits["client"].map(people["start"])  # False if not followed
    first = hits[after_start].groupby("client")["day"].min()
    first = first.reindex(people.index)
    happened = first.notna().to_numpy()
    start = people["start"].to_numpy()
    time = np.where(happened, first.fillna(0).to_numpy() - start, horizon_day - start)
    return time, happened, horizon_day - start


def _ever(log: pd.DataFrame, event: Event, name: str, horizon_day: int) -> pd.DataFrame:
    weeks = horizon_day // DAYS_PER_WEEK
    time, happened, followup = _time_to_first(log, event, horizon_day)
    share, at_risk = kaplan_meier(time, happened, weeks)
    return pd.DataFrame(
        {
            "week": np.arange(weeks + 1),
            name: share,
            "at_risk": at_risk,
            "followed": followed(followup, weeks),
        }
    )


def first_job(log: pd.DataFrame, horizon_day: int) -> pd.DataFrame:
    """Cumulative share with a first competitive job by week since entry or release."""
    return _ever(log, Event.JOB_START, "first_job", horizon_day)


def first_reoffence(log: pd.DataFrame, horizon_day: int) -> pd.DataFrame:
    """Cumulative share with a proven reoffence by week since entry or release."""
    return _ever(log, Event.REOFFENCE, "first_reoffence", horizon_day)


def _spells_from_first_job(log: pd.DataFrame, horizon_day: int) -> tuple[np.ndarray, ...]:
    """Each job spell's start, end (the horizon if still held) and its worker's first start day,
    and the first start day of each worker."""
    spells = job_spells(log, horizon_day)
    first = spells.groupby("client")["start"].min()
    own_first = spells["client"].map(first)
    return (
        spells["start"].to_numpy(),
        spells["end"].to_numpy(),
        own_first.to_numpy(),
        first.to_numpy(),
    )


def retention(log: pd.DataFrame, horizon_day: int) -> pd.DataFrame:
    """Share still in the first job, and share in any job, by week since the first job began.

    A client holds one job at a time, so counting spells that cover a day counts workers.
    """
    weeks = horizon_day // DAYS_PER_WEEK
    start, end, own_first, first = _spells_from_first_job(log, horizon_day)
    is_first = start == own_first
    share_ended, at_risk = kaplan_meier((end - start)[is_first], end[is_first] < horizon_day, weeks)
    marks = DAYS_PER_WEEK * np.arange(weeks + 1)
    seen = np.array([(first + m < horizon_day).sum() for m in marks])
    working = np.array([((start <= own_first + m) & (own_first + m < end)).sum() for m in marks])
    in_work = np.divide(working, seen, out=np.full(weeks + 1, np.nan), where=seen > 0)
    return pd.DataFrame(
        {
            "week": np.arange(weeks + 1),
            "in_first_job": 1.0 - share_ended,
            "at_risk": at_risk,
            "in_work": in_work,
            "followed": seen,
        }
    )


def weeks_worked(log: pd.DataFrame, horizon_day: int) -> pd.DataFrame:
    """Mean weeks worked since the first job began, among workers followed that long."""
    weeks = horizon_day // DAYS_PER_WEEK
    start, end, own_first, first = _spells_from_first_job(log, horizon_day)
    worked = np.full(weeks + 1, np.nan)
    seen = followed(horizon_day - first, weeks)
    for w in np.flatnonzero(seen):
        window_end = own_first + DAYS_PER_WEEK * w
        days = np.clip(np.minimum(end, window_end) - start, 0, None)
        worked[w] = days[window_end <= horizon_day].sum() / DAYS_PER_WEEK / seen[w]
    per_year = np.full(weeks + 1, np.nan)
    per_year[1:] = worked[1:] / np.arange(1, weeks + 1) * WEEKS_PER_YEAR
    return pd.DataFrame(
        {
            "week": np.arange(weeks + 1),
            "weeks_worked": worked,
            "weeks_worked_per_year": per_year,
            "followed": seen,
        }
    )


def waiting_list(weekly: pd.DataFrame) -> pd.DataFrame:
    """Clients on a waiting list at the end of each week (from the weekly series)."""
    return pd.DataFrame(
        {"week": weekly["week"].to_numpy(), "waiting": weekly["waiting"].to_numpy()}
    )


def _drop_thin_weeks(curve: pd.DataFrame) -> pd.DataFrame:
    """Blank the estimates of weeks to which fewer than ``MIN_FOLLOWED`` were followed."""
    if "followed" not in curve:
        return curve
    estimates = [c for c in curve.columns if c not in ("week", "at_risk", "followed")]
    return curve.assign(**{c: curve[c].where(curve["followed"] >= MIN_FOLLOWED) for c in estimates})


def pool(curves: pd.DataFrame) -> pd.DataFrame:
    """Per week and measure: mean across replications (``rep``) with a 95% t-interval.

    NaNs (weeks a replication could not estimate) are left out; ``reps`` counts the rest, and
    there is no interval (NaN) where fewer than two remain. The interval is clipped to the range
    a measure can take (a share within 0 and 1, the rest at or above 0). Weeks estimated by
    fewer than half the replications are dropped.
    """
    measures = [c for c in curves.columns if c not in ("week", "rep")]
    long = curves.melt(id_vars=["rep", "week"], value_vars=measures, var_name="measure")
    grouped = long.dropna(subset=["value"]).groupby(["measure", "week"], sort=False)["value"]
    out = grouped.agg(["mean", "std", "count"]).reset_index()
    out = out[out["count"] >= 0.5 * curves["rep"].nunique()].reset_index(drop=True)
    n = out["count"].to_numpy()
    from scipy import stats  # here, not at the top: every command starts about 1 s faster

    half = np.full(len(out), np.nan)
    many = n >= 2
    half[many] = stats.t.ppf(0.975, n[many] - 1) * out["std"].to_numpy()[many] / np.sqrt(n[many])
    top = np.where(out["measure"].isin(SHARES), 1.0, np.inf)
    out["ci_low"] = np.maximum(out["mean"] - half, 0.0) + 0.0
    out["ci_high"] = np.minimum(out["mean"] + half, top)
    out = out.rename(columns={"count": "reps"})
    return out[["week", "measure", "mean", "ci_low", "ci_high", "reps"]]


def tables(
    events: pd.DataFrame, weekly: pd.DataFrame, scenario: Scenario
) -> dict[str, pd.DataFrame]:
    """Every curve of ``CURVES``, pooled across replications.

    ``events`` and ``weekly`` hold one or more replications told apart by a ``rep`` column (as
    in the ``events.parquet`` and ``weekly.parquet`` that ``ipssim run --out`` writes).
    """
    horizon_day = DAYS_PER_WEEK * scenario.run.horizon_weeks
    events = events if "rep" in events else events.assign(rep=0)
    weekly = weekly if "rep" in weekly else weekly.assign(rep=0)
    per_run: dict[str, list[pd.DataFrame]] = {name: [] for name in CURVES}
    for rep, log in events.groupby("rep", sort=True):
        for name, curve in (
            ("first_job", first_job),
            ("retention", retention),
            ("weeks_worked", weeks_worked),
            ("first_reoffence", first_reoffence),
        ):
            per_run[name].append(_drop_thin_weeks(curve(log, horizon_day)).assign(rep=rep))
    for rep, series in weekly.groupby("rep", sort=True):
        per_run["waiting_list"].append(waiting_list(series).assign(rep=rep))
    return {name: pool(pd.concat(frames, ignore_index=True)) for name, frames in per_run.items()}
