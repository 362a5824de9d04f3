"""Virtual trials and populations of sites: designs, statistics, small real runs and commands."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from ipssim import sites, trial
from ipssim.cli import main
from ipssim.events import Event, EventLog
from ipssim.figures import read_manifest
from ipssim.outcomes import engaged_employment_rate
from ipssim.scenario import Scenario, ScenarioError
from tests.conftest import SCENARIOS, small

ARM_A, ARM_B = SCENARIOS / "justice_trial.toml", SCENARIOS / "justice_trial_control.toml"


def test_design_allocates_in_balance_and_cuts_the_follow_up() -> None:
    plan = trial.design(small("justice_trial"), small("justice_trial_control"), 85, 12)
    assert (plan.arm_a.entry.cohort_size, plan.arm_b.entry.cohort_size) == (43, 42)
    assert plan.arm_a.entry.mode == plan.arm_b.entry.mode == "cohort"
    assert plan.follow_up_weeks == plan.arm_a.run.horizon_weeks == 52
    assert plan.arm_b.service.employer_contacts_per_week == 0  # each arm keeps its service


def test_a_trial_needs_one_population() -> None:
    with pytest.raises(ScenarioError, match="different populations"):
        trial.design(small("justice_trial"), small("smi_trial"), 40, 12)


def test_small_trials_are_reproducible_and_count_within_each_arm() -> None:
    plan = trial.design(small("justice_trial"), small("justice_trial_control"), 21, 6)
    runs = trial.simulate(plan, 4, seed=3, progress=False)
    assert runs["trial"].tolist() == [0, 1, 2, 3]
    assert (runs["a_n"] == 11).all() and (runs["b_n"] == 10).all()
    for arm in ("a", "b"):
        for outcome in trial.OUTCOMES:
            assert runs[f"{arm}_{outcome}"].between(0, runs[f"{arm}_n"]).all()
    assert runs["a_employment"].sum() > runs["b_employment"].sum()
    again = trial.simulate(plan, 2, seed=3, progress=False)
    pd.testing.assert_frame_equal(runs.head(2), again)


def test_arms_hold_different_people() -> None:
    """Arm A of trial t is replication 2t, arm B replication 2t + 1: no one is in both."""
    plan = trial.design(small("justice_trial"), small("justice_trial"), 20, 3)
    runs = trial.simulate(plan, 3, seed=1, progress=False)
    a = runs[["a_employment", "a_reoffending"]].to_numpy()
    b = runs[["b_employment", "b_reoffending"]].to_numpy()
    assert not np.array_equal(a, b)


def runs_of(a: list[int], b: list[int], n: int = 40) -> pd.DataFrame:
    k = len(a)
    return pd.DataFrame(
        {
            "trial": range(k),
            "a_n": n,
            "a_employment": a,
            "a_reoffending": a,
            "b_n": n,
            "b_employment": b,
            "b_reoffending": b,
        }
    )


def test_summary_estimates_and_power() -> None:
    clear = trial.summary(runs_of([30] * 10, [5] * 10))["employment"]
    assert clear["power"] == 1.0 and clear["significant_favouring_a"] == 1.0
    assert clear["rate_a"] == [0.75] * 3 and clear["risk_difference"][1] == pytest.approx(0.625)
    assert clear["relative_risk"][1] == pytest.approx(6.0)
    null = trial.summary(runs_of([10] * 10, [10] * 10))["reoffending"]
    assert null["power"] == 0.0 and null["risk_difference"] == [0.0] * 3


def test_relative_risk_with_no_events_in_arm_b_is_infinite_not_lost() -> None:
    est = trial.summary(runs_of([8, 8, 8], [0, 0, 2]))["employment"]
    assert math.isinf(est["relative_risk"][2]) and est["relative_risk"][0] == pytest.approx(4.0)


def test_trial_command_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "trial",
            str(ARM_A),
            str(ARM_B),
            "--n",
            "12",
            "--trials",
            "3",
            "--follow-up-months",
            "3",
            "--format",
            "json",
        ]
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["arm_a_n"], out["arm_b_n"], out["trials"]) == (6, 6, 3)
    assert set(out["outcomes"]) == {"employment", "reoffending"}
    assert 0.0 <= out["outcomes"]["employment"]["power"] <= 1.0


@pytest.mark.parametrize("args", [["--n", "1"], ["--follow-up-months", "0"], ["--trials", "zero"]])
def test_trial_command_refuses_bad_options(args: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["trial", str(ARM_A), str(ARM_B), *args])
    assert exc.value.code == 2


def test_trial_command_refuses_two_populations(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trial", str(ARM_A), str(SCENARIOS / "smi_trial.toml"), "--trials", "1"]) == 2
    assert "different populations" in capsys.readouterr().err


# --- sites -------------------------------------------------------------------------------------

QUICK = Scenario().with_changes({"run.horizon_weeks": 20, "entry.intake_weeks": 10})


def test_sites_draw_their_levers_within_range_and_reproducibly() -> None:
    for site in range(20):
        scenario, commitment = sites.draw_site(QUICK, 7, site)
        assert 0.0 <= commitment <= 1.0
        for drawn in (*sites.LEVERS, *sites.CONTEXT):
            value = drawn.lever.value(scenario)
            assert min(drawn.low, drawn.high) <= value <= max(drawn.low, drawn.high), (
                drawn.lever.key
            )
        assert scenario.run.horizon_weeks == 20  # the base's run is kept
    assert sites.draw_site(QUICK, 7, 3) == sites.draw_site(QUICK, 7, 3)
    assert sites.draw_site(QUICK, 7, 3) != sites.draw_site(QUICK, 8, 3)


def test_committed_sites_lean_towards_ips_levers() -> None:
    drawn = [sites.draw_site(QUICK, 1, site) for site in range(60)]
    caps = np.array([s.service.caseload_cap for s, _ in drawn])
    commitment = np.array([c for _, c in drawn])
    assert np.corrcoef(commitment, caps)[0, 1] < -0.5


def test_a_small_population_of_sites() -> None:
    table = sites.simulate(QUICK, 3, seed=2, progress=False)
    assert table["site"].tolist() == [0, 1, 2]
    assert table["fidelity_total"].between(25, 125).all()
    items = table[[f"item_{i}" for i in range(1, 26)]]
    assert (items.sum(axis=1) == table["fidelity_total"]).all()
    assert table["employment_rate"].between(0, 1).all()
    assert table[sites.ENGAGED_EMPLOYMENT].between(0, 1).all()
    assert set(table["band"]) <= {"exemplary", "good", "fair", "not IPS"}


def test_correlation_with_its_interval() -> None:
    table = pd.DataFrame(
        {
            "fidelity_total": [60, 70, 80, 90, 100, 110],
            "employment_rate": [0.1, 0.25, 0.2, 0.45, 0.4, 0.5],
        }
    )
    c = sites.correlation(table, "employment_rate")
    assert c["r"] == pytest.approx(np.corrcoef(table.T)[0, 1])
    assert c["rho"] == pytest.approx(0.8857, abs=1e-4)  # two swapped pairs among six
    assert -1 < c["ci_low"] < c["r"] < c["ci_high"] < 1


def test_sites_command_writes_table_and_figures(tmp_path, capsys) -> None:
    out = tmp_path / "sites"
    code = main(
        [
            "sites",
            "--n",
            "2",
            "--seed",
            "4",
            "--base",
            str(SCENARIOS / "base.toml"),
            "--set",
            "run.horizon_weeks=16",
            "--set",
            "entry.intake_weeks=8",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    table = pd.read_csv(out / "sites.csv")
    assert len(table) == 2 and "fidelity_total" in table
    manifest = read_manifest(out / "fidelity_employment.png")
    assert manifest["seed"] == 4 and manifest["sites"] == 2
    assert (out / "fidelity_reoffending.png").is_file()
    assert (out / "fidelity_employment_engaged.png").is_file()
    assert table[sites.ENGAGED_EMPLOYMENT].between(0, 1).all()
    printed = capsys.readouterr().out
    assert "correlation of the fidelity total" in printed
    assert "of engaged" in printed and f"  {sites.ENGAGED_EMPLOYMENT}  Pearson r" in printed


def test_employment_among_engaged_clients_counts_jobs_after_engaging() -> None:
    """Of four clients, three engaged; one found work after engaging, one only before, one
    never; the client who never engaged found work. All clients: 2 of 4; engaged: 1 of 3."""
    log = EventLog()
    for day, client, event in [
        (0, 0, Event.ENTRY), (0, 1, Event.ENTRY), (0, 2, Event.ENTRY), (0, 3, Event.ENTRY),
        (3, 1, Event.JOB_START), (5, 0, Event.ENGAGED), (5, 1, Event.ENGAGED),
        (5, 2, Event.ENGAGED), (30, 0, Event.JOB_START), (40, 3, Event.JOB_START),
    ]:  # fmt: skip
        log.add(day, client, event)
    frame = log.frame().sort_values("day", kind="stable")
    assert engaged_employment_rate(frame) == pytest.approx(1 / 3)
