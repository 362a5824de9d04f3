"""Runs and ranks among equal values: idioms the model's tables and the fidelity review share."""

from __future__ import annotations

import numpy as np

LINEAR_FROM = 500  # keys; measured crossover between 400 and 800


def run_starts(keys: np.ndarray) -> np.ndarray:
    """For sorted ``keys``, True where a run of equal keys starts."""
    starts = np.ones(len(keys), dtype=bool)
    np.not_equal(keys[1:], keys[:-1], out=starts[1:])
    return starts


def rank_in_runs(keys: np.ndarray) -> np.ndarray:
    """For sorted ``keys``, how many entries before each have the same value: each index less
    the index where its run of equal keys starts. Binary search finds the starts fastest for a
    few hundred keys; beyond that a linear pass wins (48 us against 207 us at 10,000 keys)."""
    index = np.arange(len(keys))
    if len(keys) < LINEAR_FROM:
        return index - keys.searchsorted(keys)
    start = np.where(run_starts(keys), index, 0)
    np.maximum.accumulate(start, out=start)
    return index - start


def rank_among_equals(keys: np.ndarray) -> np.ndarray:
    """For ``keys`` in any order, how many entries before each have the same value."""
    order = np.argsort(keys, kind="stable")
    rank = np.empty(len(keys), dtype=np.int64)
    rank[order] = rank_in_runs(keys[order])
    return rank
