"""User mistakes of the experiment commands (sweep, sensitivity, discover, plot, report): each
prints one clear message and exits with status 2, like a bad scenario."""

from __future__ import annotations

from ipssim.analysis.discovery import DiscoveryError
from ipssim.analysis.targets import TargetError
from ipssim.executors import ExecutionError
from ipssim.result_folder import FolderError
from ipssim.store import StoreError
from ipssim.sweep import SweepError

USER_ERRORS: tuple[type[Exception], ...] = (SweepError, StoreError, ExecutionError, FolderError,
                                            TargetError, DiscoveryError)
