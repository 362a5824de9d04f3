"""The package's version, from its installed metadata, and its release series."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ipssim")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"


def release_series(text: str = __version__) -> str:
    """``major.minor`` of a version: releases of one series give identical results."""
    return ".".join(text.split(".")[:2])
