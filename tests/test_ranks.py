"""Ranks among equal values, against counting in plain Python."""

from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from ipssim.ranks import LINEAR_FROM, rank_among_equals, rank_in_runs, run_starts

KEYS = st.lists(st.integers(-3, 6), max_size=60)


@st.composite
def many_sorted_keys(draw: st.DrawFn) -> list[int]:
    """Any sorted list of LINEAR_FROM to LINEAR_FROM + 200 keys from 0 to 40, drawn as where
    each key's run ends: a few dozen draws, where a list drawn key by key takes hundreds (too
    slow for Hypothesis's health check on a loaded machine)."""
    n = draw(st.integers(LINEAR_FROM, LINEAR_FROM + 200))
    ends = [*sorted(draw(st.lists(st.integers(0, n), max_size=40))), n]
    return np.repeat(np.arange(len(ends)), np.diff([0, *ends])).tolist()


def _counted(keys: list[int]) -> list[int]:
    seen: Counter[int] = Counter()
    counted = []
    for key in keys:
        counted.append(seen[key])
        seen[key] += 1
    return counted


@given(KEYS | many_sorted_keys())
def test_rank_in_runs_counts_equal_keys_before_each(keys: list[int]) -> None:
    keys = sorted(keys)
    assert rank_in_runs(np.array(keys, dtype=np.int64)).tolist() == _counted(keys)


@given(KEYS)
def test_rank_among_equals_counts_equal_keys_before_each_in_any_order(keys: list[int]) -> None:
    assert rank_among_equals(np.array(keys, dtype=np.int64)).tolist() == _counted(keys)


@given(KEYS)
def test_run_starts_marks_the_first_of_each_run_of_equal_keys(keys: list[int]) -> None:
    keys = sorted(keys)
    expected = [i == 0 or k != keys[i - 1] for i, k in enumerate(keys)]
    assert run_starts(np.array(keys, dtype=np.int64)).tolist() == expected
