"""Figures, HTML reports, planners' targets, sensitivity indices and scenario discovery."""

from __future__ import annotations

import base64
import contextlib
import html
import json
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ipssim import cli
from ipssim.analysis.discovery import DiscoveryError, discover, load_prim
from ipssim.figures import read_manifest
from ipssim.schema.levers import lever
from tests.sweeps_support import GRID, ROOT, write_sweep

QUICK = [
    "--reps",
    "2",
    "--set",
    "run.horizon_weeks=16",
    "--set",
    "entry.intake_weeks=8",
    "--set",
    "entry.arrivals_per_week=2",
    "--set",
    "employers.count=50",
]
SAMPLE = """
[sample]
n = 24
[sample.ranges]
"policy.referral_gatekeeping" = [0.0, 1.0]
"employers.offence_aversion" = [0.5, 2.0]
"clinicians.training" = [false, true]
[sensitivity]
trajectories = 3
base_samples = 4
"""


def embedded_pngs(page: str) -> list[bytes]:
    return [base64.b64decode(m) for m in re.findall(r'src="data:image/png;base64,([^"]+)"', page)]


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("report") / "sweep"
    path = write_sweep(folder.parent, GRID, reps=2)
    assert cli.main(["sweep", str(path), "--out", str(folder)]) == 0
    return folder


def test_sweep_plot_and_report_with_targets(capsys, sweep_folder: Path) -> None:
    targets = ["--target", "waiting_weeks_mean<4", "--target", "employment_rate>=0.05"]
    assert cli.main(["plot", str(sweep_folder), *targets]) == 0
    figures = sorted((sweep_folder / "figures").glob("*.png"))
    assert [f.stem for f in figures] == [
        "sweep_employment_rate",
        "sweep_placements_per_year",
        "sweep_waiting_weeks_mean",
    ]
    manifest = json.loads((sweep_folder / "manifest.json").read_text())
    assert read_manifest(figures[0])["scenarios"][0]["hash"] == manifest["scenarios"][0]["hash"]
    capsys.readouterr()
    assert cli.main(["report", str(sweep_folder), *targets]) == 0
    said = capsys.readouterr().out  # the headline, in the terminal too
    assert said.startswith("Targets: waiting_weeks_mean < 4; employment_rate >= 0.05.")
    page = (sweep_folder / "report.html").read_text()
    assert html.escape(said.splitlines()[0]) in page
    assert "Smallest specialists meeting the targets" in page
    assert "Targets: waiting_weeks_mean &lt; 4; employment_rate &gt;= 0.05." in page
    assert "(on the mean)</th>" in page and "(with confidence)</th>" in page
    assert manifest["scenarios"][0]["hash"] in page and "common random numbers" in page
    pngs = embedded_pngs(page)
    assert len(pngs) == 3 and all(p.startswith(b"\x89PNG") for p in pngs)
    assert "http://" not in page and "https://" not in page  # self-contained


def test_smallest_staffing_meets_targets_on_the_mean(sweep_folder: Path) -> None:
    from ipssim.analysis import targets
    from ipssim.result_folder import open_folder

    folder = open_folder(sweep_folder)
    summary = folder.table("summary.parquet")
    wanted = [targets.parse("employment_rate>=0.05", folder.metrics)]
    best = targets.smallest(
        targets.assess(summary, folder.levers, wanted), "service.specialists", folder.levers
    )
    means = summary[summary["metric"] == "employment_rate"]
    for _, row in best.iterrows():
        cap = means[means["service.caseload_cap"] == row["service.caseload_cap"]]
        meeting = cap[cap["mean"] >= 0.05]["service.specialists"]
        chosen = row["smallest service.specialists (on the mean)"]
        assert (chosen == meeting.min()) if len(meeting) else pd.isna(chosen)


