"""The client's decision to tell an employer about a conviction.

Disclosure is the client's choice (fidelity item 13: specialists help clients decide). Alone,
a client tells an employer with a chance of their own, whatever the employer. With disclosure
support the specialist helps decide employer by employer and prepares the disclosure with the
client: where a records check will find the conviction anyway, or where the specialist knows
through job development that the employer would consider it, the client discloses (a prepared
disclosure earns the employer's trust); elsewhere the choice stays the client's own.
"""

from __future__ import annotations

import numpy as np


def disclose(
    u: np.ndarray,
    offender: np.ndarray,
    supported: np.ndarray,
    checks: np.ndarray,
    known_open: np.ndarray,
    alone: float,
) -> np.ndarray:
    """Which applicants tell the employer of their conviction, one per row.

    ``u`` is each applicant's uniform, ``supported`` marks disclosure prepared with the
    specialist, ``checks`` employers whose records check will find the conviction, and
    ``known_open`` employers the specialist knows would consider it once told; ``alone`` is
    the chance a client discloses by their own choice.
    """
    informed = supported & (checks | known_open)
    return offender & (informed | (u < alone))
