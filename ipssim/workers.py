"""Run a function over tasks in local worker processes, in order, with a progress bar.

The workers are ``ipssim.pool``'s, so ``function`` must be importable at module top level;
results come back in the order of the tasks whatever the number of workers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from tqdm import tqdm

from ipssim.pool import ordered_map

Task = TypeVar("Task")
Result = TypeVar("Result")


def run_tasks(
    function: Callable[[Task], Result],
    tasks: Sequence[Task],
    workers: int,
    label: str,
    unit: str,
    sizes: Sequence[int] | None = None,
    progress: bool = True,
) -> Iterator[Result]:
    """Yield ``function(task)`` for each task, in order; the bar counts ``sizes`` (one per task,
    default 1) in ``unit`` on stderr."""
    sizes = sizes or [1] * len(tasks)
    with tqdm(total=sum(sizes), desc=label, unit=unit, disable=not progress, leave=False) as bar:
        results = ordered_map(function, list(tasks), workers)
        for size, result in zip(sizes, results, strict=True):
            bar.update(size)
            yield result
