"""Ranks among equal values, against counting in plain Python."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from ipssim.ranks import LINEAR_FROM, rank_among_equals, rank_in_runs, run_starts

KEYS = st.lists(st.integers(-3, 6), max_size=60)
MANY_KEYS = st.lists(st.integers(0, 40), min_size=LINEAR_FROM, max_size=LINEAR_FROM + 200)


def _counted(keys: list[int]) -> list[int]:
    return [keys[:i].count(k) for i, k in enumerate(keys)]


@given(KEYS | MANY_KEYS)
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
