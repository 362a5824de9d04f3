"""Scenario tests: each named policy moves outcomes the way the mechanisms say, at equal seeds."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ipssim.events import Discharge, Outcome, Waitlist
from ipssim.experiment import replicate, run_one, runs_frame
from ipssim.outcomes import breakdowns
from ipssim.scenario import OFFENCES, Scenario
from tests.conftest import small


def paired(a, b, reps: int = 4, seed: int = 11) -> tuple[pd.DataFrame, pd.DataFrame]:
    return (
        runs_frame(replicate(a, reps, seed, progress=False)),
        runs_frame(replicate(b, reps, seed, progress=False)),
    )


def test_zero_exclusion_off_with_gatekeeping_lowers_referrals_and_placements() -> None:
    open_door = small("base", **{"policy.referral_gatekeeping": 0.6})
    screened = open_door.with_changes({"policy.zero_exclusion": False})
    a, b = paired(open_door, screened)
    assert (b["referral_rate"] < a["referral_rate"]).all()
    assert b["placements"].mean() < a["placements"].mean()
    assert b["employment_rate"].mean() < a["employment_rate"].mean()


def test_gatekeeping_lowers_referrals() -> None:
    a, b = paired(small("base"), small("base", **{"policy.referral_gatekeeping": 0.8}))
    assert (b["referral_rate"] < a["referral_rate"]).all()


def contacts_per_caseload_week(result) -> float:
    contacts = (result.events["event"] == "employer_contact").sum()
    return contacts / result.weekly["on_caseload"].sum()


def test_larger_caseload_cap_lowers_employer_contacts_per_client() -> None:
    demand = {"entry.arrivals_per_week": 16.0}  # enough referrals to fill four caseloads of 20
    cap20 = small("base", **demand)
    cap40 = cap20.with_changes({"service.caseload_cap": 40})
    for seed in (1, 2):
        a, b = run_one(cap20, seed), run_one(cap40, seed)
        assert b.weekly["on_caseload"].mean() > a.weekly["on_caseload"].mean()
        assert contacts_per_caseload_week(b) < contacts_per_caseload_week(a)
        assert b.metrics["waiting_weeks_mean"] <= a.metrics["waiting_weeks_mean"]


def job_starts_per_client(result) -> tuple[pd.Series, pd.Series]:
    """Job starts and clients by index offence."""
    ev = result.events
    offence = (
        ev[ev["event"] == "entry"].set_index("client")["detail"].map(dict(enumerate(OFFENCES)))
    )
    starts = ev[ev["event"] == "job_start"]["client"].map(offence).value_counts()
    return starts.reindex(offence.value_counts().index, fill_value=0), offence.value_counts()


def _job_seekers(mix: dict[str, float], **changes: Any) -> Scenario:
    """A cohort of 2,000 who all want work, of the given offence mix, with ample specialists
    and employers, so offences alone set who is hired."""
    return small(
        "base",
        **mix,
        **{
            "entry.mode": "cohort",
            "entry.cohort_size": 2000,
            "entry.wants_work_only": True,
            "service.specialists": 80,
            "employers.count": 2000,
        },
        **changes,
    )


def test_offence_aversion_lowers_placements_most_for_arson_and_sexual_offences() -> None:
    mix = {
        f"population.offences.{k}": (0.2 if k in ("arson", "sexual") else 0.15)
        for k in OFFENCES
        if k != "none"
    } | {"population.offences.none": 0.0}
    surveyed = _job_seekers(mix, **{"run.horizon_weeks": 40})
    averse = surveyed.with_changes({"employers.offence_aversion": 1.4})
    totals = {}
    for label, s in (("surveyed", surveyed), ("averse", averse)):
        starts = clients = 0
        for seed in (1, 2, 3):
            st, n = job_starts_per_client(run_one(s, seed))
            starts, clients = starts + st, clients + n
        totals[label] = starts / clients
    drop = 1.0 - totals["averse"] / totals["surveyed"]
    assert (drop > 0).all(), drop.to_dict()
    most = drop[["arson", "sexual"]].mean()
    any_conviction = drop[["acquisitive", "drugs", "other"]].mean()
    assert most > any_conviction + 0.03, drop.to_dict()


def test_work_lowers_reoffending() -> None:
    """Same people, same seed: with no employers nobody works, and more people reoffend."""
    with_jobs = small("prison_leavers", **{"run.horizon_weeks": 78})
    no_jobs = with_jobs.with_changes({"employers.count": 0})
    a, b = paired(with_jobs, no_jobs, reps=4)
    assert (b["employment_rate"] == 0).all() and (a["employment_rate"] > 0.2).all()
    assert b["reoffending_rate_12m"].mean() > a["reoffending_rate_12m"].mean()
    assert b["reoffences_per_client"].mean() > a["reoffences_per_client"].mean()


def test_more_specialists_never_lengthen_waits() -> None:
    busy = {"entry.arrivals_per_week": 10.0}
    waits = []
    for specialists in (2, 4, 8):
        runs = runs_frame(
            replicate(
                small("base", **busy, **{"service.specialists": specialists}), 3, 4, progress=False
            )
        )
        waits.append(runs["waiting_weeks_mean"].to_numpy())
    assert np.all(waits[1] <= waits[0]) and np.all(waits[2] <= waits[1])
    assert waits[2].mean() < waits[0].mean()


def test_extremes_no_employers_no_jobs_and_ample_places_no_waiting() -> None:
    none = run_one(small("base", **{"employers.count": 0}), 3)
    assert none.metrics["employment_rate"] == 0.0
    ample = run_one(small("base", **{"service.specialists": 20, "service.caseload_cap": 50}), 3)
    assert ample.metrics["waiting_weeks_mean"] == 0.0
    nobody = run_one(small("base", **{"service.specialists": 0}), 3)
    assert nobody.funnel["referred"] == 0 and nobody.metrics["placements"] == 0


def test_small_firms_shorten_unsupported_jobs_only() -> None:
    """Same people and employers, only which firms count as small changes: with time-limited
    support more workers go unsupported, and small firms then lose them sooner."""
    limited = small(
        "base",
        **{
            "policy.time_unlimited_support": False,
            "policy.support_limit_months": 3.0,
            "run.horizon_weeks": 78,
        },
    )
    large, smallest = (
        limited.with_changes({"employers.small_firm_share": share}) for share in (0.0, 1.0)
    )
    a, b = paired(large, smallest, reps=4)
    assert b["weeks_worked_mean"].mean() < a["weeks_worked_mean"].mean()
    a, b = paired(large, smallest.with_changes({"work.small_firm_job_loss": 1.0}), reps=2)
    assert a.equals(b)  # firm size acts through that multiplier alone


def test_a_committed_team_leader_raises_referrals_under_gatekeeping() -> None:
    gatekept = small("base", **{"policy.referral_gatekeeping": 0.8})
    led = gatekept.with_changes({"clinicians.committed_leader": True})
    a, b = paired(gatekept, led)
    assert b["referral_rate"].mean() > a["referral_rate"].mean() + 0.01, (a, b)
    open_door = small("base")  # without gatekeeping the leader's pull still moves behaviour
    a, b = paired(open_door, open_door.with_changes({"clinicians.committed_leader": True}))
    assert b["came_to_want_work_rate"].mean() > a["came_to_want_work_rate"].mean(), (a, b)


def referred_share(result) -> float:
    """Share of a run's clients ever referred to the service."""
    ev = result.events
    clients = ev.loc[ev["event"] == "entry", "client"].nunique()
    return ev.loc[ev["event"] == "referred", "client"].nunique() / clients


