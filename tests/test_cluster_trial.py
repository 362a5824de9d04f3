"""Cluster-randomised virtual trials: the ICC estimator, the sites' arms, the analysis and the
command."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ipssim import cluster_trial, sites, trial
from ipssim.cli import main
from tests.conftest import SCENARIOS, small

ARM_A, ARM_B = SCENARIOS / "justice_trial.toml", SCENARIOS / "justice_trial_control.toml"


def test_icc_of_hand_worked_clusters() -> None:
    """Clusters of 2, 3 and 5 clients with 2, 1 and 4 outcomes: MSB = 0.6333 / 2, MSW =
    1.4667 / 7, m0 = (10 - 38 / 10) / 2 = 3.1, so ICC = 0.1071 / 0.7567 = 0.1416."""
    assert cluster_trial.icc(np.array([2, 1, 4]), np.array([2, 3, 5]), np.zeros(3)) == (
        pytest.approx(0.14160, abs=1e-5)
    )
    one = np.zeros(2)
    assert cluster_trial.icc(np.array([3, 1]), np.array([4, 4]), one) == pytest.approx(0.2)
    assert cluster_trial.icc(np.array([4, 0]), np.array([4, 4]), one) == 1.0  # all between
    assert cluster_trial.icc(np.array([2, 2]), np.array([4, 4]), one) == 0.0  # -1/3, truncated
    assert np.isnan(cluster_trial.icc(np.array([0, 0]), np.array([4, 4]), one))


def test_icc_does_not_count_the_arms_difference() -> None:
    """Sites alike within each arm: the arms differ, the sites do not."""
    events, clients = np.array([3, 3, 1, 1]), np.array([4, 4, 4, 4])
    assert cluster_trial.icc(events, clients, np.array([0, 0, 1, 1])) == 0.0
    assert cluster_trial.icc(events, clients, np.zeros(4)) == pytest.approx(1 / 13)  # 1/12 of 13/12


def test_cluster_analysis_is_a_t_test_on_site_shares() -> None:
    a, b = [6, 9, 4], [2, 3, 1]
    runs = pd.DataFrame(
        {
            "trial": 0,
            "site": range(6),
            "arm": ["a"] * 3 + ["b"] * 3,
            "n": 10,
            "employment": a + b,
            "reoffending": [1, 1, 1, 1, 1, 1],
        }
    )
    est = cluster_trial.estimates(runs, "employment").iloc[0]
    assert est["risk_difference"] == pytest.approx((19 - 6) / 30)
    assert est["p_value"] == pytest.approx(stats.ttest_ind(a, b).pvalue)
    same = cluster_trial.estimates(runs, "reoffending").iloc[0]
    assert same["p_value"] == 1.0 and same["icc"] == 0.0  # every site alike


def test_arm_b_sites_keep_their_service_and_take_the_sites_context() -> None:
    plan = trial.design(small("justice_trial"), small("justice_trial_control"), 10, 3)
    drawn = cluster_trial.site_scenarios(plan, 4, 2, seed=5)
    assert [site for _, site in drawn] == [8, 9, 10, 11]
    for scenario, site in drawn:
        population_site, _ = sites.draw_site(plan.arm_a, 5, site)
        assert scenario.entry.cohort_size == 5 and scenario.run.horizon_weeks == 13
        for d in sites.CONTEXT:
            assert d.lever.value(scenario) == d.lever.value(population_site)
    ips, comparator = drawn[0][0], drawn[3][0]
    assert ips == sites.draw_site(plan.arm_a, 5, 8)[0]  # the population's site, as drawn
    assert comparator.service.employer_contacts_per_week == 0  # arm B's service as given
    assert comparator.policy == plan.arm_b.policy


def test_arm_a_sites_may_run_arm_a_as_given_in_their_own_context() -> None:
    plan = trial.design(small("justice_trial"), small("justice_trial_control"), 10, 3)
    drawn = cluster_trial.site_scenarios(plan, 4, 0, seed=5, drawn_levers=False)
    for (scenario, site), given in zip(drawn, [plan.arm_a] * 2 + [plan.arm_b] * 2, strict=True):
        assert scenario.policy == given.policy
        assert scenario.service.caseload_cap == given.service.caseload_cap
        population_site, _ = sites.draw_site(plan.arm_a, 5, site)
        for d in sites.CONTEXT:
            assert d.lever.value(scenario) == d.lever.value(population_site)


def cluster_command(*extra: str) -> list[str]:
    return [
        "trial",
        str(ARM_A),
        str(ARM_B),
        "--design",
        "cluster",
        *extra,
    ]


def test_a_tiny_cluster_trial_is_the_same_on_one_or_two_workers(capsys) -> None:
    small_run = ["--sites", "4", "--clients-per-site", "6", "--trials", "2"]
    small_run += ["--follow-up-months", "4", "--format", "json"]
    outputs = []
    for workers in ("1", "2"):
        assert main(cluster_command(*small_run, "--workers", workers)) == 0
        outputs.append(json.loads(capsys.readouterr().out))
    assert outputs[0] == outputs[1]
    out = outputs[0]
    assert (out["cluster"]["sites_per_arm"], out["n"], out["arm_a_n"]) == (2, 24, 12)
    assert out["cluster"]["ips_levers"] == "drawn"
    for row in out["cluster"]["outcomes"].values():
        assert row["icc"] is None or row["icc"] >= 0
        assert row["design_effect"] is None or row["design_effect"] >= 1
        assert 0 <= row["power"] <= 1
    assert set(out["outcomes"]) == {"employment", "reoffending"}  # the individual design


HUGE = "9" * 20


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--sites", "5", "--clients-per-site", "3"], "--sites"),
        (["--sites", "2", "--clients-per-site", "3"], "--sites"),
        (["--sites", "0", "--clients-per-site", "3"], "--sites"),
        (["--sites", "-4", "--clients-per-site", "3"], "--sites"),
        (["--sites", "4.0", "--clients-per-site", "3"], "--sites"),
        (["--sites", "1e3", "--clients-per-site", "3"], "--sites"),
        (["--sites", HUGE + "8", "--clients-per-site", "3"], "--sites"),
        (["--sites", "4", "--clients-per-site", "0"], "--clients-per-site"),
        (["--sites", "4", "--clients-per-site", "-1"], "--clients-per-site"),
        (["--sites", "4", "--clients-per-site", "2.5"], "--clients-per-site"),
        (["--sites", "4", "--clients-per-site", HUGE], "--clients-per-site"),
        (["--sites", "4", "--clients-per-site", "100001"], "--clients-per-site"),
        (["--sites", "4", "--clients-per-site", "3", "--ips-levers", "all"], "--ips-levers"),
        (["--sites", "4"], "--clients-per-site"),
        (["--clients-per-site", "4"], "--sites"),
        (["--sites", "4", "--clients-per-site", "3", "--n", "12"], "--n"),
    ],
)
def test_bad_cluster_designs_are_refused(args: list[str], named: str, capsys) -> None:
    try:
        code = main(cluster_command(*args, "--trials", "1"))
    except SystemExit as exc:
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "error:" in err and named in err and "Traceback" not in err


@pytest.mark.parametrize("n", ["1", "0", "-2", "8.5", "400001", HUGE])
def test_a_bad_individual_trial_size_is_refused_naming_n(n: str, capsys) -> None:
    with pytest.raises(SystemExit) as refused:
        main(["trial", str(ARM_A), str(ARM_B), "--n", n, "--trials", "1"])
    err = capsys.readouterr().err
    assert refused.value.code == 2 and "argument --n:" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "option",
    [
        ["--sites", "4"],
        ["--clients-per-site", "3"],
        ["--ips-levers", "given"],
        ["--design", "individual", "--sites", "4", "--clients-per-site", "3"],
    ],
)
def test_cluster_options_need_the_cluster_design(option: list[str], capsys) -> None:
    assert main(["trial", str(ARM_A), str(ARM_B), *option, "--trials", "1"]) == 2
    assert "need --design cluster" in capsys.readouterr().err
