"""Random streams: one seed tree per replication, one stream per client and per agent.

Every draw comes from a stream keyed by the replication's SeedSequence and a fixed key, so adding
a client or an agent does not shift anyone else's draws, and two scenarios run with the same
seed share every client's numbers (common random numbers). Population and employer traits come
from numpy Generators; agents' draws during a run from counter-based ``Streams``.
"""

from __future__ import annotations

import math
from array import array
from enum import IntEnum
from functools import cache

import numpy as np

MAX_SEED = 2**63 - 1  # the largest root seed: every output stores seeds as 64-bit integers


class Stream(IntEnum):
    """The purpose of a stream: the first element of its spawn key."""

    POPULATION = 0
    CLIENT = 1
    CLINICIAN = 2
    SPECIALIST = 3
    EMPLOYER = 4
    ARRIVALS = 5
    TURNOVER = 6
    CARE = 7  # when each client leaves the clinical team
    PARAMETERS = 8  # which posterior particle a replication draws (ipssim.parameters)


def replication_seed(seed: int, rep: int) -> np.random.SeedSequence:
    """The seed tree of replication ``rep`` of a run started with ``seed``."""
    return np.random.SeedSequence(seed, spawn_key=(rep,))


def generator(root: np.random.SeedSequence, *key: int) -> np.random.Generator:
    """The Generator of the stream with this key under ``root``."""
    child = np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, *key))
    return np.random.Generator(np.random.PCG64(child))


_MASK = (1 << 64) - 1
_GAMMA = 0x9E3779B97F4A7C15
_M1, _M2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB


# 0-d arrays, not numpy scalars: numpy takes them as operands in about two thirds of the time
_S30, _S27, _S31, _S11 = (np.array(k, dtype=np.uint64) for k in (30, 27, 31, 11))
_UM1, _UM2, _UGAMMA = (np.array(k, dtype=np.uint64) for k in (_M1, _M2, _GAMMA))
_UNIT = np.array(2.0**-53)


def _mix_array(z: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser on uint64 arrays (products wrap modulo 2**64), in place."""
    shifted = z >> _S30
    z ^= shifted
    z *= _UM1
    np.right_shift(z, _S27, out=shifted)
    z ^= shifted
    z *= _UM2
    np.right_shift(z, _S31, out=shifted)
    z ^= shifted
    return z


@cache
def _advance(k: int) -> np.ndarray:
    """``k`` steps of gamma (modulo 2**64) as a 0-d uint64 array."""
    return np.array(k * _GAMMA & _MASK, dtype=np.uint64)


@cache
def _gamma_steps(k: int) -> np.ndarray:
    """A column of 0, gamma, 2 gamma, ... (k of them, modulo 2**64)."""
    return (np.arange(k, dtype=np.uint64) * _UGAMMA)[:, None]


class Streams:
    """One SplitMix64 stream per agent of a kind, drawn one at a time or for many at once.

    Agent ``i``'s stream starts from a key fixed by the replication, the kind and ``i``, and each
    draw moves its state on by the constant gamma, so draw ``k`` is the finaliser of key plus k
    gamma: an agent's numbers are its own whatever else happens, and a day's meetings can draw
    for thousands of clients in one vectorised call.
    """

    def __init__(self, root: np.random.SeedSequence, stream: Stream) -> None:
        state = np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, stream))
        self._base = int(state.generate_state(1, np.uint64)[0])
        self._state = array("Q")  # Python-speed scalar access (``Draws``); numpy views it too
        self._state_view = np.zeros(0, dtype=np.uint64)

    def extend(self, n: int) -> None:
        """Make streams for ``n`` more agents."""
        first = len(self._state)
        keys = _mix_array(np.arange(first + 1, first + n + 1, dtype=np.uint64) * _UGAMMA)
        keys += np.uint64(self._base)
        _mix_array(keys)
        self._state_view = np.zeros(0, dtype=np.uint64)  # release the buffer before resizing
        self._state.frombytes(keys.tobytes())
        self._state_view = np.frombuffer(self._state, dtype=np.uint64)

    def uniforms(self, agents: np.ndarray, k: int | None = None) -> np.ndarray:
        """The next uniform number of each agent in ``agents`` (no agent twice), or with ``k``
        an array of shape (k, len(agents)): each agent's next ``k`` numbers in turn."""
        if len(agents) == 0:  # common at team scale: a day with no one due
            return np.zeros(0 if k is None else (k, 0))
        z = self._state_view[agents]
        self._state_view[agents] = z + _advance(1 if k is None else k)
        if k is not None:
            z = z + _gamma_steps(k)  # states z, z + gamma, ...
        _mix_array(z)
        z >>= _S11
        u = z.astype(np.float64)
        u *= _UNIT
        return u


def integers(u, n):
    """Whole numbers in [0, n) from uniforms ``u`` (``n`` one number or one per uniform)."""
    top = max(n - 1, 0) if isinstance(n, int) else np.maximum(n - 1, 0)
    return np.minimum((u * n).astype(np.int64), top)


class Draws:
    """Scalar draws from one agent's stream, one at a time (over a million in a regional run),
    so the agent's index and the state table are held here rather than looked up each time."""

    __slots__ = ("_i", "_state")

    def __init__(self, streams: Streams, i: int) -> None:
        self._state = streams._state
        self._i = i

    def uniform(self) -> float:
        """A uniform number in [0, 1)."""
        state, i = self._state, self._i
        z = state[i]
        state[i] = (z + _GAMMA) & _MASK
        z = ((z ^ (z >> 30)) * _M1) & _MASK  # SplitMix64's finaliser, as ``_mix_array``
        z = ((z ^ (z >> 27)) * _M2) & _MASK
        return ((z ^ (z >> 31)) >> 11) * 2.0**-53

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
