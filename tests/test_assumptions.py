"""The assumptions screening: its sweep files are generated from the schema, every assumed
parameter is in its table, and the table's verdicts follow the indices."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ipssim.analysis import assumptions as screen
from ipssim.scenario import field, load
from ipssim.schema.fields import bounds

ROOT = Path(__file__).resolve().parents[1]
REFRESH = "python -m ipssim.analysis.assumptions sweeps"


def test_sweep_files_are_generated_from_the_schema() -> None:
    for name, scenario in screen.SCREENS.items():
        path = ROOT / "experiments" / f"{name}.toml"
        assert path.read_text(encoding="utf-8") == screen.sweep_text(name, scenario), (
            f"{path.name} is out of date: run {REFRESH}"
        )


def test_each_range_holds_the_scenario_value_inside_the_schema_bounds() -> None:
    for scenario in screen.SCREENS.values():
        around = load(ROOT / "scenarios" / f"{scenario}.toml")
        for a in screen.assumptions(around):
            if a.lever.kind is bool:
                assert (a.low, a.high) == (False, True), a
                continue
            low, high = bounds(field(a.lever.key))
            assert low <= a.low <= a.value <= a.high <= high, (scenario, a)
            assert a.low < a.high, a


def test_the_table_names_every_assumption_and_no_other() -> None:
    table = (ROOT / "docs" / "assumptions.md").read_text(encoding="utf-8")
    named = re.findall(r"^\| `([^`]+)` \|", table, re.M)
    assert named == screen.assumed(), (
        "run the screening, then python -m ipssim.analysis.assumptions table"
    )


def test_verdicts_follow_the_largest_effect_over_both_screenings(tmp_path: Path) -> None:
    keys = [a.lever.key for a in screen.assumptions()][:3]
    folders = {}
    for scenario, effect in (("base", 0.002), ("prison_leavers", 0.03)):
        folders[scenario] = tmp_path / scenario
        folders[scenario].mkdir()
        pd.DataFrame(
            [
                {
                    "metric": "employment_rate",
                    "lever": keys[0],
                    "index": "mu_star",
                    "value": effect,
                },
                {"metric": "employment_rate", "lever": keys[1], "index": "mu_star", "value": 0.001},
                {"metric": "employment_rate", "lever": keys[1], "index": "sigma", "value": 0.5},
            ]
        ).to_csv(folders[scenario] / "indices.csv", index=False)
    rows = {
        line.split("`")[1]: line
        for line in screen.table(folders).splitlines()
        if line.startswith("| `")
    }
    assert rows[keys[0]].endswith("| 3.00 | employment_rate (prison_leavers) | **matters** |")
    assert rows[keys[1]].endswith("screened out |")
    assert rows[keys[2]].endswith("| - | - | not screened |")  # no indices for it
    mix = next(k for k in screen.assumed() if k.startswith(screen.MIXES))
    assert "a share of a mix" in rows[mix]
