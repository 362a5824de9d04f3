"""Trial arms in one labour market: own clients and services, shared employers and openings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ipssim import trial
from ipssim.agents.employer import Openings
from ipssim.events import Event
from ipssim.model import IPSModel, in_one_market, run_together, step_together
from ipssim.scenario import ScenarioError
from tests.conftest import small
from tests.test_invariants import check_week


def test_an_opening_filled_by_one_service_is_gone_for_the_others_from_the_next_day() -> None:
    openings = Openings(employers=3, services=2, open_days=28)
    openings.fill(0, np.array([1]), day=10)
    assert not openings.filled(0, np.arange(3), 11).any()  # not for the hiring service
    assert not openings.filled(1, np.array([1]), 10)[0]  # not the same day
    assert openings.filled(1, np.arange(3), 11).tolist() == [False, True, False]
    assert openings.filled(1, np.array([1]), 38)[0] and not openings.filled(1, np.array([1]), 39)[0]


def test_one_service_in_a_market_of_its_own_is_the_run_alone() -> None:
    scenario = small("justice_trial", entry__cohort_size=40)
    alone = IPSModel(scenario, seed=4, rep=2)
    alone.run()
    (shared,) = in_one_market([(scenario, 2)], seed=4)
    run_together([shared])
    pd.testing.assert_frame_equal(alone.log.frame(), shared.log.frame())


def test_arms_have_their_own_clients_and_services_and_share_the_employers() -> None:
    a_scenario = small("justice_trial", entry__cohort_size=30)
    b_scenario = small("justice_trial_control", entry__cohort_size=30)
    a, b = in_one_market([(a_scenario, 0), (b_scenario, 1)], seed=2)
    while a.week < a.horizon_weeks:
        step_together([a, b])
        check_week(a)
        check_week(b)
    assert a.env is b.env and a.week == b.week == a_scenario.run.horizon_weeks
    assert not {id(c) for c in a.clients} & {id(c) for c in b.clients}  # no client in both
    assert [c.profile for c in a.clients] != [c.profile for c in b.clients]  # two samples
    assert a.employer_pool.tolerance is b.employer_pool.tolerance  # the same employers
    assert b.employer_pool.relationship.max() == 0 < a.employer_pool.relationship.max()
    assert len(b.specialists) == len(a.specialists) and b.team is not a.team
    for model in (a, b):  # each arm's log holds its own clients and specialists only
        log = model.log.frame()
        assert log["client"].max() < len(model.clients)
        contacts = log[log["event"] == "employer_contact"]
        assert contacts.empty if model is b else not contacts.empty


def test_arm_b_finds_fewer_jobs_beside_an_ips_arm_than_beside_usual_care() -> None:
    """With few employers the arms compete: an IPS arm fills more of their openings."""
    usual = small("smi_trial_control", employers__count=6, entry__cohort_size=60)
    jobs = {}
    for name in ("smi_trial", "smi_trial_control"):
        arm_a = small(name, employers__count=6, entry__cohort_size=150)
        jobs[name] = 0
        for t in range(3):
            a, b = in_one_market([(arm_a, 2 * t), (usual, 2 * t + 1)], seed=5)
            run_together([a, b])
            jobs[name] += int((b.log.column("event") == Event.JOB_START).sum())
    assert jobs["smi_trial"] < 0.8 * jobs["smi_trial_control"]  # seed 5: 24 against 38


def test_trials_in_one_market_are_the_same_for_any_workers() -> None:
    plan = trial.design(small("justice_trial"), small("justice_trial_control"), 16, 2)
    one = trial.simulate(plan, 12, seed=7, workers=1, progress=False)
    two = trial.simulate(plan, 12, seed=7, workers=2, progress=False)
    pd.testing.assert_frame_equal(one, two)


def test_a_trial_needs_one_set_of_employers() -> None:
    other = small("justice_trial_control", employers__count=50)
    with pytest.raises(ScenarioError, match="same employers"):
        trial.design(small("justice_trial"), other, 40, 12)
