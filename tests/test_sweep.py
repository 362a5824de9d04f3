"""Sweep files, their points, common random numbers, executors that never change the numbers,
and the resumable store."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ipssim import cli, sweeps
from ipssim.executors import Execution
from ipssim.experiment import run_one
from ipssim.outcomes import METRICS
from ipssim.store import RunStore, atomic_write
from ipssim.sweep_runner import run_sweep
from tests.sweeps_support import GRID, write_sweep


def test_grid_crossed_with_zip_gives_every_combination(tmp_path: Path) -> None:
    path = write_sweep(
        tmp_path,
        """
[grid.service]
specialists = [2, 4]
[zip]
"service.caseload_cap" = [10, 30]
"policy.benefits_counselling" = [true, false]
""",
    )
    sweep = sweeps.load(path)
    assert list(sweep.points.columns) == [
        "point",
        "service.specialists",
        "service.caseload_cap",
        "policy.benefits_counselling",
    ]
    rows = sweep.points.drop(columns="point").values.tolist()
    assert rows == [[2, 10, True], [2, 30, False], [4, 10, True], [4, 30, False]]
    scenario = sweep.scenario(3)
    assert (scenario.service.specialists, scenario.service.caseload_cap) == (4, 30)
    assert scenario.policy.benefits_counselling is False
    assert scenario.entry.arrivals_per_week == 2.0  # [set] applies to every point


@pytest.mark.parametrize("method", ["lhs", "sobol"])
def test_sample_decodes_numbers_whole_numbers_and_switches(tmp_path: Path, method: str) -> None:
    path = write_sweep(
        tmp_path,
        f"""
[sample]
method = "{method}"
n = 64
[sample.ranges]
"employers.offence_aversion" = [0.5, 2.0]
"service.caseload_cap" = [10, 13]
"clinicians.training" = [false, true]
""",
    )
    points = sweeps.load(path).points
    assert points["employers.offence_aversion"].between(0.5, 2.0).all()
    assert set(points["service.caseload_cap"]) == {10, 11, 12, 13}
    assert points["clinicians.training"].map(type).eq(bool).all()
    assert 20 <= points["clinicians.training"].sum() <= 44  # thresholded at 0.5: about half on
    assert sweeps.load(path).points.equals(points)  # the design follows the seed


def test_a_sample_of_numbers_alone_keeps_whole_numbers_whole(tmp_path: Path) -> None:
    path = write_sweep(
        tmp_path,
        """
