"""One lever description from the schema serves the dashboard, sweeps and sites; every hand-kept
list of levers is checked against the schema: the sites' ranges, the sweeps in experiments/, and
every dotted key the documentation names (the README's table of controls is generated, and
test_odd checks it)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

from ipssim import sites, sweeps
from ipssim.scenario import Scenario, field
from ipssim.schema import Service
from ipssim.schema.fields import FieldNotFound, bounds, extra, leaves, unknown_key
from ipssim.schema.levers import CONTROLS, NotALever, lever


def test_controls_are_the_fields_the_schema_marks_with_ranges_inside_its_bounds() -> None:
    marked = [key for key, f in leaves(Scenario) if "control" in extra(f)]
    assert [c.key for c in CONTROLS] == marked and len(marked) >= 10
    for c in CONTROLS:
        assert c.label and c.explanation == field(c.key).description, c.key
        if c.kind is not bool:
            low, high = bounds(field(c.key))
            assert low <= c.low < c.high <= high and 0 < c.step <= c.high - c.low, c.key
    assert lever("service.caseload_cap").unit == "clients per specialist"
    assert lever("policy.referral_gatekeeping").unit == ""  # dimensionless: not written


def test_any_number_or_switch_is_a_lever_and_nothing_else() -> None:
    plain = lever("service.hours_per_week")
    assert (plain.kind, plain.label, plain.low, plain.high) == (float, "Hours per week", 1, 60)
    assert lever("run.horizon_weeks").value(Scenario()) == 104
    with pytest.raises(NotALever):
        lever("entry.mode")
    with pytest.raises(FieldNotFound):
        lever("service.caseload")


def test_a_lever_decodes_uniforms_by_its_type() -> None:
    u = np.array([0.0, 0.49, 0.5, 0.999])
    assert lever("policy.zero_exclusion").decode(u, False, True) == [False, False, True, True]
    assert lever("service.specialists").decode(u, 1, 4) == [1, 2, 3, 4]
    assert lever("service.integration").decode(u, 0.0, 1.0) == pytest.approx(list(u))


@pytest.mark.parametrize("drawn", [*sites.LEVERS, *sites.CONTEXT], ids=lambda d: d.lever.key)
def test_site_ranges_lie_within_the_schema(drawn: sites.Drawn) -> None:
    low, high = bounds(field(drawn.lever.key))
    low = -math.inf if low is None else low
    high = math.inf if high is None else high
    assert low <= min(drawn.low, drawn.high) and max(drawn.low, drawn.high) <= high


ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = sorted([ROOT / "README.md", ROOT / "CONTRIBUTING.md", *(ROOT / "docs").glob("*.md")])
SECTIONS = [name for name, f in Scenario.model_fields.items() if f.annotation is not str]
DOTTED = re.compile(rf"`((?:{'|'.join(SECTIONS)})\.[a-z_0-9.]+)")
FILES = ("py", "toml", "md", "csv", "json", "parquet", "png")  # service.py is a file, not a key


def unknown_keys(text: str) -> list[str]:
    """The dotted keys ``text`` names in backticks that the schema lacks."""
    unknown = []
    for key in sorted(set(DOTTED.findall(text))):
        if key.rsplit(".", 1)[-1] in FILES:
            continue
        try:
            field(key.rstrip("."))
        except FieldNotFound as exc:
            if exc.reason != "section":  # a whole section, such as employers.aversion, is fine
                unknown.append(str(exc))
    return unknown


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_every_dotted_key_the_documents_name_is_in_the_schema(document: Path) -> None:
    unknown = unknown_keys(document.read_text(encoding="utf-8"))
    assert not unknown, f"{document.name} names keys the schema lacks: {unknown}"


def test_a_key_the_schema_lacks_is_caught() -> None:
    text = "`service.caseload_cap`, `employers.aversion`, `service.py` and `service.wage_subsidy`"
    assert unknown_keys(text) == [unknown_key("service.wage_subsidy", list(Service.model_fields))]


@pytest.mark.parametrize("path", sorted((ROOT / "experiments").glob("*.toml")), ids=str)
def test_every_sweep_in_experiments_varies_schema_fields(path: Path) -> None:
    sweep = sweeps.load(path)  # a lever the schema lacks is a SweepError
    assert sweep.levers and all(lv.key == lever(lv.key).key for lv in sweep.levers)
