"""ipssim plan: the smallest team meeting every target, found by bisection over team sizes."""

from __future__ import annotations

import html
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest

from ipssim.analysis.plan import plan_sweep, search
from ipssim.analysis.targets import parse
from ipssim.cli import main
from ipssim.executors import Execution
from ipssim.experiment import run_one
from ipssim.report import plan_figure
from ipssim.result_folder import open_folder
from ipssim.sweeps import SWEEP_METRICS
from tests.conftest import SCENARIOS

STEADY = SCENARIOS / "steady_team.toml"
# a short steady run: quick, and a list forms at small teams
SHORT = ["run.horizon_weeks=40", "run.warmup_weeks=12", "service.caseload_cap=8"]
REFERRALS = 78.0


def test_plan_finds_the_smallest_team_a_brute_force_finds(tmp_path: Path) -> None:
    targets = [parse("waiting_weeks_mean<2", list(SWEEP_METRICS))]
    sweep = plan_sweep(STEADY, SHORT, REFERRALS, [], reps=3, seed=2)
    plans, outcome = search(sweep, targets, 0.6, 6, tmp_path / "plan", Execution(), False)
    shares = {}  # every team size, each replication run on its own
    for n in range(1, 7):
        team = sweep.base.with_changes({"service.specialists": n})
        waits = [run_one(team, seed=2, rep=r).metrics["waiting_weeks_mean"] for r in range(3)]
        shares[n] = np.mean([w < 2 for w in waits])
    known = min(n for n, share in shares.items() if share >= 0.6)
    assert 1 < known <= 6, shares  # the grid has a team too small and one large enough
    (plan,) = plans
    assert plan.best is not None and plan.best.specialists == known
    assert plan.smaller is not None and plan.smaller.specialists == known - 1
    assert len(plan.evaluated) < 6  # bisection: not every size is run
    assert set(outcome.runs["service.specialists"]) == set(plan.evaluated)


def test_plan_prints_the_team_its_cost_and_what_one_fewer_misses(tmp_path: Path, capsys) -> None:
    out = tmp_path / "plan"
    argv = ["plan", str(STEADY), "--referrals-per-year", str(REFERRALS), "--reps", "2"]
    argv += ["--target", "waiting_weeks_mean<2", "--max-specialists", "6", "--workers", "1"]
    argv += ["--budget", "1", "--out", str(out)]
    for change in SHORT:
        argv += ["--set", change]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "Smallest team: " in text and "annual cost £" in text and "cost per job start" in text
    assert "one fewer (" in text and "misses waiting_weeks_mean < 2" in text
    assert "over the budget of £1" in text
    assert (out / "manifest.json").is_file() and (out / "runs.parquet").is_file()
    # the report of the plan's folder leads with the same answer
    assert main(["report", str(out)]) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    answer = text[text.index("Smallest team: ") :].split("\n")[0]
    assert "<h2>Plan</h2>" in page and html.escape(answer) in page
    assert page.index("<h2>Plan</h2>") < page.index("<h2>Figures</h2>")
    # and draws each target against team size, threshold and chosen team marked
    fig = plan_figure(open_folder(out))
    assert len(fig.axes) == 1 and fig.axes[0].get_title() == "Target waiting_weeks_mean < 2"
    assert any("chosen team" in t.get_text() for t in fig.axes[0].get_legend().get_texts())
    assert 'alt="plan targets"' in page
    plt.close(fig)


def test_plan_says_which_target_is_out_of_reach(tmp_path: Path, capsys) -> None:
    argv = ["plan", str(STEADY), "--referrals-per-year", str(REFERRALS), "--reps", "2"]
    argv += ["--target", "ipsgrow_employment_rate>=0.99", "--max-specialists", "2"]
    argv += ["--workers", "1"]
    for change in SHORT:
        argv += ["--set", change]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "No team of up to 2 specialists meets every target." in text
    assert "out of reach: ipsgrow_employment_rate >= 0.99; best reached" in text


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--target", "no_such_metric<4", "no_such_metric is not a metric"),
        ("--budget", "-5", "argument --budget: must be 0 or more"),
        ("--referrals-per-year", "-300", "argument --referrals-per-year: must be more than 0"),
        ("--confidence", "1.5", "argument --confidence: must be between 0 and 1"),
        ("--confidence", "0", "argument --confidence: must be between 0 and 1"),
        ("--caseload-cap", "0", "argument --caseload-cap"),
    ],
)
def test_bad_plan_options_are_refused(capsys, option: str, value: str, message: str) -> None:
    argv = ["plan", str(STEADY), "--referrals-per-year", "300", option, value]
    try:
        code = main(argv)  # a mistake in a value: the command's own message
    except SystemExit as exit_:  # a mistake argparse sees: its message
        code = exit_.code
    assert code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_cohort_scenario_cannot_be_planned(capsys) -> None:
    code = main(["plan", str(SCENARIOS / "smi_trial.toml"), "--referrals-per-year", "300"])
    assert code == 2
    assert "a plan needs a stream scenario" in capsys.readouterr().err
