"""Random streams: one seed tree per replication, one stream per client and per agent.

Every draw comes from a numpy Generator spawned from the replication's SeedSequence by a fixed
key, so adding a client or an agent does not shift anyone else's draws, and two scenarios run
with the same seed share every client's numbers (common random numbers).
"""

from __future__ import annotations

import math
from enum import IntEnum

import numpy as np


class Stream(IntEnum):
    """The purpose of a stream: the first element of its spawn key."""

    POPULATION = 0
    CLIENT = 1
    CLINICIAN = 2
    SPECIALIST = 3
    EMPLOYER = 4
    ARRIVALS = 5


def replication_seed(seed: int, rep: int) -> np.random.SeedSequence:
    """The seed tree of replication ``rep`` of a run started with ``seed``."""
    return np.random.SeedSequence(seed, spawn_key=(rep,))


def generator(root: np.random.SeedSequence, *key: int) -> np.random.Generator:
    """The Generator of the stream with this key under ``root``."""
    child = np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, *key))
    return np.random.Generator(np.random.PCG64(child))


class Draws:
    """A stream of uniforms drawn in blocks: cheap scalar draws for one agent.

    The Generator is made on first use, so agents that never draw cost nothing.
    """

    __slots__ = ("_root", "_key", "_gen", "_buf", "_i")
    BLOCK = 32

    def __init__(self, root: np.random.SeedSequence, *key: int) -> None:
        self._root = root
        self._key = key
        self._gen: np.random.Generator | None = None
        self._buf: list[float] = []
        self._i = 0

    def uniform(self) -> float:
        """A uniform number in [0, 1)."""
        i = self._i
        if i == len(self._buf):
            if self._gen is None:
                self._gen = generator(self._root, *self._key)
            self._buf = self._gen.random(self.BLOCK).tolist()
            i = 0
        self._i = i + 1
        return self._buf[i]

    def chance(self, p: float) -> bool:
        """True with probability ``p``."""
        return self.uniform() < p

    def exponential(self, mean: float) -> float:
        """An exponential duration with this mean (``inf`` for an infinite mean)."""
        if mean == math.inf:
            return math.inf
        return -math.log(1.0 - self.uniform()) * mean

    def integer(self, n: int) -> int:
        """A whole number in [0, n)."""
        return min(int(self.uniform() * n), n - 1)
