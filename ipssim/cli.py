"""The ``ipssim`` command. Each subcommand lives in ``ipssim.commands`` and is imported only when
called, so ``ipssim --help`` and ``--version`` answer at once.

A user's mistake (a bad scenario, option or output folder) prints one clear message and exits
with status 2, without a traceback and without writing anything.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path
from typing import NoReturn

from ipssim.commands import COMMANDS
from ipssim.errors import UserError
from ipssim.results import check_free, check_writable
from ipssim.version import __version__

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # as a shell reports a command killed by SIGPIPE
MESSAGE_CHARS = 300  # an option mistake is cut to this length (argparse echoes whole values)


class Parser(argparse.ArgumentParser):
    """argparse with a mistake reported in one line, pointing at ``--help``."""

    def error(self, message: str) -> NoReturn:
        message = " ".join(message.splitlines())  # argparse echoes a value's line breaks
        if len(message) > MESSAGE_CHARS:
            message = message[: MESSAGE_CHARS - 3] + "..."
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _plain(doc: str | None) -> str | None:
    """A docstring as help text: without the double backquotes of its markup."""
    return doc.replace("``", "") if doc else doc


def parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line, with the options of ``command`` (every command's if None)."""
    top = Parser(
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
        check_outputs(args)
        return args.handler(args)
    except UserError as exc:
        for line in str(exc).splitlines():  # each line one whole mistake
            print(f"ipssim: error: {line}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("ipssim: interrupted; no partial results were written", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader of our output went away (``| head``)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def check_outputs(args: argparse.Namespace) -> None:
    """Refuse an output folder that is taken (``--out`` of a new result) or cannot be written
    (any output, a sweep's resumable folder included), before any simulation starts."""
    out: Path | None = getattr(args, "out", None)
    if out is not None:
        check_free(out)
        check_writable(out)
    folder: Path | None = getattr(args, "folder", None)
    if folder is not None:
        check_writable(folder)


if __name__ == "__main__":
    sys.exit(main())
