"""A calibration's folder: the record of what it calibrates (so that ``--resume`` continues the
same calibration, never a different one), pyabc's database, and the posterior it leaves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from ipssim.calibration import posterior
from ipssim.calibration.particle import Setup, nuisance
from ipssim.calibration.smc import (
    DATABASE,
    CalibrationError,
    generations,
    natural,
    pyabc_module,
    wall_time,
)
from ipssim.results import manifest
from ipssim.scenario import Scenario, overridden_keys
from ipssim.schema.fields import priors

RECORD = "calibration.json"


def record(setup: Setup, population: int, overrides: list[str]) -> dict[str, Any]:
    """What must match for a calibration to be continued: targets, priors, scenarios, seed."""
    return {
        "targets": [{"key": t.key, "published": t.published, "se": t.se} for t in setup.targets],
        "priors": {k: p.kept() for k, p in setup.priors.items()},
        "scenarios": {name: s.hash() for name, s in setup.scenarios.items()},
        "seed": setup.seed,
        "reps": setup.reps,
        "population": population,
        "overrides": overrides,
    }


def start(folder: Path, wanted: dict[str, Any], resume: bool) -> None:
    """Make ``folder`` ready: new (refusing one that holds a calibration), or with ``resume``
    one whose calibration is the same as ``wanted``."""
    held = (folder / DATABASE).exists()
    if not resume:
        if held:
            raise CalibrationError(
                f"--out {folder}: holds a calibration; add --resume to continue it, or choose "
                "another folder"
            )
        folder.mkdir(parents=True, exist_ok=True)
        (folder / RECORD).write_text(json.dumps(wanted, indent=1) + "\n")
        return
    if not held:
        raise CalibrationError(f"--resume: {folder} holds no calibration ({DATABASE}) to continue")
    before = json.loads((folder / RECORD).read_text())
    differ = [k for k in wanted if before.get(k) != wanted[k]]
    if differ:
        raise CalibrationError(
            f"--resume: {folder} holds a calibration with other {', '.join(differ)}; run it with "
            "the options it was started with, or choose another --out"
        )


def finish(folder: Path, history: Any, setup: Setup, overrides: list[str]) -> posterior.Posterior:
    """Write the last generation's weighted particles and their manifest; return them.

    A parameter with a prior that was not estimated (not identified by the targets, or left
    out with ``--parameter``) was drawn from its prior for each particle as it ran (the
    nuisance parameters, integrated out); each particle keeps its own draw, so that their
    uncertainty reaches the projections. One fixed by ``--set`` is left out (``fixed``)."""
    found, weights = history.get_distribution(m=0, t=history.max_t)
    rows = [natural(setup.priors, row) for row in found.to_dict("records")]
    particles = pd.DataFrame(rows, columns=list(setup.priors))
    schema = priors(Scenario)
    fixed = [k for k in schema if k in overridden_keys(overrides)]
    drawn = pd.DataFrame([nuisance(setup, row) for row in rows])
    particles = pd.concat([particles, drawn], axis=1)[[k for k in schema if k not in fixed]]
    info = manifest(
        list(setup.scenarios.values()),
        setup.seed,
        setup.reps,
        wall_time(history),
        kind="calibration",
        pyabc=pyabc_module().__version__,
        targets=record(setup, 0, overrides)["targets"],
        priors={k: p.kept() for k, p in setup.priors.items()},
        fixed=fixed,
        from_prior=list(setup.nuisance),
        overrides=overrides,
        generations=[
            {
                "t": g.t,
                "epsilon": g.epsilon,
                "acceptance": g.acceptance,
                "particles": g.particles,
                "samples": g.samples,
                "seconds": g.seconds,
                "effective": g.effective,
            }
            for g in generations(history)
        ],
    )
    posterior.write(folder, particles, weights, info)
    return posterior.load(folder)
