"""Run a function over tasks in local worker processes, in order, with a progress bar.

``import mesa`` switches multiprocessing to spawn, so ``function`` must be importable at module
top level; results come back in the order of the tasks whatever the number of workers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from typing import TypeVar

from tqdm import tqdm

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
    workers = min(workers, len(tasks), os.cpu_count() or 1)
    pool = ProcessPoolExecutor(max_workers=workers) if workers > 1 else nullcontext()
    with (
        tqdm(total=sum(sizes), desc=label, unit=unit, disable=not progress, leave=False) as bar,
        pool,
    ):
        results = pool.map(function, tasks) if workers > 1 else map(function, tasks)
        for size, result in zip(sizes, results, strict=True):
            bar.update(size)
            yield result
