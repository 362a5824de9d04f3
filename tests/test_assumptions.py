"""The assumptions screening: its sweep files are generated from the schema, every assumed
parameter is in its table, and the table's verdicts follow the indices."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ipssim.analysis import assumptions as screen
from ipssim.scenario import Scenario, field, load
from ipssim.schema.base import SETTING
from ipssim.schema.fields import bounds, priors

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


def test_verdicts_follow_the_largest_effect_over_the_screenings(tmp_path: Path) -> None:
    calibrated = priors(Scenario)
    screened = [a.lever.key for a in screen.assumptions()]
    plain = [k for k in screened if k not in calibrated]
    known = [k for k in screened if k in calibrated]
    keys = [*plain[:2], *known[:2]]  # the third, with no indices, is calibrated
    folders = {}
    for scenario, effect in (("base", 0.002), ("prison_leavers", 0.03)):
        folders[scenario] = tmp_path / scenario
        folders[scenario].mkdir()
        pd.DataFrame(
            [
                {"metric": "employment_rate", "lever": k, "index": "mu_star", "value": v}
                for k, v in ((keys[0], effect), (keys[1], 0.0), (keys[3], 0.02))
            ]
            + [{"metric": "employment_rate", "lever": keys[1], "index": "sigma", "value": 0.5}]
        ).to_csv(folders[scenario] / "indices.csv", index=False)
    rows = {
        line.split("`")[1]: line
        for line in screen.table(folders).splitlines()
        if line.startswith("| `")
    }
    assert rows[keys[0]].endswith("| 3.00 | employment_rate (prison_leavers) | **matters** |")
    assert rows[keys[1]].endswith("| 0.00 | - | screened out |")  # no effect anywhere
    assert rows[keys[2]].endswith("| - | - | not screened |")  # no indices for it
    assert rows[keys[3]].endswith("| **matters**; calibrated with a prior |")
    setting = next(k for k, kind in screen.bases().items() if kind == SETTING)
    assert rows[setting].endswith("| - | - | not screened: a setting of the service simulated |")


def test_every_assumption_that_matters_is_grounded_or_has_a_prior() -> None:
    """Issue 18 item 7: a parameter the screenings find to move a headline share by a point or
    more is grounded in a source (and so not in the table), calibrated with a prior, or a
    setting of the service simulated; none is left an assumption that matters."""
    table = (ROOT / "docs" / "assumptions.md").read_text(encoding="utf-8")
    verdicts = dict(re.findall(r"^\| `([^`]+)` \| [^|]+ \| [^|]+ \| (.+) \|$", table, re.M))
    assert verdicts, "docs/assumptions.md lists the parameters screened"
    left = [k for k, v in verdicts.items() if v == screen.MATTERS]
    assert left == [], f"ground these in a source or give them a prior: {', '.join(left)}"
    calibrated = priors(Scenario)
    assert [k for k, v in verdicts.items() if screen.CALIBRATED in v] == [
        k for k in verdicts if k in calibrated
    ]
