"""Property tests: invariants that hold for any scenario the schema allows."""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipssim.agents.client import State
from ipssim.events import Event
from ipssim.metrics import metric
from ipssim.model import IPSModel
from ipssim.outcomes import metrics
from ipssim.scenario import Scenario, field

STRATEGIES = {
    "run.horizon_weeks": st.integers(4, 40),
    "entry.mode": st.sampled_from(["stream", "cohort"]),
    "entry.arrivals_per_week": st.floats(0, 8),
    "entry.intake_weeks": st.integers(1, 30),
    "entry.cohort_size": st.integers(1, 120),
    "service.specialists": st.integers(0, 5),
    "service.caseload_cap": st.integers(1, 40),
    "service.employer_contacts_per_week": st.floats(0, 12),
    "service.turnover_per_year": st.sampled_from([0.0, 0.5, 5.0]),
    "service.vacancy_weeks": st.integers(0, 20),
    "service.sickness_share": st.floats(0, 0.5),
    "service.fidelity_drift_per_year": st.floats(0, 5),
    "service.supervision": st.booleans(),
    "service.start_mode": st.sampled_from(["new", "established"]),
    "policy.zero_exclusion": st.booleans(),
    "policy.referral_gatekeeping": st.floats(0, 1),
    "policy.time_unlimited_support": st.booleans(),
    "policy.support_limit_months": st.floats(1, 12),
    "policy.through_the_gate": st.booleans(),
    "policy.prevocational_training_weeks": st.integers(0, 20),
    "population.prison_leaver_share": st.floats(0, 1),
    "employers.count": st.integers(0, 150),
    "employers.offence_aversion": st.floats(0, 3),
    "offending.custody_probability": st.floats(0, 1),
}  # the levers the invariants are tried over; test_strategies_name_scenario_fields checks them
changes = st.fixed_dictionaries(STRATEGIES)


def test_strategies_name_scenario_fields() -> None:
    for key in STRATEGIES:
        field(key)  # FieldNotFound if the schema has no such field


def check_week(model: IPSModel) -> None:
    """No client lost or duplicated, a specialist leaving or not; caseloads within their
    cap."""
    clients = model.clients
    assert [c.index for c in clients] == list(range(len(clients)))
    assert sum(model.state_counts) == len(clients)
    tally = Counter(c.state for c in clients)
    assert [tally.get(s, 0) for s in State] == model.state_counts
    cap = model.scenario.service.caseload_cap
    for specialist in model.specialists:
        assert specialist.caseload.count <= cap
        holders = [c for c in clients if c.specialist is specialist]
        assert len(holders) <= cap
        assert specialist.vacant == model.team.vacant[specialist.index]
    # every place held or waited for is one client's, on the list of the post it names
    places = [c.slot for c in clients if c.slot is not None]
    assert len({id(p) for p in places}) == len(places)
    for client in clients:
        slot = client.slot
        if client.specialist is not None:
            assert slot is not None and slot.specialist is client.specialist
            assert slot in client.specialist.caseload.users
        elif slot is not None:
            assert slot in slot.specialist.caseload.queue or slot.triggered
    held = sum(len(s.caseload.users) for s in model.specialists)
    assert held == sum(c.slot is not None and c.slot.triggered for c in clients)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=changes, seed=st.integers(0, 2**16))
def test_invariants_hold_for_any_scenario(changes: dict, seed: int) -> None:
    scenario = Scenario().with_changes(changes)
    model = IPSModel(scenario, seed=seed)
    last_now = -1
    while model.week < scenario.run.horizon_weeks:
        model.step()
        assert model.env.now == 7 * model.week > last_now  # time never runs backwards
        last_now = model.env.now
        check_week(model)
    log = model.log.frame()
    days = log["day"].to_numpy()
    assert np.all(np.diff(days) >= 0), "the log is in time order"
    assert days.max(initial=0) < 7 * scenario.run.horizon_weeks
    entries = log[log["event"] == Event.ENTRY.name.lower()]["client"]
    assert entries.is_unique and len(entries) == len(model.clients)
    jobs = log[log["event"].isin(["job_start", "job_end"])]
    for _, events in jobs.groupby("client")["event"]:
        seq = events.tolist()
        assert all(a != b for a, b in itertools.pairwise(seq)), "one job at a time"
    weekly = model.datacollector.get_model_vars_dataframe()
    assert weekly["week"].tolist() == list(range(1, scenario.run.horizon_weeks + 1))
    assert (weekly["caseload_max"] <= scenario.service.caseload_cap).all()
    for name, value in metrics(log, scenario).items():
        if metric(name).kind == "share":
            assert np.isnan(value) or 0.0 <= value <= 1.0, name


def test_week_boundary_events_on_day_7w_belong_to_the_next_week() -> None:
    model = IPSModel(
        Scenario().with_changes(
            {"entry.mode": "cohort", "entry.cohort_size": 1, "service.specialists": 0}
        ),
        seed=0,
    )
    fired: list[tuple[int, int]] = []

    def probe():
        yield model.clock.at(7)
        fired.append((model.week, model.env.now))

    model.env.process(probe())
    model.step()
    assert fired == [] and model.env.now == 7
    model.step()
    assert fired == [(1, 7)]
