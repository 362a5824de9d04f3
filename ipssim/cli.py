"""The ``ipssim`` command. Each subcommand lives in ``ipssim.commands``.

A user's mistake (a bad scenario, option or output folder) prints one clear message and exits
with status 2, without a traceback and without writing anything.
"""

from __future__ import annotations

import argparse
import sys
from types import ModuleType

from ipssim import __version__
from ipssim.commands import (
    compare,
    dashboard,
    discover,
    fidelity,
    plot,
    report,
    run,
    sensitivity,
    sites,
    sweep,
    trial,
)
from ipssim.commands.errors import USER_ERRORS
from ipssim.results import OutputError, check_free
from ipssim.scenario import ScenarioError

COMMANDS: tuple[ModuleType, ...] = (run, compare, fidelity, trial, sites, sweep, sensitivity,
                                    discover, plot, report, dashboard)
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """A mistake in how a command was called, found after argument parsing."""


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="ipssim", description="Simulate Individual Placement and Support employment services.")
    top.add_argument("--version", action="version", version=f"ipssim {__version__}")
    sub = top.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        p = sub.add_parser(command.NAME, help=command.HELP, description=command.__doc__)
        command.add_arguments(p)
        p.set_defaults(handler=command.run)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if getattr(args, "out", None) is not None:
            check_free(args.out)
        return args.handler(args)
    except (ScenarioError, OutputError, UsageError, *USER_ERRORS) as exc:
        print(f"ipssim: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("ipssim: interrupted; no partial results were written", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
