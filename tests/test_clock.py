"""The environment's lane for events due now processes events in exactly SimPy's order."""

from __future__ import annotations

import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from ipssim.clock import Environment

# an action: wait (a timeout), wait on an event scheduled with a priority and a delay, wait on
# an event triggered now, or start another process
ACTIONS = st.one_of(
    st.tuples(st.just("timeout"), st.integers(0, 3)),
    st.tuples(st.just("scheduled"), st.tuples(st.integers(0, 2), st.integers(0, 2))),
    st.tuples(st.just("succeed"), st.none()),
    st.tuples(st.just("spawn"), st.integers(0, 2)),
)
PROGRAMS = st.lists(st.lists(ACTIONS, max_size=8), min_size=1, max_size=6)


def _trace(env: simpy.Environment, program: list[list[tuple]]) -> list[tuple]:
    """What each process did when, and what the environment said came next, run week by week."""
    trace: list[tuple] = []

    def process(name: str, actions: list[tuple]):
        for k, (kind, arg) in enumerate(actions):
            trace.append((env.now, env.peek(), name, k))
            if kind == "timeout":
                yield env.timeout(arg)
            elif kind == "scheduled":
                event = env.event()
                event._ok, event._value = True, None
                env.schedule(event, priority=arg[0], delay=arg[1])
                yield event
            elif kind == "succeed":
                yield env.event().succeed()
            else:
                env.process(process(f"{name}.{k}", [("timeout", arg), ("succeed", None)]))
        trace.append((env.now, env.peek(), name, "done"))

    for n, actions in enumerate(program):
        env.process(process(str(n), actions))
    for until in range(1, 8):
        env.run(until=until)
        trace.append(("week", env.now, env.peek()))
    env.run()
    return trace


@settings(max_examples=200, deadline=None)
@given(PROGRAMS)
def test_events_are_processed_in_simpys_order(program) -> None:
    assert _trace(Environment(), program) == _trace(simpy.Environment(), program)


def test_a_failed_event_crashes_the_run_as_in_simpy() -> None:
    env = Environment()
    env.event().fail(ValueError("no place"))
    with pytest.raises(ValueError, match="no place"):
        env.run()


def test_an_empty_schedule_ends_the_run() -> None:
    env = Environment()
    env.timeout(3)
    env.run()
    assert env.now == 3 and env.peek() == float("inf")
