"""A simulated fidelity review on the 25-item IPS Supported Employment Fidelity Scale.

Each item is scored 1 to 5 with the measure it rests on: from what happened (the event log) where
behaviour can show it, from the scenario where it cannot. Every item's rule is written beside
the scale's anchors in docs/fidelity.md. A pure function of the log and the scenario (no Mesa,
no SimPy), cheap enough to call every simulated week from the dashboard.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ipssim.events import Discharge, Event
from ipssim.fidelity_log import ReviewLog, latest
from ipssim.scenario import Scenario

BANDS = ((115, "exemplary"), (100, "good"), (74, "fair"), (0, "not IPS"))
BEHAVIOUR, CONFIGURATION = "behaviour", "configuration"
MIDPOINT = 3  # items with no lever in the model score the scale's midpoint in every scenario
QUARTER_WEEKS = 13  # caseloads are read over the busiest quarter
SETTLED_JOB_DAYS = 28  # a job this long should have had a follow-along contact
LONG_JOB_DAYS = 122  # four months: the scale's test of continuing follow-along
MONTH_DAYS = 31
FIDELITY_FULL_TIME_HOURS = 20  # the job-types item counts a job of 20+ hours a week as full-time


@dataclass(frozen=True)
class Item:
    """One scored item: its number and name on the scale, score 1-5 and what it rests on."""

    number: int
    name: str
    score: int
    measure: str
    basis: str  # "behaviour" (measured from the event log) or "configuration" (the scenario)


@dataclass(frozen=True)
class Review:
    """A whole review: the 25 items, their total (25-125) and its band."""

    items: tuple[Item, ...]
    total: int
    band: str


def band(total: float) -> str:
    """The scale's band of a total: exemplary, good, fair or not IPS."""
    return next(name for floor, name in BANDS if total >= floor)


def review(events: pd.DataFrame, scenario: Scenario, weekly: pd.DataFrame | None = None) -> Review:
    """Score all 25 items from one run's event log (so far) and its scenario.

    ``weekly`` (the model's weekly frame, with its ``week`` column) tells how many weeks have
    run, for a review part way through a run; without it the run is taken to be complete.
    """
    if scenario.service.specialists == 0:
        items = tuple(
            Item(i, name, 1, "no employment specialists", basis)
            for i, (name, basis, _) in enumerate(RULES, 1)
        )
    else:
        log = ReviewLog(events, scenario, weekly)
        items = tuple(
            Item(i, name, *rule(log), basis) for i, (name, basis, rule) in enumerate(RULES, 1)
        )
    total = sum(item.score for item in items)
    return Review(items, total, band(total))


def review_at(events: pd.DataFrame, scenario: Scenario, weekly: pd.DataFrame, week: int) -> Review:
    """The review as it reads at the end of week ``week`` of a longer run: the log before day
    7 x ``week`` and the weekly series up to that week (what a run stopped there would give)."""
    return review(events[events["day"] < 7 * week], scenario, weekly[weekly["week"] <= week])


def course(
    events: pd.DataFrame, scenario: Scenario, weekly: pd.DataFrame, weeks: list[int]
) -> pd.DataFrame:
    """The review's total at each of ``weeks`` (``review_at``): how a service's fidelity moves
    as it changes (columns ``week``, ``total``)."""
    totals = [review_at(events, scenario, weekly, week).total for week in weeks]
    return pd.DataFrame({"week": weeks, "total": totals})


# --- scoring helpers ---------------------------------------------------------------------------

Scored = tuple[int, str]  # a score 1-5 and the measure it rests on


def _at_least(value: float, cuts: tuple[float, float, float, float]) -> int:
    """1 plus the number of cuts (for scores 2, 3, 4, 5) that ``value`` reaches."""
    return 1 + sum(value >= cut for cut in cuts)


def _at_most(value: float, cuts: tuple[float, float, float, float]) -> int:
    """1 plus the number of cuts (for scores 2, 3, 4, 5) that ``value`` stays within."""
    return 1 + sum(value <= cut for cut in cuts)


def _level(x: float) -> int:
    """A 0-1 lever on the 1-5 scale."""
    return 1 + round(4 * x)


def _yes(flag: bool, what: str, otherwise: str) -> Scored:
    return (5, what) if flag else (1, otherwise)


def _pct(share: float) -> str:
    return f"{100 * share:.0f}%"


# --- the items, in the scale's order -----------------------------------------------------------


def _caseload(f: ReviewLog) -> Scored:
    per_week = f.active.sum(axis=0) / f.service.specialists
    span = min(QUARTER_WEEKS, len(per_week))
    if span == 0:
        return 5, "no clients on any caseload yet"
    busiest = float(np.convolve(per_week, np.ones(span) / span, "valid").max())
    return (
        _at_most(busiest, (40.5, 30.5, 25.5, 20.5)),
        f"{busiest:.1f} active clients per specialist (busiest {span} weeks)",
    )


