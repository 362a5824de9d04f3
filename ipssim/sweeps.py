"""Sweep files: a base scenario, the levers to vary, replications, seed and metrics.

A sweep file is TOML. ``base`` names a scenario file (relative to the sweep file, in its folder
tree or among the shipped ``scenarios/``, as a scenario's ``extends`` does); ``[set]`` fixes
levers for every point; the points come from ``[grid]`` (every combination), ``[zip]``
(values taken together, row by row; crossed with ``[grid]`` when both are given) or ``[sample]``
(``n`` points within ranges by Latin hypercube or Sobol sequence). Levers are dotted scenario
keys, written quoted (``"service.specialists" = [1, 2]``) or as nested tables.

In a sample every lever is drawn as a uniform number u in [0, 1) and decoded by its type in the
scenario schema: a number is ``low + u (high - low)``; a whole number takes each value from
``low`` to ``high`` with equal chance; a true/false switch is ``true`` when u >= 0.5, so half the
points have it on. The same decoding serves the sensitivity designs of SALib.
"""

from __future__ import annotations

import difflib
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ipssim import scenario as scenarios
from ipssim.errors import UserError, shown
from ipssim.outcomes import METRICS
from ipssim.schema import levers
from ipssim.schema.fields import FieldNotFound, describe
from ipssim.schema.levers import Lever
from ipssim.streams import MAX_SEED

SWEEP_METRICS = METRICS


class SweepError(UserError):
    """A user's mistake in a sweep file: the message names the file, the field and the fix."""


class Strict(BaseModel):
    """A sweep file's table: unknown keys refused, no value converted to another type."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class SampleSpec(Strict):
    """``[sample]``: ``n`` points within ``ranges`` by Latin hypercube or Sobol sequence."""

    method: Literal["lhs", "sobol"] = Field(
        default="lhs", description="lhs or sobol (scipy.stats.qmc)"
    )
    n: int = Field(default=64, ge=2, le=1_000_000, description="points to draw")
    ranges: dict[str, Any] = Field(description="lever = [low, high]; [false, true] for a switch")


class SensitivitySpec(Strict):
    """``[sensitivity]``: the size of the SALib designs of ``ipssim sensitivity``."""

    trajectories: int = Field(default=10, ge=2, le=10_000, description="Morris trajectories")
    levels: int = Field(default=4, ge=2, le=20, description="Morris grid levels (even)")
    base_samples: int = Field(
        default=64, ge=4, le=1_000_000, description="Sobol base samples N (a power of 2)"
    )

    @field_validator("levels")
    @classmethod
    def _even(cls, value: int) -> int:
        if value % 2:
            raise ValueError("must be even so that each Morris step is the same size")
        return value

    @field_validator("base_samples")
    @classmethod
    def _power_of_two(cls, value: int) -> int:
        if value & (value - 1):
            raise ValueError("must be a power of 2 (Sobol sequences balance only then)")
        return value


class SweepFile(Strict):
    """The validated contents of a sweep file."""

    name: str = Field(
        default="",
        pattern=r"^([A-Za-z0-9][A-Za-z0-9_.-]{0,99})?$",
        description="the default result folder's name: letters, digits, _ . - (100 at most)",
    )
    description: str = ""
    base: str = Field(
        description="a .toml file relative to the sweep file, in its folder tree or scenarios/"
    )
    set: dict[str, Any] = Field(default_factory=dict, description="levers fixed at every point")
    reps: int = Field(default=10, ge=1, le=100_000)
    seed: int = Field(default=1, ge=0, le=MAX_SEED)
    metrics: list[str] = Field(default_factory=lambda: list(SWEEP_METRICS))
    grid: dict[str, Any] = Field(default_factory=dict)
    zip: dict[str, Any] = Field(default_factory=dict)
    sample: SampleSpec | None = None
    sensitivity: SensitivitySpec = SensitivitySpec()

    @field_validator("metrics")
    @classmethod
    def _known_metrics(cls, names: list[str]) -> list[str]:
        for name in names:
            if name not in SWEEP_METRICS:
                near = difflib.get_close_matches(name, SWEEP_METRICS, n=1)
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                raise ValueError(
                    f"unknown metric {shown(name)}{hint}; allowed: " + ", ".join(SWEEP_METRICS)
                )
        return names


@dataclass(frozen=True)
class Sweep:
    """A loaded sweep: its file, base scenario, levers and design (one row per point)."""

    path: Path
    spec: SweepFile
    base: scenarios.Scenario
    levers: tuple[Lever, ...]
    points: pd.DataFrame  # columns: point, then one per lever

    @property
    def name(self) -> str:
        return self.spec.name or self.path.stem

    def scenario(self, point: int) -> scenarios.Scenario:
        """The scenario of one point: the base with the point's lever values, read column by
        column (a row of numbers alone would turn whole numbers into floats)."""
        points = self.points
        return self.base.with_changes(
            {lv.key: _plain(points[lv.key].iloc[point]) for lv in self.levers}
        )

    def scenarios(self) -> list[scenarios.Scenario]:
        """Every point's scenario, validated; a bad value is reported against the sweep file."""
        out = []
        for point in range(len(self.points)):
            try:
                out.append(self.scenario(point))
            except scenarios.ScenarioError as exc:
                values = ", ".join(
                    f"{lv.key}={shown(_plain(self.points[lv.key].iloc[point]))}"
                    for lv in self.levers
                )
                raise SweepError(
                    f"{self.path}: point {point} ({values}) is not a valid scenario: {exc}".replace(
                        "changes: ", ""
                    )
                ) from None
        return out

    def ranges(self) -> dict[str, Any]:
        """``[sample] ranges`` by dotted lever name (empty without a sample)."""
        if self.spec.sample is None:
            return {}
        return flatten(self.spec.sample.ranges)

    def with_points(self, points: pd.DataFrame) -> Sweep:
        """The same sweep over another design (a sensitivity method's own points)."""
        return Sweep(self.path, self.spec, self.base, self.levers, points)


