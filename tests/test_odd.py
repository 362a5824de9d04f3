"""docs/odd.md and README.md keep their generated tables in step with the code; CITATION.cff is
valid CFF 1.2.0."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import yaml

from ipssim import odd
from ipssim.scenario import Scenario
from ipssim.schema.fields import leaves

ROOT = Path(__file__).resolve().parent.parent
REFRESH = "python -m ipssim.odd"
CFF_KEYS = {
    "abstract",
    "authors",
    "cff-version",
    "commit",
    "contact",
    "date-released",
    "doi",
    "identifiers",
    "keywords",
    "license",
    "license-url",
    "message",
    "preferred-citation",
    "references",
    "repository",
    "repository-artifact",
    "repository-code",
    "title",
    "type",
    "url",
    "version",
}  # the top-level keys the CFF 1.2.0 schema allows


@pytest.mark.parametrize("document", list(odd.DOCUMENTS), ids=lambda p: p.name)
def test_generated_tables_match_the_code(document: Path):
    tables = odd.DOCUMENTS[document]
    found = odd.blocks(document.read_text(encoding="utf-8"))
    elsewhere = set(odd.ELSEWHERE.get(document, {}))
    assert set(found) == set(tables) | elsewhere, f"markers missing: {set(tables) - set(found)}"
    for name, make in tables.items():
        assert found[name] == make(), f"the {name} table of {document.name} is stale: run {REFRESH}"


@pytest.mark.parametrize(
    ("document", "old", "new"),
    [
        (odd.DOCUMENT, "| service.caseload_cap |", "| service.caseload_limit |"),
        (odd.README, "| `staff_cost` |", "| `staff_costs` |"),
    ],
    ids=["odd", "readme"],
)
def test_drift_is_caught(tmp_path, document: Path, old: str, new: str):
    text = document.read_text(encoding="utf-8")
    assert old in text
    stale = tmp_path / document.name
    stale.write_text(text.replace(old, new), encoding="utf-8")
    assert odd.main(["--check", str(stale)]) == 1
    assert odd.main([str(stale)]) == 0  # rewriting restores the table
    assert stale.read_text(encoding="utf-8") == text
    assert odd.main(["--check", str(tmp_path / "other.md")]) == 1  # no tables kept for it


def test_every_scenario_parameter_is_in_the_table_with_unit_and_source():
    rows = {r["name"]: r for r in odd.parameters()}
    for name, _ in leaves(Scenario):
        if "." in name:  # the scenario's own name and description are labels
            assert name in rows, name
            assert rows[name]["unit"] and rows[name]["source"] and rows[name]["meaning"], name
    assert rows["service.caseload_cap"]["range"] == "1 to 200"
    assert rows["entry.mode"]["range"] == '"stream", "cohort"'
    assert rows["policy.zero_exclusion"]["default"] == "true"
    assert odd.basis(rows["offending.risk_12m"]["source"]) == "calibrated"


def test_constants_table_reads_the_codes_comments(tmp_path):
    module = tmp_path / "agent.py"
    module.write_text(
        "import math\n\n"
        "NEVER = math.inf\n"
        "GAIN = 0.2  # assumption: a guess\n"
        "# Risk by offence (assumption: ranked as in the tables).\n"
        "RISK = {'violent': 1.0, 'drugs': 1.25}\n"
        "FULL, PART = 30, 12\n"
        "_PRIVATE = 3\n",
        encoding="utf-8",
    )
    rows = {r["name"]: r for r in odd.constants((str(module),))}
    assert set(rows) == {"GAIN", "RISK", "FULL", "PART"}  # computed and private names left out
    assert rows["GAIN"]["status"] == "assumption"
    assert rows["GAIN"]["comment"] == "assumption: a guess"
    assert rows["RISK"]["status"] == "assumption"
    assert rows["RISK"]["value"] == "violent: 1, drugs: 1.25"
    assert rows["PART"] == {
        "name": "PART",
        "module": str(module),
        "value": "12",
        "comment": "",
        "status": "no source given",
    }
    assert any(r["status"] == "assumption" for r in odd.constants())


def test_citation_file_is_valid_cff_with_the_package_version():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert cff["cff-version"] == "1.2.0"
    assert {"authors", "cff-version", "message", "title"} <= set(cff) <= CFF_KEYS
    assert cff["authors"] == [{"name": "ipssim developers"}]
    assert str(cff["version"]) == project["version"]
    assert cff["type"] == "software" and cff["license"] == "MIT"
