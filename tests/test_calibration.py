"""ipssim calibrate: particles with common random numbers, a standardised distance, a tiny
ABC-SMC that writes a posterior that loads, resuming from its database, and bad input."""

from __future__ import annotations

import json
import math
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from ipssim import cli, evidence
from ipssim.calibration import posterior
from ipssim.calibration.particle import (
    Setup,
    clipped,
    distance,
    load_scenarios,
    nuisance,
    particle_seed,
    simulate,
)
from ipssim.parameters import for_market, set_by_file
from ipssim.scenario import Scenario
from ipssim.schema.fields import priors

pytest.importorskip("pyabc")

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
TARGETS = ["justice_trial.employment_rate", "base.wants_work_rate"]
TINY = [  # small cohorts and short horizons: a particle takes a fraction of a second
    "run.horizon_weeks=26",
    "entry.cohort_size=30",
    "entry.arrivals_per_week=2.0",
    "entry.intake_weeks=8",
]
PRIORS = priors(Scenario)


def tiny_setup(seed: int = 1) -> Setup:
    targets = tuple(evidence.BY_KEY[k] for k in TARGETS)
    return Setup(
        load_scenarios(SCENARIOS, evidence.scenarios(targets), TINY), targets, PRIORS, seed
    )


def test_a_particle_replaces_defaults_but_not_what_a_file_sets():
    leavers = load_scenarios(SCENARIOS, ("prison_leavers_usual_care",))["prison_leavers_usual_care"]
    assert set_by_file(leavers, "population.severity_mean")
    assert not set_by_file(leavers, "labour_market.hire_probability")
    (run,) = for_market(
        [leavers], {"population.severity_mean": 0.5, "labour_market.hire_probability": 0.1}
    )
    assert run.population.severity_mean == 0.15  # the file's own value
    assert run.labour_market.hire_probability == 0.1


def test_particle_seed_depends_on_the_values_and_the_root_only():
    values = {"a.b": 0.1, "c.d": 2.0}
    assert particle_seed(1, values) == particle_seed(1, dict(reversed(values.items())))
    assert particle_seed(1, values) != particle_seed(2, values)
    assert particle_seed(1, values) != particle_seed(1, {**values, "a.b": 0.2})


def test_clipped_keeps_values_within_their_priors():
    prior = PRIORS["work.decline_hours_ratio"]
    assert clipped({"work.decline_hours_ratio": prior.high + 1e-15}, PRIORS) == {
        "work.decline_hours_ratio": prior.high
    }


def test_distance_standardises_by_the_standard_error_and_refuses_a_missing_figure():
    observed, se = {"a": 0.3, "b": 10.0}, {"a": 0.1, "b": 2.0}
    assert distance({"a": 0.4, "b": 10.0}, observed, se) == pytest.approx(1.0)
    assert distance({"a": 0.5, "b": 16.0}, observed, se) == pytest.approx(math.sqrt(4 + 9))
    assert distance({"a": math.nan, "b": 10.0}, observed, se) == math.inf


def test_a_particle_is_deterministic_and_its_values_act():
    setup = tiny_setup()
    low = {k: p.low for k, p in PRIORS.items()}
    high = {k: p.high for k, p in PRIORS.items()}
    first = simulate(setup, low)
    assert first == simulate(setup, low)
    assert set(first) == set(TARGETS)
    assert simulate(setup, high)["base.wants_work_rate"] > first["base.wants_work_rate"]


def test_the_parameters_not_estimated_are_drawn_afresh_for_each_particle():
    """A parameter not estimated is integrated over its prior: each particle runs with its own
    draw, a function of its values (so it can be read back), and the draw acts."""
    interest = "population.work_interest"
    estimated = {k: PRIORS[k] for k in ("labour_market.hire_probability",)}
    setup = tiny_setup()
    marginal = Setup(
        setup.scenarios, setup.targets, estimated, 1, nuisance={interest: PRIORS[interest]}
    )
    a, b = {"labour_market.hire_probability": 0.02}, {"labour_market.hire_probability": 0.03}
    assert nuisance(marginal, a) == nuisance(marginal, dict(a))
    assert nuisance(marginal, a)[interest] != nuisance(marginal, b)[interest]
    assert PRIORS[interest].contains(nuisance(marginal, a)[interest])
    assert nuisance(setup, a) == {}  # nothing left out, nothing drawn
    plain = Setup(setup.scenarios, setup.targets, estimated, 1)
    drawn = simulate(marginal, a)["base.wants_work_rate"]
    assert drawn != simulate(plain, a)["base.wants_work_rate"]  # the draw reaches the run


