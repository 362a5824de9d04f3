"""The posterior report of docs/calibration.md (``python -m ipssim.calibration.report``): figures
and a section naming every parameter and target, the same bytes from the same inputs, a plain
statement when no posterior is shipped, the committed section in step with the shipped
posterior, and bad input refused with exit 2."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from ipssim import odd
from ipssim.calibration import check, posterior, report
from ipssim.evidence import TARGETS
from ipssim.figures import read_manifest
from ipssim.scenario import Scenario
from ipssim.schema.fields import priors
from tests.test_posterior_draws import write_posterior

MAX_BYTES = 300_000  # a figure kept in the repository
CHECKED = TARGETS[:3]


def calibration_manifest() -> dict:
    """A manifest with the keys ``ipssim calibrate`` writes (``study.finish``)."""
    return {
        "kind": "calibration",
        "seed": 7,
        "reps": 1,
        "version": "0.0.test",
        "created": "2026-12-07T16:00:00+0000",
        "wall_time_s": 3600.5,
        "pyabc": "0.13.0",
        "targets": [{"key": t.key, "published": t.published, "se": t.se} for t in TARGETS],
        "priors": {k: p.kept() for k, p in priors(Scenario).items()},
        "fixed": [],
        "overrides": [],
        "generations": [
            {
                "t": t,
                "epsilon": 9.0 - t,
                "acceptance": 0.5 / (t + 1),
                "particles": 40,
                "samples": 80 * (t + 1),
                "seconds": 12.0,
                "effective": 30.0 - t,
            }
            for t in range(3)
        ],
    }


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tests' tiny posterior (every calibrated parameter) with a calibration's manifest."""
    folder = write_posterior(tmp_path_factory.mktemp("posterior"), n=40, spread=0.2)
    (folder / posterior.MANIFEST).write_text(json.dumps(calibration_manifest()))
    return folder


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory, tiny: Path) -> Path:
    """The tiny posterior cut to four calibrated parameters, the others fixed (quicker to draw)."""
    found = posterior.load(tiny)
    keys = list(found.particles)[:4]
    manifest = calibration_manifest() | {"fixed": list(found.particles)[4:]}
    manifest["priors"] = {k: manifest["priors"][k] for k in keys}
    folder = tmp_path_factory.mktemp("small")
    posterior.write(folder, found.particles[keys], found.weights, manifest)
    return folder


