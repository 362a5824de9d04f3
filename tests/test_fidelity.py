"""The simulated fidelity review: item rules on hand-made logs, its shape, and its directions."""

from __future__ import annotations

import pandas as pd
import pytest

from ipssim.events import Discharge, Event, EventLog
from ipssim.experiment import run_one
from ipssim.fidelity import BEHAVIOUR, CONFIGURATION, Item, Review, band, review
from ipssim.scenario import Scenario
from tests.conftest import small

E = Event
WEEKS = 20
SCENARIO = Scenario().with_changes({"run.horizon_weeks": WEEKS, "service.specialists": 1})


def log_of(rows: list[tuple]) -> pd.DataFrame:
    """Rows are (day, client, event, detail[, specialist, employer])."""
    log = EventLog()
    for row in sorted(rows, key=lambda r: r[0]):
        log.add(*row)
    return log.frame()


def engaged(clients: range, specialist: int = 0, day: int = 0) -> list[tuple]:
    """Clients who want work, are referred and take a place on ``day``."""
    rows = []
    for c in clients:
        rows += [
            (0, c, E.ENTRY, 0),
            (0, c, E.WANTS_WORK, 0),
            (0, c, E.REFERRED, 0),
            (day, c, E.ENGAGED, 0, specialist),
        ]
    return rows


def item(rows: list[tuple], number: int, scenario: Scenario = SCENARIO) -> Item:
    return review(log_of(rows), scenario).items[number - 1]


def test_the_review_has_25_numbered_items_each_scored_1_to_5() -> None:
    result = review(log_of(engaged(range(3))), SCENARIO)
    assert isinstance(result, Review)
    assert [i.number for i in result.items] == list(range(1, 26))
    assert all(1 <= i.score <= 5 and i.measure and i.name for i in result.items)
    assert {i.basis for i in result.items} == {BEHAVIOUR, CONFIGURATION}
    assert result.total == sum(i.score for i in result.items)
    assert result.band == band(result.total)


@pytest.mark.parametrize(
    ("total", "name"),
    [
        (125, "exemplary"),
        (115, "exemplary"),
        (114, "good"),
        (100, "good"),
        (99, "fair"),
        (74, "fair"),
        (73, "not IPS"),
        (25, "not IPS"),
    ],
)
def test_bands_follow_the_scale(total: int, name: str) -> None:
    assert band(total) == name


def test_no_specialists_scores_1_everywhere() -> None:
    result = review(
        log_of(engaged(range(2), specialist=-1)), SCENARIO.with_changes({"service.specialists": 0})
    )
    assert result.total == 25 and result.band == "not IPS"


@pytest.mark.parametrize(("clients", "score"), [(20, 5), (25, 4), (30, 3), (40, 2), (41, 1)])
def test_caseload_anchors(clients: int, score: int) -> None:
    caseload = item(engaged(range(clients)), 1)
    assert caseload.score == score
    assert f"{clients:.1f} active clients per specialist" in caseload.measure


def test_caseload_counts_discharged_clients_out() -> None:
    rows = engaged(range(30)) + [(0, c, E.DISCHARGED, Discharge.DROPPED_OUT, 0) for c in range(10)]
    assert item(rows, 1).score == 5  # 20 left holding a place from the first week


@pytest.mark.parametrize(("never", "score"), [(0, 5), (1, 4), (2, 3), (3, 3), (4, 2)])
def test_zero_exclusion_counts_who_wanted_work_and_was_never_referred(
    never: int, score: int
) -> None:
    rows = engaged(range(10 - never))
    for c in range(10 - never, 10):
        rows += [(0, c, E.ENTRY, 0), (0, c, E.WANTS_WORK, 0), (7, c, E.HELD_BACK, 0)]
    result = item(rows, 9)
    assert result.score == score
    assert result.measure.startswith(f"{10 * never}% of 10 clients who wanted work")


def test_zero_exclusion_is_1_under_formal_eligibility_criteria() -> None:
    scenario = SCENARIO.with_changes({"policy.zero_exclusion": False})
    assert item(engaged(range(5)), 9, scenario).score == 1


def test_late_referrals_are_named_but_not_counted_as_excluded() -> None:
    rows = engaged(range(1, 4)) + [
        (0, 0, E.ENTRY, 0),
        (0, 0, E.WANTS_WORK, 0),
        (7, 0, E.HELD_BACK, 0),
        (21, 0, E.REFERRED, 0),
    ]
    result = item(rows, 9)
    assert result.score == 5 and "25% only after being held back" in result.measure