def test_report_headline_never_names_a_point_failing_a_target(sweep_folder: Path) -> None:
    from ipssim.analysis import targets
    from ipssim.result_folder import open_folder

    folder = open_folder(sweep_folder)
    summary = folder.table("summary.parquet")
    levers, team = folder.levers, "service.specialists"
    means = summary.pivot_table(index=levers, columns="metric", values="mean").reset_index()
    wait = float(means["waiting_weeks_mean"].max())
    wanted = [
        targets.parse(f"waiting_weeks_mean<{wait}", folder.metrics),
        targets.parse("employment_rate>=0.05", folder.metrics),
    ]
    assessed = targets.assess(summary, levers, wanted)
    best = targets.smallest(assessed, team, levers)
    text = targets.headline(best, team, levers, wanted, assessed)
    assert text.startswith(f"Targets: {wanted[0]}; {wanted[1]}.")
    found = re.search(r"on the mean: (\S+) \(at caseload cap ([0-9, or]+)\)", text)
    assert found, text
    for cap in re.findall(r"[0-9]+", found[2]):  # the headlined team meets every target
        row = means[(means[team] == float(found[1])) & (means["service.caseload_cap"] == int(cap))]
        assert all(t.met(float(row[t.metric].iloc[0])) for t in wanted), (text, row)
    # a target no point meets: said to be out of reach, with the best value reached
    far = [*wanted, targets.parse("employment_rate>=0.99", folder.metrics)]
    assessed = targets.assess(summary, levers, far)
    text = targets.headline(targets.smallest(assessed, team, levers), team, levers, far, assessed)
    top = means["employment_rate"].max()
    assert (
        "No point meets every target on the mean: employment_rate >= 0.99 is out of reach" in text
    )
    assert f"best {100 * top:.1f}%" in text or f"best {100 * top:.0f}%" in text, (text, top)
    assert "Smallest" not in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target", "employment_rate=0.4"], "expected METRIC<VALUE"),
        (["--target", "jobs>3"], "not a metric of this result"),
        (["--minimise", "service.nothing"], "not a lever of this sweep"),
    ],
)
def test_bad_targets_exit_2(capsys, sweep_folder: Path, args: list[str], message: str) -> None:
    assert (
        cli.main(["report", str(sweep_folder), "--out", str(sweep_folder.parent / "r.html"), *args])
        == 2
    )
    assert message in capsys.readouterr().err
    assert not (sweep_folder.parent / "r.html").exists()


def test_run_and_compare_reports(capsys, tmp_path: Path) -> None:
    run_dir, compare_dir = tmp_path / "run", tmp_path / "compare"
    base, gatekept = (
        str(ROOT / "scenarios" / "base.toml"),
        str(ROOT / "scenarios" / "gatekept.toml"),
    )
    assert cli.main(["run", base, "--out", str(run_dir), *QUICK]) == 0
    assert cli.main(["compare", base, gatekept, "--out", str(compare_dir), *QUICK]) == 0
    assert cli.main(["report", str(run_dir)]) == 0
    page = (run_dir / "report.html").read_text()
    assert "Referral funnel" in page and "employment_rate" in page
    assert "By index offence" in page and "By diagnosis" in page
    extra = len(list(run_dir.glob("*.png")))  # time-course figures other commands leave
    assert len(embedded_pngs(page)) == 3 + extra  # the funnel and the two breakdowns
    assert cli.main(["report", str(compare_dir)]) == 0
    page = (compare_dir / "report.html").read_text()
    assert "gatekept - base" in page and len(embedded_pngs(page)) == 1


def test_report_of_a_folder_that_is_not_a_result(capsys, tmp_path: Path) -> None:
    assert cli.main(["report", str(tmp_path)]) == 2
    assert "not an ipssim result folder" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("method", "points", "index"),
    [
        ("morris", 12, "mu_star"),  # 3 trajectories x (3 levers + 1)
        ("sobol", 20, "ST"),  # 4 base samples x (3 levers + 2)
    ],
)
def test_sensitivity_indices_and_bar_charts(
    capsys, tmp_path: Path, method: str, points: int, index: str
) -> None:
    # seed 4: at the default seed 3 no client of these tiny runs starts a job at any Sobol point
    path = write_sweep(tmp_path, SAMPLE, reps=1, seed=4)
    folder = tmp_path / method
    # the scenarios' defaults, for which seed 4 was chosen
    chosen = ["--method", method, "--out", str(folder), "--parameters", "defaults"]
    assert cli.main(["sensitivity", str(path), *chosen]) == 0
    assert f"{method}, {points} points x 1 replications" in capsys.readouterr().out
    indices = pd.read_csv(folder / "indices.csv")
    main = indices[(indices["metric"] == "employment_rate") & (indices["index"] == index)]
    assert set(main["lever"]) == {
        "policy.referral_gatekeeping",
        "employers.offence_aversion",
        "clinicians.training",
    }
    assert main["conf"].notna().all()
    if method == "morris":
        assert (main["value"] >= 0).all()
    assert (folder / "figures" / "sensitivity_employment_rate.png").is_file()
    assert cli.main(["report", str(folder)]) == 0
    assert f"Sensitivity ({method})" in (folder / "report.html").read_text()