@pytest.fixture(scope="module")
def check_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``ipssim calibrate --check --format json`` rows for three targets, one failing."""
    rng = np.random.default_rng(3)
    rows = [
        check.Predicted(t, t.published + t.se * rng.normal(shift, 1.0, 20)).row()
        for t, shift in zip(CHECKED, (0.0, 0.3, 5.0), strict=True)
    ]
    path = tmp_path_factory.mktemp("check") / "check.json"
    path.write_text(json.dumps(rows))
    return path


def document(folder: Path) -> Path:
    doc = folder / "calibration.md"
    shutil.copy(odd.CALIBRATION, doc)
    return doc


def run(*args: object) -> int:
    return report.main([str(a) for a in args])


def test_the_report_writes_figures_and_a_section_naming_every_parameter_and_target(
    tmp_path: Path, tiny: Path, check_file: Path, capsys
) -> None:
    doc = document(tmp_path)
    before = doc.read_text()
    assert run("--posterior", tiny, "--check", check_file, "--doc", doc) == 0
    folder = tmp_path / "calibration"
    for name in (report.MARGINALS, report.PAIRS, report.PREDICTIVE):
        assert 0 < (folder / name).stat().st_size < MAX_BYTES, name
        assert read_manifest(folder / name)["seed"] == 7
    assert json.loads((folder / report.CHECK).read_text()) == json.loads(check_file.read_text())
    text = doc.read_text()
    block = odd.blocks(text)[report.BLOCK]
    assert text.replace(block, "") == before.replace(odd.blocks(before)[report.BLOCK], "")
    for key in priors(Scenario):
        assert f"| `{key}` |" in block, key
    for t in CHECKED:
        assert f"| {t.scenario} | `{t.metric}` |" in block, t.key
    assert "2 of 3 targets pass" in block and "**no**" in block
    assert "| 3 | 7 | 16.7% | 40 of 240 | 28 | 12 |" in block  # the last generation
    assert "| wall time | 3,600 s (60.0 min) |" in block and "| pyabc | 0.13.0 |" in block
    assert block.count("(paired)") == report.PAIRED
    for name in (report.MARGINALS, report.PAIRS, report.PREDICTIVE):
        assert f"](calibration/{name})" in block
    assert str(folder / report.MARGINALS) in capsys.readouterr().out


def test_the_same_inputs_give_the_same_bytes_and_no_check_drops_its_files(
    tmp_path: Path, small: Path, check_file: Path
) -> None:
    doc = document(tmp_path)
    folder = tmp_path / "calibration"
    assert run("--posterior", small, "--check", check_file, "--doc", doc) == 0
    first = {p.name: p.read_bytes() for p in folder.iterdir()} | {"doc": doc.read_bytes()}
    assert run("--posterior", small, "--check", check_file, "--doc", doc) == 0
    assert {p.name: p.read_bytes() for p in folder.iterdir()} | {"doc": doc.read_bytes()} == first
    assert run("--posterior", small, "--doc", doc) == 0  # no check: no predictive figure
    assert sorted(p.name for p in folder.iterdir()) == [report.MARGINALS, report.PAIRS]
    assert "No calibration check was given" in odd.blocks(doc.read_text())[report.BLOCK]


def test_with_no_shipped_posterior_the_section_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(posterior, "SHIPPED", tmp_path / "none")
    doc = document(tmp_path)
    stale = tmp_path / "calibration" / report.MARGINALS
    stale.parent.mkdir()
    stale.write_bytes(b"an earlier report")
    assert run("--doc", doc) == 0
    assert odd.blocks(doc.read_text())[report.BLOCK] == report.NONE_SHIPPED
    assert not stale.exists()


def test_the_committed_section_is_that_of_the_shipped_posterior() -> None:
    block = odd.blocks(odd.CALIBRATION.read_text(encoding="utf-8"))[report.BLOCK]
    folder = odd.CALIBRATION.parent / "calibration"
    shipped = posterior.shipped()
    stale = "docs/calibration.md is stale: run python -m ipssim.calibration.report"
    if shipped is None:
        assert block == report.NONE_SHIPPED, stale
        assert not any((folder / name).exists() for name in report.OWNED), stale
        return
    kept = folder / report.CHECK
    rows = report.load_check(kept) if kept.exists() else None
    found = posterior.load(shipped)
    assert block == report.section(found, report.label_of(shipped), rows, "calibration"), stale


def test_odd_leaves_the_report_alone_and_refuses_a_block_nobody_writes(
    tmp_path: Path, small: Path
) -> None:
    doc = document(tmp_path)
    assert run("--posterior", small, "--doc", doc) == 0
    assert odd.main(["--check", str(doc)]) == 0
    written = doc.read_text()
    assert odd.main([str(doc)]) == 0 and doc.read_text() == written
    doc.write_text(written + "<!-- begin generated: stray -->\nx\n<!-- end generated: stray -->\n")
    assert odd.main(["--check", str(doc)]) == 1


def _bad_checks(folder: Path) -> dict[str, tuple[Path, str]]:
    row = dict.fromkeys(check.KEYS, 0.1) | {"scenario": "base", "metric": "m", "inside": True}
    made = {
        "not JSON": ("{", "cannot read it as JSON"),
        "an object": ('{"scenario": "base"}', "not a list of target objects"),
        "empty": ("[]", "not a list of target objects"),
        "numbers": ("[1, 2]", "item 1 is not a target object"),
        "a key missing": (json.dumps([{k: v for k, v in row.items() if k != "z"}]), "item 1"),
        "a text figure": (json.dumps([row | {"published": "0.5"}]), "is not a number"),
        "inside a number": (json.dumps([row, row | {"inside": 1}]), "item 2 (base.m)"),
    }
    out = {}
    for name, (text, message) in made.items():
        path = folder / f"{name}.json"
        path.write_text(text)
        out[name] = (path, message)
    out["no such file"] = (folder / "missing.json", "cannot read it")
    return out


def test_bad_input_exits_2_with_one_message_and_writes_nothing(
    tmp_path: Path, tiny: Path, capsys
) -> None:
    doc = document(tmp_path)
    before = doc.read_text()
    cases = [
        (["--posterior", tmp_path / "nowhere"], "no such folder or file"),
        (["--posterior", tmp_path], "cannot read the posterior"),
        (["--posterior", tiny, "--doc", tmp_path / "nowhere.md"], "cannot be read"),
    ]
    cases += [(["--posterior", tiny, "--check", p], m) for p, m in _bad_checks(tmp_path).values()]
    bare = tmp_path / "bare.md"
    bare.write_text("# no markers\n")
    cases.append((["--posterior", tiny, "--doc", bare], "no markers for the generated block"))
    for args, message in cases:
        full = args if "--doc" in args else [*args, "--doc", doc]
        assert run(*full) == 2, args
        out, err = capsys.readouterr()
        assert out == "" and err.startswith("ipssim: error: ") and err.count("\n") == 1, err
        assert message in err and "Traceback" not in err, (args, err)
    assert doc.read_text() == before and not (tmp_path / "calibration").exists()
