"""The ipssim command: output formats, result folders and clear errors for bad input."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ipssim import cli
from ipssim.calibration import posterior
from ipssim.commands import COMMANDS
from ipssim.outcomes import HEADLINE, METRICS

QUICK = ["--reps", "2", "--set", "run.horizon_weeks=20", "--set", "entry.intake_weeks=10"]


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_run_json_has_the_promised_shape(capsys, scenario_dir: Path) -> None:
    code, out, _ = run_cli(
        capsys, "run", str(scenario_dir / "base.toml"), "--format", "json", "--seed", "3", *QUICK
    )
    assert code == 0
    data = json.loads(out)
    assert set(data) == {
        "scenario",
        "scenario_hash",
        "seed",
        "reps",
        "parameters",
        "version",
        "metrics",
    }
    assert data["parameters"] == ("posterior" if posterior.shipped() else "defaults")
    assert data["seed"] == 3 and data["reps"] == 2 and data["scenario"] == "base"
    assert set(HEADLINE) <= set(data["metrics"])
    for value in data["metrics"].values():
        assert set(value) == {"mean", "ci_low", "ci_high"}


def test_run_table_and_out_folder(capsys, tmp_path: Path, scenario_dir: Path) -> None:
    out_dir = tmp_path / "result"
    code, out, _ = run_cli(
        capsys, "run", str(scenario_dir / "base.toml"), "--out", str(out_dir), *QUICK
    )
    assert code == 0
    assert "employment_rate" in out and "95% interval" in out and "referral funnel" in out
    for name in (
        "manifest.json",
        "runs.parquet",
        "events.parquet",
        "weekly.parquet",
        "summary.csv",
    ):
        assert (out_dir / name).is_file(), name
    manifest = json.loads((out_dir / "manifest.json").read_text())
    assert manifest["seed"] == 1 and manifest["reps"] == 2
    assert manifest["scenarios"][0]["hash"] and manifest["versions"]["mesa"].startswith("3.3")
    assert manifest["wall_time_s"] > 0 and manifest["platform"]
    runs = pd.read_parquet(out_dir / "runs.parquet")
    assert len(runs) == 2 and set(METRICS) <= set(runs.columns)
    assert set(pd.read_parquet(out_dir / "events.parquet")["rep"]) == {0, 1}
    assert not list(tmp_path.glob(".*partial*"))


def test_compare_shows_paired_differences(capsys, scenario_dir: Path) -> None:
    code, out, _ = run_cli(
        capsys,
        "compare",
        str(scenario_dir / "base.toml"),
        str(scenario_dir / "gatekept.toml"),
        *QUICK,
    )
    assert code == 0
    assert "gatekept - base" in out and "referral_rate" in out


@pytest.mark.parametrize(
    "args, expected",
    [
        (["run", "missing.toml"], "no such scenario file"),
        (["run", "{base}", "--set", "service.caseload_cap=0"], "service.caseload_cap"),
        (["run", "{base}", "--set", "servic.caseload_cap=3"], "unknown key"),
        (["run", "{base}", "--set", "caseload_cap"], "expected section.key=value"),
        (["compare", "{base}"], "at least two"),
    ],
)
def test_bad_input_exits_2_with_one_clear_message(
    capsys, tmp_path: Path, scenario_dir: Path, args: list[str], expected: str
) -> None:
    out_dir = tmp_path / "out"
    args = [a.format(base=scenario_dir / "base.toml") for a in args] + ["--out", str(out_dir)]
    code, out, err = run_cli(capsys, *args)
    assert code == 2
    assert expected in err and err.startswith("ipssim: error:")
    assert "Traceback" not in err and out == ""
    assert not out_dir.exists()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("[service\n", "not valid TOML"),
        ("[service]\ncaseload_cap = 'x'\n", "service.caseload_cap"),
        ("[service]\nwibble = 1\n", "unknown key"),
    ],
)
def test_bad_files_exit_2_naming_the_file(capsys, tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    code, _, err = run_cli(capsys, "run", str(path))
    assert code == 2 and expected in err and str(path) in err


def test_an_existing_results_folder_is_never_overwritten(
    capsys, tmp_path: Path, scenario_dir: Path
) -> None:
    out_dir = tmp_path / "earlier"
    out_dir.mkdir()
    (out_dir / "runs.parquet").write_text("precious")
    code, _, err = run_cli(capsys, "run", str(scenario_dir / "base.toml"), "--out", str(out_dir))
    assert code == 2 and "already exists" in err
    assert (out_dir / "runs.parquet").read_text() == "precious"


def test_bad_options_are_refused_by_the_real_command(scenario_dir: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ipssim.cli", "run", str(scenario_dir / "base.toml"), "--reps", "0"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "--reps: must be 1 or more" in done.stderr and "Traceback" not in done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "ipssim.cli", "run", "nowhere.toml"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_an_interrupted_write_leaves_no_folder(
    capsys, monkeypatch, tmp_path: Path, scenario_dir: Path
) -> None:
    from ipssim.commands import run as run_command

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(run_command, "write_json", interrupted)
    out_dir = tmp_path / "result"
    code, _, err = run_cli(
        capsys, "run", str(scenario_dir / "base.toml"), "--out", str(out_dir), *QUICK
    )
    assert code == 130 and "interrupted" in err
    assert not out_dir.exists() and list(tmp_path.iterdir()) == []


def test_every_registered_command_has_its_options_and_description() -> None:
    commands = next(a for a in cli.parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert set(commands.choices) == set(COMMANDS)
    for name, sub in commands.choices.items():
        assert sub.description, f"ipssim {name} has no description"
        assert sub.get_default("handler") is not None


def test_help_and_version_answer_without_loading_the_model() -> None:
    code = (
        "import sys; from ipssim import cli; cli.parser(''); "
        "heavy = {'mesa', 'ipssim.model', 'pandas', 'matplotlib'} & set(sys.modules); "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    done = subprocess.run(
        [sys.executable, "-m", "ipssim.cli", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.startswith("ipssim ")


@pytest.mark.parametrize("command", [["run"], ["sites", "--base"]])
def test_a_scenario_mistake_is_reported_before_the_model_loads(
    tmp_path: Path, command: list[str]
) -> None:
    argv = [*command, str(tmp_path / "missing.toml")]
    code = (
        "import sys; from ipssim import cli; "
        f"code = cli.main({argv!r}); "
        "assert code == 2, code; "
        "heavy = {'mesa', 'ipssim.model', 'matplotlib'} & set(sys.modules); "
        "assert not heavy, heavy"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "missing.toml: no such scenario file" in done.stderr
