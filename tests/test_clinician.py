"""A clinician's referral decisions, taken from plain facts about a client (no client agent)."""

from __future__ import annotations

import mesa
import numpy as np
import pytest

from ipssim.agents.clinician import Clinician, Presentation
from ipssim.events import Screen
from ipssim.scenario import Scenario
from ipssim.streams import Draws, Stream, Streams, replication_seed

RECENT = Scenario().clinicians.recent_incident_days

WELL = Presentation(
    severity=0.0,
    substance_use=False,
    work_history=True,
    housing_unstable=False,
    impression=1.0,
    relapsed=False,
    days_since_incident=10_000,
)
UNWELL = Presentation(
    severity=1.0,
    substance_use=True,
    work_history=False,
    housing_unstable=True,
    impression=0.0,
    relapsed=True,
    days_since_incident=0,
)


def _streams() -> Streams:
    streams = Streams(replication_seed(0, 0), Stream.CLIENT)
    streams.extend(2)
    return streams


def _clinician(belief: float, training: bool = False, **changes: float) -> Clinician:
    cfg = (
        Scenario()
        .with_changes(
            {"clinicians.training": training, **{f"clinicians.{k}": v for k, v in changes.items()}}
        )
        .clinicians
    )
    streams = Streams(replication_seed(0, 0), Stream.CLINICIAN)
    streams.extend(1)
    beliefs = np.zeros(1)
    clinician = Clinician(mesa.Model(seed=0), 0, Draws(streams, 0), cfg, beliefs, 0.0)
    beliefs[0] = belief
    return clinician


def _gatekeeping(level: float):
    return Scenario().with_changes({"policy.referral_gatekeeping": level}).policy


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({}, None),
        ({"substance_use": True, "severity": 0.9}, Screen.SUBSTANCE_USE),  # the first criterion
        ({"severity": 0.71}, Screen.SYMPTOMS),
        ({"relapsed": True}, Screen.SYMPTOMS),
        ({"days_since_incident": RECENT - 1}, Screen.RECENT_OFFENCE),
        ({"days_since_incident": RECENT}, None),  # six months on, no longer recent
        ({"housing_unstable": True}, Screen.HOUSING),
        ({"severity": 0.7, "work_history": False, "impression": 0.0}, None),  # not criteria
    ],
)
def test_screening_names_the_first_criterion_failed(changes: dict, reason: Screen | None) -> None:
    assert _clinician(0.5).screen(WELL._replace(**changes)) == reason


def test_the_criteria_follow_the_schema() -> None:
    lenient = _clinician(0.5, severe_symptoms=0.9, recent_incident_days=30)
    assert lenient.screen(WELL._replace(severity=0.8, days_since_incident=31)) is None
    assert lenient.screen(WELL._replace(severity=0.91)) == Screen.SYMPTOMS


def test_without_gatekeeping_everyone_is_ready_and_no_number_is_drawn() -> None:
    streams, twin = _streams(), _streams()
    assert _clinician(0.0).judges_ready(UNWELL, _gatekeeping(0.0), Draws(streams, 1))
    assert Draws(streams, 1).uniform() == Draws(twin, 1).uniform()


def test_readiness_follows_how_the_client_presents_with_one_draw() -> None:
    streams, twin = _streams(), _streams()
    clinician, policy = _clinician(0.5), _gatekeeping(1.0)
    assert clinician.judges_ready(WELL, policy, Draws(streams, 0))
    assert not clinician.judges_ready(UNWELL, policy, Draws(streams, 1))
    for i in (0, 1):  # each judgement took one number from that client's stream
        Draws(twin, i).uniform()
        assert Draws(streams, i).uniform() == Draws(twin, i).uniform()


def test_belief_in_work_and_training_lower_the_bar() -> None:
    # readiness 0.75 +- 0.05 (the noise): below a bar of 1 (no belief), above one of 0.5
    edge = WELL._replace(severity=0.5, impression=0.5)
    policy = _gatekeeping(1.0)
    assert not _clinician(0.0).judges_ready(edge, policy, Draws(_streams(), 0))
    assert _clinician(1.0).judges_ready(edge, policy, Draws(_streams(), 0))
    boost = Scenario().clinicians.training_boost
    trained = _clinician(1.0 - boost, training=True)  # belief plus knowledge: 1
    assert trained.knowledge == boost and trained.conviction == 1.0
    assert trained.judges_ready(edge, policy, Draws(_streams(), 0))


def _share(decide, n: int = 2000) -> float:
    """How often a decision taking one client's draws comes out True over ``n`` reviews."""
    draws = Draws(_streams(), 0)
    return sum(decide(draws) for _ in range(n)) / n


def test_encouragement_to_want_work_grows_with_belief_and_training() -> None:
    assert _share(_clinician(0.0).encourages) == 0.0
    keen = _share(_clinician(1.0, encouragement_per_review=0.5).encourages)
    assert abs(keen - 0.5) < 0.05
    half = _share(_clinician(0.5, encouragement_per_review=0.5).encourages)
    trained = _share(_clinician(0.5, True, encouragement_per_review=0.5).encourages)
    assert half < trained < keen


def test_a_sceptical_clinician_lets_a_wish_to_work_wait() -> None:
    assert _share(_clinician(1.0, overlook_without_belief=1.0).takes_up_wish) == 1.0
    assert _share(_clinician(0.0, overlook_without_belief=1.0).takes_up_wish) == 0.0
    assert _share(_clinician(0.0, overlook_without_belief=0.0).takes_up_wish) == 1.0
    doubtful = _share(_clinician(0.5, overlook_without_belief=1.0).takes_up_wish)
    assert abs(doubtful - 0.5) < 0.05
