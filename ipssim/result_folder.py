"""Reading a result folder written by ``ipssim run``, ``compare``, ``sweep`` or ``sensitivity``.

The kind is read from ``manifest.json`` (sweeps and sensitivity analyses say so) or from the
files present: ``compare.csv`` for a comparison, ``summary.csv`` with ``runs.parquet`` for a run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from ipssim.errors import UserError
from ipssim.outcomes import BREAKDOWNS

KINDS = ("run", "compare", "sweep", "sensitivity")


class FolderError(UserError):
    """A folder that is not a complete ipssim result."""


@dataclass
class ResultFolder:
    """A result folder, its kind and its manifest; tables are read on demand."""

    path: Path
    kind: str
    manifest: dict[str, Any]

    def has(self, name: str) -> bool:
        return (self.path / name).is_file()

    def table(self, name: str) -> pd.DataFrame:
        """A table of the folder by file name (CSV or Parquet)."""
        path = self.path / name
        if not path.is_file():
            raise FolderError(f"{self.path}: {name} is missing; the result is incomplete")
        return pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)

    @cached_property
    def levers(self) -> list[str]:
        """The levers of a sweep, in the order of its file."""
        return [lv["name"] for lv in self.manifest.get("sweep", {}).get("levers", [])]

    @cached_property
    def metrics(self) -> list[str]:
        """The metrics of a sweep's summary."""
        return list(self.manifest.get("sweep", {}).get("metrics", []))

    def extra_files(self, suffixes: tuple[str, ...]) -> list[Path]:
        """Files other commands added beside the result (time courses, figures), by name."""
        own = {
            "summary.csv",
            "funnel.csv",
            "compare.csv",
            "indices.csv",
            *(f"{name}.csv" for name, _ in BREAKDOWNS.values()),
        }
        return sorted(
            p
            for p in self.path.iterdir()
            if p.is_file()
            and p.suffix in suffixes
            and p.name not in own
            and not p.name.startswith(".")
        )


def open_folder(path: Path) -> ResultFolder:
    """The result in ``path``, or a clear error saying what is missing."""
    path = Path(path)
    if not path.is_dir():
        raise FolderError(f"{path}: no such result folder")
    manifest_path = path / "manifest.json"
    if not manifest_path.is_file():
        if (path / "store").is_dir():
            raise FolderError(
                f"{path}: the sweep has not finished (no manifest.json yet); run "
                "the sweep command again to complete it"
            )
        raise FolderError(
            f"{path}: not an ipssim result folder (no manifest.json); expected the "
            "--out folder of ipssim run, compare, sweep or sensitivity"
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FolderError(f"{manifest_path}: not valid JSON ({exc})") from None
    kind = manifest.get("kind")
    if kind not in KINDS:
        if (path / "compare.csv").is_file():
            kind = "compare"
        elif (path / "summary.csv").is_file() and (path / "runs.parquet").is_file():
            kind = "run"
        else:
            raise FolderError(
                f"{path}: cannot tell what this result is: expected compare.csv "
                "(a comparison), summary.csv and runs.parquet (a run) or a sweep's "
                "manifest"
            )
    return ResultFolder(path, kind, manifest)