@pytest.mark.parametrize(("days", "score"), [(30, 5), (45, 4), (100, 3), (200, 2), (300, 1)])
def test_rapid_search_takes_the_median_days_from_intake(days: int, score: int) -> None:
    rows = engaged(range(3), day=7)
    rows += [(7 + days + k - 1, k, E.FIRST_EMPLOYER_CONTACT, 0, 0) for k in range(3)]
    scenario = SCENARIO.with_changes({"run.horizon_weeks": 52})
    assert item(rows, 15, scenario).score == score


def test_rapid_search_counts_each_client_once_not_each_intake() -> None:
    """Client 0 comes back after dropping out and has a second, slow search; clients 1 and 2
    reach an employer fast. Counting intakes the median would be 32.5 days (score 4); counting
    clients, each by their first employer contact, it is 25 (score 5)."""
    rows = engaged(range(3), day=0)
    rows += [(10, 0, E.FIRST_EMPLOYER_CONTACT, 0, 0), (25, 1, E.FIRST_EMPLOYER_CONTACT, 0, 0)]
    rows += [(40, 2, E.FIRST_EMPLOYER_CONTACT, 0, 0)]
    rows += [(60, 0, E.DISCHARGED, Discharge.DROPPED_OUT, 0), (100, 0, E.ENGAGED, 0, 0)]
    rows += [(200, 0, E.FIRST_EMPLOYER_CONTACT, 0, 0)]
    result = item(rows, 15, SCENARIO.with_changes({"run.horizon_weeks": 52}))
    assert result.score == 5
    assert result.measure == "median 25 days from intake to first employer contact (3 clients)"


@pytest.mark.parametrize(("contacts", "score"), [(6, 5), (4, 4), (3, 3), (2, 2), (1, 1)])
def test_employer_contacts_per_specialist_week(contacts: int, score: int) -> None:
    rows = engaged(range(1))
    rows += [
        (7 * w, -1, E.EMPLOYER_CONTACT, 0, 0, 100 + 10 * w + k)
        for w in range(1, WEEKS)
        for k in range(contacts)
    ]
    assert item(rows, 17).score == score


def test_return_visits_make_quality_employer_contact() -> None:
    new = [(7 * w, -1, E.EMPLOYER_CONTACT, 0, 0, w) for w in range(1, WEEKS)]
    same = [(7 * w, -1, E.EMPLOYER_CONTACT, 0, 0, 1) for w in range(1, WEEKS)]
    assert item(engaged(range(1)) + new, 18).score == 3
    assert item(engaged(range(1)) + same, 18).score == 5
    assert item(engaged(range(1)), 18).score == 1


def jobs(employers: list[int], sectors: list[int], preferred: int) -> list[tuple]:
    """One job found with the service per employer, all clients preferring one sector."""
    rows = [(0, -1, E.EMPLOYER, s, -1, e) for e, s in enumerate(sectors)]
    for c, employer in enumerate(employers):
        rows += [
            (0, c, E.ENTRY, 0),
            (0, c, E.WANTS_WORK, preferred),
            (0, c, E.REFERRED, 0),
            (0, c, E.ENGAGED, 0, 0),
            (10, c, E.JOB_START, 30, 0, employer),
        ]
    return rows


def test_individualised_search_reads_sectors_from_the_log() -> None:
    sectors = [0, 0, 0, 1, 2, 3, 4, 5, 6, 7]
    assert item(jobs(list(range(10)), sectors, preferred=0), 16).score == 2  # 30%
    assert item(jobs([0, 1, 2, 0, 1, 2, 0, 1, 2, 0], sectors, preferred=0), 16).score == 5


def test_diversity_of_employers_and_job_types() -> None:
    sectors = list(range(8)) * 2
    varied = jobs(list(range(10)), sectors, preferred=0)
    assert item(varied, 20).score == 5 and item(varied, 19).score == 5
    same = jobs([3] * 10, sectors, preferred=0)
    assert item(same, 20).score == 1 and item(same, 19).score == 1
    assert item(same, 21).score == 5  # every job in the model is competitive


