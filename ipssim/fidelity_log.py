"""The event log as a fidelity reviewer reads it: rows by event, caseloads week by week, the
jobs found with the service and the follow-along inside them.

Plain numpy on the log's columns, so a review stays cheap enough to run every simulated week.
"""

from __future__ import annotations

from functools import cached_property
from typing import NamedTuple

import numpy as np
import pandas as pd

from ipssim.events import Event
from ipssim.ranks import rank_among_equals
from ipssim.scenario import Scenario

EVENT_NAMES = [e.name.lower() for e in Event]
KEY = 1 << 32  # client * KEY + day orders rows by client, then day


class Rows(NamedTuple):
    """The log's columns for some rows."""

    day: np.ndarray
    client: np.ndarray
    detail: np.ndarray
    specialist: np.ndarray
    employer: np.ndarray


class Spells(NamedTuple):
    """Jobs found with the service, sorted by client and start; ``end`` is the review's end for
    jobs still held."""

    client: np.ndarray
    start: np.ndarray
    end: np.ndarray


def _keys(client: np.ndarray, day: np.ndarray) -> np.ndarray:
    return client.astype(np.int64) * KEY + day


def latest(
    ref_client: np.ndarray, ref_day: np.ndarray, client: np.ndarray, day: np.ndarray
) -> np.ndarray:
    """For each (client, day), the index of that client's latest reference row on or before the
    day, or -1; the reference rows are sorted by client, then day."""
    if len(ref_client) == 0:
        return np.full(len(client), -1)
    pos = np.searchsorted(_keys(ref_client, ref_day), _keys(client, day), side="right") - 1
    safe = np.maximum(pos, 0)
    return np.where((pos >= 0) & (ref_client[safe] == client), pos, -1)


class ReviewLog:
    """The log indexed by event, and the quantities several items share, each computed once."""

    def __init__(
        self, events: pd.DataFrame, scenario: Scenario, weekly: pd.DataFrame | None
    ) -> None:
        self.scenario = scenario
        self.service = scenario.service
        self.policy = scenario.policy
        column = events["event"]
        if (
            isinstance(column.dtype, pd.CategoricalDtype)
            and list(column.cat.categories) == EVENT_NAMES
        ):
            codes = column.cat.codes.to_numpy()
        else:
            codes = pd.Categorical(column, categories=EVENT_NAMES).codes
        days = events["day"].to_numpy(np.int64)
        order = np.lexsort((days, codes))  # by event, then day: every event's rows in time order
        self._bounds = np.searchsorted(codes[order], np.arange(len(Event) + 1))
        self._columns = {name: events[name].to_numpy(np.int64)[order] for name in Rows._fields}
        weeks = scenario.run.horizon_weeks
        if weekly is not None:
            has_week = "week" in weekly and len(weekly)
            weeks = int(weekly["week"].iloc[-1]) if has_week else len(weekly)
        self.weeks = weeks
        self.end_day = 7 * weeks

    def of(self, event: Event) -> Rows:
        """The rows of one event, in time order."""
        lo, hi = self._bounds[event], self._bounds[event + 1]
        return Rows(*(self._columns[name][lo:hi] for name in Rows._fields))

    def by_client(self, event: Event) -> Rows:
        """The rows of one event sorted by client, then day."""
        rows = self.of(event)
        order = np.argsort(rows.client, kind="stable")
        return Rows(*(column[order] for column in rows))

    @cached_property
    def active(self) -> np.ndarray:
        """Clients holding a place with each specialist at the start of each week (S x W)."""
        n, weeks = self.service.specialists, self.weeks
        grid = np.zeros((n, weeks + 1), dtype=np.int64)
        for event, sign in ((Event.ENGAGED, 1), (Event.DISCHARGED, -1)):
            rows = self.of(event)
            ok = (rows.specialist >= 0) & (rows.specialist < n)
            np.add.at(grid, (rows.specialist[ok], np.minimum(rows.day[ok] // 7 + 1, weeks)), sign)
        return np.cumsum(grid, axis=1)[:, :weeks]

    @cached_property
    def active_weeks(self) -> int:
        """Specialist-weeks begun with at least one client on the caseload."""
        return int((self.active > 0).sum())

    @cached_property
    def contacts(self) -> Rows:
        return self.of(Event.EMPLOYER_CONTACT)

    @cached_property
    def placements(self) -> Rows:
        """Job starts of clients supported by a specialist: the jobs found with the service."""
        rows = self.of(Event.JOB_START)
        return Rows(*(column[rows.specialist >= 0] for column in rows))

    @cached_property
    def spells(self) -> Spells:
        """Each client's k-th job start ends at their k-th job end."""
        starts, ends = self.of(Event.JOB_START), self.of(Event.JOB_END)
        end = np.full(len(starts.day), self.end_day, dtype=np.int64)
        if len(ends.day):
            end_keys = _keys(ends.client, rank_among_equals(ends.client))
            start_keys = _keys(starts.client, rank_among_equals(starts.client))
            order = np.argsort(end_keys)
            pos = np.minimum(np.searchsorted(end_keys[order], start_keys), len(order) - 1)
            hit = end_keys[order][pos] == start_keys
            end[hit] = ends.day[order[pos[hit]]]
        keep = starts.specialist >= 0
        order = np.lexsort((starts.day[keep], starts.client[keep]))
        return Spells(starts.client[keep][order], starts.day[keep][order], end[keep][order])

    @cached_property
    def placement_sectors(self) -> np.ndarray:
        """Sector of each job found with the service, -1 where the log does not say."""
        employers = self.of(Event.EMPLOYER)
        top = max(employers.employer.max(initial=-1), self.placements.employer.max(initial=-1))
        sector = np.full(top + 1, -1)
        sector[employers.employer] = employers.detail
        return sector[self.placements.employer]

    def spell_of(self, client: np.ndarray, day: np.ndarray) -> np.ndarray:
        """The job (index into ``spells``) each client held on each day, or -1."""
        spells = self.spells
        index = latest(spells.client, spells.start, client, day)
        inside = (index >= 0) & (day <= spells.end[np.maximum(index, 0)])
        return np.where(inside, index, -1)

    @cached_property
    def follow_along(self) -> tuple[np.ndarray, np.ndarray]:
        """Follow-along contacts inside jobs found with the service: (job index, day)."""
        rows = self.of(Event.FOLLOW_ALONG)
        spell = self.spell_of(rows.client, rows.day)
        return spell[spell >= 0], rows.day[spell >= 0]

    @cached_property
    def community_share(self) -> tuple[float, float]:
        """Share of specialists' time out of the office, and the part spent visiting employers.

        Employer contacts are face to face by definition; the rest of the week is spent in the
        community in the scenario's proportion.
        """
        hours = self.active_weeks * self.service.hours_per_week
        visits = len(self.contacts.day) * self.service.hours_per_employer_contact
        on_visits = min(1.0, visits / hours) if hours else 0.0
        return on_visits + self.service.community_share * (1.0 - on_visits), on_visits
