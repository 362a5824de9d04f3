"""ipssim: agent-based simulation of Individual Placement and Support services."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ipssim")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"
