"""Golden summary: the calibrated outputs of named scenarios have not moved.

When this fails on purpose (a recalibration, a new mechanism), refresh the golden file with
``python tests/golden/refresh.py`` and commit it with the change.
"""

from __future__ import annotations

import json

from tests.golden.refresh import GOLDEN, REPS, SCENARIOS, SEED, measure, moved

REFRESH = "python tests/golden/refresh.py"


def test_golden_file_matches_the_refresh_settings():
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    settings = (golden["seed"], golden["reps"], tuple(golden["scenarios"]))
    assert settings == (SEED, REPS, SCENARIOS), f"the golden file has other settings: run {REFRESH}"


def test_calibrated_outputs_have_not_moved():
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))["scenarios"]
    lines = moved(golden, measure())
    assert not lines, (
        f"{len(lines)} summary scalars moved beyond tolerance (if this is "
        f"deliberate, run {REFRESH}):\n" + "\n".join(lines)
    )


def test_moved_names_what_moved():
    golden = {
        "s": {
            "hash": "a",
            "metrics": {
                "rate": {"value": 0.5, "standard_error": 0.01, "tolerance": 0.01},
                "cost": {"value": None, "standard_error": None, "tolerance": None},
            },
        }
    }
    same = {"s": {"hash": "a", "metrics": {"rate": {"value": 0.505}, "cost": {"value": None}}}}
    assert moved(golden, same) == []
    shifted = {"s": {"hash": "b", "metrics": {"rate": {"value": 0.52}, "cost": {"value": 9.0}}}}
    lines = moved(golden, shifted)
    assert lines[0] == (
        "s rate: golden 0.5, now 0.52, tolerance 0.01, moved +2.0 standard "
        "errors (the scenario file changed)"
    )
    assert lines[1].startswith("s cost: golden None, now 9")
    assert moved(golden, {}) == ["s: scenario no longer measured"]
