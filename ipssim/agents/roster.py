"""The roster: the clients' numbers that the service day reads for many clients at once.

Each client agent owns its row (index = client index) and keeps it current as it moves between
states: the day of its next job-search meeting, own application or follow-along contact, and
its specialist. Fixed traits are filled in once, at entry.
"""

from __future__ import annotations

import math

import numpy as np

from ipssim.agents.states import PREPARING, SEARCHING, WORKING, State
from ipssim.population import Profile, annual_to_daily_rate
from ipssim.scenario import DIAGNOSES, OFFENCES, Scenario

NEVER_DAY = np.iinfo(np.int64).max  # a due day that never comes
RECENT_APPLICATIONS = 16  # a seeker is never put to a vacancy among their last 16 applications


def merit(work_history, qualifications, confidence, severity):
    """How attractive an applicant looks to an employer (about 0.1 to 2)."""
    return (
        (0.3 + 0.7 * work_history + 0.3 * qualifications)
        * (0.6 + 0.8 * confidence)
        * (1.3 - 0.6 * severity)
    )


def own_application_day(day, wait):
    """The day of a client's next application alone, ``wait`` days on (at least the next day;
    scalars or arrays)."""
    if isinstance(wait, float):  # one client: plain Python is ten times faster than numpy
        return max(day + 1, math.ceil(day + wait))
    return np.maximum(day + 1, np.ceil(day + wait)).astype(np.int64)


def _ints() -> np.ndarray:
    return np.zeros(0, dtype=np.int64)


def eased_worry(worry, engaged, counselling: bool, relief: float):
    """Benefit worries, eased by counselling (removing ``relief`` of them) once engaged with the
    service (scalars or arrays)."""
    return worry * (1.0 - relief * (engaged & counselling))


class Roster:
    """Per-client arrays, grown as clients arrive."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.size = 0
        # where each client is and what is due when, kept current by the client agent
        self.state: np.ndarray = _ints()  # a State
        self.specialist: np.ndarray = _ints()  # index of the specialist, -1 for none
        self.meet_day: np.ndarray = _ints()  # the next job-search meeting (NEVER_DAY: none)
        self.apply_day: np.ndarray = _ints()  # the next application alone
        self.follow_day: np.ndarray = _ints()  # the next follow-along contact
        self.search_from: np.ndarray = np.zeros(0)  # the day the job search may begin
        self.applications: np.ndarray = _ints()  # applications made so far
        self.recent = np.zeros((0, RECENT_APPLICATIONS), dtype=np.int64)  # employers applied to
        self.to_plan: list[int] = []  # clients who came into the service today
        # fixed at entry
        self.offence: np.ndarray = _ints()  # index into OFFENCES
        self.preferred_sector: np.ndarray = _ints()  # index into SECTORS
        self.merit: np.ndarray = np.zeros(0)
        self.worry: np.ndarray = np.zeros(0)  # benefit worries before counselling
        self.wished_hours: np.ndarray = np.zeros(0)  # hours a week wished (inf: full time)
        self.confidence: np.ndarray = np.zeros(0)
        self.relapse_rate: np.ndarray = np.zeros(0)  # per day
        self.apply_rate: np.ndarray = np.zeros(0)  # applications alone per month
        self.sexual: np.ndarray = np.zeros(0, dtype=bool)  # a sexual offence
        self.offender: np.ndarray = np.zeros(0, dtype=bool)

    def add(self, profiles: list[Profile], states: list[int]) -> None:
        """Rows for newly admitted clients."""
        n = len(profiles)
        if n == 0:
            return
        col = {
            name: np.array([getattr(p, name) for p in profiles])
            for name in (
                "offence",
                "diagnosis",
                "severity",
                "substance_use",
                "work_history",
                "qualifications",
                "confidence",
                "benefits_worry",
            )
        }
        clients, market = self.scenario.clients, self.scenario.labour_market
        by_diagnosis = np.array([getattr(clients.relapse_by_diagnosis, k) for k in DIAGNOSES])
        relapse = (
            annual_to_daily_rate(clients.relapse_per_year)
            * col["severity"]
            * by_diagnosis[col["diagnosis"]]
            * np.where(col["substance_use"], clients.substance_relapse_multiplier, 1.0)
        )
        new = {
            "state": np.array(states),
            "specialist": np.full(n, -1),
            "meet_day": np.full(n, NEVER_DAY),
            "apply_day": np.full(n, NEVER_DAY),
            "follow_day": np.full(n, NEVER_DAY),
            "offence": col["offence"],
            "preferred_sector": np.array([p.preferred_sector for p in profiles]),
            "applications": np.zeros(n),
            "merit": merit(
                col["work_history"], col["qualifications"], col["confidence"], col["severity"]
            ),
            "worry": col["benefits_worry"],
            "wished_hours": np.array([p.wished_hours for p in profiles]),
            "confidence": col["confidence"],
            "relapse_rate": relapse,
            "apply_rate": np.where(
                [p.prison_leaver for p in profiles],
                market.prison_leaver_applications_per_month,
                market.own_applications_per_month,
            ),
            "search_from": np.full(n, np.inf),
            "sexual": col["offence"] == OFFENCES.index("sexual"),
            "offender": col["offence"] != OFFENCES.index("none"),
        }
        for name, values in new.items():
            old = getattr(self, name)
            setattr(self, name, np.concatenate([old, values.astype(old.dtype)]))
        self.recent = np.concatenate([self.recent, np.full((n, RECENT_APPLICATIONS), -1)])
        self.size += n

    def applied(self, clients: np.ndarray, employers: np.ndarray) -> None:
        """Remember each client's application (no client twice)."""
        count = self.applications[clients]
        self.recent[clients, count % RECENT_APPLICATIONS] = employers
        self.applications[clients] = count + 1

    def contact_load(self, specialists: int, follow_along_gap_factor: float) -> np.ndarray:
        """Each specialist's clients in meeting-equivalents: a job seeker or a client preparing
        counts 1, a worker ``1 / follow_along_gap_factor`` (seen that much less often), a
        client on a break or in relapse 0."""
        weight = np.zeros(len(State))
        weight[[PREPARING, SEARCHING]] = 1.0
        weight[WORKING] = 1.0 / follow_along_gap_factor
        spec = self.specialist
        mine = spec >= 0
        return np.bincount(spec[mine], weights=weight[self.state[mine]], minlength=specialists)[
            :specialists
        ]

    def eased_worry(self, clients: np.ndarray) -> np.ndarray:
        return eased_worry(
            self.worry[clients],
            self.specialist[clients] >= 0,
            self.scenario.policy.benefits_counselling,
            self.scenario.clients.counselling_relief,
        )
