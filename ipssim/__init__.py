"""ipssim: agent-based simulation of Individual Placement and Support services."""

from ipssim.version import __version__

__all__ = ["__version__"]
