"""Where a replication's calibrated parameters come from: the scenario's own values
("defaults"), a draw from a calibration's posterior ("posterior"), or its weighted mean ("point").

Under "posterior", replication ``r`` of a run with seed ``s`` takes the particle drawn, by the
particles' weights, from its own stream of the seed tree ``(s, r)``; the draw depends on nothing
else, so it is the same whatever the number of workers, and every scenario run with that seed
takes the same particle in replication ``r`` (comparisons stay paired). A particle's value
replaces the schema's default only: a value the scenario's file, a ``--set`` or a lever gave
the key itself is kept, in every replication. Services in one labour market (the arms of a
trial) share their employers, so a key of ``[employers]`` that one arm gives itself is kept
in every arm (``for_market``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from ipssim.scenario import Scenario
from ipssim.streams import Stream, generator, replication_seed

Mode = Literal["defaults", "posterior", "point"]
MODES: tuple[Mode, ...] = ("posterior", "point", "defaults")


def set_by_file(scenario: Scenario, dotted: str) -> bool:
    """Whether ``scenario``'s file, an override or a change gave ``dotted`` a value of its own."""
    *path, leaf = dotted.split(".")
    section = scenario
    for part in path:
        if part not in section.model_fields_set:
            return False
        section = getattr(section, part)
    return leaf in section.model_fields_set


def with_values(scenario: Scenario, values: Mapping[str, float]) -> Scenario:
    """``scenario`` with ``values`` where it leaves the schema's default."""
    changes = {k: v for k, v in values.items() if not set_by_file(scenario, k)}
    return scenario.with_changes(changes) if changes else scenario


def for_market(arms: Sequence[Scenario], values: Mapping[str, float]) -> list[Scenario]:
    """Each arm of one labour market with ``values`` where it leaves the schema's default,
    except a key of ``[employers]`` that any arm gives itself: the arms share one set of
    employers, so the draw leaves their ``[employers]`` alike if it found them alike."""
    pinned = {
        k for k in values if k.startswith("employers.") and any(set_by_file(s, k) for s in arms)
    }
    shared = {k: v for k, v in values.items() if k not in pinned}
    return [with_values(s, shared) for s in arms]


@dataclass(frozen=True, eq=False)  # arrays have no truth value: equal only if the same
class Parameters:
    """Weighted particles (one row each, one column per key of ``keys``) and the mode that
    reads them; ``source`` names where they came from. Picklable, so workers draw alike."""

    mode: Mode = "defaults"
    source: str = ""
    keys: tuple[str, ...] = ()
    values: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    weights: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def particle(self, seed: int, rep: int) -> int:
        """The index of the particle replication ``rep`` of seed ``seed`` draws."""
        rng = generator(replication_seed(seed, rep), Stream.PARAMETERS)
        return int(rng.choice(len(self.weights), p=self.weights / self.weights.sum()))

    def drawn(self, seed: int, rep: int) -> dict[str, float]:
        """The calibrated values of replication ``rep``: none under "defaults"."""
        if self.mode == "defaults":
            return {}
        if self.mode == "point":
            row = np.average(self.values, axis=0, weights=self.weights)
        else:
            row = self.values[self.particle(seed, rep)]
        return {k: float(v) for k, v in zip(self.keys, row, strict=True)}

    def scenario(self, scenario: Scenario, seed: int, rep: int) -> Scenario:
        """Replication ``rep``'s scenario: ``scenario`` with its calibrated values."""
        return with_values(scenario, self.drawn(seed, rep))

    def arms(self, arms: Sequence[Scenario], seed: int, rep: int) -> list[Scenario]:
        """Replication ``rep``'s scenarios of services in one labour market: one particle's
        calibrated values for all (``for_market``)."""
        return for_market(arms, self.drawn(seed, rep))

    def key(self, scenario_hash: str) -> str:
        """A hash for stored runs: the scenario's own under "defaults", else one that also
        covers the mode and the particles, so runs of other parameters are never reused."""
        if self.mode == "defaults":
            return scenario_hash
        digest = hashlib.sha256(f"{scenario_hash};{self.mode};".encode())
        digest.update(np.ascontiguousarray(self.values, dtype=float).tobytes())
        digest.update(np.ascontiguousarray(self.weights, dtype=float).tobytes())
        digest.update(";".join(self.keys).encode())
        return digest.hexdigest()[:16]

    def record(self) -> dict[str, str]:
        """Where the calibrated parameters came from, for a manifest."""
        return {"parameters": self.mode, "posterior": self.source}

    def describe(self) -> str:
        """One line for a table's header."""
        if self.mode == "defaults":
            return "parameters: the scenario's defaults (no calibrated posterior)"
        if self.mode == "point":
            return f"parameters: point (the weighted mean of the posterior {self.source})"
        return (
            f"parameters: posterior (each replication draws its calibrated parameters from "
            f"{self.source}, {len(self.weights)} particles)"
        )


DEFAULTS = Parameters()