def test_sensitivity_needs_a_sample(capsys, tmp_path: Path) -> None:
    path = write_sweep(tmp_path, GRID)
    assert cli.main(["sensitivity", str(path), "--out", str(tmp_path / "s")]) == 2
    assert "sensitivity needs a [sample] table" in capsys.readouterr().err


def test_discovery_without_the_extra_says_how_to_install(monkeypatch) -> None:
    with contextlib.suppress(DiscoveryError):  # load it first, as an earlier test may have
        load_prim()
    # every module of the package is blocked, so an earlier test's import cached none of it
    for name in [n for n in sys.modules if n.split(".")[0] == "ema_workbench"]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "ema_workbench", None)
    with pytest.raises(DiscoveryError, match=r"pip install -e '\.\[discovery\]'"):
        load_prim()


def test_discovery_reports_boxes_in_plain_words(capsys, tmp_path: Path) -> None:
    pytest.importorskip("ema_workbench")
    # runs long enough that employment varies between points (14 s)
    quick = {"entry.arrivals_per_week": 4.0, "run.horizon_weeks": 40, "entry.intake_weeks": 20}
    path = write_sweep(tmp_path, SAMPLE.replace("n = 24", "n = 40"), reps=1, quick=quick)
    folder = tmp_path / "sample"
    assert cli.main(["sweep", str(path), "--out", str(folder)]) == 0
    summary = pd.read_parquet(folder / "summary.parquet")
    employment = summary[summary["metric"] == "employment_rate"]["mean"]
    threshold = float(employment.median())
    assert 0 < (employment < threshold).sum() < 40
    assert cli.main(["discover", str(folder), "--below", str(threshold), "--density", "0.6"]) == 0
    found = json.loads((folder / "discovery.json").read_text())
    assert found["side"] == "below" and re.match(r"\d+ of 40 sampled points", found["question"])
    assert found["max_levers"] == 3
    for box in found["boxes"]:
        assert box["sentence"].startswith("employment rate falls below")
        assert box["density"] >= 0.6 and "coverage" in box["sentence"]
        assert 1 <= len(box["limits"]) <= 3
        assert all(0 <= limit["qp"] <= 1 for limit in box["limits"])
    k = len(found["boxes"])
    assert k >= 1
    names = [f"discovery_{kind}_{i}.png" for i in range(1, k + 1) for kind in ("tradeoff", "box")]
    assert found["figures"] == names and "figures beside it" in capsys.readouterr().out
    assert all(read_manifest(folder / name)["sweep"]["name"] == "tiny" for name in names)
    assert cli.main(["report", str(folder)]) == 0
    assert len(embedded_pngs((folder / "report.html").read_text())) >= 2 * k
    manifest = folder / "manifest.json"
    info = json.loads(manifest.read_text())
    info["sweep"]["levers"][0]["name"] = "service.caseload"  # a lever the schema no longer has
    manifest.write_text(json.dumps(info))
    assert cli.main(["discover", str(folder), "--below", str(threshold)]) == 2
    assert "service.caseload: unknown key" in capsys.readouterr().err


LEVERS = (
    "policy.referral_gatekeeping",
    "employers.offence_aversion",
    "service.integration",
    "labour_market.unemployment_rate",
    "clinicians.training",
)


@pytest.mark.parametrize(
    ("most", "density", "expected"), [(5, 0.8, 4), (3, 0.8, 0), (3, 0.6, 3), (1, 0.3, 1)]
)
def test_discovery_boxes_restrict_at_most_the_levers_allowed(
    most: int, density: float, expected: int
) -> None:
    # the cases need four levers above 0.3 at once: a box restricting k of them is at most
    # 0.7 ** (4 - k) dense, so a box as dense as 0.8 needs all four
    pytest.importorskip("ema_workbench")
    levers = tuple(lever(key) for key in LEVERS)
    rng = np.random.default_rng(7)
    points = pd.DataFrame({lv.key: rng.random(250) for lv in levers[:4]})
    points["clinicians.training"] = rng.random(250) < 0.5
    cases = (points[list(LEVERS[:4])] > 0.3).all(axis=1).to_numpy()
    boxes = discover(points, levers, cases, density=density, max_boxes=1, max_levers=most)
    assert len(boxes) == (expected > 0)
    for box in boxes:
        restricted = {limit.lever for limit in box.limits}
        assert len(restricted) == expected and restricted <= set(LEVERS[:4])
        assert box.density >= density
        trade = box.figures["tradeoff"].axes[0]
        assert trade.get_xlabel() == "coverage" and trade.get_ylabel() == "density"
