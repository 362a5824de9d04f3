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


@pytest.mark.parametrize(("low", "high"), [(0.2, 0.6), (0.955, 0.962), (0.9551, 0.9558)])
def test_rate_axis_ticks_differ_however_near_constant_the_rate(low: float, high: float) -> None:
    import matplotlib.pyplot as plt

    from ipssim.plots import _format_axis

    fig, ax = plt.subplots()
    ax.plot([0, 1], [low, high])
    _format_axis(ax, "referral_rate")
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    plt.close(fig)
    assert len(set(labels)) == len(labels) > 1, labels
