"""Golden summary: summary scalars of a few named scenarios, refreshed only on purpose.

Usage: python tests/golden/refresh.py    (rewrites tests/golden/summary.json)

``tests/test_golden.py`` reruns the same scenarios with the same replications and seed and fails
when a scalar moves by more than its tolerance, naming the scenario, the metric, the old and new
values, the tolerance and the move in standard errors.

The run is deterministic given its seed, so the tolerance only absorbs floating-point noise
(a millionth of the value): any change that moves an output is shown to a person. The standard
error of the mean across the replications is kept beside each value so that the message tells
a reshuffle of random numbers (a move of a standard error or two) from a shift in calibration.
Five replications are too few for a statistical tolerance to catch a calibration move of a few
points, which is why the tolerance is not statistical. Refresh after a deliberate change and
commit the new file with it.
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

import numpy as np

from ipssim import scenario as scenarios
from ipssim.experiment import replicate, runs_frame
from ipssim.outcomes import METRICS
from ipssim.version import __version__

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "summary.json"
SCENARIOS = (
    "smi_trial",
    "smi_trial_control",
    "justice_trial",
    "justice_trial_control",
    "prison_leavers_usual_care",
    "traditional_vr",
    "base",
)
REPS = 5
SEED = 2024
RELATIVE_TOLERANCE = 1e-6
ABSOLUTE_TOLERANCE = 1e-9


def load(name: str) -> scenarios.Scenario:
    return scenarios.load(ROOT / "scenarios" / f"{name}.toml")


def measure() -> dict:
    """Mean, standard error and tolerance of every metric of every golden scenario (None where
    undefined)."""
    out = {}
    for name in SCENARIOS:
        scenario = load(name)
        runs = runs_frame(replicate(scenario, REPS, SEED, progress=False))
        values = {}
        for metric in METRICS:
            x = runs[metric].to_numpy(dtype=float)
            x = x[~np.isnan(x)]
            if len(x) == 0:
                values[metric] = {"value": None, "standard_error": None, "tolerance": None}
                continue
            mean = float(x.mean())
            se = float(x.std(ddof=1) / math.sqrt(len(x))) if len(x) > 1 else 0.0
            values[metric] = {
                "value": mean,
                "standard_error": se,
                "tolerance": max(RELATIVE_TOLERANCE * abs(mean), ABSOLUTE_TOLERANCE),
            }
        out[name] = {"hash": scenario.hash(), "metrics": values}
    return out


def moved(golden: dict, current: dict) -> list[str]:
    """What moved beyond its tolerance, one line per metric, with any changed scenario hash."""
    lines = []
    for name, old in golden.items():
        new = current.get(name)
        if new is None:
            lines.append(f"{name}: scenario no longer measured")
            continue
        changed = new["hash"] != old["hash"]
        for metric, before in old["metrics"].items():
            after = new["metrics"].get(metric, {"value": "missing"})["value"]
            if not _same(before["value"], after, before["tolerance"]):
                lines.append(
                    f"{name} {metric}: golden {_show(before['value'])}, now "
                    f"{_show(after)}, tolerance {_show(before['tolerance'])}"
                    + _in_standard_errors(before, after)
                    + (" (the scenario file changed)" if changed else "")
                )
    return lines


def _same(old: float | None, new: float | None | str, tolerance: float | None) -> bool:
    if old is None or new is None or new == "missing":
        return old is None and new is None
    return abs(new - old) <= tolerance


def _in_standard_errors(before: dict, after) -> str:
    se = before.get("standard_error")
    if not se or not isinstance(after, float | int) or before["value"] is None:
        return ""
    return f", moved {(after - before['value']) / se:+.1f} standard errors"


def _show(value) -> str:
    return value if isinstance(value, str) or value is None else f"{value:.6g}"


def main() -> int:
    start = time.perf_counter()
    data = {
        "about": "Summary scalars of named scenarios; refresh with "
        "`python tests/golden/refresh.py` after a deliberate change.",
        "ipssim": __version__,
        "seed": SEED,
        "reps": REPS,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "scenarios": measure(),
    }
    GOLDEN.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(
        f"wrote {GOLDEN} ({len(SCENARIOS)} scenarios x {REPS} replications, seed {SEED}, "
        f"{time.perf_counter() - start:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
