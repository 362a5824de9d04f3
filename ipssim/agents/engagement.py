"""Engagement: the hazard of disengaging from the employment service, from what the service
does.

A client with a specialist disengages (a break, or dropping out) at a daily hazard: the
service's base rate (``IPSModel.disengage_rate``: community work, integration and peer workers
lower it) times the client's benefit worry and lack of confidence, times how rarely the client
sees the specialist (the interval between meetings, or between follow-along contacts in work),
how full the specialist's caseload is, higher while the job search has yet to begin and lower
while the client is in work with follow-along support. Scalars or arrays alike.
"""

from __future__ import annotations

import numpy as np

from ipssim.schema.people import Clients

WEEK_DAYS = 7.0


def disengage_hazard(
    base: float,
    worry,
    confidence,
    interval_days,
    caseload_use,
    working,
    preparing,
    clients: Clients,
):
    """Daily disengagement hazard.

    ``worry`` is the benefit worry as eased by the service, ``confidence`` the client's (both
    0-1), ``interval_days`` the days between the specialist's contacts, ``caseload_use`` the
    specialist's caseload over the cap, ``working`` whether the client is in work and
    ``preparing`` whether the job search has yet to begin (pre-vocational preparation).
    """
    return (
        base
        * (0.5 + worry)
        * (1.5 - confidence)
        * (np.asarray(interval_days) / WEEK_DAYS) ** clients.disengage_interval_elasticity
        * (1.0 + clients.disengage_caseload_pressure * np.asarray(caseload_use))
        * np.where(working, clients.disengage_in_work, 1.0)
        * np.where(preparing, clients.disengage_preparing, 1.0)
    )
