"""The event log: one row per thing that happened, the single source of every outcome.

Columns are compact integer arrays so that a regional run of 100,000 clients stays small:
``day`` (days since the start), ``client`` (-1 for a specialist's own events), ``event`` (an
``Event`` code), ``detail`` (an event-specific integer, see ``Event``), ``specialist`` and
``employer`` (-1 when not involved).
"""

from __future__ import annotations

import struct
from array import array
from enum import IntEnum

import numpy as np
import pandas as pd

COLUMNS = ("day", "client", "event", "detail", "specialist", "employer")
_ROW = struct.Struct("6i")  # one row: a C int per column, as the log's array("i") holds them


class Event(IntEnum):
    """What happened. The ``detail`` column's meaning is given per event."""

    ENTRY = 0  # joined the clinical team; detail: offence index in scenario.OFFENCES
    WANTS_WORK = 1  # says they want competitive work; detail: preferred sector in scenario.SECTORS
    RELEASE = 2  # released from prison or custody
    HELD_BACK = 3  # clinician judged them 'not ready'
    SCREENED_OUT = 4  # failed an eligibility criterion; detail: Screen code
    REFERRED = 5  # referred to the employment service
    WAITLISTED = 6  # joined a specialist's waiting list; detail: people ahead in the queue
    LEFT_WAITLIST = 7  # left the waiting list; detail: why (``Waitlist``)
    ENGAGED = 8  # took a place on a specialist's caseload; detail: 1 if before release
    FIRST_EMPLOYER_CONTACT = 9  # specialist's first employer contact on their behalf
    MEETING = 10  # a job-search meeting with the specialist
    APPLICATION = 11  # applied for a job; detail: Outcome code
    JOB_START = 12  # started a competitive job; detail: hours per week
    JOB_END = 13  # job ended; detail: JobEnd code
    FOLLOW_ALONG = 14  # a follow-along support contact while in work
    RELAPSE = 15  # relapse or hospital episode began
    RECOVERED = 16  # relapse ended
    BREAK = 17  # took a break from the service
    RETURNED = 18  # came back from a break
    DISCHARGED = 19  # left the employment service; detail: Discharge code
    REOFFENCE = 20  # a proven reoffence; detail: 1 if it led to custody
    CUSTODY = 21  # taken into custody
    EMPLOYER_CONTACT = 22  # specialist's face-to-face employer contact; detail: 1 if a vacancy
    IN_PRISON = 23  # entered while in prison; detail: weeks to release
    EMPLOYER = 24  # an employer in the labour market, logged on day 0; detail: sector index
    DIAGNOSIS = 25  # logged at entry; detail: diagnosis index in scenario.DIAGNOSES
    SPECIALIST_LEFT = 26  # a specialist left the post (client -1); detail: weeks vacant
    SPECIALIST_STARTED = 27  # a replacement took up a vacant post (client -1)
    LEFT_CARE = 28  # left the clinical team (discharge to primary care, moving away, death)


class Outcome(IntEnum):
    """Result of a job application."""

    HIRED = 0
    NOT_SELECTED = 2
    OFFENCE = 3  # turned down because of the conviction
    BARRED = 4  # role closed to the conviction by law
    DECLINED = 5  # client turned the offer down (benefit worries)


class JobEnd(IntEnum):
    """Why a job ended."""

    LEFT = 0  # quit or was let go in the ordinary way
    RELAPSE = 1
    CONVICTION_FOUND = 2
    CUSTODY = 3


class Waitlist(IntEnum):
    """Why a client left the waiting list without taking a place."""

    GAVE_UP = 0
    CUSTODY = 1
    FOUND_WORK = 2  # hired on an application made alone while waiting
    LEFT_CARE = 3  # left the clinical team
    LOST_WISH = 4  # gave up the wish to work while waiting


class Discharge(IntEnum):
    """Why a client left the employment service."""

    DROPPED_OUT = 0
    TIME_LIMIT = 1
    CUSTODY = 2
    SETTLED = 3  # settled in work and no longer wanting support
    LEFT_CARE = 4  # left the clinical team, and with it the employment service


