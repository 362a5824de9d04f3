"""No traceback for any input: each mistake found by trying ipssim as a new user and as an
attacker would ends in one line per mistake naming where it is, and exit status 2."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ipssim import cli
from ipssim.errors import SHOWN_CHARS
from ipssim.results import PARTIAL_PREFIX, remove_stale_partials
from ipssim.streams import MAX_SEED
from tests.conftest import SCENARIOS

BASE = str(SCENARIOS / "base.toml")
DEEP = "[" * 1200 + "]" * 1200
MESSAGE = re.compile(r"ipssim( [a-z]+)?: error: \S")
PROGRESS = re.compile(r"\S+: +\d+%\|")  # tqdm's bar


def refused(capsys, *argv: str) -> str:
    """The command's message, checked: exit 2, nothing on stdout, no traceback, each line one
    whole mistake (``ipssim: error: ...``, or ``ipssim CMD: error: ...`` from an option)."""
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:  # argparse refused an option
        code = exc.code
    out, err = capsys.readouterr()
    assert code == 2, err
    assert out == "" and "Traceback" not in err
    lines = [line.strip() for line in err.splitlines() if line.strip()]
    lines = [
        line for line in lines if not (PROGRESS.match(line) or line.startswith("warning: "))
    ]  # a run that started
    assert lines and all(MESSAGE.match(line) for line in lines), err
    return err


def test_a_section_given_a_value_and_set_into_it(capsys, tmp_path: Path) -> None:
    (tmp_path / "r.toml").write_text("service = 5\n")
    err = refused(capsys, "run", str(tmp_path / "r.toml"), "--set", "service.specialists=3")
    assert "r.toml: service: Input should be a valid dictionary" in err


def test_deep_nesting_in_a_file_or_a_set_value(capsys, tmp_path: Path) -> None:
    (tmp_path / "deep.toml").write_text(f"v = {DEEP}\n")
    assert "nested too deeply" in refused(capsys, "run", str(tmp_path / "deep.toml"))
    err = refused(capsys, "run", BASE, "--set", f"service.specialists={DEEP}")
    assert err.startswith("ipssim: error: --set ") and "nested too deeply" in err


@pytest.mark.parametrize(
    "target, expected",
    [
        ("a\\u0000.toml", "expected the name of a .toml file"),
        ("a" * 300 + ".toml", "no such scenario file"),
        ("", "expected the name of a .toml file"),
        ("notes.txt", "expected the name of a .toml file"),
        ("/etc/passwd.toml", "is outside this file's folder"),
        ("../outside.toml", "is outside this file's folder"),
    ],
)
def test_bad_extends_names_the_file_that_extends(
    capsys, tmp_path: Path, target: str, expected: str
) -> None:
    (tmp_path / "outside.toml").write_text('[service]\nspecialists = "TOP-SECRET-VALUE-42"\n')
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "child.toml").write_text(f'extends = "{target}"\n')
    err = refused(capsys, "run", str(inner / "child.toml"))
    assert f"{inner / 'child.toml'}: extends: " in err and expected in err
    assert "TOP-SECRET" not in err and len(err) < 400


def test_extends_may_reach_its_own_subfolders_and_the_shipped_scenarios(tmp_path: Path) -> None:
    from ipssim import scenario as scenarios

    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "parent.toml").write_text(f'extends = "{SCENARIOS / "gatekept.toml"}"\n')
    (tmp_path / "child.toml").write_text('extends = "sub/parent.toml"\n')
    assert scenarios.load(tmp_path / "child.toml").name == "child"


def test_a_symlink_out_of_the_folder_is_refused(capsys, tmp_path: Path) -> None:
    (tmp_path / "secret.toml").write_text('[service]\nspecialists = "TOP-SECRET"\n')
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "link.toml").symlink_to(tmp_path / "secret.toml")
    (inner / "child.toml").write_text('extends = "link.toml"\n')
    err = refused(capsys, "run", str(inner / "child.toml"))
    assert "outside this file's folder" in err and "TOP-SECRET" not in err


@pytest.mark.parametrize(
    "target, expected",
    [
        ("", "expected the name of a .toml file"),
        ("notes.txt", "expected the name of a .toml file"),
        ("/etc/passwd.toml", "is outside this file's folder"),
        ("../outside.toml", "is outside this file's folder"),
        ("link.toml", "is outside this file's folder"),
        ("missing.toml", "no such scenario file 'missing.toml'"),
    ],
)
def test_a_sweep_base_is_confined_as_extends_is(
    capsys, tmp_path: Path, target: str, expected: str
) -> None:
    from tests.sweeps_support import write_sweep

    (tmp_path / "outside.toml").write_text('[service]\nspecialists = "TOP-SECRET-VALUE-42"\n')
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "link.toml").symlink_to(tmp_path / "outside.toml")
    path = write_sweep(inner, "[grid]\n'service.specialists' = [1]\n")
    path.write_text(path.read_text().replace(f'base = "{BASE}"', f'base = "{target}"'))
    err = refused(capsys, "sweep", str(path), "--out", str(tmp_path / "out"))
    assert f"{path}: base: " in err and expected in err
    assert "TOP-SECRET" not in err and len(err) < 400


def test_a_sweep_base_may_be_in_its_folder_tree_or_the_shipped_scenarios(tmp_path: Path) -> None:
    from ipssim import sweeps
    from tests.sweeps_support import write_sweep

    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "mine.toml").write_text('extends = "' + BASE + '"\n')
    path = write_sweep(tmp_path, "[grid]\n'service.specialists' = [1]\n")
    assert sweeps.load(path).base.name == "base"  # the shipped scenarios, by absolute path
    path.write_text(path.read_text().replace(f'base = "{BASE}"', 'base = "sub/mine.toml"'))
    assert sweeps.load(path).base.name == "mine"


def test_a_mistake_in_an_extended_file_names_both(capsys, tmp_path: Path) -> None:
    (tmp_path / "parent.toml").write_text("[service]\nspecialists = -1\n")
    (tmp_path / "child.toml").write_text('extends = "parent.toml"\n')
    err = refused(capsys, "run", str(tmp_path / "child.toml"))
    assert f"{tmp_path / 'parent.toml'}: service.specialists" in err
    assert f"(extended by {tmp_path / 'child.toml'})" in err


def test_long_values_are_cut(capsys, tmp_path: Path) -> None:
    (tmp_path / "big.toml").write_text(f'[service]\nspecialists = "{"x" * 2_000_000}"\n')
    err = refused(capsys, "run", str(tmp_path / "big.toml"))
    assert len(err) < 300 and "x" * SHOWN_CHARS not in err
    err = refused(capsys, "run", BASE, "--set", f"service.{'y' * 100_000}=1")
    assert len(err) < 1000
    err = refused(capsys, "run", BASE, "--reps", "9" * 100_000)
    assert len(err) < 500


def test_a_set_mistake_is_reported_as_set(capsys) -> None:
    err = refused(capsys, "run", BASE, "--set", "service.specialists=-1")
    assert err.startswith("ipssim: error: --set 'service.specialists=-1': service.specialists")
    assert "base.toml" not in err


def test_an_output_folder_that_cannot_be_written_is_refused_before_running(
    capsys, tmp_path: Path
) -> None:
    (tmp_path / "file").write_text("")
    for out in (tmp_path / "file" / "result", Path("/proc/ipssim-result"), tmp_path / "a\0b"):
        err = refused(capsys, "run", BASE, "--out", str(out))
        assert "--out " in err and "cannot" in err
    err = refused(capsys, "sweep", str(tmp_path / "none.toml"), "--out", "/proc/x")
    assert "--out" in err


@pytest.mark.parametrize("seed", [str(MAX_SEED + 1), str(2**64), "-1"])
def test_seeds_are_limited_to_what_results_store(seed: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ipssim.cli", "run", BASE, "--seed", seed],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and "64-bit" in done.stderr or seed == "-1"


def test_a_sweep_file_seed_beyond_64_bits_is_refused(capsys, tmp_path: Path) -> None:
    from tests.sweeps_support import write_sweep

    path = write_sweep(tmp_path, "[grid]\n'service.specialists' = [1]\n", seed=2**64)
    err = refused(capsys, "sweep", str(path), "--out", str(tmp_path / "out"))
    assert "seed: Input should be less than or equal to" in err


def test_a_sweep_name_cannot_leave_the_results_folder(capsys, tmp_path: Path) -> None:
    from tests.sweeps_support import write_sweep

    path = write_sweep(tmp_path, "[grid]\n'service.specialists' = [1]\n", name="../../escape")
    err = refused(capsys, "sweep", str(path))
    assert "name: String should match pattern" in err


def ended_pid() -> int:
    """The process id of a process that has ended."""
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout)


def test_stale_partial_folders_of_ended_processes_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "result"
    stale = tmp_path / f"{PARTIAL_PREFIX.format(name='result')}{ended_pid()}"
    live = tmp_path / f"{PARTIAL_PREFIX.format(name='result')}{os.getpid()}"
    stale.mkdir()
    live.mkdir()
    assert remove_stale_partials(out) == [stale]
    assert not stale.exists() and live.exists()


def test_a_run_removes_what_a_killed_run_left_beside_its_folder(capsys, tmp_path: Path) -> None:
    out = tmp_path / "result"
    stale = tmp_path / f"{PARTIAL_PREFIX.format(name='result')}{ended_pid()}"
    stale.mkdir()  # as a run --out result killed while writing leaves it
    (stale / "summary.csv").write_text("half written")
    quick = ["--reps", "1", "--set", "run.horizon_weeks=8", "--set", "entry.intake_weeks=4"]
    assert cli.main(["run", BASE, "--out", str(out), *quick]) == 0
    capsys.readouterr()
    assert not stale.exists() and (out / "summary.csv").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["result"]


def test_a_folder_filled_by_another_run_meanwhile_keeps_these_results(
    capsys, monkeypatch, tmp_path: Path
) -> None:
    from ipssim.commands import run as run_command

    out = tmp_path / "same"
    real = run_command.write_run

    def racing(folder: Path, *args, **kwargs) -> None:
        out.mkdir()
        (out / "summary.csv").write_text("the other run's")
        real(folder, *args, **kwargs)

    monkeypatch.setattr(run_command, "write_run", racing)
    quick = ["--reps", "1", "--set", "run.horizon_weeks=8", "--set", "entry.intake_weeks=4"]
    err = refused(capsys, "run", BASE, "--out", str(out), *quick)
    kept = tmp_path / f"same-{os.getpid()}"
    assert f"this run's results are in {kept}" in err
    assert (out / "summary.csv").read_text() == "the other run's"
    assert (kept / "summary.csv").is_file()


def test_an_option_mistake_is_one_line(capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["run", BASE, "--reps", "0"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "(see ipssim run --help)" in err


@pytest.mark.parametrize("text", [" 4", "4 ", "4_0", "\uff14", "+", "4.0", "0x4", ""])
def test_a_count_option_takes_plain_ascii_digits_only(capsys, text: str) -> None:
    assert "expected a whole number" in refused(capsys, "run", BASE, "--reps", text)


@pytest.mark.parametrize("text", ["nan", "inf", "1_2", " 12", "\uff11\uff12", ".5e", "1e"])
def test_a_number_option_takes_a_plain_decimal_only(capsys, text: str) -> None:
    err = refused(capsys, "trial", BASE, BASE, "--follow-up-months", text)
    assert "expected a number" in err or "must be between" in err


@pytest.mark.parametrize(
    "overrides, expected",
    [
        (["entry.cohort_size=200001"], "entry.cohort_size: Input should be less than or equal"),
        (["entry.arrivals_per_week=400", "entry.intake_weeks=520"], "at most 200,000 clients"),
        (["entry.arrivals_per_week=2001", "entry.intake_weeks=1"], "less than or equal to 2000"),
        (  # measured: 1,911 s of CPU and 6.0 GiB
            ["entry.arrivals_per_week=2000", "entry.intake_weeks=100", "run.horizon_weeks=520"],
            "at most 20,800,000 client-weeks",
        ),
        (
            ["entry.mode=cohort", "entry.cohort_size=200000", "run.horizon_weeks=105"],
            "client-weeks",
        ),
    ],
)
def test_runs_are_bounded_to_sizes_that_finish(overrides: list[str], expected: str) -> None:
    from ipssim import scenario as scenarios
    from ipssim.scenario import ScenarioError

    with pytest.raises(ScenarioError, match=expected):
        scenarios.load(BASE, overrides)
    assert scenarios.load(BASE, ["entry.cohort_size=200000", "entry.mode=cohort"])
    assert scenarios.load(BASE, ["entry.arrivals_per_week=384.6", "entry.intake_weeks=520"])
    assert scenarios.load(BASE, ["entry.arrivals_per_week=80", "run.horizon_weeks=520"])


@pytest.mark.parametrize("override", ["service.specialists.x=1", "service.specialists=-1"])
def test_sites_on_the_defaults_report_a_set_mistake_as_set(capsys, override: str) -> None:
    err = refused(capsys, "sites", "--n", "2", "--set", override)
    assert err.startswith(f"ipssim: error: --set {override!r}: service.specialists")


def test_a_write_that_fails_after_the_run_is_one_line_and_leaves_nothing(
    capsys, monkeypatch, tmp_path: Path
) -> None:
    """A filesystem that fills up while the results are written (issue 22 defect 3)."""
    import errno

    from ipssim.commands import run as run_command

    def full(folder: Path, *args, **kwargs) -> None:
        (folder / "manifest.json").write_text("{")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(run_command, "write_run", full)
    quick = ["--reps", "1", "--set", "run.horizon_weeks=8", "--set", "entry.intake_weeks=4"]
    err = refused(capsys, "run", BASE, "--out", str(tmp_path / "out"), *quick)
    assert "writing the results failed (No space left on device)" in err
    assert list(tmp_path.iterdir()) == []
