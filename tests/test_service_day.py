"""The service day on its own: a few clients, one specialist and a handful of employers, set up
by hand (no ``IPSModel``), with stand-in pathways that record what the day hands back."""

from __future__ import annotations

import mesa
import numpy as np

from ipssim.agents.employer import Employer, EmployerPool
from ipssim.agents.roster import NEVER_DAY, Roster
from ipssim.agents.service_day import ServiceDay
from ipssim.agents.specialist import Specialist, Team
from ipssim.agents.states import State
from ipssim.clock import Environment
from ipssim.events import Event, EventLog, Outcome
from ipssim.population import draw_clients
from ipssim.scenario import SECTORS, Scenario
from ipssim.streams import Stream, Streams, replication_seed


class Recorder:
    """A client's pathway that only writes down what the service day handed it."""

    def __init__(self) -> None:
        self.searching = False
        self.setbacks: list[tuple[int, float]] = []
        self.offers: list[tuple[Employer, bool]] = []
        self.follow_ups = 0

    def start_search(self) -> None:
        self.searching = True

    def setback_at(self, day: int, relapse_share: float) -> None:
        self.setbacks.append((day, relapse_share))

    def hired(self, employer: Employer, known: bool, hours: int) -> None:
        self.offers.append((employer, known))

    def followed_up(self) -> None:
        self.follow_ups += 1


def _service_day(
    states: list[State], changes: dict | None = None, disengage_rate: float = 0.0
) -> tuple[ServiceDay, list[Recorder]]:
    """A service day for clients in ``states``, all with specialist 0 if in the service, no
    relapses, and four employers, one per sector from the first."""
    scenario = Scenario().with_changes(changes or {})
    n = len(states)
    profiles = draw_clients(np.random.default_rng(0), 0, n, scenario.population, scenario.offending)
    roster = Roster(scenario)
    roster.add(profiles, [int(s) for s in states])
    roster.relapse_rate[:] = 1e-12
    in_service = np.isin(roster.state, [State.PREPARING, State.SEARCHING, State.WORKING])
    roster.specialist[in_service] = 0
    root = replication_seed(0, 0)
    streams = Streams(root, Stream.CLIENT)
    streams.extend(n)
    env = Environment()
    agents = mesa.Model(seed=0)  # the agents' Mesa home: not an IPSModel
    agents.env = env
    team = Team([Specialist(agents, 0, 20)], Streams(root, Stream.SPECIALIST), scenario)
    sectors = np.arange(4)
    traits = np.column_stack(
        [(sectors + 0.5) / len(SECTORS), np.full(4, 0.9), np.full(4, 0.99), np.full(4, 0.99)]
    )
    pool = EmployerPool(traits, scenario.employers)
    pathways = [Recorder() for _ in range(n)]
    day = ServiceDay(
        env=env,
        scenario=scenario,
        roster=roster,
        streams=streams,
        pathways=pathways,
        employers=[Employer(agents, i, pool) for i in range(len(pool))],
        pool=pool,
        team=team,
        log=EventLog(),
        disengage_rate=disengage_rate,
    )
    return day, pathways


def _rows(day: ServiceDay, event: Event) -> list[tuple[int, int]]:
    """(day, client) of each logged ``event``."""
    hit = day.log.column("event") == event
    days, clients = day.log.column("day")[hit], day.log.column("client")[hit]
    return list(zip(days.tolist(), clients.tolist(), strict=True))


NO_OWN_SEARCH = {"labour_market.own_applications_per_month": 0.0}


def test_a_job_seeker_due_a_meeting_meets_once_and_books_the_next() -> None:
    day, pathways = _service_day([State.SEARCHING, State.COMMUNITY], NO_OWN_SEARCH)
    day.roster.meet_day[0] = 3
    day.run(3)
    assert _rows(day, Event.MEETING) == [(3, 0)]
    assert len(day.log) == 1  # no applications: no vacancies found, no search alone
    assert day.roster.meet_day.tolist() == [3 + 7, NEVER_DAY]  # a week on at an empty caseload
    assert pathways[0].setbacks == [] and pathways[1].setbacks == []


def test_a_client_not_in_the_service_gets_nothing() -> None:
    day, pathways = _service_day([State.COMMUNITY, State.PAUSED, State.CUSTODY], NO_OWN_SEARCH)
    day.run(0)
    assert len(day.log) == 0
    assert day.roster.meet_day.tolist() == [NEVER_DAY] * 3
    assert all(not p.searching and not p.setbacks and not p.offers for p in pathways)


def test_a_meeting_due_at_the_weekend_happens_on_monday() -> None:
    day, _ = _service_day([State.SEARCHING], NO_OWN_SEARCH)
    day.roster.meet_day[0] = 5  # a Saturday
    day.env.process(day.process())
    day.env.run(until=15)
    assert _rows(day, Event.MEETING) == [(7, 0), (14, 0)]


def test_preparation_ends_on_the_day_the_search_may_start() -> None:
    day, pathways = _service_day([State.PREPARING, State.PREPARING], NO_OWN_SEARCH)
    day.roster.meet_day[:] = 0
    day.roster.search_from[:] = [0.0, 4.0]
    day.run(0)
    assert [p.searching for p in pathways] == [True, False]
    assert len(day.log) == 0  # a client preparing meets no one about vacancies


def test_a_setback_due_before_the_next_meeting_is_handed_back_instead_of_a_meeting() -> None:
    day, pathways = _service_day([State.SEARCHING], NO_OWN_SEARCH, disengage_rate=1e6)
    day.roster.meet_day[0] = 0
    day.run(0)
    assert day.roster.meet_day[0] == NEVER_DAY
    [(when, relapse_share)] = pathways[0].setbacks
    assert when == 1 and relapse_share < 1e-12  # a near-certain drop-out, not a relapse


def test_own_applications_that_are_hired_hand_the_offer_back() -> None:
    day, pathways = _service_day(
        [State.COMMUNITY] * 40,
        {"labour_market.hire_probability": 1.0, "labour_market.unemployment_rate": 0.01},
    )
    day.roster.apply_day[:] = 2
    day.run(2)
    log = day.log
    applied = log.column("event") == Event.APPLICATION
    clients = log.column("client")[applied]
    assert sorted(clients.tolist()) == list(range(40))  # every client due applied, once
    hired = log.column("detail")[applied] == Outcome.HIRED
    employer = log.column("employer")[applied]
    assert 0 < np.count_nonzero(hired) < 40
    for i, e, h in zip(clients.tolist(), employer.tolist(), hired.tolist(), strict=True):
        offers = pathways[i].offers
        assert [o.index for o, _ in offers] == ([e] if h else [])
        # the next application alone is booked only for those still looking
        assert (day.roster.apply_day[i] > 2) == (not h)


def test_a_worker_due_follow_along_is_contacted_and_booked_again() -> None:
    day, pathways = _service_day([State.WORKING, State.WORKING], NO_OWN_SEARCH)
    day.roster.follow_day[:] = [4, 5]
    day.run(4)
    assert _rows(day, Event.FOLLOW_ALONG) == [(4, 0)]
    assert day.roster.follow_day.tolist() == [4 + 14, 5]
    assert [p.follow_ups for p in pathways] == [1, 0]  # the contact renews the job's protection