[sample]
method = "lhs"
n = 4
[sample.ranges]
"employers.offence_aversion" = [0.5, 2.0]
"service.caseload_cap" = [10, 13]
""",
    )
    sweep = sweeps.load(path)
    caps = [sweep.scenario(i).service.caseload_cap for i in range(4)]
    assert all(isinstance(c, int) and 10 <= c <= 13 for c in caps)


BAD_SWEEPS = [
    ('repz = 3\n[grid]\n"service.specialists" = [1]', "repz: unknown key", "Did you mean 'reps'?"),
    (
        '[grid]\n"service.specialist" = [1, 2]',
        "grid.service.specialist: unknown key",
        "Did you mean 'specialists'?",
    ),
    ('[grid]\n"service" = [1, 2]', "grid.service is a section", "caseload_cap"),
    (
        '[zip]\n"service.specialists" = [1, 2]\n"service.caseload_cap" = [10]',
        "zip: every list must have the same length",
        "service.specialists has 2",
    ),
    (
        '[grid]\n"service.specialists" = [1, -1]',
        "point 1 (service.specialists=-1)",
        "greater than or equal to 0",
    ),
    (
        '[sample]\nn = 8\n[sample.ranges]\n"clinicians.training" = [0, 1]',
        "sample.ranges.clinicians.training",
        "[false, true]",
    ),
    (
        '[sample]\nn = 8\nmethod = "random"\n[sample.ranges]\n"service.integration" = [0, 1]',
        "sample.method",
        "'lhs' or 'sobol'",
    ),
    (
        (
            '[grid]\n"service.specialists" = [1]\n[sample]\n[sample.ranges]\n'
            '"service.integration" = [0, 1]'
        ),
        "[sample] cannot be combined",
        "grid",
    ),
    ("", "no levers to vary", "[grid]"),
]


@pytest.mark.parametrize(("body", "where", "allowed"), BAD_SWEEPS)
def test_bad_sweep_file_is_one_clear_message_and_exit_2(
    capsys, tmp_path: Path, body: str, where: str, allowed: str
) -> None:
    path = write_sweep(tmp_path, body)
    out = tmp_path / "out"
    code = cli.main(["sweep", str(path), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert str(path) in err and where in err and allowed in err
    assert "Traceback" not in err
    assert not out.exists()  # nothing written


def test_unknown_metric_lists_the_allowed_ones(capsys, tmp_path: Path) -> None:
    path = write_sweep(tmp_path, GRID)
    path.write_text(path.read_text().replace('"waiting_weeks_mean"', '"waiting_weeks"'))
    assert cli.main(["sweep", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "metrics" in err and "waiting_weeks_mean" in err


def test_sweep_tables_common_random_numbers_and_workers(tmp_path: Path) -> None:
    sweep = sweeps.load(write_sweep(tmp_path, GRID))
    one = run_sweep(sweep, tmp_path / "one", Execution(workers=1), progress=False)
    two = run_sweep(sweep, tmp_path / "two", Execution(workers=2), progress=False)
    pd.testing.assert_frame_equal(one.runs, two.runs)  # the executor never changes the numbers
    runs = one.runs
    assert len(runs) == 6 * 2 and list(runs["rep"].unique()) == [0, 1]
    assert {
        "point",
        "service.specialists",
        "service.caseload_cap",
        "rep",
        "seed",
        "scenario_hash",
        *METRICS,
        "placements_per_year",
    } <= set(runs.columns)
    # common random numbers: replication r of any point is run_one(point scenario, seed, r)
    row = runs[(runs["point"] == 3) & (runs["rep"] == 1)].iloc[0]
    direct = run_one(sweep.scenario(3), 3, 1).metrics
    assert row["employment_rate"] == pytest.approx(direct["employment_rate"])
    assert row["scenario_hash"] == sweep.scenario(3).hash()
    summary = one.summary
    assert len(summary) == 6 * 3 and (summary["ci_low"] <= summary["mean"]).all()
    saved = pd.read_parquet(tmp_path / "one" / "runs.parquet")
    pd.testing.assert_frame_equal(saved, runs)


def test_rerun_computes_only_what_is_missing(tmp_path: Path) -> None:
    folder = tmp_path / "sweep"
    first = run_sweep(
        sweeps.load(write_sweep(tmp_path, GRID, reps=1)), folder, Execution(), progress=False
    )
    assert (first.computed, first.reused) == (6, 0)
    more = sweeps.load(write_sweep(tmp_path, GRID.replace("[1, 2, 3]", "[1, 2, 3, 4]"), reps=2))
    second = run_sweep(more, folder, Execution(), progress=False)
    assert (second.computed, second.reused) == (8 * 2 - 6, 6)
    again = run_sweep(more, folder, Execution(), progress=False)
    assert again.computed == 0
    pd.testing.assert_frame_equal(again.runs, second.runs)
    fresh = run_sweep(more, tmp_path / "fresh", Execution(), progress=False)
    pd.testing.assert_frame_equal(fresh.runs, second.runs)


def test_store_keeps_newest_row_and_skips_rows_missing_a_metric(tmp_path: Path) -> None:
    with RunStore(tmp_path / "r") as store:
        store.save([{"scenario_hash": "a", "seed": 1, "rep": 0, "point": 0, "x": 1.0}])
        store.save([{"scenario_hash": "a", "seed": 1, "rep": 0, "point": 0, "x": 2.0, "y": 5.0}])
        store.save([{"scenario_hash": "b", "seed": 1, "rep": 0, "point": 1, "x": 3.0}])
        assert store.keys(required=("y",)) == {("a", 1, 0)}
        store.compact()
        assert len(list(store.dir.glob("*.parquet"))) == 1
        assert store.frame().set_index("scenario_hash")["x"].to_dict() == {"a": 2.0, "b": 3.0}


def test_store_refuses_other_results_and_a_second_writer(tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "summary.csv").write_text("x\n")
    with pytest.raises(Exception, match="already holds other results"):
        RunStore(other).__enter__()
    with RunStore(tmp_path / "s"), pytest.raises(Exception, match="another sweep"):
        RunStore(tmp_path / "s").__enter__()


def test_atomic_write_leaves_nothing_when_the_writer_fails(tmp_path: Path) -> None:
    def fail(path: Path) -> None:
        path.write_text("half")
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        atomic_write(tmp_path / "t.json", fail)
    assert list(tmp_path.iterdir()) == []
