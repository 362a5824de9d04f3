"""Provenance and result folders: a manifest beside every result, written all or nothing."""

from __future__ import annotations

import glob
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from ipssim.errors import UserError, shown
from ipssim.scenario import Scenario
from ipssim.version import __version__

PARTIAL_PREFIX = ".{name}.partial-"  # + the writing process's id: a folder not yet complete
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
    try:
        taken = out.exists() and (not out.is_dir() or any(out.iterdir()))
    except (OSError, ValueError) as exc:  # unreadable, or a name the system refuses
        raise OutputError(f"--out {shown(str(out))}: cannot be used ({_reason(exc)})") from None
    if taken:
        raise OutputError(
            f"--out {out}: already exists and is not empty; choose a new folder so "
            "that no earlier result is overwritten"
        )


def check_writable(out: Path) -> None:
    """Refuse an output path whose folder cannot be written, before any work is done: the
    nearest folder of it that exists must let us make (and remove) a folder named like it."""
    try:
        place = out.absolute().parent
        while not place.exists():
            place = place.parent
        probe = tempfile.mkdtemp(prefix=f".{out.name}.probe-", dir=place)
        os.rmdir(probe)
    except (OSError, ValueError) as exc:
        raise OutputError(
            f"--out {shown(str(out))}: cannot write there ({_reason(exc)}); choose a folder "
            "you can write to"
        ) from None


def write_folder(out: Path, write: Callable[[Path], None]) -> None:
    """Let ``write`` fill a hidden sibling folder, then move it into place in one step.

    An interrupted write leaves no folder at ``out``: only complete results appear there.
    Hidden folders that processes since ended left beside ``out`` are removed first.
    """
    check_free(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_partials(out)
        partial = out.parent / f"{PARTIAL_PREFIX.format(name=out.name)}{os.getpid()}"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir()
    except (OSError, ValueError) as exc:
        raise OutputError(f"--out {out}: cannot write there ({_reason(exc)})") from None
    try:
        write(partial)
        _move_into_place(partial, out)
    except OSError as exc:
        raise OutputError(
            f"--out {out}: writing the results failed ({_reason(exc)}); nothing was kept"
        ) from None
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def remove_stale_partials(out: Path) -> list[Path]:
    """Remove the hidden folders beside ``out`` left by ``write_folder`` in processes that have
    ended (killed before they finished); return them."""
    removed = []
    prefix = PARTIAL_PREFIX.format(name=out.name)
    for partial in out.parent.glob(f"{glob.escape(prefix)}*"):
        pid = partial.name.removeprefix(prefix)
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(partial, ignore_errors=True)
            removed.append(partial)
    return removed


def _move_into_place(partial: Path, out: Path) -> None:
    """Rename ``partial`` to ``out``; if another process filled ``out`` meanwhile, keep these
    results beside it and say where."""
    try:
        if out.exists():
            out.rmdir()
        partial.rename(out)
    except OSError:
        if not (out.is_dir() and any(out.iterdir())):
            raise
        kept = out.with_name(f"{out.name}-{os.getpid()}")
        partial.rename(kept)
        raise OutputError(
            f"--out {out}: another process wrote its results there while this one ran; "
            f"this run's results are in {kept}"
        ) from None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _reason(exc: BaseException) -> str:
    """Why an operating-system call failed, in a few words."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return shown(str(exc))


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