def test_belief_in_work_raises_wishes_to_work_and_referrals_without_gatekeeping() -> None:
    sceptical = small("base", **{"clinicians.belief_in_work_mean": 0.2})
    keen = sceptical.with_changes({"clinicians.belief_in_work_mean": 0.9})
    for seed in (1, 2):
        a, b = run_one(sceptical, seed), run_one(keen, seed)
        assert b.metrics["came_to_want_work_rate"] > a.metrics["came_to_want_work_rate"]
        assert referred_share(b) > referred_share(a)
        assert b.metrics["wants_work_rate"] == a.metrics["wants_work_rate"]  # at entry


def test_clinician_training_changes_what_happens_without_gatekeeping() -> None:
    untrained = small("base")
    trained = untrained.with_changes({"clinicians.training": True})
    assert not run_one(untrained, 1).events.equals(run_one(trained, 1).events)
    a, b = paired(untrained, trained)
    assert b["came_to_want_work_rate"].mean() > a["came_to_want_work_rate"].mean(), (a, b)


def in_service_at_horizon(result) -> float:
    """Share of the engaged clients on a caseload in the last week."""
    ev = result.events
    return (
        result.weekly["on_caseload"].iloc[-1] / ev.loc[ev["event"] == "engaged", "client"].nunique()
    )


