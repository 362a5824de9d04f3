"""Job tenure: a job-ending hazard that falls with time in the job (Weibull, proportional
hazards).

A worker's hazard ``tenure`` days into a job is ``multiplier`` times the baseline hazard
``h0(t) = shape * per_year / 365 * (t / 365) ** (shape - 1)``, whose integral over the job's
first year is ``per_year``: the cumulative baseline hazard is ``H0(t) = per_year * (t / 365) **
shape``. A shape below 1 puts job loss in the first weeks of a job, 1 is a constant hazard of
``per_year`` a year. The multiplier (severity, support, a matched job, the firm) may change
while the job lasts; the time left is drawn from the current tenure, so a redraw does not
reset the job's clock.

Follow-along support lowers the multiplier just after each contact with the specialist, and
its protection fades with time since that contact (``protection``); ``days_left_followed``
draws a job's end on that hazard, as if no further contact came (each contact redraws it).
"""

from __future__ import annotations

import math

YEAR_DAYS = 365.0


def cumulative_hazard(tenure: float, per_year: float, shape: float) -> float:
    """Baseline cumulative job-ending hazard after ``tenure`` days in a job."""
    return per_year * (tenure / YEAR_DAYS) ** shape


def hazard(tenure: float, per_year: float, shape: float) -> float:
    """Baseline daily job-ending hazard ``tenure`` days into a job (``tenure`` > 0 if
    ``shape`` < 1)."""
    return shape * per_year / YEAR_DAYS * (tenure / YEAR_DAYS) ** (shape - 1.0)


def days_left(
    tenure: float, per_year: float, shape: float, multiplier: float, unit_exponential: float
) -> float:
    """Days until the job ends, given ``tenure`` days survived so far and a fresh Exp(1) draw.

    Solves ``multiplier * (H0(tenure + d) - H0(tenure)) = unit_exponential`` for ``d``: exact
    for the conditional distribution of the remaining time at this multiplier.
    """
    if per_year <= 0 or multiplier <= 0 or unit_exponential == math.inf:
        return math.inf
    reached = cumulative_hazard(tenure, per_year, shape) + unit_exponential / multiplier
    return YEAR_DAYS * (reached / per_year) ** (1.0 / shape) - tenure


def protection(since_contact: float, unsupported: float, protection_days: float) -> float:
    """Job-loss multiplier ``since_contact`` days after the last follow-along contact: 1 just
    after it, rising toward ``unsupported`` as ``1 - exp(-since / protection_days)``."""
    return 1.0 + (unsupported - 1.0) * -math.expm1(-since_contact / protection_days)


STEP_DAYS = 7.0  # the multiplier is held at its mid-week value through each week
FADED = 8.0  # after this many protection times the protection is taken as gone (e^-8)


def days_left_followed(
    tenure: float,
    per_year: float,
    shape: float,
    risk: float,
    unsupported: float,
    since_contact: float,
    protection_days: float,
    unit_exponential: float,
) -> float:
    """Days until the job ends for a worker whose multiplier is ``risk`` times
    ``protection(since_contact + d)`` ``d`` days on, with no further contact.

    The multiplier is held at its mid-week value week by week (exact for each piece, by
    ``days_left``) until the protection has faded, then stays at ``risk * unsupported``.
    """
    if per_year <= 0 or risk <= 0 or unit_exponential == math.inf:
        return math.inf
    left, elapsed = unit_exponential, 0.0
    while since_contact + elapsed < FADED * protection_days and unsupported != 1.0:
        multiplier = risk * protection(
            since_contact + elapsed + STEP_DAYS / 2, unsupported, protection_days
        )
        now = tenure + elapsed
        spent = multiplier * (
            cumulative_hazard(now + STEP_DAYS, per_year, shape)
            - cumulative_hazard(now, per_year, shape)
        )
        if spent >= left:
            return elapsed + days_left(now, per_year, shape, multiplier, left)
        left -= spent
        elapsed += STEP_DAYS
    return elapsed + days_left(tenure + elapsed, per_year, shape, risk * unsupported, left)
