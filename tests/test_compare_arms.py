"""compare --set-arm changes one arm only; compare --out writes event logs and weekly series."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from ipssim import cli
from ipssim.commands.compare import arm_overrides
from ipssim.scenario import ScenarioError
from tests.conftest import SCENARIOS

BASE = str(SCENARIOS / "base.toml")
QUICK = ["--set", "run.horizon_weeks=8", "--set", "entry.arrivals_per_week=2", "--reps", "2"]


def _compare(capsys, *args: str) -> tuple[dict, str]:
    assert cli.main(["compare", BASE, BASE, *QUICK, "--format", "json", *args]) == 0
    out = capsys.readouterr()
    return json.loads(out.out), out.err


def test_set_arm_changes_one_arm_and_set_every_arm(capsys) -> None:
    found, _ = _compare(capsys, "--set-arm", "2:service.specialists=1")
    first, second = (s["scenario_hash"] for s in found["scenarios"])
    assert first != second
    plain, _ = _compare(capsys)
    assert plain["scenarios"][0]["scenario_hash"] == first  # arm 1 as with --set alone
    assert plain["scenarios"][1]["scenario_hash"] == first


def test_set_arm_refuses_a_bad_arm() -> None:
    assert arm_overrides(["1:a.b=1", "2:c.d=2", "2:e.f=3"], 2) == [["a.b=1"], ["c.d=2", "e.f=3"]]
    for text in ("3:service.specialists=6", "0:service.specialists=6", "x:a=1", "2:"):
        with pytest.raises(ScenarioError, match="--set-arm"):
            arm_overrides([text], 2)


def test_compare_out_writes_events_and_weekly_series(capsys, tmp_path: Path) -> None:
    _, err = _compare(capsys, "--out", str(tmp_path / "cmp"))
    assert f"results in {tmp_path / 'cmp'}" in err
    events = pd.read_parquet(tmp_path / "cmp" / "events.parquet")
    weekly = pd.read_parquet(tmp_path / "cmp" / "weekly.parquet")
    assert set(events["scenario"]) == {"base", "base'"} and set(events["rep"]) == {0, 1}
    assert len(weekly) == 2 * 2 * 8  # arms x replications x weeks


def test_run_out_says_where(capsys, tmp_path: Path) -> None:
    assert cli.main(["run", BASE, *QUICK, "--out", str(tmp_path / "r")]) == 0
    assert f"results in {tmp_path / 'r'}" in capsys.readouterr().err
