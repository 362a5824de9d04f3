"""Simulated time: a SimPy environment with lanes for events due now, and shared day events.

Most events a run schedules are due at once: an alarm rung, a client woken, a caseload place
offered, a process started or ending. SimPy puts each on its heap with a sequence number, so at
regional scale each costs a push and a pop through a heap of up to 100,000 entries that differ
only in that number. ``Environment`` queues them in two deques instead, one for urgent priority
(a process starting) and one for normal, and keeps SimPy's order exactly: an event due now goes
after every event on the heap due now at its priority or a more urgent one (those more urgent
by priority; those at its own were scheduled at an earlier time, so with smaller sequence
numbers) and before everything else.

This is the one module that uses SimPy's private attributes, for speed (plain SimPy ran 20,000
clients about 7% slower): the environment's ``_queue`` (a heap of ``(time, priority, event id,
event)``), ``_eid`` (the id counter) and ``_now``; an event's ``_value`` (``PENDING`` until
triggered), ``_ok``, ``_delay`` (a timeout's) and ``_defused``. ``simpy`` is pinned to the
tested minor version, and tests/test_simpy_internals.py fails, saying what moved, on a SimPy
whose internals differ.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from functools import partial
from heapq import heappop, heappush
from itertools import repeat

import simpy
from simpy.core import EmptySchedule, SimTime, StopSimulation
from simpy.events import NORMAL, PENDING, URGENT, EventPriority

_ONCE, _FOREVER = (None,), repeat(None)  # turns of ``Environment._process``
LATE = EventPriority(NORMAL + 1)  # after every ordinary event due at the same time


class Environment(simpy.Environment):
    """SimPy's environment, with events due now at urgent or normal priority kept first in,
    first out.

    ``now`` is a plain attribute, set with SimPy's ``_now`` as time moves, rather than SimPy's
    property: a regional run reads it about five million times, at 105 ns a read through the
    property and 22 ns as an attribute.
    """

    now: SimTime = 0  # shadows SimPy's property; each environment sets its own

    def __init__(self, initial_time: SimTime = 0) -> None:
        super().__init__(initial_time)
        self.now = initial_time
        self._urgent_now: deque[simpy.Event] = deque()
        self._due_now: deque[simpy.Event] = deque()

    def schedule(
        self, event: simpy.Event, priority: EventPriority = NORMAL, delay: SimTime = 0
    ) -> None:
        """Schedule ``event`` with a given ``priority`` and ``delay``."""
        if delay == 0 and priority == NORMAL:
            self._due_now.append(event)
        elif delay == 0 and priority == URGENT:
            self._urgent_now.append(event)
        else:
            heappush(self._queue, (self._now + delay, priority, next(self._eid), event))

    def peek(self) -> SimTime:
        """The time of the next event (infinity if there is none)."""
        return self._now if self._due_now or self._urgent_now else super().peek()

    def step(self) -> None:
        """Process the next event, as SimPy's ``step`` does."""
        self._process(_ONCE)

    def run(self, until: SimTime | simpy.Event | None = None) -> object:
        """SimPy's ``run``: until an event, a time, or no events are left. SimPy's loop calls
        ``step`` once per event; this one processes every event in one call of ``_process``."""
        if until is not None:
            if not isinstance(until, simpy.Event):
                at = until if isinstance(until, int) else float(until)
                if at <= self.now:
                    raise ValueError(
                        f"until ({at}) must be greater than the current simulation time"
                    )
                until = simpy.Event(self)
                until._ok, until._value = True, None
                self.schedule(until, URGENT, at - self.now)  # before every other event at ``at``
            elif until.callbacks is None:  # already processed
                return until.value
            until.callbacks.append(StopSimulation.callback)
        try:
            self._process(_FOREVER)
        except StopSimulation as exc:
            return exc.args[0]
        except EmptySchedule:
            if until is not None:
                raise RuntimeError(
                    f'No scheduled events left but "until" event was not triggered: {until}'
                ) from None
        return None

    def _process(self, turns: Iterable[None]) -> None:
        """Process the next event, once per turn, as SimPy's ``step`` does."""
        queue, urgent, due = self._queue, self._urgent_now, self._due_now
        for _ in turns:
            if urgent and not (queue and queue[0][0] == self._now and queue[0][1] <= URGENT):
                event = urgent.popleft()
            elif due and not (queue and queue[0][0] == self._now and queue[0][1] <= NORMAL):
                event = due.popleft()
            else:
                try:
                    now, _, _, event = heappop(queue)
                except IndexError:
                    raise EmptySchedule from None
                self._now = self.now = now
            # SimPy types callbacks as a list, but a processed event's are None (SimPy's own
            # step assigns None with a type: ignore too)
            callbacks, event.callbacks = event.callbacks, None  # type: ignore[assignment]
            try:
                for callback in callbacks:
                    callback(event)
            except StopSimulation:  # as SimPy does: the rest run when the simulation resumes
                event.callbacks = callbacks[callbacks.index(callback) + 1 :]
                self.schedule(event, EventPriority(URGENT - 1))
                raise
            if not event._ok and not hasattr(event, "_defused"):
                exc = type(event._value)(*event._value.args)
                exc.__cause__ = event._value
                raise exc


class Clock:
    """Shared wake-up events, one per day: thousands of sleeping clients cost one heap entry."""

    def __init__(self, env: simpy.Environment) -> None:
        self.env = env
        self._days: dict[int, simpy.Event] = {}

    def at(self, day: int) -> simpy.Event:
        """An event that fires on ``day`` (not before now)."""
        event = self._days.get(day)
        if event is None:
            event = self.env.timeout(day - self.env.now)
            event.callbacks.append(partial(self._forget, day))
            self._days[day] = event
        return event

    def _forget(self, day: int, _event: simpy.Event) -> None:
        del self._days[day]


class EndOfDay(simpy.Timeout):
    """A timeout processed after every ordinary event due at the same time (SimPy's
    ``Timeout`` made by hand, as its ``__init__`` does, at priority ``LATE``)."""

    def __init__(self, env: simpy.Environment, delay: SimTime) -> None:
        self.env = env
        self.callbacks = []
        self._value = None
        self._delay = delay
        self._ok = True
        env.schedule(self, LATE, delay)


class Wake(simpy.Event):
    """What a sleeping process waits for when something outside may wake it: an alarm day (or
    several) or a poke. The value says which came first (True for an alarm); whatever comes
    after it is ignored."""

    def ring(self, _day: simpy.Event) -> None:
        """An alarm day came (``_value`` read, not ``triggered``: 77,273 alarms at 20,000
        clients)."""
        if self._value is PENDING:
            self.succeed(True)

    def poke(self) -> None:
        """Something outside changed the sleeper's plans."""
        if self._value is PENDING:
            self.succeed(False)
