"""The client's decision to disclose a conviction (``ipssim.agents.disclosure``)."""

from __future__ import annotations

import numpy as np

from ipssim.agents.disclosure import disclose


def test_alone_a_client_discloses_by_their_own_chance_whatever_the_employer() -> None:
    u = np.array([0.1, 0.9, 0.1, 0.9])
    yes, no = np.ones(4, bool), np.zeros(4, bool)
    checks = np.array([True, True, False, False])
    assert disclose(u, yes, no, checks, yes, 0.4).tolist() == [True, False, True, False]
    assert not disclose(u, no, yes, checks, yes, 0.4).any()  # no conviction, nothing to tell


def test_with_support_a_client_discloses_where_it_comes_out_anyway_or_is_welcome() -> None:
    u = np.full(4, 0.9)  # a client who would not disclose alone
    yes = np.ones(4, bool)
    checks = np.array([True, False, False, True])
    known_open = np.array([False, True, False, True])
    assert disclose(u, yes, yes, checks, known_open, 0.4).tolist() == [True, True, False, True]
    u[2] = 0.1  # elsewhere the choice stays the client's own
    assert disclose(u, yes, yes, checks, known_open, 0.4)[2]