def working(
    limited: bool, follow_along_every: int | None, settle_day: int | None = None, weeks: int = 52
) -> tuple[list[tuple], Scenario]:
    """Four clients start jobs on day 10 that last to the horizon."""
    rows = jobs([0, 1, 2, 3], [0, 1, 2, 3], preferred=0)
    if follow_along_every:
        rows += [
            (day, c, E.FOLLOW_ALONG, 0, 0)
            for c in range(4)
            for day in range(10 + follow_along_every, 7 * weeks, follow_along_every)
            if settle_day is None or day < settle_day
        ]
    if settle_day is not None:
        rows += [(settle_day, c, E.DISCHARGED, Discharge.SETTLED, 0) for c in range(4)]
    scenario = SCENARIO.with_changes(
        {"run.horizon_weeks": weeks, "policy.time_unlimited_support": not limited}
    )
    return rows, scenario


def follow_along(
    number: int, limited: bool, every: int | None, settle_day: int | None = None
) -> int:
    rows, scenario = working(limited, every, settle_day)
    return item(rows, number, scenario).score


def test_follow_along_needs_every_worker_seen_at_least_monthly() -> None:
    assert follow_along(22, False, 14) == 5
    assert follow_along(22, False, 40) == 4  # seen, but not monthly
    assert follow_along(22, False, None) == 1


def test_time_unlimited_support_after_month_four() -> None:
    assert follow_along(23, False, 14) == 5
    assert follow_along(23, False, 14, settle_day=60) == 5  # stepped down by choice
    assert follow_along(23, False, None) == 4
    assert follow_along(23, True, 14) == 3
    assert follow_along(23, True, None) == 1


def test_community_share_adds_employer_visits_to_the_scenario_share() -> None:
    rows = engaged(range(1)) + [
        (7 * w, -1, E.EMPLOYER_CONTACT, 0, 0, k) for w in range(1, WEEKS) for k in range(5)
    ]
    scenario = SCENARIO.with_changes(
        {
            "service.community_share": 0.2,
            "service.hours_per_week": 37.5,
            "service.hours_per_employer_contact": 1.5,
        }
    )
    result = item(rows, 24, scenario)  # 7.5 of 37.5 hours visiting: 20% + 0.2 x 80% = 36%
    assert result.score == 2 and result.measure.startswith("36%")


def test_configuration_items_follow_their_levers() -> None:
    ips = review(log_of(engaged(range(2))), SCENARIO)
    traditional = review(
        log_of(engaged(range(2))),
        SCENARIO.with_changes(
            {
                "service.integration": 0.0,
                "policy.benefits_counselling": False,
                "policy.disclosure_support": False,
                "policy.prevocational_training_weeks": 16,
            }
        ),
    )
    for number in (4, 5, 12, 13, 14):
        assert ips.items[number - 1].score > traditional.items[number - 1].score
    assert ips.items[5].score == traditional.items[5].score == 3  # not modelled: midpoint


def test_a_weekly_frame_ends_the_review_period() -> None:
    rows = engaged(range(1)) + [
        (7 * w, -1, E.EMPLOYER_CONTACT, 0, 0, k) for w in range(1, 5) for k in range(2)
    ]
    whole = item(rows, 17)  # 8 contacts over 19 specialist-weeks with clients
    so_far = review(log_of(rows), SCENARIO, pd.DataFrame({"week": [1, 2, 3, 4, 5]})).items[16]
    assert (whole.score, so_far.score) == (1, 2)
    assert so_far.measure.startswith("2.0 face-to-face")


# --- directions, from the model ---------------------------------------------------------------


def test_gatekeeping_scores_lower_on_zero_exclusion_than_base() -> None:
    base, gatekept = small("base"), small("gatekept")
    base_review = review(run_one(base, 3).events, base)
    gatekept_review = review(run_one(gatekept, 3).events, gatekept)
    assert base_review.items[8].score == 5
    assert gatekept_review.items[8].score < base_review.items[8].score


def test_a_caseload_cap_of_40_scores_lower_on_caseload() -> None:
    capped = {"service.specialists": 1, "entry.arrivals_per_week": 8.0}
    results = {
        cap: review(run_one(s, 4).events, s)
        for cap in (20, 40)
        for s in [small("base", **capped, **{"service.caseload_cap": cap})]
    }
    assert results[20].items[0].score == 5
    assert results[40].items[0].score < results[20].items[0].score


def test_traditional_services_are_not_ips_and_the_metric_matches_the_review() -> None:
    s = small("traditional_vr")
    result = run_one(s, 2)
    fidelity = review(result.events, s, result.weekly)
    assert fidelity.band == "not IPS"
    assert result.metrics["fidelity_total"] == fidelity.total
