"""Ranks among equal values: the one idiom the model's tables and the fidelity review share."""

from __future__ import annotations

import numpy as np


def rank_in_runs(keys: np.ndarray) -> np.ndarray:
    """For sorted ``keys``, how many entries before each have the same value."""
    return np.arange(len(keys)) - np.searchsorted(keys, keys)


def rank_among_equals(keys: np.ndarray) -> np.ndarray:
    """For ``keys`` in any order, how many entries before each have the same value."""
    order = np.argsort(keys, kind="stable")
    rank = np.empty(len(keys), dtype=np.int64)
    rank[order] = rank_in_runs(keys[order])
    return rank
