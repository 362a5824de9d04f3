"""Unit tests of the vectorised pieces: streams, leads, hiring decisions, the reoffending clock."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ipssim.agents.employer import Applications, EmployerPool
from ipssim.agents.reoffending import ReoffendingClock
from ipssim.agents.roster import RECENT_APPLICATIONS, own_application_day
from ipssim.agents.specialist import Team, _any_last, _put, _slots
from ipssim.events import Outcome
from ipssim.model import IPSModel
from ipssim.scenario import DIAGNOSES, OFFENCES, SECTORS, Scenario
from ipssim.streams import Draws, Stream, Streams, replication_seed

FADE_DAYS = 91  # offending.release_fade_weeks of 13, in days


def test_a_stream_gives_the_same_numbers_drawn_alone_or_in_a_batch() -> None:
    root = replication_seed(3, 1)
    alone, batched = Streams(root, Stream.CLIENT), Streams(root, Stream.CLIENT)
    alone.extend(50)
    batched.extend(20)
    batched.extend(30)  # streams made in two batches are the same streams
    one_by_one = [[Draws(alone, i).uniform() for _ in range(3)] for i in (4, 33)]
    together = batched.uniforms(np.array([4, 33]), 3)
    assert np.array_equal(np.array(one_by_one), together.T)
    assert Draws(batched, 4).uniform() == Draws(alone, 4).uniform()  # counters moved alike


def test_streams_are_uniform_and_independent_across_agents() -> None:
    s = Streams(replication_seed(1, 0), Stream.CLIENT)
    s.extend(20_000)
    u = s.uniforms(np.arange(20_000), 2)
    assert abs(u.mean() - 0.5) < 0.005 and u.min() >= 0.0 and u.max() < 1.0
    assert abs(np.corrcoef(u[0], u[1])[0, 1]) < 0.03
    counts, _ = np.histogram(u[0], bins=10, range=(0, 1))
    assert counts.min() > 1_800


def _pool(sectors: list[int], regulated_sector: int | None = None) -> EmployerPool:
    traits = np.column_stack(
        [
            (np.array(sectors) + 0.5) / len(SECTORS),
            np.full(len(sectors), 0.9),
            np.full(len(sectors), 0.99),
            np.full(len(sectors), 0.99),  # no records check outside regulated sectors
        ]
    )
    return EmployerPool(traits, Scenario().employers)


def test_leads_prefer_the_seekers_sector_and_skip_recent_and_barred_roles() -> None:
    care = SECTORS.index("care")
    pool = _pool([0, 1, care, 1])
    team = Team([], Streams(replication_seed(0, 0), Stream.SPECIALIST), Scenario())
    team.lead_employer = np.array([[0, 1, 2, 3, -1]] * 5)
    team.lead_closes = np.full((5, 5), 100)
    team._close_leads(0)  # as each week's plan does: count the open vacancies
    recent = np.full((5, RECENT_APPLICATIONS), -1)
    recent[1, 0] = 1  # seeker 1 already applied to employer 1
    recent[4, :4] = [3, 2, 1, 0]  # seeker 4 has applied to every open vacancy
    preferred = np.array([1, 1, care, -1, 1])
    barred = np.array([False, False, True, False, False])
    lead = team.leads_for(
        np.zeros(5, dtype=np.int64), recent, preferred, _barred(barred, pool), pool
    )
    assert lead.tolist() == [1, 3, 0, 0, -1]  # care is barred to seeker 2: the oldest open lead


def test_a_vacancy_filled_today_goes_to_no_one_else() -> None:
    team = Team([], Streams(replication_seed(0, 0), Stream.SPECIALIST), Scenario())
    team.lead_employer = np.array([[7, 8, 7, -1], [7, -1, -1, -1]])
    # specialist 0 has two vacancies at employer 7 and one at 8; specialist 1 one at 7
    filled = team.fill(np.array([0, 0, 0, 1, 0]), np.array([7, 8, 7, 7, 7]))
    assert filled.tolist() == [True, True, True, True, False]  # a third offer at 7 finds none
    assert team.lead_employer.tolist() == [[-1, -1, -1, -1], [-1, -1, -1, -1]]
    team.lead_employer = np.array([[8, 7, -1, -1]])
    assert team.fill(np.array([0, 0]), np.array([7, 7])).tolist() == [True, False]
    assert team.lead_employer.tolist() == [[8, -1, -1, -1]]  # the lead at 8 stays open


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_offers_fill_leads_as_if_one_after_another(seed: int) -> None:
    rng = np.random.default_rng(seed)
    leads = np.where(rng.random((3, 6)) < 0.7, rng.integers(0, 4, (3, 6)), -1)
    specialist, employer = rng.integers(0, 3, 12), rng.integers(0, 4, 12)
    expected, table = [], leads.tolist()
    for s, e in zip(
        specialist.tolist(), employer.tolist(), strict=True
    ):  # the rule, one offer at a time
        expected.append(e in table[s])
        if expected[-1]:
            table[s][table[s].index(e)] = -1
    team = Team([], Streams(replication_seed(0, 0), Stream.SPECIALIST), Scenario())
    team.lead_employer = leads.copy()
    assert team.fill(specialist, employer).tolist() == expected
    assert team.lead_employer.tolist() == table


def _barred(barred: np.ndarray, pool: EmployerPool):
    """Roles closed to ``barred`` seekers: the regulated ones."""
    return lambda rows, employer: barred[rows] & pool.regulated[employer]


def _oldest_usable_lead(leads, recent, preferred, barred, pool) -> int:
    """Plain Python statement of the rule: the oldest usable lead in the preferred sector, else
    the oldest usable lead, else -1."""
    usable = [e for e in leads if e >= 0 and e not in recent and not (barred and pool.regulated[e])]
    liked = [e for e in usable if pool.sector[e] == preferred]
    return (liked or usable or [-1])[0]


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_leads_follow_the_rule_for_every_seeker(seed: int) -> None:
    rng = np.random.default_rng(seed)
    pool = _pool(rng.integers(0, len(SECTORS), 12).tolist(), SECTORS.index("care"))
    team = Team([], Streams(replication_seed(0, 0), Stream.SPECIALIST), Scenario())
    n_spec, width = 4, 8
    team.lead_employer = np.where(
        rng.random((n_spec, width)) < 0.6, rng.integers(0, 12, (n_spec, width)), -1
    )
    team.lead_closes = rng.integers(0, 3, (n_spec, width))
    team._close_leads(1)
    team.lead_employer[rng.random((n_spec, width)) < 0.2] = -1  # some filled since
    seekers = 30
    specialist = rng.integers(0, n_spec, seekers)
    recent = np.where(
        rng.random((seekers, RECENT_APPLICATIONS)) < 0.3,
        rng.integers(0, 12, (seekers, RECENT_APPLICATIONS)),
        -1,
    )
    preferred = rng.integers(-1, len(SECTORS), seekers)
    barred = rng.random(seekers) < 0.3
    lead = team.leads_for(specialist, recent, preferred, _barred(barred, pool), pool)
    open_ = [
        [int(e) if c > day else -1 for e, c in zip(row, closes, strict=True)]
        for row, closes, day in zip(team.lead_employer, team.lead_closes, [1] * n_spec, strict=True)
    ]
    assert lead.tolist() == [
        _oldest_usable_lead(open_[s], recent[k].tolist(), preferred[k], barred[k], pool)
        for k, s in enumerate(specialist)
    ]


def test_ragged_tables_take_appended_values_in_order_and_widen() -> None:
    table, count = np.full((3, 2), -1), np.array([0, 2, 1])
    rows = np.array([0, 1, 1, 2])
    slot, count = _slots(count, rows)
    table = _put(table, rows, slot, np.array([10, 11, 12, 13]), fill=-1)
    assert count.tolist() == [1, 4, 2]
    assert table.shape == (3, 4)  # doubled to hold row 1's four values
    assert table[0, :1].tolist() == [10] and table[1, 2:].tolist() == [11, 12]
    assert table[2, 1] == 13 and table[0, 1] == -1


@given(st.integers(0, 5), st.integers(1, 4), st.integers(1, 3), st.integers(0, 2**32 - 1))
def test_any_last_reads_eight_bytes_at_a_time_like_any(
    rows: int, cols: int, words: int, seed: int
) -> None:
    mask = np.random.default_rng(seed).random((rows, cols, 8 * words)) < 0.05
    assert (_any_last(mask) == mask.any(axis=-1)).all()


def test_an_employer_in_a_sector_or_the_fallback() -> None:
    care, office = SECTORS.index("care"), SECTORS.index("office")
    pool = _pool([0, care, 1, care, care])
    u = np.linspace(0.0, 0.999, 9)
    picked = pool.in_sector(np.full(9, care), u, np.full(9, -7))
    assert set(picked.tolist()) == {1, 3, 4}  # every care employer, and only those
    assert pool.in_sector(np.array([-1, office]), u[:2], np.array([-7, -8])).tolist() == [-7, -8]


def test_hiring_decisions_follow_the_rules() -> None:
    sexual, acquisitive = OFFENCES.index("sexual"), OFFENCES.index("acquisitive")
    care = SECTORS.index("care")
    pool = _pool([care, 0, 0])
    pool.threshold[:] = 1.0  # averse to every offence
    pool.checks[2] = True  # the third employer checks records
    n = 3
    apps = Applications(
        employer=np.array([0, 1, 2]),
        introduced=np.zeros(n, bool),
        disclosed=np.array([True, True, False]),
        supported=np.zeros(n, bool),
        merit=np.ones(n),
        offence=np.array([sexual, acquisitive, acquisitive]),
        sexual=np.array([True, False, False]),
    )
    scenario = Scenario()
    always = np.zeros(n)  # every applicant selected
    outcome, known = pool.consider(apps, 0, always, scenario.labour_market, scenario.employers)
    assert outcome.tolist() == [Outcome.BARRED, Outcome.OFFENCE, Outcome.OFFENCE]
    assert known.tolist() == [True, True, True]
    never = np.full(n, 0.999)
    outcome, known = pool.consider(apps, 0, never, scenario.labour_market, scenario.employers)
    assert outcome.tolist() == [Outcome.BARRED, Outcome.NOT_SELECTED, Outcome.NOT_SELECTED]
    assert known.tolist() == [True, True, False]


def test_a_relationship_brings_round_employers_near_the_threshold_only() -> None:
    sexual, other = OFFENCES.index("sexual"), OFFENCES.index("other")
    pool = _pool([0, 0, 0])
    pool.tolerance[:] = [0.6, 0.4, 0.2]  # averse to a sexual offence (0.7): near, far, farther
    cfg = Scenario().employers  # a full relationship raises tolerance by 0.2, trust by 0.05
    emp, none = np.arange(3), np.zeros(3)
    full = pool.leniency(emp, np.ones(3), np.zeros(3, bool), cfg)
    trusted = pool.leniency(emp, np.ones(3), np.ones(3, bool), cfg)
    assert pool.open_to(emp, np.full(3, sexual), none).tolist() == [False, False, False]
    assert pool.open_to(emp, np.full(3, sexual), full).tolist() == [True, False, False]
    assert pool.open_to(emp, np.full(3, other), full).tolist() == [True, True, False]
    assert pool.open_to(emp, np.full(3, other), trusted).tolist() == [True, True, False]
    pool.tolerance[2] = 0.25
    assert pool.open_to(emp, np.full(3, other), trusted).tolist() == [True, True, True]


def test_a_specialist_puts_no_one_forward_where_a_check_or_a_bar_closes_the_role() -> None:
    sexual, other = OFFENCES.index("sexual"), OFFENCES.index("other")
    care = SECTORS.index("care")
    pool = _pool([care, 0, 0, 0])
    pool.tolerance[:] = [0.9, 0.1, 0.1, 0.9]
    pool.checks[1] = True  # employer 1 checks records and is averse; employer 2 does not check
    cfg = Scenario().employers
    emp = np.arange(4)
    closed = pool.closed_to(emp, np.full(4, sexual), np.ones(4, bool), 0, cfg)
    assert closed.tolist() == [True, True, False, False]  # barred; checked and refused
    closed = pool.closed_to(emp, np.full(4, other), np.zeros(4, bool), 0, cfg)
    assert closed.tolist() == [False, True, False, False]


@settings(max_examples=40, deadline=None)
@given(
    since=st.floats(0, 120),
    threshold=st.floats(0.01, 3),
    boost=st.floats(0, 4),
    fade=st.integers(7, 364),
)
def test_the_reoffending_clock_integrates_the_fading_rise_exactly(
    since, threshold, boost, fade
) -> None:
    streams = Streams(replication_seed(0, 0), Stream.CLIENT)
    streams.extend(1)
    clock = ReoffendingClock([threshold], boost, fade, since, Draws(streams, 0))
    clock.release_day = 0.0
    clock.set_rate(0.004, since)
    day = clock.next_day()
    t = np.linspace(since, day, 20_001)
    rise = np.clip(1.0 - t / fade, 0.0, None)
    hazard = np.trapezoid(0.004 * (1.0 + boost * rise), t)
    assert hazard >= threshold - 1e-6
    if day - 1 > since:  # a day earlier the threshold was not yet reached
        t = np.linspace(since, day - 1, 20_001)
        rise = np.clip(1.0 - t / fade, 0.0, None)
        assert np.trapezoid(0.004 * (1.0 + boost * rise), t) < threshold + 1e-6
    assert math.isfinite(day)


def test_the_reoffending_clock_carries_the_hazard_across_rate_changes() -> None:
    streams, twin = (Streams(replication_seed(0, 0), Stream.CLIENT) for _ in range(2))
    streams.extend(1)
    twin.extend(1)
    clock = ReoffendingClock([1.0], 0.0, FADE_DAYS, 0.0, Draws(streams, 0))  # no post-release rise
    assert clock.next_day() == math.inf  # no hazard (in prison, say)
    clock.set_rate(0.01, 0.0)
    assert clock.next_day() == 100
    clock.set_rate(0.02, 50.0)  # half the threshold run up by day 50, the rest twice as fast
    assert clock.next_day() == 75
    clock.reoffended(75.0)  # the second threshold is drawn from the client's stream
    assert clock.next_day() == math.ceil(75.0 + Draws(twin, 0).exponential(1.0) / 0.02)


@given(day=st.integers(0, 10_000), waits=st.lists(st.floats(0, 400), min_size=1, max_size=20))
def test_the_next_own_application_day_is_the_same_for_one_client_or_many(day, waits) -> None:
    batch = own_application_day(day, np.array(waits))
    alone = [own_application_day(day, w) for w in waits]
    assert batch.tolist() == alone
    assert all(d >= day + 1 and d >= day + w for d, w in zip(alone, waits, strict=True))


def test_diagnosis_scales_the_relapse_hazard() -> None:
    scenario = Scenario().with_changes(
        {
            "entry.mode": "cohort",
            "entry.cohort_size": 400,
            "clients.relapse_by_diagnosis.bipolar": 2.0,
            "clients.relapse_by_diagnosis.depression": 0.5,
        }
    )
    model = IPSModel(scenario, seed=1)
    roster = model.roster
    profiles = [c.profile for c in model.clients]
    substance = scenario.clients.substance_relapse_multiplier
    plain = np.array([p.severity * (substance if p.substance_use else 1.0) for p in profiles])
    multiplier = roster.relapse_rate / plain / (scenario.clients.relapse_per_year / 365.0)
    diagnosis = np.array([p.diagnosis for p in profiles])
    by_diagnosis = scenario.clients.relapse_by_diagnosis
    expected = np.array([getattr(by_diagnosis, k) for k in DIAGNOSES])[diagnosis]
    assert (by_diagnosis.bipolar, by_diagnosis.depression) == (2.0, 0.5)
    assert len(set(diagnosis)) == 4 and np.allclose(multiplier, expected)
