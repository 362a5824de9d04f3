"""The SimPy internals ipssim/clock.py relies on are where it expects them.

clock.py reads and writes SimPy's private attributes for speed (its docstring lists them). On a
SimPy whose internals moved these tests fail and say what moved: mend clock.py, or keep simpy
pinned to the tested minor version. That ipssim's environment processes events in exactly
SimPy's order is tested in test_clock.py.
"""

from __future__ import annotations

import itertools
from importlib.metadata import version

import pytest
import simpy
from simpy.core import EmptySchedule, StopSimulation
from simpy.events import NORMAL, PENDING, URGENT

from ipssim.clock import LATE, EndOfDay, Environment, Wake

SIMPY = version("simpy")
TESTED = "4.1"


def moved(what: str) -> str:
    return (
        f"SimPy {SIMPY}'s internals moved: {what}. ipssim/clock.py relies on it (see its "
        f"docstring): mend clock.py, or pin simpy to {TESTED}.x as tested"
    )


def test_simpy_is_the_tested_minor_version() -> None:
    assert SIMPY.startswith(TESTED + "."), moved(
        f"this is SimPy {SIMPY}, and clock.py was written and tested against SimPy {TESTED}"
    )


def test_the_environment_keeps_a_heap_an_id_counter_and_the_time() -> None:
    env = simpy.Environment(initial_time=4)
    assert getattr(env, "_queue", None) == [], moved("Environment._queue is not a list")
    assert isinstance(getattr(env, "_eid", None), itertools.count), moved(
        "Environment._eid is not an itertools.count"
    )
    assert getattr(env, "_now", None) == 4, moved("Environment._now does not hold the time")
    assert isinstance(vars(simpy.Environment).get("now"), property), moved(
        "Environment.now is not a property (clock.Environment shadows it with an attribute)"
    )


def test_a_heap_entry_is_time_priority_id_event() -> None:
    env = simpy.Environment(initial_time=2)
    first, second = env.event(), env.event()
    env.schedule(first, NORMAL, 3)
    env.schedule(second, URGENT, 3)
    entries = sorted(env._queue)
    assert [len(e) for e in entries] == [4, 4], moved("a heap entry is not a 4-tuple")
    (t1, p1, id1, e1), (t2, p2, id2, e2) = entries
    assert (t1, p1, e1, t2, p2, e2) == (5, URGENT, second, 5, NORMAL, first), moved(
        "a heap entry is not (now + delay, priority, event id, event)"
    )
    assert id2 < id1, moved("event ids are not counted up in the order events are scheduled")
    mine = Environment(initial_time=2)
    event = mine.event()
    mine.schedule(event, NORMAL, 3)  # a delay: onto SimPy's heap, as SimPy would put it
    assert mine._queue == [(5, NORMAL, 0, event)], moved("Environment.schedule's heap entry")


def test_a_step_pops_the_heap_moves_the_time_and_clears_the_callbacks() -> None:
    env = simpy.Environment()
    event = env.event()
    seen: list[simpy.Event] = []
    event.callbacks.append(seen.append)
    event._ok, event._value = True, None
    env.schedule(event, NORMAL, 7)
    env.step()
    assert seen == [event] and env._now == 7, moved("step does not pop the heap into _now")
    assert event.callbacks is None, moved("a processed event's callbacks are not set to None")
    with pytest.raises(EmptySchedule):
        env.step()
    assert callable(getattr(StopSimulation, "callback", None)), moved("StopSimulation.callback")


def test_an_event_keeps_its_state_in_value_ok_and_defused() -> None:
    env = simpy.Environment()
    pending, done, failed = env.event(), env.event(), env.event()
    assert pending._value is PENDING, moved("an untriggered event's _value is not PENDING")
    done.succeed("value")
    assert (done._ok, done._value) == (True, "value"), moved("succeed sets _ok and _value")
    error = ValueError("x")
    failed.fail(error)
    assert (failed._ok, failed._value) == (False, error), moved("fail sets _ok and _value")
    failed.defused = True
    assert hasattr(failed, "_defused"), moved("a defused event does not carry _defused")


def test_end_of_day_is_made_as_simpy_makes_a_timeout() -> None:
    env = simpy.Environment()
    made, simpys = EndOfDay(env, 2), simpy.Timeout(env, 2)
    assert sorted(vars(made)) == sorted(vars(simpys)), moved(
        f"a Timeout's attributes are {sorted(vars(simpys))}; EndOfDay sets {sorted(vars(made))}"
    )
    assert (made._delay, made._value, made._ok) == (simpys._delay, simpys._value, simpys._ok)
    assert URGENT < NORMAL < LATE, moved("priorities: URGENT before NORMAL")


@pytest.mark.parametrize("make", [Environment, simpy.Environment], ids=["ipssim", "simpy"])
def test_end_of_day_comes_after_every_ordinary_event_of_its_day(make) -> None:
    env = make()
    order: list[tuple[str, float]] = []

    def day_end():
        yield EndOfDay(env, 1)  # scheduled first, for the same time as everything below
        order.append(("end of day", env.now))

    def ordinary(name: str):
        yield env.timeout(1)
        order.append((name, env.now))
        yield env.event().succeed()  # triggered at time 1: still before the end of the day
        order.append((name + " again", env.now))

    env.process(day_end())
    env.process(ordinary("a"))
    env.process(ordinary("b"))
    env.run()
    assert order == [("a", 1), ("b", 1), ("a again", 1), ("b again", 1), ("end of day", 1)]


def test_a_wake_takes_the_first_of_an_alarm_and_a_poke() -> None:
    env = Environment()
    rung, poked = Wake(env), Wake(env)
    rung.ring(env.event())
    rung.poke()
    poked.poke()
    poked.ring(env.event())
    assert (rung.value, poked.value) == (True, False)
    env.run()
    rung.poke()  # after it was processed: ignored
    assert rung.value is True


def test_the_environments_time_is_simpys() -> None:
    env = Environment()
    env.timeout(3)
    env.run(until=5)
    assert env.now == env._now == 5, moved("run(until=...) no longer leaves the time in _now")
