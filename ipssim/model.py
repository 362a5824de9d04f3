"""IPSModel: Mesa agents on a SimPy clock, advanced one week per step.

Week ``w`` covers days [7w, 7w + 7). ``step()`` runs the SimPy environment up to day 7(w + 1),
which processes every event strictly before it; an event due on day 7(w + 1) belongs to the next
week. The DataCollector then records that week.

The arms of a trial run as services in one labour market (``in_one_market``, ``run_together``):
one model per arm, with its own clients, service, event log and seed tree, on one clock and
one set of employers, whose openings they compete for (``Openings``).
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import mesa
import numpy as np

from ipssim.agents import Client, Clinician, Employer, Specialist
from ipssim.agents.employer import EmployerPool, Openings
from ipssim.agents.roster import Roster
from ipssim.agents.service_day import ServiceDay
from ipssim.agents.specialist import Team
from ipssim.agents.states import State
from ipssim.clock import Clock, Environment
from ipssim.events import Event, EventLog
from ipssim.population import draw_clients
from ipssim.scenario import Employers, Scenario, ScenarioError
from ipssim.streams import Draws, Stream, Streams, generator, replication_seed

DAYS_PER_WEEK = 7


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a model is built and run.

    A model's agents, processes and events live until the run ends, and each collection scans
    all of them, so its cost grows with the population (it doubled the cost per client-week at
    20,000 clients). Reference counting still frees everything without cycles.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _disengage_rate(scenario: Scenario) -> float:
    """Daily disengagement hazard of an average client, given how the service works."""
    service = scenario.service
    rate = scenario.clients.disengage_per_year / 365.0
    rate *= (1.0 - 0.3 * service.community_share) * (1.0 - 0.2 * service.integration)
    return rate * (
        scenario.clients.peer_disengage_multiplier if scenario.policy.peer_workers else 1.0
    )


def draw_employers(root: np.random.SeedSequence, cfg: Employers) -> EmployerPool:
    """The employers of a replication's seed tree ``root``."""
    draw = generator(root, Stream.EMPLOYER)
    traits = draw.random((cfg.count, 3))  # sector, size, tolerance
    checks = draw.random(cfg.count)  # after them, so they stay as they were
    return EmployerPool(np.column_stack((traits, checks)), cfg)


@dataclass(frozen=True)
class Market:
    """What the services of one labour market share: the clock and the employers (traits,
    hiring rules and ``openings``)."""

    env: Environment
    clock: Clock
    employers: EmployerPool
    openings: Openings


def _count_in(state: State) -> Callable[[IPSModel], int]:
    """The DataCollector's reporter of the clients in ``state``."""
    return lambda m: m.state_counts[state]


