"""Which parameters with a prior the calibration targets can identify.

Many parameters carry a prior because they move a headline share in some scenario
(docs/assumptions.md), yet move none of the calibration's targets: the targets cannot tell
their values apart, and ABC-SMC spends its samples on them for nothing (with 66 parameters
the second generation accepted under 7% of its proposals). The screening draws ``DRAWS``
particles from the priors, runs each through every calibration scenario as a calibration does
(``particle.simulate``), and computes each parameter's Spearman rank correlation with each
target. A parameter is *identified* when its largest absolute correlation reaches
``THRESHOLD``, 0.3: with 300 draws about 5 standard errors of a correlation of zero, so a
parameter that moves no target passes with a chance far under 1% over the twelve targets. A
lower threshold (0.2) took in 22 parameters whose weakest move a target by little, and the
importance weights of ABC-SMC in 22 dimensions collapsed (docs/calibration.md). The
calibration estimates the identified parameters; the others are drawn from their priors for
every particle as it runs (integrated out), and each posterior particle keeps the draw it ran
with, so their uncertainty reaches every projection.

    python -m ipssim.calibration.screening [--draws N] [--seed S] [--workers K]

writes ``ipssim/data/screening.csv`` (one row per parameter with a prior: its largest
correlation, the target it is with, and whether it is identified).
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from ipssim import evidence
from ipssim.calibration.particle import Setup, draw, load_scenarios, simulate
from ipssim.errors import UserError
from ipssim.pool import ordered_map
from ipssim.scenario import SHIPPED, Scenario
from ipssim.schema.fields import priors
from ipssim.store import atomic_write

DRAWS = 300
THRESHOLD = 0.3
FILE = Path(__file__).resolve().parent.parent / "data" / "screening.csv"
COLUMNS = ("parameter", "max_abs_rho", "target", "identified")


class ScreeningError(UserError):
    """A screening file that does not match the schema's parameters with a prior."""


def correlations(particles: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """Spearman's rho of every parameter (rows) with every target's figure (columns)."""
    return pd.DataFrame(
        {
            target: [stats.spearmanr(particles[k], figures[target]).statistic for k in particles]
            for target in figures
        },
        index=particles.columns,
    ).fillna(0.0)


def screen(rho: pd.DataFrame, threshold: float = THRESHOLD) -> pd.DataFrame:
    """One row per parameter: its largest absolute rho, that target, identified or not."""
    strongest = rho.abs()
    return pd.DataFrame(
        {
            "parameter": rho.index,
            "max_abs_rho": strongest.max(axis=1).round(3).to_numpy(),
            "target": strongest.idxmax(axis=1).to_numpy(),
            "identified": (strongest.max(axis=1) >= threshold).to_numpy(),
        }
    )


def identified(file: Path = FILE) -> list[str]:
    """The parameters the shipped screening found identified, in schema order; the file must
    list every parameter with a prior and no other."""
    try:
        table = pd.read_csv(file)
    except (OSError, ValueError) as exc:
        raise ScreeningError(f"{file}: cannot read the screening ({exc})") from None
    schema = list(priors(Scenario))
    if list(table.columns) != list(COLUMNS) or sorted(table["parameter"]) != sorted(schema):
        raise ScreeningError(
            f"{file}: its parameters are not the schema's parameters with a prior; run "
            "python -m ipssim.calibration.screening again"
        )
    chosen = set(table.loc[table["identified"].astype(bool), "parameter"])
    return [k for k in schema if k in chosen]


def run(draws: int, seed: int, workers: int) -> pd.DataFrame:
    """The screening's table, from ``draws`` particles run through every calibration target."""
    schema = priors(Scenario)
    names = evidence.scenarios(evidence.TARGETS)
    setup = Setup(load_scenarios(SHIPPED, names), evidence.TARGETS, schema, seed)
    particles = draw(schema, draws, np.random.SeedSequence(seed))
    rows = particles.to_dict("records")
    results = []
    for i, out in enumerate(ordered_map(partial(simulate, setup), rows, workers), 1):
        results.append(out)
        print(f"\rscreening: {i} of {draws} particles", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    figures = pd.DataFrame(results)[[t.key for t in evidence.TARGETS]]
    return screen(correlations(particles, figures))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m ipssim.calibration.screening")
    p.add_argument("--draws", type=int, default=DRAWS, help=f"particles (default {DRAWS})")
    p.add_argument("--seed", type=int, default=1, help="root seed (default 1)")
    p.add_argument("--workers", type=int, default=1, help="local processes (default 1)")
    p.add_argument("--out", type=Path, default=FILE, help="the table written (default shipped)")
    args = p.parse_args(argv)
    table = run(args.draws, args.seed, args.workers)
    atomic_write(args.out, lambda tmp: table.to_csv(tmp, index=False))
    print(table.sort_values("max_abs_rho", ascending=False).to_string(index=False))
    print(f"{int(table['identified'].sum())} of {len(table)} identified; wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