def test_time_limited_support_discharges_more_and_leaves_fewer_in_service() -> None:
    unlimited = small("smi_trial", **{"policy.support_limit_months": 6.0})
    limited = unlimited.with_changes({"policy.time_unlimited_support": False})
    for seed in (1, 2):
        a, b = run_one(unlimited, seed), run_one(limited, seed)
        assert b.metrics["discharged_rate"] > a.metrics["discharged_rate"]
        assert in_service_at_horizon(b) < in_service_at_horizon(a)


def test_a_case_closed_at_the_limit_takes_no_re_referral_within_the_wait() -> None:
    s = small(
        "base",
        **{
            "policy.time_unlimited_support": False,
            "policy.support_limit_months": 3.0,
            "policy.rereferral_wait_months": 6.0,
            "run.horizon_weeks": 78,
        },
    )
    ev = run_one(s, 3).events
    closed = ev[(ev["event"] == "discharged") & (ev["detail"] == int(Discharge.TIME_LIMIT))]
    assert len(closed) > 20
    later = closed[["client", "day"]].merge(
        ev.loc[ev["event"] == "referred", ["client", "day"]], on="client", suffixes=("", "_ref")
    )
    later = later[later["day_ref"] > later["day"]]
    assert len(later) > 0  # some come back, through a new referral
    assert (later["day_ref"] - later["day"] >= 6 * 30.44).all()


def test_each_population_has_its_own_reoffending_risk() -> None:
    """A community forensic team's clients (base: after secure care) reoffend far less than
    prison leavers; one risk for everyone gave base 52% within a year."""
    longer = {"run.horizon_weeks": 104}  # a year's follow-up for clients entering in the intake
    forensic, leavers = paired(small("base", **longer), small("prison_leavers", **longer))
    assert forensic["reoffending_rate_12m"].mean() < 0.15
    assert forensic["reoffending_rate_12m"].mean() < leavers["reoffending_rate_12m"].mean() / 4


def test_a_later_enrolment_lowers_employment_within_a_year_but_never_below_no_service() -> None:
    timing = {"run.horizon_weeks": 78, "entry.intake_weeks": 20, "entry.arrivals_per_week": 8.0}
    arms = [
        small("prison_leavers", **timing, **{"policy.enrolment_delay_weeks": d}) for d in (0, 26)
    ]
    arms.append(small("prison_leavers_usual_care", **timing))
    at_once, late, none = (runs_frame(replicate(s, 3, 5, progress=False)) for s in arms)
    rate = "employment_rate_12m"
    assert at_once[rate].mean() > late[rate].mean()
    assert (late[rate] >= none[rate] - 0.02).all()  # equal seeds: the same lives until enrolment


def test_through_the_gate_acts_only_on_prison_leavers() -> None:
    base = small("base")
    gate = base.with_changes({"policy.through_the_gate": True})
    a, b = run_one(base, 2), run_one(gate, 2)
    assert (a.events["event"] == "custody").any()  # community clients released from custody
    pd.testing.assert_frame_equal(a.events, b.events)


def test_clients_waiting_for_a_place_search_alone_and_may_find_work() -> None:
    crowded = small("base", **{"service.specialists": 1, "entry.arrivals_per_week": 10.0})
    ev = run_one(crowded, 4).events
    left = ev[ev["event"] == "left_waitlist"]
    assert (left["detail"] == int(Waitlist.FOUND_WORK)).sum() > 0


def test_disclosure_support_does_not_lower_employment() -> None:
    """The client decides; with support the decision is informed employer by employer, so a
    disclosure is made where it helps and no one is put forward where it is futile."""
    for name in ("base", "prison_leavers"):  # 12 replications: 4 differ by noise of a point
        a, b = paired(small(name), small(name, **{"policy.disclosure_support": False}), reps=12)
        assert a["employment_rate"].mean() >= b["employment_rate"].mean(), name


