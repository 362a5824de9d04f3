"""Finding a field by its dotted key, walking every field, and one way of saying what is wrong."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ipssim.scenario import Scenario, field
from ipssim.schema import Service
from ipssim.schema.fields import FieldNotFound, bounds, describe, find, leaves
from ipssim.sweeps import SweepFile


def test_a_dotted_key_finds_its_field_or_says_why_not() -> None:
    assert field("service.caseload_cap") is Service.model_fields["caseload_cap"]
    assert bounds(field("service.caseload_cap")) == (1, 200)
    cases = {
        "service.caseload": (
            "unknown",
            "service.caseload: unknown key. Did you mean 'caseload_cap'?",
        ),
        "servce.specialists": (
            "unknown",
            "servce: unknown key. Did you mean 'service'?",
        ),
        "service": ("section", "service is a section; name one of its keys: specialists"),
        "service.caseload_cap.x": ("value", "service.caseload_cap is a value, not a section"),
    }
    for key, (reason, message) in cases.items():
        with pytest.raises(FieldNotFound) as err:
            find(Scenario, key)
        assert err.value.reason == reason and str(err.value).startswith(message), key


def test_leaves_are_every_value_in_schema_order() -> None:
    keys = [key for key, _ in leaves(Scenario)]
    assert keys[:3] == ["name", "description", "run.horizon_weeks"]
    assert "population.offences.violent" in keys and "service" not in keys
    assert all(field(key) is f for key, f in leaves(Scenario) if "." in key)


def test_validation_errors_read_the_same_in_any_file() -> None:
    with pytest.raises(ValidationError) as err:
        SweepFile.model_validate({"base": "b.toml", "reps": 0, "sample": {"ranges": {}, "m": 1}})
    lines = sorted(describe(e, "s.toml", SweepFile, "sweep") for e in err.value.errors())
    assert lines == [
        "s.toml: reps: Input should be greater than or equal to 1 (got 0). Allowed: 1 to 100000.",
        "s.toml: sample.m: unknown key. Allowed here: method, n, ranges",
    ]
