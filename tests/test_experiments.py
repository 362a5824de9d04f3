"""The studies in experiments/ import and run against the current package."""

from __future__ import annotations

import sys
from pathlib import Path

EXPERIMENTS = Path(__file__).resolve().parent.parent / "experiments"


def test_calibration_check_reads_the_employers_of_a_model() -> None:
    sys.path.insert(0, str(EXPERIMENTS))
    try:
        import calibration_check
    finally:
        sys.path.remove(str(EXPERIMENTS))
    survey = calibration_check.employer_survey(1)
    assert set(survey) == {"violent", "sexual", "arson", "acquisitive", "drugs", "other"}
    checks = calibration_check.employer_checks(1)
    assert checks and all(c.low <= c.mean <= c.high for c in checks), checks