def test_employment_by_offence_falls_in_the_order_of_employers_aversion() -> None:
    """An equal mix of offences among job seekers, at equal seeds with and without employers'
    aversion: the share of each offence's employment that aversion costs rises from a
    general conviction (50% of employers averse: drugs, other) through violence and theft
    (60-63%, theft doubled in cash-handling sectors) to arson and sexual offences (71-75%,
    sexual offences also barred from care), and employment falls in the same order."""
    mix = {f"population.offences.{k}": 0.2 for k in ("violent", "sexual", "arson")} | {
        "population.offences.acquisitive": 0.15,
        "population.offences.drugs": 0.15,
        "population.offences.other": 0.1,
        "population.offences.none": 0.0,
    }
    # everyone stays with the clinical team, so each searches as long as the others and the
    # differences come from employers alone (measured with leaving at 0.1 a year: the same
    # order, arson and sexual losing 1.28 times what drugs and other lose)
    surveyed = _job_seekers(mix, **{"clinicians.discharge_per_year": 0.0})
    indifferent = surveyed.with_changes({"employers.offence_aversion": 0.0})
    employed = {}
    for label, s in (("surveyed", surveyed), ("indifferent", indifferent)):
        # six seeds: the groups' employment differs by a few points, about three seeds' noise
        runs = [breakdowns(run_one(s, seed).events, s)["offence"] for seed in range(1, 7)]
        employed[label] = pd.concat([r["employment_rate"] for r in runs], axis=1).mean(axis=1)
    lost = 1.0 - employed["surveyed"] / employed["indifferent"]
    groups = [["drugs", "other"], ["violent", "acquisitive"], ["arson", "sexual"]]
    cost = [lost[g].mean() for g in groups]
    rate = [employed["surveyed"][g].mean() for g in groups]
    assert cost[0] < cost[1] < cost[2] and cost[2] > 1.4 * cost[0], lost.to_dict()
    assert rate[0] > rate[1] > rate[2], employed["surveyed"].to_dict()


def test_a_service_that_does_nothing_leaves_employment_as_without_it() -> None:
    """IPS with no employer contacts and no time for clients (meetings as rare as they go)
    against no service at all, at equal seeds: everyone lives the same life outside it (three
    times base's referrals, so that a run holds enough jobs to compare)."""
    busy = {"entry.arrivals_per_week": 15.0}
    none = small("base", **busy, **{"service.specialists": 0})
    idle = small(
        "base",
        **busy,
        **{"service.employer_contacts_per_week": 0.0, "service.employment_time_share": 0.0},
    )
    a, b = paired(none, idle, reps=4)
    assert abs(b["employment_rate"].mean() - a["employment_rate"].mean()) < 0.02


def test_clients_outside_the_service_relapse_and_dropouts_keep_searching() -> None:
    ev = run_one(small("base", **{"run.horizon_weeks": 78}), 6).events
    engaged = set(ev.loc[ev["event"] == "engaged", "client"])
    relapsed = set(ev.loc[ev["event"] == "relapse", "client"])
    assert relapsed - engaged  # relapses come to clients never in the service too
    out = ev[(ev["event"] == "discharged") & (ev["detail"] == int(Discharge.DROPPED_OUT))]
    later = out[["client", "day"]].merge(
        ev.loc[ev["event"] == "application", ["client", "day"]], on="client", suffixes=("", "_a")
    )
    assert (later["day_a"] > later["day"]).any()  # the wish to work outlives the service


def _spells(ev: pd.DataFrame, start: str, ends: tuple[str, ...]) -> pd.DataFrame:
    """Each client's spells from a ``start`` event to the next of ``ends`` (client, from, to)."""
    marks = ev[ev["event"].isin((start, *ends))].sort_values(["client", "day"], kind="stable")
    nxt = marks.groupby("client")[["event", "day"]].shift(-1)
    opened = (marks["event"] == start) & nxt["event"].isin(ends)
    return pd.DataFrame(
        {
            "client": marks["client"][opened],
            "start": marks["day"][opened],
            "end": nxt["day"][opened],
        }
    )


def test_a_break_pauses_contact_not_the_search_and_a_relapse_stops_both() -> None:
    """Clients on a break from the service apply alone and some are hired, which ends the break
    (returned, then the job with the specialist still theirs); a relapsed client applies for
    nothing until recovered (breaks long and common so that a run holds many)."""
    s = small(
        "base",
        **{
            "run.horizon_weeks": 78,
            "entry.arrivals_per_week": 8.0,
            "clients.break_share": 0.9,
            "clients.break_weeks": 26.0,
        },
    )
    ev = run_one(s, 3).events
    apps = ev.loc[ev["event"] == "application", ["client", "day", "detail"]]
    on_break = _spells(ev, "break", ("returned", "discharged", "custody", "left_care"))
    during = on_break.merge(apps, on="client")
    during = during[(during["day"] >= during["start"]) & (during["day"] <= during["end"])]
    assert len(during) > 20  # on a break, the search goes on
    hires = during[during["detail"] == int(Outcome.HIRED)]
    assert len(hires) > 2
    for client, day in zip(hires["client"], hires["day"], strict=True):
        own = ev[(ev["client"] == client) & (ev["day"] == day)]["event"].tolist()
        assert own[own.index("application") :][1:3] == ["returned", "job_start"], own
        start = ev[(ev["client"] == client) & (ev["day"] == day) & (ev["event"] == "job_start")]
        assert (start["specialist"] >= 0).all()  # the specialist is still theirs
    relapsed = _spells(ev, "relapse", ("recovered",))  # a relapse in work pauses nothing
    assert len(relapsed) > 20
    sick = relapsed.merge(apps, on="client")
    assert not ((sick["day"] > sick["start"]) & (sick["day"] < sick["end"])).any()