def _employment_staff(f: ReviewLog) -> Scored:
    share = f.service.practised("employment_time_share", f.end_day)  # as practised at the review
    return (
        _at_least(share, (0.60, 0.75, 0.90, 0.96)),
        (
            f"{_pct(share)} of specialists' hours on employment work, {_pct(1 - share)} on "
            "other duties"
        ),
    )


def _generalists(f: ReviewLog) -> Scored:
    phases = {
        "intake": f.of(Event.ENGAGED),
        "job-search meetings": f.of(Event.MEETING),
        "job development": f.contacts,
        "job placement": f.placements,
        "follow-along": f.of(Event.FOLLOW_ALONG),
    }
    missing = [name for name, rows in phases.items() if len(rows.day) == 0]
    done = len(phases) - len(missing)
    training = f.policy.prevocational_training_weeks
    score = 5 if done == 5 and not training else 4 if done >= 4 else 3 if done else 1
    text = f"specialists carried out {done} of 5 phases"
    text += f" (none of: {', '.join(missing)})" if missing else ""
    text += f"; {training} weeks of pre-vocational training come first" if training else ""
    return score, text


def _team_assignment(f: ReviewLog) -> Scored:
    x = f.service.integration
    return _level(x), f"integration with the clinical team {x:.2f} (0 separate, 1 embedded)"


def _team_contact(f: ReviewLog) -> Scored:
    x = f.service.integration
    return _level(x), f"team meetings and shared records: integration {x:.2f}"


def _not_modelled(what: str) -> Callable[[ReviewLog], Scored]:
    def rule(_: ReviewLog) -> Scored:
        return MIDPOINT, f"not modelled ({what}): the scale's midpoint in every scenario"

    return rule


def _vocational_unit(f: ReviewLog) -> Scored:
    n = f.service.specialists
    if n == 1:
        return 2, "a lone specialist: no vocational unit"
    return 5, f"a unit of {n} specialists taking referrals from one queue"


def _zero_exclusion(f: ReviewLog) -> Scored:
    wanted = np.unique(f.of(Event.WANTS_WORK).client)
    decided = np.unique(
        np.concatenate(
            [f.of(e).client for e in (Event.REFERRED, Event.HELD_BACK, Event.SCREENED_OUT)]
        )
    )
    referred = np.unique(f.of(Event.REFERRED).client)
    asked = np.intersect1d(wanted, decided)
    if len(asked) == 0:
        return (5 if f.policy.zero_exclusion else 1), "no referral decisions yet"
    never = len(np.setdiff1d(asked, referred)) / len(asked)
    held = np.unique(
        np.concatenate([f.of(e).client for e in (Event.HELD_BACK, Event.SCREENED_OUT)])
    )
    late = len(np.intersect1d(np.intersect1d(asked, held), referred)) / len(asked)
    text = f"{_pct(never)} of {len(asked)} clients who wanted work were never referred"
    text += f", {_pct(late)} only after being held back" if late else ""
    if not f.policy.zero_exclusion:
        return 1, "formal eligibility criteria; " + text
    return _at_most(never, (1.0, 0.30, 0.15, 0.05)), text


def _agency_focus(f: ReviewLog) -> Scored:
    clinicians = f.scenario.clinicians
    practices = {
        "zero exclusion policy": f.policy.zero_exclusion,
        "clinicians trained in IPS": clinicians.training,
        "no pre-vocational training": f.policy.prevocational_training_weeks == 0,
        "clinicians believe in work": clinicians.belief_in_work_mean >= 0.5,
        "job stories reach the team": f.service.integration >= 0.5,
    }
    present = [name for name, yes in practices.items() if yes]
    return max(1, len(present)), f"{len(present)} of 5: {', '.join(present) or 'none'}"


def _work_incentives(f: ReviewLog) -> Scored:
    return _yes(
        f.policy.benefits_counselling,
        "personal benefits counselling for every client",
        "no benefits counselling",
    )


def _disclosure(f: ReviewLog) -> Scored:
    return _yes(
        f.policy.disclosure_support,
        "specialists help clients decide what to disclose",
        "clients decide on disclosure alone",
    )


def _work_based_assessment(f: ReviewLog) -> Scored:
    weeks = f.policy.prevocational_training_weeks
    if weeks == 0:
        return 5, "assessment happens in competitive jobs: no pre-vocational training"
    return _at_most(weeks, (26, 12, 4, 0)), f"{weeks} weeks of pre-vocational training first"