def test_a_log_uniform_prior_is_searched_on_its_logarithm():
    """pyabc sees a log-uniform prior as uniform on the logarithm (a flat prior, so the
    importance weights are not the prior density's 1/x), and the model undoes it."""
    from ipssim.calibration import smc

    loguniform = {k: p for k, p in PRIORS.items() if p.kind == "loguniform"}
    key, p = next(iter(loguniform.items()))
    name, (low, width) = smc.searched(p)
    assert name == "uniform" and low == pytest.approx(math.log(p.low))
    assert low + width == pytest.approx(math.log(p.high))
    other = next(k for k, q in PRIORS.items() if q.kind == "uniform")
    assert smc.searched(PRIORS[other]) == PRIORS[other].scipy()
    chosen = {key: p, other: PRIORS[other]}
    values = {key: math.log(p.low * 1.5), other: PRIORS[other].low}
    assert smc.natural(chosen, values) == {key: pytest.approx(p.low * 1.5), other: values[other]}
    setup = tiny_setup()
    setup = Setup(setup.scenarios, setup.targets, chosen, 1)
    assert smc.Model(setup)(values) == simulate(setup, smc.natural(chosen, values))


ESTIMATED = ["population.work_interest", "labour_market.hire_probability", "work.job_loss_per_year"]


def calibrate(folder: Path, *extra: str) -> int:
    args = ["calibrate", "--population", "16", "--out", str(folder)]
    for key in TARGETS:
        args += ["--target", key]
    for key in ESTIMATED:
        args += ["--parameter", key]
    for text in TINY:
        args += ["--set", text]
    return cli.main([*args, *extra])


def test_tiny_calibration_writes_a_posterior_that_loads_and_resumes(tmp_path, capsys):
    folder = tmp_path / "calibration"
    assert calibrate(folder, "--generations", "2") == 0
    err = capsys.readouterr().err
    assert "generation 2 of 2: acceptance" in err and "epsilon" in err
    first = posterior.load(folder)
    assert len(first.weights) == 16 and first.weights.sum() == pytest.approx(1.0)
    assert list(first.particles) == list(PRIORS)  # the others drawn from their priors
    manifest = json.loads((folder / posterior.MANIFEST).read_text())
    assert [g["t"] for g in manifest["generations"]] == [0, 1]
    assert all(1 <= g["effective"] <= 16 + 1e-9 for g in manifest["generations"])
    assert "effective sample size" in err
    assert manifest["fixed"] == []  # TINY sets no parameter with a prior
    assert set(manifest["from_prior"]) == set(PRIORS) - set(ESTIMATED)
    unidentified = first.particles[manifest["from_prior"]]
    assert unidentified.nunique().min() > 1  # drawn, one value per particle
    ran = Setup(
        {}, (), {k: PRIORS[k] for k in ESTIMATED}, 1, nuisance={k: PRIORS[k] for k in unidentified}
    )
    for row, kept in zip(
        first.particles[ESTIMATED].to_dict("records"), unidentified.to_dict("records"), strict=True
    ):
        assert nuisance(ran, row) == pytest.approx(kept)  # the draw each particle ran with
    assert all(PRIORS[k].contains(v) for k in unidentified for v in unidentified[k])
    assert {t["key"] for t in manifest["targets"]} == set(TARGETS)
    assert manifest["pyabc"] and manifest["seed"] == 1

    assert calibrate(folder, "--generations", "2") == 2  # a calibration is there already
    assert "--resume" in capsys.readouterr().err
    assert calibrate(folder, "--generations", "3", "--resume", "--seed", "2") == 2  # not the same
    assert calibrate(folder, "--generations", "3", "--resume") == 0
    assert "generation 3 of 3" in capsys.readouterr().err
    manifest = json.loads((folder / posterior.MANIFEST).read_text())
    assert [g["t"] for g in manifest["generations"]] == [0, 1, 2]
    # the wall time is the whole calibration's, not only the run that resumed it
    assert manifest["wall_time_s"] > sum(g["seconds"] for g in manifest["generations"])
    epsilon = [g["epsilon"] for g in manifest["generations"]]
    assert epsilon == sorted(epsilon, reverse=True) and epsilon[-1] < epsilon[0]  # it narrows
    assert posterior.load(folder).particles.shape == (16, len(PRIORS))

    tiny = [arg for text in TINY for arg in ("--set", text)]  # a projection from it
    base = str(SCENARIOS / "base.toml")
    run = [base, "--posterior", str(folder), "--reps", "2", "--format", "json", *tiny]
    capsys.readouterr()
    assert cli.main(["run", *run]) == 0
    assert json.loads(capsys.readouterr().out)["parameters"] == "posterior"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--target", "smi_trial.no_such_metric"], "no such target"),
        (["--resume"], "holds no calibration"),
        (["--scenarios", "/nonexistent"], "no justice_trial.toml"),
        (["--parameter", "service.specialists"], "has no prior"),
        (["--population", "3"], "more particles than"),
    ],
)
def test_bad_input_is_refused_with_exit_2(tmp_path, capsys, extra: list[str], message: str):
    assert calibrate(tmp_path / "c", "--generations", "1", *extra) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "c" / "calibration.db").exists()


