"""The one local pool: results in the order of the tasks, and workers ended when left early."""

from __future__ import annotations

import math
import multiprocessing

from ipssim.pool import ordered_map, usable


def test_results_come_in_task_order_whatever_the_workers() -> None:
    tasks = [9, 3, 7, 1, 5, 2]
    expected = [math.factorial(n) for n in tasks]
    assert list(ordered_map(math.factorial, tasks, 1)) == expected
    assert list(ordered_map(math.factorial, tasks, 2)) == expected
    assert usable(8, 3) <= 3 and usable(0, 5) == 1


def test_a_reader_that_stops_early_ends_the_workers() -> None:
    results = ordered_map(math.factorial, list(range(200)), 2)
    assert next(results) == 1
    results.close()  # as an interrupt or an error in the reader would
    assert not multiprocessing.active_children()
