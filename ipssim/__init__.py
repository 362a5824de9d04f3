"""ipssim: agent-based simulation of Individual Placement and Support services.

The Python API (``docs/api.md``): ``ipssim.load``, ``ipssim.run``, ``ipssim.compare`` and
``ipssim.sweep``, imported on first use so that ``import ipssim`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ipssim.version import __version__

if TYPE_CHECKING:
    from ipssim.api import compare, load, run, sweep

__all__ = ["__version__", "compare", "load", "run", "sweep"]
_API = ("compare", "load", "run", "sweep")


def __getattr__(name: str) -> Any:
    if name in _API:
        from ipssim import api

        return getattr(api, name)
    raise AttributeError(f"module 'ipssim' has no attribute {name!r}")
