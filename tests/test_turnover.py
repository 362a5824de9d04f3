"""A service that changes over time: specialists leave, posts stay vacant, sickness absence,
practice drifts without supervision, and the fidelity review at any week."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from ipssim import cli
from ipssim.experiment import run_one
from ipssim.fidelity import review, review_at
from ipssim.model import IPSModel
from tests.conftest import small
from tests.test_policies import paired


def test_higher_turnover_lowers_placements_and_the_fidelity_total() -> None:
    stable = small("base")
    a, b = paired(stable, stable.with_changes({"service.turnover_per_year": 2.0}))
    assert b["placements"].mean() < a["placements"].mean()
    assert b["fidelity_total"].mean() < a["fidelity_total"].mean()


def test_sickness_absence_lowers_employer_contacts() -> None:
    a, b = paired(small("base"), small("base", **{"service.sickness_share": 0.3}), reps=2)
    per_week = "employer_contacts_per_specialist_week"
    assert (b[per_week] < a[per_week]).all()


def test_a_vacant_post_keeps_its_clients_makes_no_contacts_and_its_replacement_starts_afresh():
    weeks = 4
    scenario = small("base", **{"service.turnover_per_year": 3.0, "service.vacancy_weeks": weeks})
    model = IPSModel(scenario, seed=3)
    held = []  # clients holding a place with each post, week by week
    while model.week < scenario.run.horizon_weeks:
        model.step()
        vacant = model.team.vacant
        assert (model.team.contacts[vacant] == 0).all()
        longest = scenario.service.max_meeting_gap_days
        assert (model.team.meeting_interval[vacant] == longest).all()
        held.append(model.team.on_caseload())
    log = model.log.frame()
    left = log[log["event"] == "specialist_left"]
    started = log[log["event"] == "specialist_started"]
    assert len(left) > 0 and (left["client"] == -1).all()
    contacts = log[log["event"] == "employer_contact"]
    for day, spec in zip(left["day"], left["specialist"], strict=True):
        back = started[(started["specialist"] == spec) & (started["day"] > day)]["day"]
        end = day + 7 * weeks
        assert back.min() == end if end < 7 * scenario.run.horizon_weeks else back.empty
        during = contacts[(contacts["specialist"] == spec) & contacts["day"].between(day, end - 1)]
        assert during.empty
    assert (np.array(held) <= scenario.service.caseload_cap).all()


class _EveryoneLeaves:
    """A turnover stream whose every draw is 0: each specialist in post leaves."""

    def random(self, n: int) -> np.ndarray:
        return np.zeros(n)


def test_a_leaver_takes_their_employers_and_leads_with_them() -> None:
    scenario = small("base", **{"service.turnover_per_year": 0.1, "service.vacancy_weeks": 0})
    model = IPSModel(scenario, seed=5)
    for _ in range(20):
        model.step()
    team, day = model.team, 7 * model.week
    assert not team.vacant.any() and (team._n_known > 0).all()
    team._turnover = _EveryoneLeaves()
    team.staff_changes(day, model.log)
    assert (team._n_known == 0).all() and (team._n_leads == 0).all()
    assert (team.lead_employer == -1).all()
    assert not team.vacant.any()  # no vacancy: the replacements start the same week
    today = model.log.frame().query("day == @day")["event"]
    assert (today == "specialist_left").sum() == (today == "specialist_started").sum() == 4


def test_a_review_at_a_week_reads_as_a_run_stopped_there() -> None:
    scenario = small("base", **{"service.turnover_per_year": 1.0})
    full = run_one(scenario, seed=2)
    for week in (8, 30):
        stopped = run_one(scenario.with_changes({"run.horizon_weeks": week}), seed=2)
        assert review_at(full.events, scenario, full.weekly, week) == review(
            stopped.events, scenario, stopped.weekly
        )
    assert review_at(full.events, scenario, full.weekly, 52) == review(
        full.events, scenario, full.weekly
    )


def test_fidelity_at_week_on_the_command_line(capsys, scenario_dir: Path) -> None:
    base = str(scenario_dir / "base.toml")
    quick = ["--reps", "1", "--set", "run.horizon_weeks=20", "--set", "entry.intake_weeks=10"]
    assert cli.main(["fidelity", base, *quick, "--at-week", "12", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["at_week"] == 12
    assert cli.main(["fidelity", base, *quick, "--at-week", "21"]) == 2
    err = capsys.readouterr().err
    assert "--at-week 21 is after the horizon" in err and "from 1 to 20" in err


def test_without_supervision_practice_drifts_toward_usual_practice() -> None:
    drifting = {"service.fidelity_drift_per_year": 1.5, "service.supervision": False}
    held, loose = paired(small("base"), small("base", **drifting))
    assert (
        loose["employer_contacts_per_specialist_week"]
        < held["employer_contacts_per_specialist_week"]
    ).all()
    assert loose["placements"].mean() < held["placements"].mean()
    assert loose["fidelity_total"].mean() < held["fidelity_total"].mean()
    service = small("base", **drifting).service
    aims = [service.practised("employer_contacts_per_week", 7 * w) for w in (0, 26, 52, 104)]
    assert aims[0] == service.employer_contacts_per_week and aims == sorted(aims, reverse=True)
    assert abs(aims[2] - service.employer_contacts_per_week * np.exp(-1.5)) < 0.02


def test_supervision_holds_the_levers_whatever_the_drift() -> None:
    supervised = small("base", **{"service.fidelity_drift_per_year": 2.0})
    assert supervised.service.supervision
    a, b = run_one(small("base"), seed=4), run_one(supervised, seed=4)
    assert a.events.equals(b.events)


def test_an_established_service_starts_with_employers_it_knows() -> None:
    new = small("base")
    established = new.with_changes({"service.start_mode": "established"})
    fresh, old = IPSModel(new, seed=6), IPSModel(established, seed=6)
    assert fresh.employer_pool.relationship.max() == 0 and (fresh.team._n_known == 0).all()
    assert old.employer_pool.relationship.max() > 0 and (old.team._n_known > 0).all()
    assert len(old.log) == len(fresh.log)  # the service's past is not in the run's log
    starts = []  # job starts in a trial cohort's first quarter, over four seeds
    for mode in ("new", "established"):
        cohort = small("smi_trial", **{"service.start_mode": mode, "run.horizon_weeks": 13})
        runs = [run_one(cohort, seed) for seed in (1, 2, 3, 4)]
        assert all(r.events["day"].min() >= 0 for r in runs)
        starts.append(sum((r.events["event"] == "job_start").sum() for r in runs))
    assert starts[1] > starts[0]


def test_the_fidelity_course_on_the_command_line(capsys, scenario_dir: Path, tmp_path) -> None:
    base = str(scenario_dir / "base.toml")
    quick = ["--reps", "2", "--set", "run.horizon_weeks=20", "--set", "entry.intake_weeks=10"]
    out = tmp_path / "review"
    args = ["fidelity", base, *quick, "--every", "8", "--format", "json", "--out", str(out)]
    assert cli.main(args) == 0
    found = json.loads(capsys.readouterr().out)
    assert [row["week"] for row in found["course"]] == [8, 16, 20]
    assert found["course"][-1]["mean"] == found["total"]["mean"]  # the last is the review
    assert pd.read_csv(out / "course.csv")["week"].tolist() == [8, 16, 20]
    assert (out / "course.png").stat().st_size > 0
    assert cli.main(["fidelity", base, *quick, "--at-week", "12", "--every", "4"]) == 0
    assert "week    8" in capsys.readouterr().out
