"""The event log keeps every row in the order it was logged, single rows and batches alike."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ipssim.events import COLUMNS, Event, EventLog

NUMBER, EVENT = st.integers(-1, 10**6), st.sampled_from(list(Event))
VALUES = [EVENT if name == "event" else NUMBER for name in COLUMNS]
ROW = st.tuples(*VALUES)
# a batch: per column either one value for every row, or one value per row
BATCH = st.integers(0, 5).flatmap(
    lambda n: st.tuples(*[st.one_of(v, st.lists(v, min_size=n, max_size=n)) for v in VALUES])
)
# read the log (merging what is pending) now and then as it grows
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("add"), ROW), st.tuples(st.just("extend"), BATCH), st.just(("read", None))
    ),
    max_size=30,
)


def expected_rows(batch: tuple) -> list[tuple]:
    """The rows a batch stands for, or none if it holds no array."""
    n = max((len(v) for v in batch if isinstance(v, list)), default=0)
    return [tuple(int(v[k]) if isinstance(v, list) else int(v) for v in batch) for k in range(n)]


@settings(max_examples=150, deadline=None)
@given(STEPS)
def test_rows_come_out_in_logging_order(steps) -> None:
    log, rows = EventLog(), []
    for kind, value in steps:
        if kind == "add":
            log.add(*value)
            rows.append(tuple(int(v) for v in value))
        elif kind == "extend":
            arrays = [np.array(v, dtype=np.int32) if isinstance(v, list) else v for v in value]
            log.extend(*arrays)
            rows += expected_rows(value)
            for a in arrays:  # the log keeps its own copy of what it was given
                if isinstance(a, np.ndarray):
                    a[:] = -7
        else:
            assert len(log.frame()) == len(rows)
        assert len(log) == len(rows)
    df = log.frame()
    got = list(
        zip(*[df[name].cat.codes if name == "event" else df[name] for name in COLUMNS], strict=True)
    )
    assert [tuple(int(v) for v in row) for row in got] == rows
    for k, name in enumerate(COLUMNS):
        assert log.column(name).tolist() == [row[k] for row in rows]
