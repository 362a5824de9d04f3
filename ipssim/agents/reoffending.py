"""The reoffending clock: the day a client next reoffends.

The hazard per day is a rate set by where the client is (none in prison or custody, lower in
work), raised after a release by a rise that falls linearly to nothing over ``fade_days``
(``offending.release_fade_weeks``). The
client reoffends when the hazard accumulated since the last reoffence reaches a unit
exponential threshold drawn in advance, so the day is solved for once per change of rate
instead of being checked day by day.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from ipssim.streams import Draws


class ReoffendingClock:
    """One client's hazard accumulated since the last reoffence, and the day it reaches the
    next threshold."""

    __slots__ = (
        "_boost",
        "_draws",
        "_due",
        "_fade_days",
        "_hazard",
        "_reoffences",
        "_since",
        "_thresholds",
        "rate",
        "release_day",
    )

    def __init__(
        self,
        thresholds: Iterable[float],
        boost: float,
        fade_days: float,
        since: float,
        draws: Draws,
    ) -> None:
        """``thresholds`` drawn in advance (more come from ``draws`` if needed); ``boost``: the
        post-release rise at its height, as a multiple of the rate, gone ``fade_days`` after
        release; the clock runs from ``since``."""
        self.rate = 0.0  # hazard per day now, leaving out the post-release rise
        self.release_day: float = -(10**6)
        self._boost = boost
        self._fade_days = fade_days
        self._since = since
        self._hazard = 0.0
        self._due: float | None = None  # the day of the next reoffence at this rate, once solved
        self._reoffences = 0
        self._thresholds = list(thresholds)
        self._draws = draws

    def set_rate(self, rate: float, now: float) -> None:
        """From ``now`` the hazard per day is ``rate`` (before the post-release rise): when it
        changes, add the hazard run up at the old rate and forget the day of the next reoffence,
        which ``next_day`` works out again."""
        if rate == self.rate:
            return
        since = self._since
        if self.rate > 0.0:
            elapsed = now - since
            if since - self.release_day < self._fade_days:
                elapsed += self._boost * self._fade(since, now)
            self._hazard += self.rate * elapsed
        self._since = now
        self.rate = rate
        self._due = None

    def next_day(self) -> float:
        """The day of the next reoffence at the current rate (``math.inf`` for none)."""
        due = self._due
        if due is None:
            due = self._due = self._solve()
        return due

    def reoffended(self, now: float) -> None:
        """A reoffence on ``now``: the clock starts again towards the next threshold."""
        self._reoffences += 1
        self._hazard, self._since, self._due = 0.0, now, None

    def _fade(self, start: float, end: float) -> float:
        """Integral over [start, end] of the post-release rise, which falls linearly to 0."""
        x1 = min(max(start - self.release_day, 0.0), self._fade_days)
        x2 = min(max(end - self.release_day, 0.0), self._fade_days)
        return (x2 - x1) - (x2 * x2 - x1 * x1) / (2.0 * self._fade_days)

    def _solve(self) -> float:
        """The day the hazard accumulated since the last reoffence reaches its threshold."""
        rate = self.rate
        if rate <= 0.0:
            return math.inf
        if self._reoffences >= len(self._thresholds):
            self._thresholds.append(self._draws.exponential(1.0))
        need = max(0.0, self._thresholds[self._reoffences] - self._hazard) / rate
        fading = self._fade_days - (self._since - self.release_day)
        if fading <= 0.0 or self._boost == 0.0:
            return math.ceil(self._since + need)
        in_fade = fading + self._boost * self._fade(self._since, self._since + fading)
        if need > in_fade:
            return math.ceil(self._since + fading + need - in_fade)
        # solve x + boost * (fading x - x^2 / 2) / self._fade_days = need, the root below ``fading``
        b = 1.0 + self._boost * fading / self._fade_days
        a = self._boost / (2.0 * self._fade_days)
        return math.ceil(
            self._since + 2.0 * need / (b + math.sqrt(max(b * b - 4.0 * a * need, 0.0)))
        )