def test_a_long_wait_is_lived_as_in_the_community() -> None:
    """Waiting long for a place (one specialist, patient clients), clients relapse and some give
    up the wish to work, as anyone outside the service: a relapse pauses the wait with the place
    kept and stops own applications until recovered; giving up the wish takes the client off the
    list and stops them. With both hazards at zero, at equal seeds, neither happens."""
    wait = {"service.specialists": 1, "entry.arrivals_per_week": 10.0}
    long_wait = small("base", **wait, **{"service.waitlist_patience_weeks": 104.0})
    calm = long_wait.with_changes({"clients.relapse_per_year": 0, "clients.wish_loss_per_year": 0})
    for scenario, hazards in ((long_wait, True), (calm, False)):
        ev = run_one(scenario, 1).events
        waits = _spells(ev, "waitlisted", ("engaged", "left_waitlist"))
        sick = _spells(ev, "relapse", ("recovered",)).merge(waits, on="client", suffixes=("", "_w"))
        sick = sick[(sick["start"] > sick["start_w"]) & (sick["start"] < sick["end_w"])]
        lost = ev[(ev["event"] == "left_waitlist") & (ev["detail"] == int(Waitlist.LOST_WISH))]
        if not hazards:
            assert sick.empty and lost.empty
            continue
        assert len(sick) > 5 and len(lost) > 5
        for client, start, end in zip(sick["client"], sick["start"], sick["end"], strict=True):
            own = ev[(ev["client"] == client) & (ev["day"] > start) & (ev["day"] < end)]
            assert not own["event"].isin(["application", "waitlisted"]).any()  # the place kept
        ends = ev[ev["event"].isin(["engaged", "left_waitlist"])][["client", "day", "event"]]
        after = sick.merge(ends, left_on=["client", "end_w"], right_on=["client", "day"])
        assert (after["event"] == "engaged").any()  # some took the place after recovering
        for client, day in zip(lost["client"], lost["day"], strict=True):
            later = ev[(ev["client"] == client) & (ev["day"] > day)]["event"].tolist()
            wish = later.index("wants_work") if "wants_work" in later else len(later)
            assert "application" not in later[:wish]


def test_a_relapse_runs_its_course_when_the_service_closes_the_case() -> None:
    """A relapsed client whose case closes (the limit of support, leaving the clinical team)
    stays unwell until recovered: no application and no job in between (short support, many
    and long relapses and many leaving the team, so that a run holds many such closures)."""
    s = small(
        "base",
        **{
            "run.horizon_weeks": 104,
            "entry.arrivals_per_week": 8.0,
            "policy.time_unlimited_support": False,
            "policy.support_limit_months": 3.0,
            "clients.relapse_per_year": 3.0,
            "clients.relapse_weeks": 12.0,
            "clinicians.discharge_per_year": 1.0,
        },
    )
    ev = run_one(s, 2).events
    sick = _spells(ev, "relapse", ("recovered",))
    closed = sick.merge(ev[ev["event"] == "discharged"], on="client")
    closed = closed[(closed["day"] > closed["start"]) & (closed["day"] < closed["end"])]
    reasons = set(closed["detail"])
    assert {int(Discharge.TIME_LIMIT), int(Discharge.LEFT_CARE)} <= reasons, reasons
    # the relapse is not undone: from a paused relapse, nothing is sought until recovered
    marks = ev[ev["event"].isin(("relapse", "recovered", "custody", "application", "job_start"))]
    marks = marks.sort_values(["client", "day"], kind="stable")
    working = _spells(ev, "job_start", ("job_end",))
    after = marks.groupby("client")["event"].shift(-1)
    paused = marks[(marks["event"] == "relapse")].assign(next=after)
    paused = paused.merge(working, on="client", how="left")
    in_work = (paused["day"] >= paused["start"]) & (paused["day"] < paused["end"])
    in_work = in_work.groupby([paused["client"], paused["day"]]).transform("any")
    nxt = paused.loc[~in_work, "next"].dropna()
    assert len(nxt) > 50
    assert nxt.isin(["recovered", "custody"]).all(), nxt.value_counts().to_dict()