class IPSModel(mesa.Model):
    """An IPS service: clients, specialists, clinicians and employers over ``horizon_weeks``."""

    def __init__(
        self,
        scenario: Scenario | None = None,
        seed: int = 0,
        rep: int = 0,
        market: Market | None = None,
        arm: int = 0,
    ) -> None:
        """A service of its own, or arm ``arm`` of a shared ``market`` (``in_one_market``)."""
        super().__init__(seed=seed)
        self.scenario = scenario = scenario or Scenario()
        self.seed_tree = root = replication_seed(seed, rep)
        self.env = market.env if market else Environment()
        self.clock = market.clock if market else Clock(self.env)
        self.log = EventLog()
        self.week = 0
        self.placements = 0
        self.reoffences = 0
        self.team_climate = scenario.clinicians.belief_in_work_mean
        self.employer_pool = pool = (
            market.employers.for_service(market.openings, arm)
            if market
            else draw_employers(root, scenario.employers)
        )
        self.employers = [Employer(self, i, pool) for i in range(len(pool))]
        n_employers = len(pool)  # the log names each employer's sector once
        self.log.extend(0, -1, Event.EMPLOYER, pool.sector, -1, np.arange(n_employers))
        self.specialists = [
            Specialist(self, i, scenario.service.caseload_cap)
            for i in range(scenario.service.specialists)
        ]
        self.team = Team(
            self.specialists,
            Streams(root, Stream.SPECIALIST),
            scenario,
            generator(root, Stream.TURNOVER),
        )
        if scenario.service.start_mode == "established":
            self.team.warm_up(pool, scenario.service.established_weeks)
        clinician_streams = Streams(root, Stream.CLINICIAN)
        clinician_streams.extend(scenario.clinicians.care_coordinators)
        self.beliefs = np.zeros(scenario.clinicians.care_coordinators)
        self.clinicians = [
            Clinician(
                self,
                i,
                Draws(clinician_streams, i),
                scenario.clinicians,
                self.beliefs,
                scenario.service.integration,
            )
            for i in range(scenario.clinicians.care_coordinators)
        ]
        self.disengage_rate = _disengage_rate(scenario)
        self.clients: list[Client] = []
        self.roster = Roster(scenario)
        self.client_streams = Streams(root, Stream.CLIENT)
        self._population = generator(root, Stream.POPULATION)
        self._arrivals = generator(root, Stream.ARRIVALS)
        self._care = generator(root, Stream.CARE)
        if scenario.entry.mode == "cohort":
            self._admit([0] * scenario.entry.cohort_size)
        day = ServiceDay(
            env=self.env,
            scenario=scenario,
            roster=self.roster,
            streams=self.client_streams,
            pathways=self.clients,
            employers=self.employers,
            pool=pool,
            team=self.team,
            log=self.log,
            disengage_rate=self.disengage_rate,
        )
        self.env.process(day.process())
        self.state_counts = self._tally()
        self.datacollector = mesa.DataCollector(model_reporters=self._reporters())

    @property
    def horizon_weeks(self) -> int:
        return self.scenario.run.horizon_weeks

    def step(self) -> None:
        """Advance one week: arrivals, the team leader's pull on the climate, clinicians' and
        specialists' leavers and replacements and their plans, then SimPy events."""
        self.plan_week()
        self.env.run(until=(self.week + 1) * DAYS_PER_WEEK)
        self.end_week()

    def plan_week(self) -> None:
        """The week's start, before its SimPy events: arrivals, the climate, staff changes and
        the specialists' plans."""
        start = self.week * DAYS_PER_WEEK
        entry = self.scenario.entry
        if entry.arriving(self.week):
            n = int(self._arrivals.poisson(entry.arrivals_per_week))
            self._admit(np.sort(self._arrivals.integers(0, DAYS_PER_WEEK, n)) + start)
        if self.scenario.clinicians.committed_leader:
            self.team_climate += self.scenario.clinicians.leader_pull * (1.0 - self.team_climate)
        Clinician.drift(self.beliefs, self.team_climate, self.scenario.clinicians)
        self.team.staff_changes(start, self.log)
        load = self.roster.contact_load(
            len(self.specialists), self.scenario.service.follow_along_gap_factor
        )
        self.team.plan_week(start, self.employer_pool, self.log, load)

    def end_week(self) -> None:
        """The week's end, after its SimPy events: tallies and the DataCollector's record."""
        self.week += 1
        self.state_counts = self._tally()
        self.datacollector.collect(self)
        if self.week >= self.horizon_weeks:
            self.running = False

    def run(self, on_week: Callable[[int], object] | None = None) -> None:
        """Run to the horizon; ``on_week(week)`` after each week when given (progress)."""
        while self.week < self.horizon_weeks:
            self.step()
            if on_week is not None:
                on_week(self.week)

    def stories(self, positive: bool) -> None:
        """A placement (positive) or a reoffence by a client in the service moves the climate.

        Clinicians hear of placements through the specialist, so integration amplifies them.
        """
        story = self.scenario.clinicians.story_weight
        if positive:
            weight = story * (0.3 + 0.7 * self.scenario.service.integration)
            self.team_climate += weight * (1.0 - self.team_climate)
        else:
            self.team_climate -= story * self.team_climate

    def _admit(self, days) -> None:
        first = len(self.clients)
        profiles = draw_clients(
            self._population,
            first,
            len(days),
            self.scenario.population,
            self.scenario.offending,
            self.scenario.entry.wants_work_only,
        )
        n_clin = len(self.clinicians)
        self.roster.add(
            profiles, [State.PRISON if p.prison_leaver else State.COMMUNITY for p in profiles]
        )
        self.client_streams.extend(len(profiles))
        streams = self.client_streams
        rate = self.scenario.clinicians.discharge_per_year
        # days with the clinical team (from entry, or from release for a prison leaver)
        in_care = self._care.exponential(365.0 / rate, len(profiles)) if rate > 0 else None
        for k, (profile, day) in enumerate(zip(profiles, days, strict=True)):
            clinician = self.clinicians[min(int(profile.clinician_draw * n_clin), n_clin - 1)]
            care_days = float(in_care[k]) if in_care is not None else math.inf
            self.clients.append(
                Client(
                    self, profile, int(day), Draws(streams, profile.number), clinician, care_days
                )
            )

    def _tally(self) -> list[int]:
        """Clients in each state, read off the roster, which each client keeps current."""
        return np.bincount(self.roster.state, minlength=len(State)).tolist()

    def _reporters(self) -> dict[str, Callable[[IPSModel], object]]:
        reporters: dict[str, Callable[[IPSModel], object]] = {
            "week": lambda m: m.week,
            "clients": lambda m: len(m.clients),
        }
        for state in State:
            reporters[state.name.lower()] = _count_in(state)
        reporters.update(
            {
                "placements": lambda m: m.placements,
                "reoffences": lambda m: m.reoffences,
                "employer_contacts": lambda m: int(m.team.contacts.sum()),
                "caseload_max": lambda m: int(m.team.on_caseload().max(initial=0)),
                "on_caseload": lambda m: int(m.team.on_caseload().sum()),
                "team_climate": lambda m: m.team_climate,
            }
        )
        return reporters