def test_population_of_one_is_refused(tmp_path):
    with pytest.raises(SystemExit) as exc:
        cli.main(["calibrate", "--population", "1", "--out", str(tmp_path)])
    assert exc.value.code == 2


def write_posterior(folder: Path, particles: pd.DataFrame, fixed: list[str] | None = None) -> None:
    folder.mkdir(exist_ok=True)
    posterior.write(folder, particles, [1.0] * len(particles), {"fixed": fixed or []})


def test_a_posterior_that_does_not_match_the_schema_is_refused(tmp_path):
    mean = pd.DataFrame([{k: (p.low + p.high) / 2 for k, p in PRIORS.items()}] * 2)
    write_posterior(tmp_path / "ok", mean)
    assert posterior.load(tmp_path / "ok").mean() == pytest.approx(mean.iloc[0].to_dict())
    write_posterior(tmp_path / "unknown", mean.assign(**{"work.no_such_key": 1.0}))
    with pytest.raises(posterior.PosteriorError, match="not calibrated in this schema"):
        posterior.load(tmp_path / "unknown")
    key = next(iter(PRIORS))
    write_posterior(tmp_path / "missing", mean.drop(columns=key))
    with pytest.raises(posterior.PosteriorError, match=f"calibrated but missing: {key}"):
        posterior.load(tmp_path / "missing")
    write_posterior(tmp_path / "fixed", mean.drop(columns=key), fixed=[key])
    assert key not in posterior.load(tmp_path / "fixed").particles
    write_posterior(tmp_path / "outside", mean.assign(**{key: PRIORS[key].high + 1}))
    with pytest.raises(posterior.PosteriorError, match="outside its prior"):
        posterior.load(tmp_path / "outside")
    with pytest.raises(posterior.PosteriorError, match="cannot read"):
        posterior.load(tmp_path / "nothing")


def test_sigterm_stops_the_calibration_and_every_worker_it_started(tmp_path):
    folder = tmp_path / "calibration"
    args = ["calibrate", "--population", "16", "--out", str(folder), "--workers", "2"]
    args += ["--generations", "50", *(a for k in TARGETS for a in ("--target", k))]
    args += [a for k in ESTIMATED for a in ("--parameter", k)]
    args += [a for text in TINY for a in ("--set", text)]
    code = "import sys; from ipssim.cli import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    for line in proc.stderr:  # wait until the second generation is under way
        if "generation 1 of 50" in line:
            break
    deadline = time.monotonic() + 30
    children: list[str] = []
    while not children and time.monotonic() < deadline:
        listed = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True)
        children = listed.stdout.split()
    assert children, "pyabc's worker processes were never seen"
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 130
    assert "--resume" in proc.stderr.read()
    deadline = time.monotonic() + 10
    alive = children
    while alive and time.monotonic() < deadline:
        alive = [pid for pid in alive if Path(f"/proc/{pid}").exists()]
        time.sleep(0.1)
    assert not alive, f"worker processes left running: {alive}"