def _rapid_search(f: ReviewLog) -> Scored:
    contacts = f.by_client(Event.FIRST_EMPLOYER_CONTACT)
    once = np.unique(contacts.client, return_index=True)[1]  # a client once, not each intake
    client, day = contacts.client[once], contacts.day[once]
    engaged = f.by_client(Event.ENGAGED)
    intake = latest(engaged.client, engaged.day, client, day)
    days = day[intake >= 0] - engaged.day[intake[intake >= 0]]
    if len(days) == 0:
        return 1, "no client reached a first employer contact"
    median = float(np.median(days))
    return (
        _at_most(median, (270, 150, 60, 30)),
        (f"median {median:.0f} days from intake to first employer contact ({len(days)} clients)"),
    )


def _individualised_search(f: ReviewLog) -> Scored:
    wants = f.of(Event.WANTS_WORK)
    preferred = np.full(
        max(wants.client.max(initial=-1), f.placements.client.max(initial=-1)) + 1, -1
    )
    preferred[wants.client] = wants.detail
    sector, wanted = f.placement_sectors, preferred[f.placements.client]
    known = (sector >= 0) & (wanted >= 0)
    if not known.any():
        return 1, "no jobs found with the service"
    share = float((sector[known] == wanted[known]).mean())
    return (
        _at_least(share, (0.25, 0.50, 0.75, 0.90)),
        f"{_pct(share)} of {int(known.sum())} jobs found were in the client's preferred sector",
    )


def _frequent_contact(f: ReviewLog) -> Scored:
    rate = len(f.contacts.day) / f.active_weeks if f.active_weeks else 0.0
    return (
        _at_least(rate, (1.5, 2.5, 3.5, 5.5)),
        f"{rate:.1f} face-to-face employer contacts per specialist-week with clients",
    )


def _contact_quality(f: ReviewLog) -> Scored:
    n = len(f.contacts.day)
    if n == 0:
        return 1, "no employer contacts: specialists meet employers only through applications"
    pairs = len(set(zip(f.contacts.specialist.tolist(), f.contacts.employer.tolist(), strict=True)))
    repeat = 1.0 - pairs / n
    score = 5 if repeat >= 0.3 else 4 if repeat >= 0.1 else 3
    return score, f"{_pct(repeat)} of {n} employer contacts were return visits"


def _diversity(values: np.ndarray, n_kinds: str) -> tuple[float, str]:
    counts = np.unique(values, return_counts=True, axis=0)[1]
    n = counts.sum()
    differ = 1.0 - float((counts * (counts - 1)).sum()) / (n * (n - 1))
    return differ, f"{_pct(differ)} chance two of {n} jobs differ in {n_kinds}"


def _job_types(f: ReviewLog) -> Scored:
    sector = f.placement_sectors
    known = sector >= 0
    if known.sum() < 2:
        return 1, "fewer than two jobs found with the service"
    full_time = f.placements.detail[known] >= FIDELITY_FULL_TIME_HOURS
    differ, text = _diversity(np.column_stack([sector[known], full_time]), "sector or hours")
    return _at_least(differ, (0.50, 0.60, 0.70, 0.85)), text


def _employers(f: ReviewLog) -> Scored:
    n = len(f.placements.day)
    if n == 0:
        return 1, "no jobs found with the service"
    share = len(np.unique(f.placements.employer)) / n
    return (
        _at_least(share, (0.50, 0.60, 0.70, 0.85)),
        (
            f"{len(np.unique(f.placements.employer))} different employers for {n} jobs "
            f"({_pct(share)})"
        ),
    )


def _competitive_jobs(f: ReviewLog) -> Scored:
    n = len(f.placements.day)
    if n == 0:
        return 1, "no jobs found with the service"
    return 5, f"all {n} jobs found were competitive (the model has no sheltered work)"


def _follow_along(f: ReviewLog) -> Scored:
    spells = f.spells
    held = np.flatnonzero(spells.end - spells.start >= SETTLED_JOB_DAYS)
    if len(held) == 0:
        return 1, f"no job found with the service lasted {SETTLED_JOB_DAYS} days"
    spell, day = f.follow_along
    supported = float(np.isin(held, spell).mean())
    mine = np.isin(spell, held)
    ids = np.concatenate([held, spell[mine]])
    days = np.concatenate([spells.start[held], day[mine]])
    order = np.lexsort((days, ids))
    ids, days = ids[order], days[order]
    gaps = np.diff(days)[ids[1:] == ids[:-1]]
    gap = float(np.median(gaps)) if len(gaps) else math.inf
    if supported >= 0.9 and gap <= MONTH_DAYS:
        score = 5
    else:
        score = 4 if supported >= 0.75 else 3 if supported >= 0.5 else 2 if supported >= 0.25 else 1
    return score, (
        f"{_pct(supported)} of {len(held)} jobs lasting {SETTLED_JOB_DAYS}+ days had "
        f"follow-along, median {gap:.0f} days apart"
    )


