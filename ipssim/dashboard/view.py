"""What the room sees at one week: the referral funnel, running totals and the fidelity review.

Everything here is computed from each run's event log and weekly counts, through ``outcomes``
and ``fidelity``; nothing reaches inside the model's agents.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from ipssim import outcomes
from ipssim.model import IPSModel
from ipssim.scenario import Scenario

if TYPE_CHECKING:
    from ipssim.fidelity import Review

FUNNEL = (
    "Want work",
    "Referred",
    "Waited for a place",
    "Engaged",
    "Found work",
    "Kept a job 13 weeks",
)

# (key, label) of the figures in the "so far" table; keys name the page's cells for tests.
FIGURES = (
    ("want_work", "Want work"),
    ("referred", "Referred"),
    ("engaged", "Engaged"),
    ("placements", "Job starts"),
    ("reoffences", "Reoffences"),
    ("in_work", "In work now"),
    ("waiting", "Waiting now"),
    ("fidelity", "Fidelity (of 125)"),
)
NOT_AVAILABLE = "fidelity review not available"


@dataclass(frozen=True)
class ServiceView:
    """One service at one week."""

    label: str
    scenario: Scenario
    weekly: pd.DataFrame  # the model's DataCollector frame, one row per week
    funnel: dict[str, int]  # FUNNEL stage -> clients who reached it so far
    fidelity: Review | None  # None when the review is not available

    def latest(self, column: str) -> int:
        """The weekly count ``column`` at the latest week (0 before the first week)."""
        return int(self.weekly[column].iloc[-1]) if len(self.weekly) else 0

    @property
    def figures(self) -> dict[str, int | None]:
        """The values of ``FIGURES``, by key."""
        return {
            "want_work": self.funnel["Want work"],
            "referred": self.funnel["Referred"],
            "engaged": self.funnel["Engaged"],
            "placements": self.latest("placements"),
            "reoffences": self.latest("reoffences"),
            "in_work": self.latest("working"),
            "waiting": self.latest("waiting"),
            "fidelity": None if self.fidelity is None else int(self.fidelity.total),
        }


@dataclass(frozen=True)
class View:
    """All services at one week, baseline first."""

    week: int
    services: tuple[ServiceView, ...]
    fidelity_note: str  # "" when the fidelity review ran, else why not

    def difference(self, key: str) -> int | None:
        """Changed minus baseline for figure ``key`` (None without a comparison)."""
        if len(self.services) < 2:
            return None
        base, changed = (s.figures[key] for s in self.services[:2])
        return None if base is None or changed is None else changed - base


def fidelity_review() -> Callable[..., Review] | None:
    """``ipssim.fidelity.review`` when that module is installed, else None."""
    try:
        from ipssim.fidelity import review
    except ImportError:
        return None
    return review


def funnel(events: pd.DataFrame, today: int) -> dict[str, int]:
    """Clients who reached each ``FUNNEL`` stage by day ``today``.

    "Waited for a place" counts clients who joined a waiting list and were not taken on the same
    day.
    """
    counts = outcomes.funnel(events, today)
    keys = ["client", "day"]
    joined = events.loc[events["event"] == "waitlisted", keys]
    taken = events.loc[events["event"] == "engaged", keys]
    waits = joined.merge(taken, on=keys, how="left", indicator=True)
    waited = int(waits.loc[waits["_merge"] == "left_only", "client"].nunique())
    return dict(
        zip(
            FUNNEL,
            (
                counts["wants_work"],
                counts["referred"],
                waited,
                counts["engaged"],
                counts["job"],
                counts["sustained_13wk"],
            ),
            strict=True,
        )
    )


def look(services: Mapping[str, IPSModel], week: int) -> View:
    """The view of every service at ``week``."""
    review = fidelity_review()
    shown = []
    for label, model in services.items():
        events = model.log.frame()
        weekly = model.datacollector.get_model_vars_dataframe()
        fidelity = review(events, model.scenario, weekly) if review and week > 0 else None
        shown.append(ServiceView(label, model.scenario, weekly, funnel(events, 7 * week), fidelity))
    note = "" if review else NOT_AVAILABLE
    return View(week, tuple(shown), note)
