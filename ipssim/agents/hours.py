"""Hours of work: the hours a vacancy offers and the hours a client takes, or the offer declined.

A post is part time with the labour market's part-time share, its hours spread evenly between
half and one and a half times the mean hours of part-time posts; otherwise it is full time. A
client takes the post's hours up to the hours they wish to work (those who wish to work full time
take a full-time post's hours), less, for a client on benefits, a share of the hours that would
earn more than the Universal Credit work allowance: the share is their benefit worry (as eased by
benefits counselling). A client declines an offer of more than ``work.decline_hours_ratio`` times
the hours they would take. Scalars or arrays alike.
"""

from __future__ import annotations

import numpy as np

from ipssim.schema.market import LabourMarket, Work

WEEKS_PER_MONTH = 52 / 12


def spread(u, mean):
    """Hours spread evenly between half and one and a half times ``mean``, from uniforms ``u``."""
    return mean * (0.5 + u)


def offered_hours(u, market: LabourMarket):
    """Hours a week of the post offered, from one uniform per offer."""
    share = market.part_time_share
    part_time = u < share
    return np.where(
        part_time,
        spread(u / max(share, 1e-12), market.part_time_hours),
        market.full_time_hours,
    )


def allowance_hours(market: LabourMarket, work: Work) -> float:
    """Hours a week at the hourly wage that earn the monthly work allowance."""
    return work.work_allowance_month / WEEKS_PER_MONTH / max(market.hourly_wage, 1e-9)


def hours_taken(wished, offered, worry, allowance: float):
    """Hours a week a client would work in a post offering ``offered``: its hours up to those
    ``wished``, with ``worry`` (0-1) of the hours above the work allowance's given up."""
    wanted = np.minimum(wished, offered)
    return wanted - worry * np.maximum(0.0, wanted - allowance)


def declines(offered, taken, work: Work):
    """Whether the client turns the post down: its hours far above those they would take."""
    return offered > work.decline_hours_ratio * taken
