"""Where a client is: the states of the pathway, which the roster also holds as numbers."""

from __future__ import annotations

from enum import IntEnum


class State(IntEnum):
    """Where a client is; every client is in exactly one state at any time."""

    PRISON = 0
    COMMUNITY = 1
    WAITING = 2
    PREPARING = 3
    SEARCHING = 4
    WORKING = 5
    PAUSED = 6
    CUSTODY = 7


# the members by name: a module constant reads in a tenth of the time State.X takes on 3.11
PRISON, COMMUNITY, WAITING, PREPARING = (
    State.PRISON,
    State.COMMUNITY,
    State.WAITING,
    State.PREPARING,
)
SEARCHING, WORKING, PAUSED, CUSTODY = State.SEARCHING, State.WORKING, State.PAUSED, State.CUSTODY
IN_SERVICE = (PREPARING, SEARCHING)