def _time_unlimited(f: ReviewLog) -> Scored:
    limited = not f.policy.time_unlimited_support
    rule = (
        f"support ends after {f.policy.support_limit_months:g} months"
        if limited
        else "support is time-unlimited"
    )
    spells = f.spells
    long = np.flatnonzero(spells.end - spells.start >= LONG_JOB_DAYS)
    if len(long) == 0:
        return (2 if limited else 5), f"{rule}; no job found with the service has lasted 4 months"
    spell, day = f.follow_along
    late = spell[day >= spells.start[spell] + LONG_JOB_DAYS]
    discharged = f.of(Event.DISCHARGED)
    settled = discharged.detail == Discharge.SETTLED
    left = f.spell_of(discharged.client[settled], discharged.day[settled])
    chose = left[(left >= 0) & (discharged.day[settled] < spells.start[left] + LONG_JOB_DAYS)]
    share = float(np.isin(long, np.concatenate([late, chose])).mean())
    score = (3 if share >= 0.5 else 2 if share > 0 else 1) if limited else 5 if share >= 0.5 else 4
    return score, (
        f"{rule}; {_pct(share)} of {len(long)} jobs lasting 4+ months were still "
        "supported after month 4 or stepped down by choice"
    )


def _community(f: ReviewLog) -> Scored:
    share, visits = f.community_share
    return (
        _at_least(share, (0.30, 0.40, 0.50, 0.65)),
        (
            f"{_pct(share)} of specialists' time out of the office ({_pct(visits)} visiting "
            "employers)"
        ),
    )


def _outreach(f: ReviewLog) -> Scored:
    discharged = f.of(Event.DISCHARGED)
    engaged = np.unique(f.of(Event.ENGAGED).client)
    dropped = np.unique(discharged.client[discharged.detail == Discharge.DROPPED_OUT])
    dropout = len(dropped) / len(engaged) if len(engaged) else 0.0
    practices = {
        "no case closed at a time limit": not (discharged.detail == Discharge.TIME_LIMIT).any(),
        "mostly in the community": f.community_share[0] >= 0.5,
        "outreach with the clinical team": f.service.integration >= 0.5,
        "peer workers": f.policy.peer_workers,
        f"{_pct(dropout)} of engaged clients dropped out": dropout < 0.5,
    }
    present = [name for name, yes in practices.items() if yes]
    return max(1, len(present)), f"{len(present)} of 5: {', '.join(present) or 'none'}"


RULES: tuple[tuple[str, str, Callable[[ReviewLog], Scored]], ...] = (
    ("Caseload size", BEHAVIOUR, _caseload),
    ("Employment services staff", CONFIGURATION, _employment_staff),
    ("Vocational generalists", BEHAVIOUR, _generalists),
    ("Integration through team assignment", CONFIGURATION, _team_assignment),
    ("Integration through frequent team contact", CONFIGURATION, _team_contact),
    (
        "Collaboration with vocational rehabilitation",
        CONFIGURATION,
        _not_modelled("no vocational rehabilitation agency"),
    ),
    ("Vocational unit", CONFIGURATION, _vocational_unit),
    ("Role of employment supervisor", CONFIGURATION, _not_modelled("no team leader")),
    ("Zero exclusion criteria", BEHAVIOUR, _zero_exclusion),
    ("Agency focus on competitive employment", CONFIGURATION, _agency_focus),
    ("Executive team support", CONFIGURATION, _not_modelled("no agency executives")),
    ("Work incentives planning", CONFIGURATION, _work_incentives),
    ("Disclosure", CONFIGURATION, _disclosure),
    ("Ongoing, work-based vocational assessment", CONFIGURATION, _work_based_assessment),
    ("Rapid search for competitive job", BEHAVIOUR, _rapid_search),
    ("Individualised job search", BEHAVIOUR, _individualised_search),
    ("Job development: frequent employer contact", BEHAVIOUR, _frequent_contact),
    ("Job development: quality of employer contact", BEHAVIOUR, _contact_quality),
    ("Diversity of job types", BEHAVIOUR, _job_types),
    ("Diversity of employers", BEHAVIOUR, _employers),
    ("Competitive jobs", BEHAVIOUR, _competitive_jobs),
    ("Individualised follow-along supports", BEHAVIOUR, _follow_along),
    ("Time-unlimited follow-along supports", BEHAVIOUR, _time_unlimited),
    ("Community-based services", BEHAVIOUR, _community),
    ("Assertive engagement and outreach", BEHAVIOUR, _outreach),
)
