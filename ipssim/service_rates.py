"""The rates services are judged by, computed from the event log as their sources define them.

- IPS Grow employment rate (England; from April 2024, benchmark 40%): the share of the
  service's out-of-work clients who move into work. Here: clients on a caseload at any time in
  the measurement window who were not in a job when that time on the caseload began; those of
  them who started a competitive job while on a caseload in the window.
- IPS Employment Center quarterly employment rate (US; 31% minimal, 41% average, 50%
  excellent): of the clients served in a quarter, the share who worked in a competitive job at
  any time in it; the mean over the whole 13-week quarters of the window.
- Ministry of Justice employment after release (England and Wales): the share of prison leavers
  in employment 6 weeks and 6 months after release. Here: clients whose first release falls in
  the window and is followed that long, in a job on day 42 (or 182) after it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

QUARTER_DAYS = 91  # 13 weeks
AFTER_RELEASE_DAYS = {"employed_6wk_after_release_rate": 42, "employed_6m_after_release_rate": 182}


def _share(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else float("nan")


def _in_job_on(jobs: pd.DataFrame, days: pd.Series) -> pd.Index:
    """Clients of ``days`` (client -> day) holding a job (start <= day < end) on that day."""
    at = jobs.merge(days.rename("t"), left_on="client", right_index=True)
    return pd.Index(at.loc[(at["start"] <= at["t"]) & (at["end"] > at["t"]), "client"].unique())


def ipsgrow_employment_rate(
    held: pd.DataFrame, jobs: pd.DataFrame, window: tuple[int, int]
) -> float:
    """IPS Grow's employment rate; ``held`` are caseload spells (client, start, end), ``jobs``
    job spells with the specialist of each start (client, start, end, specialist)."""
    begin, end = window
    held = held[(held["start"] < end) & (held["end"] > begin)]
    first = held.groupby("client")["start"].min().clip(lower=begin)
    out_of_work = first.index.difference(_in_job_on(jobs, first))
    started = jobs[(jobs["specialist"] >= 0) & (jobs["start"] >= begin) & (jobs["start"] < end)]
    return _share(
        len(out_of_work.intersection(pd.Index(started["client"].unique()))), len(out_of_work)
    )


def quarterly_employment_rate(
    held: pd.DataFrame, jobs: pd.DataFrame, window: tuple[int, int]
) -> float:
    """The IPS Employment Center's quarterly employment rate, averaged over whole quarters."""
    begin, end = window
    rates = []
    for q in range(begin, end - QUARTER_DAYS + 1, QUARTER_DAYS):
        served = held.loc[(held["start"] < q + QUARTER_DAYS) & (held["end"] > q), "client"].unique()
        if len(served) == 0:
            continue
        worked = jobs.loc[(jobs["start"] < q + QUARTER_DAYS) & (jobs["end"] > q), "client"]
        rates.append(np.isin(served, worked.to_numpy()).mean())
    return float(np.mean(rates)) if rates else float("nan")


def employed_after_release(
    releases: pd.Series, jobs: pd.DataFrame, window: tuple[int, int]
) -> dict[str, float]:
    """The Ministry of Justice's rates; ``releases`` is each prison leaver's first release day
    (client -> day)."""
    begin, end = window
    out = {}
    for name, days in AFTER_RELEASE_DAYS.items():
        followed = releases[(releases >= begin) & (releases + days < end)]
        out[name] = _share(len(_in_job_on(jobs, followed + days)), len(followed))
    return out
