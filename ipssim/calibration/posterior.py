"""The posterior a calibration leaves: weighted particles in Parquet, and a manifest beside them
(targets, priors, pyabc version, seed, generations, wall time).

Loading checks the particles against the schema: a posterior whose parameters are not the
schema's calibrated parameters (a parameter missing, unknown, or outside its prior) is refused,
never silently ignored.

``projection`` turns the command line's ``--parameters`` and ``--posterior`` into the
``Parameters`` every replication draws from: by default the posterior shipped in the package
(``SHIPPED``) when there is one, else the scenarios' defaults.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from ipssim.errors import UserError
from ipssim.parameters import MODES, Mode, Parameters
from ipssim.scenario import Scenario
from ipssim.schema.fields import priors

SHIPPED = Path(__file__).resolve().parent.parent / "data"  # the package's posterior, if any
PARTICLES = "posterior.parquet"
MANIFEST = "posterior.json"
WEIGHT = "weight"


class PosteriorError(UserError):
    """A posterior file that cannot be read, or whose parameters do not match the schema."""


@dataclass(frozen=True)
class Posterior:
    """Weighted particles (one column per parameter) and the manifest they came with."""

    particles: pd.DataFrame
    weights: np.ndarray
    manifest: dict[str, Any]

    def mean(self) -> dict[str, float]:
        """The weighted mean of each parameter."""
        return {
            str(k): float(np.average(self.particles[k], weights=self.weights))
            for k in self.particles
        }

    def parameters(self, mode: Mode, source: str) -> Parameters:
        """The particles as the ``Parameters`` of ``mode`` ("posterior" or "point")."""
        keys = tuple(str(k) for k in self.particles.columns)
        values = self.particles.to_numpy(dtype=float)
        return Parameters(mode, source, keys, values, np.asarray(self.weights, dtype=float))

    def interval(self, key: str, level: float = 0.95) -> tuple[float, float]:
        """The weighted central interval of one parameter."""
        values = self.particles[key].to_numpy(dtype=float)
        order = np.argsort(values)
        cumulative = np.cumsum(self.weights[order]) / self.weights.sum()
        tail = (1 - level) / 2
        at = [min(int(np.searchsorted(cumulative, q)), len(values) - 1) for q in (tail, 1 - tail)]
        return float(values[order[at[0]]]), float(values[order[at[1]]])


def write(
    folder: Path, particles: pd.DataFrame, weights: np.ndarray, manifest: dict[str, Any]
) -> Path:
    """Write the particles and their manifest into ``folder``; the particles' file."""
    frame = particles.reset_index(drop=True).assign(**{WEIGHT: np.asarray(weights, dtype=float)})
    frame.to_parquet(folder / PARTICLES, index=False)
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, default=str) + "\n")
    return folder / PARTICLES


def load(path: Path) -> Posterior:
    """Read a posterior (its folder or its Parquet file) and check it against the schema."""
    file = path / PARTICLES if path.is_dir() else path
    manifest_file = file.with_name(MANIFEST)
    try:
        frame = pd.read_parquet(file)
        manifest = json.loads(manifest_file.read_text())
    except (OSError, ValueError) as exc:
        raise PosteriorError(f"{file}: cannot read the posterior ({exc})") from None
    if WEIGHT not in frame:
        raise PosteriorError(f"{file}: no {WEIGHT!r} column: this is not a posterior")
    particles = frame.drop(columns=WEIGHT)
    check(particles, manifest.get("fixed", []), str(file))
    weights = frame[WEIGHT].to_numpy(dtype=float)
    if len(weights) == 0 or not np.all(weights >= 0) or weights.sum() <= 0:
        raise PosteriorError(f"{file}: the particles' weights are not a distribution")
    return Posterior(particles, weights, manifest)


def check(particles: pd.DataFrame, fixed: list[str], source: str) -> None:
    """Refuse particles whose parameters are not the schema's calibrated ones (less those the
    calibration fixed), or whose values lie outside their priors."""
    schema = priors(Scenario)
    columns = [str(k) for k in particles.columns]
    unknown = [k for k in columns if k not in schema]
    missing = [k for k in schema if k not in columns and k not in fixed]
    if unknown or missing:
        parts = [f"not calibrated in this schema: {', '.join(unknown)}"] if unknown else []
        parts += [f"calibrated but missing: {', '.join(missing)}"] if missing else []
        raise PosteriorError(
            f"{source}: the posterior's parameters do not match the schema ({'; '.join(parts)}); "
            "run ipssim calibrate again for this version"
        )
    for key in columns:
        prior = schema[key]
        values = particles[key].to_numpy(dtype=float)
        if not np.all((values >= prior.low) & (values <= prior.high)):
            raise PosteriorError(
                f"{source}: {key} has values outside its prior ({prior.describe()})"
            )


def shipped() -> Path | None:
    """The posterior shipped in the package, or None when this version ships none."""
    return SHIPPED if (SHIPPED / PARTICLES).is_file() else None


def projection(mode: str | None, path: Path | None) -> Parameters:
    """The parameters a projection draws from: ``mode`` ("posterior", "point", "defaults", or
    None for the default) of the posterior at ``path`` or, without one, the shipped posterior.
    The default is "posterior" when there is a posterior, else "defaults"."""
    if mode is not None and mode not in MODES:
        raise PosteriorError(f"--parameters {mode}: expected one of {', '.join(MODES)}")
    if mode == "defaults":
        if path is not None:
            raise PosteriorError(
                "--posterior with --parameters defaults: the defaults use no posterior; "
                "leave out one of them"
            )
        return Parameters()
    found = path if path is not None else shipped()
    if found is None:
        if mode is None:
            return Parameters()
        raise PosteriorError(
            f"--parameters {mode}: this version of ipssim ships no calibrated posterior; "
            "give one with --posterior DIR (a folder written by ipssim calibrate --out DIR)"
        )
    source = "the shipped posterior" if path is None else str(path)
    return load(found).parameters(cast(Mode, mode or "posterior"), source)