def in_one_market(arms: Sequence[tuple[Scenario, int]], seed: int) -> list[IPSModel]:
    """Services in one labour market, one model per (scenario, replication) in ``arms``: each
    with its own clients and service from its replication's seed tree, and the employers of
    the first's. The arms must share the employers and the horizon (``trial.design`` checks a
    trial's), else ``ScenarioError``."""
    first, rep = arms[0]
    for s, _ in arms[1:]:
        theirs = s.employers.model_dump()
        differ = [
            f"employers.{k}" for k, v in first.employers.model_dump().items() if theirs[k] != v
        ]
        if s.run.horizon_weeks != first.run.horizon_weeks:
            differ.append("run.horizon_weeks")
        if differ:
            raise ScenarioError(
                f"{first.name} and {s.name} run in one labour market, so they need the same "
                f"[employers] and horizon; they differ in {', '.join(differ)} (as given, or as "
                "calibrated parameters drawn for them): give both the same values"
            )
    env = Environment()
    employers = draw_employers(replication_seed(seed, rep), first.employers)
    openings = Openings(len(employers), len(arms), first.employers.vacancy_open_days)
    market = Market(env, Clock(env), employers, openings)
    return [IPSModel(s, seed, r, market, k) for k, (s, r) in enumerate(arms)]


def step_together(models: Sequence[IPSModel]) -> None:
    """Advance the services of one market (``in_one_market``) one week, on their one clock."""
    for model in models:
        model.plan_week()
    models[0].env.run(until=(models[0].week + 1) * DAYS_PER_WEEK)
    for model in models:
        model.end_week()


def run_together(models: Sequence[IPSModel]) -> None:
    """Run the services of one market to their horizon."""
    while models[0].week < models[0].horizon_weeks:
        step_together(models)
