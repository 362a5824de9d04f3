"""What the service costs over the measurement window, from the costs section and the event log.

Specialists are paid for the weeks their posts are filled: a post left vacant by turnover
(``SPECIALIST_LEFT``, its detail the weeks vacant) is unpaid until its replacement starts.
Team leaders and the manager are funded by ratio to the posts, filled or not (IPS Grow
workforce calculator). ``staff_cost`` counts specialists only (salary, employer National
Insurance and pension), the figure ``cost_per_placement`` has always divided; ``annual_cost``
is the whole team's cost a year as a commissioner counts it, with leaders, manager and the
non-staff share.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ipssim.events import Event
from ipssim.schema.costs import Costs


def vacant_weeks(log: pd.DataFrame, window: tuple[int, int]) -> float:
    """Specialist-weeks of vacant posts within the window (first day, end day)."""
    begin, end = window
    left = log[log["event"] == Event.SPECIALIST_LEFT.name.lower()]
    start = left["day"].to_numpy()
    stop = start + 7 * left["detail"].to_numpy()
    return float((np.minimum(stop, end) - np.maximum(start, begin)).clip(min=0).sum() / 7)


def service_costs(
    log: pd.DataFrame,
    costs: Costs,
    posts: int,
    window: tuple[int, int],
    placements: int,
    sustained: int,
) -> dict[str, float]:
    """``staff_cost``, ``annual_cost``, ``team_cost`` (over the window) and the costs per job
    start and per job sustained 13 weeks, for ``posts`` specialist posts."""
    years = (window[1] - window[0]) / 7 / 52
    paid_years = max(0.0, posts * years - vacant_weeks(log, window) / 52)
    team_cost = costs.team(paid_years, posts * years)
    return {
        "staff_cost": paid_years * costs.specialist_year(),
        "annual_cost": team_cost / years if years else float("nan"),
        "team_cost": team_cost,
        "cost_per_job_start": team_cost / placements if placements else float("nan"),
        "cost_per_sustained_job_13wk": team_cost / sustained if sustained else float("nan"),
    }
