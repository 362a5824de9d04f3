"""Hashes of six configurations' event logs, weekly series and metrics: the check that a change
(a refactor, a speed-up) leaves every result identical.

Run it before and after the change and compare::

    python tests/golden/hashes.py > before.txt
    ...change...
    python tests/golden/hashes.py | diff before.txt -
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from ipssim.experiment import run_one
from ipssim.scenario import load

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
CONFIGS = (  # name, scenario file, overrides, seed
    ("base", "base", [], 1),
    ("prison", "prison_leavers", [], 2),
    ("tradvr", "traditional_vr", [], 3),
    ("smi", "smi_trial", [], 4),
    ("gatekept", "gatekept", ["policy.time_unlimited_support=false"], 5),
    ("forensic", "forensic_site", [], 6),
)


def digest(frame: pd.DataFrame) -> str:
    values = pd.util.hash_pandas_object(frame, index=True).to_numpy()
    return hashlib.sha256(values.tobytes()).hexdigest()[:16]


def main() -> None:
    for name, scenario, overrides, seed in CONFIGS:
        r = run_one(load(SCENARIOS / f"{scenario}.toml", overrides), seed=seed, rep=1)
        metrics = hashlib.sha256(repr(sorted(r.metrics.items())).encode()).hexdigest()[:16]
        print(name, "events", digest(r.events), "weekly", digest(r.weekly), "metrics", metrics)


if __name__ == "__main__":
    main()