class Screen(IntEnum):
    """Eligibility criterion a client failed when zero exclusion is off."""

    SUBSTANCE_USE = 0
    SYMPTOMS = 1
    RECENT_OFFENCE = 2
    HOUSING = 3


class EventLog:
    """Append-only int32 columns; ``frame()`` turns them into a DataFrame.

    Rows logged one at a time go into one flat array, six numbers a row. A batch logged by
    ``extend`` (a day's meetings, say) is kept aside as it came. Both are merged into the
    columns, in logging order, only when the log is read: copying each small batch into the
    columns as it came cost more than the rest of a small team's service day.
    """

    __slots__ = ("_batches", "_merged", "_rows", "_singles")

    def __init__(self) -> None:
        self._singles = array("i")  # rows logged one at a time since the last merge, flat
        self._batches: list[tuple[int, int, list]] = []  # (single rows before it, length, values)
        self._rows = 0  # in batches waiting to be merged
        self._merged = [np.zeros(0, dtype=np.int32) for _ in COLUMNS]

    def add(
        self,
        day: int,
        client: int,
        event: Event,
        detail: int = 0,
        specialist: int = -1,
        employer: int = -1,
    ) -> None:
        # packed as bytes: extending the array with a tuple converts each number by itself,
        # which took twice as long (0.36 us a row against 0.16 us)
        self._singles.frombytes(_ROW.pack(day, client, event, detail, specialist, employer))

    def extend(self, day: int, client, event: Event, detail=0, specialist=-1, employer=-1) -> None:
        """Add one row per element of the array arguments (scalars are repeated)."""
        values = [
            v.astype(np.int32) if type(v) is np.ndarray else v
            for v in (day, client, event, detail, specialist, employer)
        ]
        n = (
            len(client)
            if type(client) is np.ndarray
            else next((len(v) for v in values if type(v) is np.ndarray), 0)
        )
        if n:
            self._batches.append((len(self._singles) // len(COLUMNS), n, values))
            self._rows += n

    def __len__(self) -> int:
        return len(self._merged[0]) + len(self._singles) // len(COLUMNS) + self._rows

    def column(self, name: str) -> np.ndarray:
        """One column, every row logged so far."""
        self._merge()
        return self._merged[COLUMNS.index(name)]

    def frame(self) -> pd.DataFrame:
        """The log as a DataFrame; ``event`` is categorical with the names of ``Event``."""
        self._merge()
        df = pd.DataFrame(
            {name: pd.array(self._merged[k], dtype="int32") for k, name in enumerate(COLUMNS)}
        )
        names = pd.Index([e.name.lower() for e in Event])
        df["event"] = pd.Categorical.from_codes(df["event"].to_numpy(), categories=names)
        return df

    def _merge(self) -> None:
        """Move single rows and batches into the merged columns, in the order they were logged."""
        singles = np.array(self._singles, dtype=np.int32).reshape(-1, len(COLUMNS)).T
        if not self._batches and not singles.shape[1]:
            return
        sizes = [n for _, n, _ in self._batches]
        # single row j comes after every batch logged after fewer than j + 1 single rows
        before = np.array([b for b, _, _ in self._batches], dtype=np.int64)
        shift = np.concatenate(([0], np.cumsum(sizes, dtype=np.int64)))
        rows = np.arange(singles.shape[1])
        at = rows + shift[np.searchsorted(before, rows, side="right")]
        single = np.zeros(singles.shape[1] + self._rows, dtype=bool)
        single[at] = True
        for k in range(len(COLUMNS)):  # batches' scalars repeated, their arrays laid in
            parts = [values[k] for _, _, values in self._batches]
            given = [type(v) is np.ndarray for v in parts]
            batched = np.repeat(
                np.array(
                    [0 if a else v for a, v in zip(given, parts, strict=True)], dtype=np.int32
                ),
                sizes,
            )
            if any(given):
                batched[np.repeat(given, sizes)] = np.concatenate(
                    [v for a, v in zip(given, parts, strict=True) if a]
                )
            column = np.empty(len(single), dtype=np.int32)
            column[at] = singles[k]
            column[~single] = batched
            self._merged[k] = np.concatenate((self._merged[k], column))
        self._singles = array("i")
        self._batches, self._rows = [], 0
