"""Every command's --help reads as plain text: no reStructuredText markup."""

from __future__ import annotations

import pytest

from ipssim import cli
from ipssim.commands import COMMANDS


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_has_no_markup(command: str | None) -> None:
    parser = cli.parser(command)
    text = parser if command is None else parser._subparsers._group_actions[0].choices[command]
    shown = text.format_help()
    assert "``" not in shown and shown.strip()
