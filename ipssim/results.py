"""Provenance and result folders: a manifest beside every result, written all or nothing."""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import time
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from ipssim.errors import UserError
from ipssim.scenario import Scenario
from ipssim.version import __version__

PACKAGES = ("mesa", "simpy", "numpy", "pandas", "pydantic", "pyarrow", "scipy")


class OutputError(UserError):
    """An output folder that cannot be written without losing something."""


def versions() -> dict[str, str]:
    """Versions of ipssim, Python and the libraries a result depends on."""
    out = {"ipssim": __version__, "python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def manifest(
    scenarios: list[Scenario], seed: int, reps: int, wall_time_s: float, **extra: Any
) -> dict[str, Any]:
    """What a result came from: scenarios with their hashes, seed, versions, platform, time."""
    return {
        "scenarios": [
            {"name": s.name, "hash": s.hash(), "scenario": s.model_dump(mode="json")}
            for s in scenarios
        ],
        "seed": seed,
        "reps": reps,
        "version": __version__,
        "versions": versions(),
        "platform": platform.platform(),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "wall_time_s": round(wall_time_s, 3),
        **extra,
    }


def check_free(out: Path) -> None:
    """Refuse a folder that already holds results, before any work is done."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise OutputError(
            f"--out {out}: already exists and is not empty; choose a new folder so "
            "that no earlier result is overwritten"
        )


def write_folder(out: Path, write: Callable[[Path], None]) -> None:
    """Let ``write`` fill a hidden sibling folder, then move it into place in one step.

    An interrupted write leaves no folder at ``out``: only complete results appear there.
    """
    check_free(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.parent / f".{out.name}.partial-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        write(partial)
        if out.exists():
            out.rmdir()
        partial.rename(out)
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
