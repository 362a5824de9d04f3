"""A resumable store of finished runs: nothing half-written, nothing finished lost.

Each finished batch of runs becomes one small Parquet file in ``FOLDER/store/``, written to a
hidden temporary file, flushed to disk and renamed into place (``os.replace`` is atomic), so a
``kill -9`` at any moment leaves either the whole file or none of it. Runs are keyed by scenario
hash, seed and replication: a sweep that is run again skips every key already stored, whatever
the points are called. Files are named in the order they were written; where a key is stored
twice the newest row counts. A run stored without a metric that the code now computes (written
by an older version) counts as missing and is run again. A lock file stops two sweeps writing
to one folder at once.
"""

from __future__ import annotations

import fcntl
import os
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self

import pandas as pd
import pyarrow.parquet as pq

from ipssim.errors import UserError

KEY = ("scenario_hash", "seed", "rep")
Key = tuple[str, int, int]


class StoreError(UserError):
    """A result folder that is in use or holds something else."""


def atomic_write(path: Path, write: Callable[[Path], Any]) -> Path:
    """Let ``write`` fill a temporary file beside ``path``, flush it, then rename it into place."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
    try:
        write(tmp)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


class RunStore:
    """The finished runs of one result folder. Use as a context manager: it holds the lock."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.dir = self.folder / "store"
        self._lock: int | None = None

    def __enter__(self) -> Self:
        if self.folder.exists() and not self.folder.is_dir():
            raise StoreError(f"{self.folder}: is a file, not a result folder")
        if self.folder.is_dir() and any(self.folder.iterdir()) and not self.dir.is_dir():
            raise StoreError(
                f"{self.folder}: already holds other results (no store/ folder); "
                "choose a new folder"
            )
        self.dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.folder / ".lock", os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StoreError(f"{self.folder}: another sweep is writing to this folder") from None
        self._lock = fd
        for stale in self.folder.glob("**/.*.tmp"):  # left by a process that was killed
            stale.unlink(missing_ok=True)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._lock is not None:
            os.close(self._lock)  # closing releases the lock
            self._lock = None

    def _parts(self) -> list[Path]:
        return sorted(self.dir.glob("*.parquet"))

    def frame(self) -> pd.DataFrame:
        """Every stored run, one row per key (the newest)."""
        parts = [pd.read_parquet(p) for p in self._parts()]
        if not parts:
            return pd.DataFrame(columns=list(KEY))
        rows = pd.concat(parts, ignore_index=True)
        return rows.drop_duplicates(subset=list(KEY), keep="last").reset_index(drop=True)

    def keys(self, required: tuple[str, ...] = ()) -> set[Key]:
        """The keys of the stored runs that have every ``required`` column."""
        keys: set[Key] = set()
        for part in self._parts():
            if not set(required) <= set(pq.read_schema(part).names):
                continue
            rows = pd.read_parquet(part, columns=list(KEY))
            keys |= {(str(h), int(s), int(r)) for h, s, r in rows.itertuples(index=False)}
        return keys

    def save(self, rows: list[dict[str, Any]]) -> Path:
        """Store one finished batch."""
        frame = pd.DataFrame(rows)
        path = self.dir / _name("part")
        return atomic_write(path, lambda tmp: frame.to_parquet(tmp, index=False))

    def compact(self) -> None:
        """Merge the batch files into one (a crash midway leaves duplicates, which are ignored)."""
        parts = self._parts()
        if len(parts) <= 1:
            return
        merged = self.frame()
        atomic_write(self.dir / _name("runs"), lambda tmp: merged.to_parquet(tmp, index=False))
        for part in parts:
            part.unlink()


def _name(kind: str) -> str:
    """A file name that sorts in the order files were written."""
    return f"{time.time_ns():020d}-{kind}-{uuid.uuid4().hex[:8]}.parquet"
