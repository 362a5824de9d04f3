"""Text for people: --help without reStructuredText markup, shares in percentage points."""

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


def test_morris_shows_a_share_in_percentage_points(capsys) -> None:
    import pandas as pd

    from ipssim.commands.sensitivity import print_ranking

    ranked = pd.DataFrame(
        {
            "metric": ["employment_rate", "waiting_weeks_mean", "placements"],
            "rank": [1, 1, 1],
            "lever": ["service.caseload_cap"] * 3,
            "index": ["mu_star", "mu_star", "ST"],
            "value": [0.0512, 1.5, 0.25],
            "conf": [0.01, 0.2, 0.05],
        }
    )
    print_ranking(ranked)
    out = capsys.readouterr().out
    assert "5.1200 pts +/- 1.0000" in out and "percentage points" in out
    assert "1.5000 +/- 0.2000" in out and "0.2500 +/- 0.0500" in out
