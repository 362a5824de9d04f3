"""Job tenure: a job-ending hazard that falls with time in the job (Weibull, proportional
hazards).

A worker's hazard ``tenure`` days into a job is ``multiplier`` times the baseline hazard
``h0(t) = shape * per_year / 365 * (t / 365) ** (shape - 1)``, whose integral over the job's
first year is ``per_year``: the cumulative baseline hazard is ``H0(t) = per_year * (t / 365) **
shape``. A shape below 1 puts job loss in the first weeks of a job, 1 is a constant hazard of
``per_year`` a year. The multiplier (severity, support, a matched job, the firm) may change
while the job lasts; the time left is drawn from the current tenure, so a redraw does not
reset the job's clock.
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