def load(
    path: str | Path,
    overrides: list[str] | tuple[str, ...] = (),
    reps: int | None = None,
    seed: int | None = None,
) -> Sweep:
    """Read and validate a sweep file; ``overrides`` (``section.key=value``) change the base,
    ``reps`` and ``seed`` (when given) replace the file's."""
    path = Path(path)
    spec = read_spec(path)
    changes = {k: v for k, v in (("reps", reps), ("seed", seed)) if v is not None}
    spec = spec.model_copy(update=changes)
    try:
        base_path = scenarios.referenced(path, spec.base, "base")
    except scenarios.ScenarioError as exc:
        raise SweepError(str(exc)) from None
    base = scenarios.load(base_path, overrides)
    fixed = flatten(spec.set)
    for name in fixed:
        lever(name, path, "set")
    try:
        base = base.with_changes(fixed)
    except scenarios.ScenarioError as exc:
        raise SweepError(f"{path}: set: {exc}".replace("changes: ", "")) from None
    points, levers = design(spec, path)
    return Sweep(path, spec, base, levers, points)


def read_spec(path: Path) -> SweepFile:
    """Parse and validate the TOML of a sweep file."""
    try:
        data = scenarios.read_toml(path, "sweep")
    except scenarios.ScenarioError as exc:
        raise SweepError(str(exc)) from None
    try:
        return SweepFile.model_validate(data)
    except ValidationError as exc:
        lines = (describe(err, str(path), SweepFile, "sweep") for err in exc.errors())
        raise SweepError("\n".join(lines)) from None


def design(spec: SweepFile, path: Path) -> tuple[pd.DataFrame, tuple[Lever, ...]]:
    """The sweep's points: one row per point, one column per lever."""
    grid = flatten(spec.grid)
    zipped = flatten(spec.zip)
    ranges = flatten(spec.sample.ranges) if spec.sample else {}
    if spec.sample and (grid or zipped):
        raise SweepError(
            f"{path}: [sample] cannot be combined with [grid] or [zip]; use one or the other"
        )
    if not (grid or zipped or ranges):
        raise SweepError(f"{path}: no levers to vary; add a [grid], [zip] or [sample] table")
    names = [*grid, *zipped, *ranges]
    fixed = flatten(spec.set)
    for name in names:
        if name in fixed:
            raise SweepError(f"{path}: {name} is both fixed in [set] and varied; keep one")
    levers = tuple(
        lever(name, path, section)
        for section, table in (("grid", grid), ("zip", zipped), ("sample.ranges", ranges))
        for name in table
    )
    if ranges:
        assert spec.sample is not None
        return sample(levers, ranges, spec.sample.method, spec.sample.n, spec.seed, path), levers
    return _grid_points(grid, zipped, path), levers


