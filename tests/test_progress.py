"""Progress bars count simulated weeks, so a long replication shows progress within itself
(issue 22 item 6); the Python API prints none unless asked."""

from __future__ import annotations

import pytest

import ipssim
from ipssim import cli, experiment
from tests.conftest import SCENARIOS, small


class Bar:
    """Records what replicate tells its progress bar (a stand-in for tqdm)."""

    made: list[Bar] = []

    def __init__(self, total: int, disable: bool, **_: object) -> None:
        self.total, self.disable, self.updates = total, disable, []
        Bar.made.append(self)

    def __enter__(self) -> Bar:
        return self

    def __exit__(self, *_: object) -> None:
        pass

    def update(self, n: int = 1) -> None:
        self.updates.append(n)


@pytest.fixture
def bars(monkeypatch) -> list[Bar]:
    Bar.made = []
    monkeypatch.setattr(experiment, "tqdm", Bar)
    return Bar.made


def test_a_replication_in_this_process_moves_the_bar_week_by_week(bars) -> None:
    scenario = small(run__horizon_weeks=12)
    weeks_seen: list[int] = []
    experiment.run_one(scenario, 1, 0, on_week=weeks_seen.append)
    assert weeks_seen == list(range(1, 13))
    experiment.replicate(scenario, 2, seed=1, workers=1)
    (bar,) = bars
    assert bar.total == 24 and bar.updates == [1] * 24


def test_worker_processes_move_the_bar_by_a_replication_s_weeks(bars) -> None:
    scenario = small(run__horizon_weeks=8)
    experiment.replicate(scenario, 2, seed=1, workers=2)
    (bar,) = bars
    assert bar.total == 16 and bar.updates == [8, 8]


def test_progress_is_off_without_a_callback_when_not_asked(bars) -> None:
    experiment.replicate(small(run__horizon_weeks=6), 1, seed=1, progress=False)
    (bar,) = bars
    assert bar.disable and bar.updates == []


def test_the_command_shows_weeks_and_the_library_shows_nothing(capsys) -> None:
    args = ["--reps", "1", "--set", "run.horizon_weeks=6", "--set", "entry.intake_weeks=4"]
    assert cli.main(["run", str(SCENARIOS / "base.toml"), *args]) == 0
    assert "/6 [" in capsys.readouterr().err  # tqdm's "0/6 [00:00<?, ?week/s]"
    with pytest.warns(UserWarning, match="only 2 replications"):
        ipssim.run(SCENARIOS / "base.toml", reps=2, set={"run.horizon_weeks": 6})
    assert "week" not in capsys.readouterr().err
