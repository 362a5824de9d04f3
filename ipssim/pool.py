"""The local pool of worker processes: the one place that makes one.

A function run in the workers must be importable at module top level (``import mesa`` makes
every pool spawn its workers). Workers leave Ctrl-C to the parent; when the pool is left early,
by an interrupt, an error or a caller that stops reading, queued work is cancelled and the
workers end at once. Workers end by themselves when the parent ends, however it ends.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context
from typing import TypeVar

Task = TypeVar("Task")
Result = TypeVar("Result")
PARENT_POLL_S = 0.5  # how often a worker checks that its parent is still there


def usable(workers: int, tasks: int) -> int:
    """How many workers are worth starting: no more than asked, than tasks, or than cores."""
    return max(1, min(workers, tasks, os.cpu_count() or 1))


def _worker_start(parent: int) -> None:
    """Workers leave Ctrl-C to the parent, which stops them itself, and end when it ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch_parent(parent)


def watch_parent(parent: int, poll_s: float = PARENT_POLL_S) -> None:
    """End this process within ``poll_s`` seconds of the end of ``parent`` (the process that
    started it), however it ended (kill -9 included): an orphan is handed to another process,
    so its parent's id changes. ``parent`` is given, not read here, so that a worker whose
    parent died while it was starting ends too."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll_s)
        os._exit(1)

    threading.Thread(target=watch, name="ipssim-watch-parent", daemon=True).start()


@contextmanager
def local_pool(workers: int, start: str | None = None) -> Iterator[ProcessPoolExecutor]:
    """``workers`` worker processes, started by ``start`` ("spawn", or None for
    multiprocessing's default: fork on Linux unless something asked for spawn); shut down
    cleanly when the block ends, stopped at once when it is left by an exception (an interrupt
    or a closed generator included)."""
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=get_context(start),
        initializer=_worker_start,
        initargs=(os.getpid(),),
    )
    try:
        yield pool
    except BaseException:
        stop(pool)
        raise
    pool.shutdown()


def stop(pool: ProcessPoolExecutor) -> None:
    """Cancel queued work and end the workers at once (a running task is abandoned)."""
    # no public API before Python 3.14's terminate_workers(); read before shutdown forgets them
    processes = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)
    # the pool's own thread reaps the workers too; until it has, one may look alive to
    # multiprocessing though it has ended
    if manager is not None:
        manager.join(timeout=5)


def ordered_map(
    function: Callable[[Task], Result], tasks: list[Task], workers: int
) -> Iterator[Result]:
    """``function(task)`` for each task, in the order of the tasks whatever the number of
    workers; in worker processes when more than one is asked for and there is more than one
    task, in this process otherwise."""
    count = usable(workers, len(tasks))
    if count == 1:
        yield from map(function, tasks)
        return
    with local_pool(count) as pool:
        yield from pool.map(function, tasks)