def sample(
    levers: tuple[Lever, ...], ranges: dict[str, list], method: str, n: int, seed: int, path: Path
) -> pd.DataFrame:
    """``n`` points within ``ranges`` by Latin hypercube or a scrambled Sobol sequence."""
    from scipy.stats import qmc  # here, not at the top: input is checked before SciPy loads

    bounds = check_ranges(levers, ranges, path)
    if method == "lhs":
        unit = qmc.LatinHypercube(d=len(levers), seed=seed).random(n)
    else:
        unit = qmc.Sobol(d=len(levers), scramble=True, seed=seed).random(n)
    return decode(levers, bounds, unit)


def decode(
    levers: tuple[Lever, ...], bounds: list[tuple[Any, Any]], unit: np.ndarray
) -> pd.DataFrame:
    """Points from a design in the unit cube (one column per lever)."""
    columns = {lv.key: lv.decode(unit[:, i], *bounds[i]) for i, lv in enumerate(levers)}
    return pd.DataFrame({"point": np.arange(len(unit)), **columns})


def check_ranges(
    levers: tuple[Lever, ...], ranges: dict[str, Any], path: Path
) -> list[tuple[Any, Any]]:
    """Each lever's (low, high), checked against its type."""
    bounds = []
    for lv in levers:
        value = ranges[lv.key]
        where = f"{path}: sample.ranges.{lv.key}"
        if not (isinstance(value, list) and len(value) == 2):
            raise SweepError(f"{where}: expected [low, high], got {shown(value)}")
        low, high = value
        if lv.kind is bool:
            if sorted(value) != [False, True] or not all(isinstance(v, bool) for v in value):
                raise SweepError(
                    f"{where}: a switch is sampled as [false, true], got {shown(value)}"
                )
        elif not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
            raise SweepError(f"{where}: expected two numbers [low, high], got {shown(value)}")
        elif lv.kind is int and not all(float(v).is_integer() for v in value):
            raise SweepError(
                f"{where}: a whole-number lever needs whole-number bounds, got {shown(value)}"
            )
        elif not low < high:
            raise SweepError(f"{where}: low must be below high, got {shown(value)}")
        bounds.append((low, high))
    return bounds


def lever(name: str, path: Path, section: str) -> Lever:
    """The scenario field called ``name`` (dotted), or a clear error naming the section."""
    try:
        return levers.lever(name)
    except FieldNotFound as exc:
        raise SweepError(f"{path}: {section}.{exc.explain()}") from None
    except levers.NotALever as exc:
        raise SweepError(f"{path}: {section}.{exc}") from None


def _grid_points(grid: dict[str, list], zipped: dict[str, list], path: Path) -> pd.DataFrame:
    for section, table in (("grid", grid), ("zip", zipped)):
        for name, values in table.items():
            if not isinstance(values, list) or not values:
                raise SweepError(
                    f"{path}: {section}.{name}: expected a list of values, got {shown(values)}"
                )
    lengths = {name: len(values) for name, values in zipped.items()}
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{k} has {v}" for k, v in lengths.items())
        raise SweepError(f"{path}: zip: every list must have the same length ({listed})")
    rows_zip = list(zip(*zipped.values(), strict=True)) if zipped else [()]
    rows = [(*g, *z) for g in itertools.product(*grid.values()) for z in rows_zip]
    frame = pd.DataFrame(rows, columns=[*grid, *zipped])
    frame.insert(0, "point", np.arange(len(frame)))
    return frame


def flatten(table: dict[str, Any]) -> dict[str, Any]:
    """``{"service": {"specialists": [...]}}`` -> ``{"service.specialists": [...]}``."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            for sub, v in flatten(value).items():
                out[f"{key}.{sub}"] = v
        else:
            out[key] = value
    return out


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value TOML would have given."""
    return value.item() if isinstance(value, np.generic) else value
