"""The Python API (ipssim.load, run, compare, sweep): the command line's numbers as DataFrames."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import ipssim
from ipssim import experiment
from ipssim.api import RUN_PLOTS
from ipssim.calibration.posterior import projection
from ipssim.result_folder import open_folder
from ipssim.scenario import ScenarioError
from tests.conftest import SCENARIOS, small
from tests.sweeps_support import GRID, QUICK, write_sweep

BASE = SCENARIOS / "base.toml"
pytestmark = pytest.mark.filterwarnings("ignore:.*replication")  # small runs, on purpose
TINY = {**QUICK, "run.horizon_weeks": 26}


@pytest.fixture(scope="module")
def result() -> ipssim.api.Run:
    return ipssim.run(BASE, reps=2, seed=4, set=TINY)


def test_import_is_light() -> None:
    """``import ipssim`` loads no table or model library until the API is used."""
    code = "import sys, ipssim; print('pandas' in sys.modules, 'mesa' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_load_applies_set_as_the_command_line_does() -> None:
    loaded = ipssim.load(BASE, set={"service.caseload_cap": 30, "policy.zero_exclusion": False})
    assert loaded.service.caseload_cap == 30 and loaded.policy.zero_exclusion is False
    from ipssim.scenario import load

    cli = load(BASE, ["service.caseload_cap=30", "policy.zero_exclusion=false"])
    assert loaded.hash() == cli.hash()
    with pytest.raises(ScenarioError, match="caseload_capp"):
        ipssim.load(BASE, set={"service.caseload_capp": 30})


def test_run_gives_the_replications_numbers(result: ipssim.api.Run, capsys) -> None:
    scenario = ipssim.load(BASE, set=TINY)
    drawn = projection(None, None)  # the facade's default: the shipped posterior, if any
    expected = experiment.runs_frame(
        experiment.replicate(scenario, 2, 4, progress=False, parameters=drawn)
    )
    pd.testing.assert_frame_equal(result.runs, expected)
    summary = result.summary()
    pd.testing.assert_frame_equal(
        summary[["mean", "ci_low", "ci_high"]], experiment.summarise(expected)
    )
    assert summary.loc["employment_rate", "unit"] and summary["description"].all()
    assert capsys.readouterr().err == ""  # no progress bar unless asked


def test_run_tables(result: ipssim.api.Run) -> None:
    assert result.reps == 2 and set(result.events["rep"]) == {0, 1}
    assert set(result.weekly["rep"]) == {0, 1}
    funnel = result.funnel()
    assert list(funnel["rep"]) == [0, 1] and (funnel["clients"] >= funnel["wants_work"]).all()
    offences = result.by_offence()
    assert {"offence", "clients", "employment_rate", "rep"} <= set(offences.columns)
    assert offences.groupby("rep")["clients"].sum().tolist() == funnel["clients"].tolist()
    assert "diagnosis" in result.by_diagnosis()


def test_a_scenario_object_runs_with_its_changes() -> None:
    scenario = small(service__caseload_cap=3)
    out = ipssim.run(scenario, reps=1, seed=2, set={"run.horizon_weeks": 8})
    assert out.scenario.service.caseload_cap == 3 and out.scenario.run.horizon_weeks == 8


def test_every_run_figure_draws(result: ipssim.api.Run) -> None:
    for name in RUN_PLOTS:
        fig = result.plot(name)
        assert fig.axes and fig.axes[0].get_title(), name
        assert fig.number not in plt.get_fignums()  # let go: a notebook shows it once
    with pytest.raises(ValueError, match="funnel"):
        result.plot("funnell")


def test_save_writes_the_run_folder(result: ipssim.api.Run, tmp_path: Path) -> None:
    folder = result.save(tmp_path / "run")
    assert open_folder(folder).kind == "run"
    saved = pd.read_parquet(folder / "runs.parquet")
    assert saved["employment_rate"].tolist() == result.runs["employment_rate"].tolist()


def test_compare_pairs_the_replications() -> None:
    out = ipssim.compare(
        BASE,
        ipssim.load(BASE, set={"service.caseload_cap": 5}),
        labels=["cap 20", "cap 5"],
        reps=2,
        seed=4,
        set=TINY,
    )
    runs = {label: arm.runs for label, arm in out.arms.items()}
    pd.testing.assert_frame_equal(out.differences(), experiment.compare(runs))
    assert out.labels == ["cap 20", "cap 5"] and len(out.runs) == 4
    assert out.arms["cap 5"].scenario.service.caseload_cap == 5
    # the same seed: the first arm is the same as a single run
    pd.testing.assert_frame_equal(out.arms["cap 20"].runs, ipssim.run(BASE, 2, 4, set=TINY).runs)
    assert out.plot().axes and out.plot("waiting_list").axes
    with pytest.raises(ValueError, match="differences"):
        out.plot("forest")


def test_compare_refuses_one_scenario_or_bad_labels() -> None:
    with pytest.raises(ScenarioError, match="at least two"):
        ipssim.compare(BASE)
    with pytest.raises(ScenarioError, match="labels"):
        ipssim.compare(BASE, BASE, labels=["a", "a"], reps=1)
    same = ipssim.compare(BASE, BASE, reps=1, set={**TINY, "run.horizon_weeks": 4})
    assert same.labels == ["base", "base'"]


def test_sweep_runs_into_its_folder_and_resumes(tmp_path: Path) -> None:
    path = write_sweep(tmp_path, GRID, reps=1)
    first = ipssim.sweep(path, folder=tmp_path / "out", set={"run.horizon_weeks": 8})
    assert first.computed == 6 and first.levers == ["service.specialists", "service.caseload_cap"]
    assert len(first.runs) == 6 and set(first.summary()["metric"]) >= {"employment_rate"}
    again = ipssim.sweep(path, folder=tmp_path / "out", set={"run.horizon_weeks": 8})
    assert again.computed == 0
    pd.testing.assert_frame_equal(again.runs, first.runs)
    assert first.plot("employment_rate").axes
    with pytest.raises(ValueError, match="among the sweep"):
        first.plot("fidelity_total")


def test_sweep_of_a_sample_draws_scatters(tmp_path: Path) -> None:
    body = '[sample]\nn = 3\n[sample.ranges]\n"service.caseload_cap" = [5, 25]\n'
    out = ipssim.sweep(write_sweep(tmp_path, body, reps=1), folder=tmp_path / "s")
    assert len(out.runs) == 3 and out.plot("employment_rate").axes


def test_sweep_default_folder_is_the_command_lines(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = ipssim.sweep(write_sweep(tmp_path, GRID, name="here", reps=1))
    assert out.folder == Path("results") / "here" and (tmp_path / out.folder).is_dir()


def test_unknown_attribute() -> None:
    with pytest.raises(AttributeError, match="no attribute"):
        ipssim.simulate  # noqa: B018
