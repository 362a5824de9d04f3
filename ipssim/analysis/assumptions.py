"""Screening the assumptions: which parameters that stand on no source move a headline share.

Every scenario field whose source is an assumption or a calibration is varied over a plausible
range in a Morris screening (``ipssim sensitivity``), around the community forensic team
(``base.toml``), around prison leavers (``prison_leavers.toml``), whose release and custody
parameters base never exercises, and around traditional vocational rehabilitation
(``traditional_vr.toml``), whose eligibility criteria, gatekeeping and time-limited support the
other two leave off. A parameter is *screened out* when it moves no headline share (employment,
sustained jobs, reoffending, referrals) by a point or more in any, *matters* otherwise: an
assumption that matters is to be grounded in a source or calibrated with a prior.

The plausible range of a parameter is half to one and a half times its value in the scenario
screened, inside the schema's bounds (a whole number rounded outward; a value of 0 ranges over
the lowest quarter of its bounds; a switch is off or on). Settings (a source beginning
"setting": the service, population and place a user simulates, such as its staff, case mix and
local labour market) are listed but not screened: they describe the service simulated rather
than assume how it works. The sweep files are generated from the schema and the table in
docs/assumptions.md from the screenings' indices::

    python -m ipssim.analysis.assumptions sweeps          # experiments/assumptions*.toml
    ipssim sensitivity experiments/assumptions.toml --workers 2
    ipssim sensitivity experiments/assumptions_prison_leavers.toml --workers 2
    ipssim sensitivity experiments/assumptions_traditional_vr.toml --workers 2
    python -m ipssim.analysis.assumptions table           # docs/assumptions.md
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ipssim.metrics import RUN_METRICS
from ipssim.scenario import Scenario, load
from ipssim.schema.base import EVIDENCE, SETTING, basis
from ipssim.schema.fields import extra, leaves, priors
from ipssim.schema.levers import Lever, NotALever, lever

ROOT = Path(__file__).resolve().parents[2]
SHARES = tuple(m.name for m in RUN_METRICS if m.headline and m.kind == "share")
POINT = 0.01  # one percentage point of a share
SCREENS = {  # sweep file: the scenario it screens around
    "assumptions": "base",
    "assumptions_prison_leavers": "prison_leavers",
    "assumptions_traditional_vr": "traditional_vr",
}
TRAJECTORIES, LEVELS, REPS, SEED = 4, 4, 1, 1
TABLE = ROOT / "docs" / "assumptions.md"


@dataclass(frozen=True)
class Assumption:
    """An assumed parameter and the range it is screened over."""

    lever: Lever
    value: float | int | bool  # in the scenario screened
    low: float | int | bool
    high: float | int | bool


def plausible(lv: Lever, value: float | int | bool) -> tuple[float | int | bool, ...]:
    """The range an assumption is screened over (the module's rule)."""
    if lv.kind is bool:
        return False, True
    if value == 0:
        low, high = lv.low, lv.low + (lv.high - lv.low) / 4
    else:
        low, high = max(lv.low, value * 0.5), min(lv.high, value * 1.5)
    if lv.kind is int:
        return math.floor(low), max(math.ceil(high), math.floor(low) + 1)
    return float(f"{low:.6g}"), float(f"{high:.6g}")


def bases() -> dict[str, str]:
    """What every lever that stands on no published figure stands on (an assumption, a
    calibration or a setting), by key, in schema order."""
    found = {}
    for key, f in leaves(Scenario):
        kind = basis(str(extra(f).get("source", "")))
        if kind == EVIDENCE:
            continue
        try:
            lever(key)
        except NotALever:
            continue
        found[key] = kind
    return found


def assumed() -> list[str]:
    """The key of every lever that stands on no published figure, settings included, in
    schema order: the rows of docs/assumptions.md."""
    return list(bases())


def assumptions(scenario: Scenario | None = None) -> list[Assumption]:
    """Every lever screened (the assumptions and calibrated parameters, not the settings), in
    schema order, with its range around its value in ``scenario``."""
    scenario = scenario or Scenario()
    out = []
    for key, kind in bases().items():
        if kind == SETTING:
            continue
        lv = lever(key)
        value = lv.value(scenario)
        out.append(Assumption(lv, value, *plausible(lv, value)))
    return out


def _toml(value: float | int | bool) -> str:
    return str(value).lower() if isinstance(value, bool) else repr(value)


def sweep_text(name: str, scenario: str) -> str:
    """The sensitivity sweep file screening every assumption around ``scenario``."""
    around = load(ROOT / "scenarios" / f"{scenario}.toml")
    rows = "\n".join(
        f'"{a.lever.key}" = [{_toml(a.low)}, {_toml(a.high)}]' for a in assumptions(around)
    )
    return f"""# Generated by python -m ipssim.analysis.assumptions sweeps: do not edit by hand.
# Morris screening of every assumed parameter around {scenario}.toml (docs/assumptions.md):
#   ipssim sensitivity experiments/{name}.toml --workers 2
name = "{name}"
description = "Every assumption, half to one and a half times its value, around {scenario}"
base = "../scenarios/{scenario}.toml"
reps = {REPS}
seed = {SEED}
metrics = [{", ".join(f'"{m}"' for m in SHARES)}]

[sample]
method = "lhs"
n = 2

[sample.ranges]
{rows}

[sensitivity]
trajectories = {TRAJECTORIES}
levels = {LEVELS}
"""


SETTING_VERDICT = "not screened: a setting of the service simulated"
MATTERS, SCREENED_OUT, CALIBRATED = "**matters**", "screened out", "calibrated with a prior"


def verdicts(folders: dict[str, Path]) -> dict[str, tuple[str, str, str]]:
    """Every row of the table by key: the largest mu* in points, where it was found, and the
    verdict, from the screenings' indices (``indices.csv`` of each folder)."""
    mu = pd.concat(
        pd.read_csv(folder / "indices.csv").assign(scenario=scenario)
        for scenario, folder in folders.items()
    )
    mu = mu[mu["index"] == "mu_star"]
    calibrated = priors(Scenario)  # docs/calibration.md
    rows = {}
    for key, kind in bases().items():
        found = mu[mu["lever"] == key]
        if kind == SETTING:
            rows[key] = ("-", "-", SETTING_VERDICT)
            continue
        if found.empty:
            rows[key] = ("-", "-", "not screened")
            continue
        top = found.sort_values("value", kind="stable").iloc[-1]
        verdict = MATTERS if top["value"] >= POINT else SCREENED_OUT
        if key in calibrated:
            verdict += f"; {CALIBRATED}"
        where = f"{top['metric']} ({top['scenario']})" if top["value"] > 0 else "-"
        rows[key] = (f"{100 * top['value']:.2f}", where, verdict)
    return rows


def table(folders: dict[str, Path]) -> str:
    """docs/assumptions.md from the screenings' indices (``indices.csv`` of each folder)."""
    rows = verdicts(folders)
    files = ", ".join(f"`experiments/{n}.toml` (around `{s}`)" for n, s in SCREENS.items())
    verdict = [v for _, _, v in rows.values()]
    counts = (
        f"{len(rows)} parameters. Settings: {verdict.count(SETTING_VERDICT)}; calibrated with a "
        f"prior: {sum(CALIBRATED in v for v in verdict)}; assumptions screened out: "
        f"{sum(v == SCREENED_OUT for v in verdict)}; assumptions that matter with neither a "
        f"source nor a prior: {sum(v == MATTERS for v in verdict)}; not screened: "
        f"{sum(v == 'not screened' for v in verdict)}."
    )
    lines = [
        "# Assumptions screened",
        "",
        "Generated by `python -m ipssim.analysis.assumptions table` from Morris screenings of",
        f"{files}: {TRAJECTORIES} trajectories of {LEVELS} levels, {REPS} replications a point,",
        f"seed {SEED}. Each parameter whose source is an assumption or a calibration moves over",
        "half to one and a half times its value in the scenario (a switch: off to on; the ranges",
        "are in the sweep files). mu* is the mean absolute change of a headline share",
        f"({', '.join(SHARES)}) across that range; the table gives the largest",
        "over the screenings. **Matters**: a point or more, so the parameter is to be grounded in",
        "a source or calibrated with a prior. **Screened out**: less than a point in each.",
        "Each elementary effect comes from single runs at common random numbers, so mu* holds",
        "some sampling noise as well as the effect: a verdict of *matters* errs toward",
        "grounding or calibrating; *screened out* is the safer verdict. A parameter that acts",
        "only under a setting all the screenings leave off (turnover, drift without",
        "supervision, an established start) shows no effect here: for it, *screened out* holds",
        "around these scenarios only. *Calibrated with a prior*: the schema gives the parameter a",
        "prior (docs/calibration.md), which `ipssim calibrate` updates. *A setting*: a choice a",
        "user makes about the service, population or place simulated (its source begins",
        '"setting" and says what the default represents), not screened. A parameter whose',
        "source cites a published figure is not listed (docs/odd.md gives every source).",
        "",
        counts,
        "",
        "| parameter | largest mu* (points) | of | verdict |",
        "|---|---|---|---|",
    ]
    lines += [f"| `{key}` | {mu} | {where} | {v} |" for key, (mu, where, v) in rows.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ipssim.analysis.assumptions")
    parser.add_argument("what", choices=("sweeps", "table"))
    parser.add_argument("--results", type=Path, default=ROOT / "results")
    args = parser.parse_args(argv)
    if args.what == "sweeps":
        for name, scenario in SCREENS.items():
            path = ROOT / "experiments" / f"{name}.toml"
            path.write_text(sweep_text(name, scenario), encoding="utf-8")
            print(f"wrote {path}")
        return 0
    folders = {s: args.results / f"{name}-morris" for name, s in SCREENS.items()}
    missing = [str(f) for f in folders.values() if not (f / "indices.csv").exists()]
    if missing:
        print(
            f"no screening in {', '.join(missing)}: run ipssim sensitivity first", file=sys.stderr
        )
        return 2
    TABLE.write_text(table(folders), encoding="utf-8")
    print(f"wrote {TABLE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
