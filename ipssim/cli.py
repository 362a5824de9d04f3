"""The ``ipssim`` command. Each subcommand lives in ``ipssim.commands`` and is imported only when
called, so ``ipssim --help`` and ``--version`` answer at once.

A user's mistake (a bad scenario, option or output folder) prints one clear message and exits
with status 2, without a traceback and without writing anything.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ipssim.commands import COMMANDS
from ipssim.errors import UserError
from ipssim.results import check_free
from ipssim.version import __version__

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def _plain(doc: str | None) -> str | None:
    """A docstring as help text: without the double backquotes of its markup."""
    return doc.replace("``", "") if doc else doc


def parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line, with the options of ``command`` (every command's if None)."""
    top = argparse.ArgumentParser(
        prog="ipssim", description="Simulate Individual Placement and Support employment services."
    )
    top.add_argument("--version", action="version", version=f"ipssim {__version__}")
    sub = top.add_subparsers(dest="command", required=True)
    for name, summary in COMMANDS.items():
        if command not in (None, name):
            sub.add_parser(name, help=summary)
            continue
        module = importlib.import_module(f"ipssim.commands.{name}")
        p = sub.add_parser(name, help=summary, description=_plain(module.__doc__))
        module.add_arguments(p)
        p.set_defaults(handler=module.run)
    return top


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    called = next((a for a in argv if not a.startswith("-")), "")  # top-level options take no value
    args = parser(called if called in COMMANDS else "").parse_args(argv)
    try:
        if getattr(args, "out", None) is not None:
            check_free(args.out)
        return args.handler(args)
    except UserError as exc:
        print(f"ipssim: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("ipssim: interrupted; no partial results were written", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
