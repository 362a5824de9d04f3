"""The dashboard's Mesa model: the baseline and the changed service, stepped together.

Both services are ``IPSModel`` runs from the same seed (common random numbers), with the same
calibrated parameters (replication 0's of ``Parameters``): the same clients arrive with the same
histories and draws, so every difference on screen comes from the change of policy alone.
Without comparison only the changed service runs.
"""

from __future__ import annotations

import mesa

from ipssim.dashboard.view import View, look
from ipssim.model import IPSModel
from ipssim.parameters import DEFAULTS, Parameters
from ipssim.scenario import Scenario

BASELINE = "Baseline"
CHANGED = "Changed"
ALONE = "Service"


class SideBySide(mesa.Model):
    """Two ``IPSModel`` runs advanced one week per step; ``view()`` is what the room sees."""

    def __init__(
        self,
        baseline: Scenario | None = None,
        changed: Scenario | None = None,
        seed: int = 1,
        compare: bool = True,
        parameters: Parameters = DEFAULTS,
    ) -> None:
        super().__init__(seed=seed)
        self.baseline = baseline = baseline or Scenario()
        self.changed = changed = changed or baseline
        runs = {BASELINE: baseline, CHANGED: changed} if compare else {ALONE: changed}
        self.services = {
            label: IPSModel(parameters.scenario(s, seed, 0), seed=seed) for label, s in runs.items()
        }
        self._view: View | None = None

    @property
    def week(self) -> int:
        """Weeks simulated so far (the same in both services)."""
        return min(m.week for m in self.services.values())

    def advance(self) -> None:
        """One week in every service, not yet shown (``publish`` shows it)."""
        for service in self.services.values():
            if service.running:
                service.step()
        self.running = any(m.running for m in self.services.values())

    def publish(self) -> None:
        """Show the week simulated last: the figures are computed once, here."""
        self._view = look(self.services, self.week)

    def step(self) -> None:
        """The next week, shown: a week already simulated but held back (the room paused while
        it ran) is shown first, else one more week is simulated."""
        if self.view().week == self.week:
            self.advance()
        self.publish()

    def view(self) -> View:
        """The figures of the week shown (week 0 before any week is published)."""
        if self._view is None:
            self.publish()
        assert self._view is not None
        return self._view
