"""Projections with parameter uncertainty: replications draw their calibrated parameters from a
posterior (``ipssim.parameters``), deterministically for a seed and whatever the workers; a
comparison stays paired; a posterior that does not match the schema is refused (exit 2)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ipssim import cli
from ipssim.calibration import check, posterior
from ipssim.evidence import BY_KEY
from ipssim.experiment import replicate, runs_frame, share_greater
from ipssim.parameters import DEFAULTS, set_by_file
from ipssim.scenario import Scenario
from ipssim.schema.fields import priors
from tests.conftest import SCENARIOS, small

TINY = ["--set", "run.horizon_weeks=20", "--set", "entry.intake_weeks=10"]
HIRE = "labour_market.hire_probability"


def value(scenario: Scenario, dotted: str) -> float:
    node: object = scenario
    for part in dotted.split("."):
        node = getattr(node, part)
    return float(node)  # type: ignore[arg-type]


def write_posterior(folder: Path, n: int = 6, spread: float = 0.1, seed: int = 0) -> Path:
    """A test posterior of ``n`` particles near the schema's defaults, with unequal weights."""
    rng = np.random.default_rng(seed)
    base = Scenario()
    columns = {
        k: np.clip(
            value(base, k) + spread * (p.high - p.low) * rng.uniform(-1, 1, n), p.low, p.high
        )
        for k, p in priors(Scenario).items()
    }
    folder.mkdir(parents=True, exist_ok=True)
    weights = rng.uniform(0.5, 1.5, n)
    posterior.write(folder, pd.DataFrame(columns), weights, {"kind": "test posterior"})
    return folder


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_posterior(tmp_path_factory.mktemp("posterior"))


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_replication_draws_by_its_own_seed_and_the_weights(tiny: Path) -> None:
    drawn = posterior.load(tiny).parameters("posterior", "test")
    picks = [drawn.particle(7, rep) for rep in range(200)]
    assert picks == [drawn.particle(7, rep) for rep in range(200)]
    assert picks != [drawn.particle(8, rep) for rep in range(200)]
    assert len(set(picks)) > 1
    only = posterior.Posterior(
        posterior.load(tiny).particles, np.array([0, 0, 1.0, 0, 0, 0]), {}
    ).parameters("posterior", "test")
    assert {only.particle(1, rep) for rep in range(50)} == {2}


def test_posterior_runs_are_deterministic_and_the_same_on_two_workers(tiny: Path) -> None:
    drawn = posterior.projection(None, tiny)
    assert drawn.mode == "posterior"
    scenario = small(**{"run.horizon_weeks": 20, "entry.intake_weeks": 10})
    one = replicate(scenario, 3, 5, workers=1, progress=False, parameters=drawn)
    two = replicate(scenario, 3, 5, workers=2, progress=False, parameters=drawn)
    pd.testing.assert_frame_equal(runs_frame(one), runs_frame(two))
    particles = posterior.load(tiny).particles
    for r in one:  # each replication ran its own particle's values
        assert value(r.scenario, HIRE) == particles[HIRE][drawn.particle(5, r.rep)]
    assert not runs_frame(one).equals(runs_frame(replicate(scenario, 3, 5, progress=False)))


def test_point_uses_the_weighted_mean_in_every_replication(tiny: Path) -> None:
    point = posterior.projection("point", tiny)
    scenario = small(**{"run.horizon_weeks": 20, "entry.intake_weeks": 10})
    runs = replicate(scenario, 2, 5, progress=False, parameters=point)
    again = replicate(scenario, 2, 5, progress=False, parameters=point)
    pd.testing.assert_frame_equal(runs_frame(runs), runs_frame(again))
    mean = posterior.load(tiny).mean()[HIRE]
    assert [value(r.scenario, HIRE) for r in runs] == pytest.approx([mean, mean])


def test_a_set_value_is_kept_in_every_replication(tiny: Path) -> None:
    drawn = posterior.projection("posterior", tiny)
    fixed = small(**{HIRE: 0.2, "run.horizon_weeks": 20})  # a change fixes it, as --set does
    assert set_by_file(fixed, HIRE) and set_by_file(fixed, "run.horizon_weeks")
    assert not set_by_file(fixed, "work.job_loss_per_year")
    for rep in range(4):
        run = drawn.scenario(fixed, 3, rep)
        assert value(run, HIRE) == 0.2
        assert value(run, "work.job_loss_per_year") == pytest.approx(
            drawn.drawn(3, rep)["work.job_loss_per_year"]
        )


def test_the_default_is_the_shipped_posterior_else_the_defaults(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(posterior, "SHIPPED", tmp_path / "none")
    assert posterior.projection(None, None).mode == "defaults"
    with pytest.raises(posterior.PosteriorError, match="ships no calibrated posterior"):
        posterior.projection("point", None)
    monkeypatch.setattr(posterior, "SHIPPED", tiny)
    assert posterior.projection(None, None).mode == "posterior"
    assert posterior.projection("defaults", None).mode == "defaults"
    with pytest.raises(posterior.PosteriorError, match="defaults use no posterior"):
        posterior.projection("defaults", tiny)


def test_stored_runs_of_other_parameters_are_never_reused(tiny: Path) -> None:
    drawn = posterior.projection("posterior", tiny)
    point = posterior.projection("point", tiny)
    assert DEFAULTS.key("abc") == "abc"
    assert len({drawn.key("abc"), point.key("abc"), drawn.key("abd"), "abc"}) == 4


def test_compare_of_a_scenario_with_itself_is_zero_under_posterior_draws(
    capsys, tiny: Path
) -> None:
    base = str(SCENARIOS / "base.toml")
    args = ("compare", base, base, "--posterior", str(tiny), "--reps", "3", "--format", "json")
    code, out, _ = run_cli(capsys, *args, *TINY)
    assert code == 0
    data = json.loads(out)
    assert data["parameters"] == "posterior"
    for name, row in data["comparison"].items():
        if row["base' - base"] is not None:
            assert row["base' - base"] == 0, name
            assert row["base' - base p_greater"] == 0, name


def test_compare_reports_the_share_of_pairs_where_b_is_higher(capsys) -> None:
    assert share_greater(np.array([1.0, -1.0, 0.0, np.nan, 2.0])) == 0.5
    assert np.isnan(share_greater(np.array([np.nan])))
    base = str(SCENARIOS / "base.toml")
    code, out, _ = run_cli(
        capsys,
        "compare",
        base,
        base,
        "--set-arm",
        "2:service.specialists=8",
        "--parameters",
        "defaults",
        "--reps",
        "2",
        *TINY,
    )
    assert code == 0 and "P(>)" in out and "parameters: the scenario's defaults" in out


@pytest.mark.parametrize(
    "command",
    [
        ["run", str(SCENARIOS / "base.toml")],
        ["compare", str(SCENARIOS / "base.toml"), str(SCENARIOS / "base.toml")],
        ["fidelity", str(SCENARIOS / "base.toml")],
        ["trial", str(SCENARIOS / "smi_trial.toml"), str(SCENARIOS / "smi_trial_control.toml")],
        ["sites", "--n", "2"],
        ["sweep", str(SCENARIOS.parent / "experiments" / "staffing.toml")],
        ["calibrate", "--check"],
        ["dashboard", str(SCENARIOS / "base.toml")],  # refused before the server starts
        ["plan", str(SCENARIOS / "steady_team.toml"), "--referrals-per-year", "100"],
        ["sensitivity", str(SCENARIOS.parent / "experiments" / "barriers.toml")],
    ],
    ids=lambda c: c[0],
)
def test_a_posterior_that_does_not_match_the_schema_is_refused(
    capsys, tmp_path: Path, tiny: Path, command: list[str]
) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    frame = pd.read_parquet(tiny / posterior.PARTICLES)
    frame.rename(columns={HIRE: "labour_market.hire_chance"}).to_parquet(
        bad / posterior.PARTICLES, index=False
    )
    (bad / posterior.MANIFEST).write_text((tiny / posterior.MANIFEST).read_text())
    code, out, err = run_cli(capsys, *command, "--posterior", str(bad))
    assert code == 2 and out == ""
    assert "do not match the schema" in err and "labour_market.hire_chance" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "command",
    [
        ["run", str(SCENARIOS / "base.toml")],
        ["plan", str(SCENARIOS / "steady_team.toml"), "--referrals-per-year", "100"],
        ["sensitivity", str(SCENARIOS.parent / "experiments" / "barriers.toml")],
    ],
    ids=lambda c: c[0],
)
def test_a_missing_posterior_is_refused(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    code, out, err = run_cli(capsys, *command, "--posterior", str(tmp_path / "nothing"))
    assert code == 2 and out == "" and "cannot read the posterior" in err
    monkeypatch.setattr(posterior, "SHIPPED", tmp_path / "none")  # a version shipping none
    code, out, err = run_cli(capsys, *command, "--parameters", "point")
    assert code == 2 and out == "" and "ships no calibrated posterior" in err


def test_run_says_which_parameters_it_used(capsys, tiny: Path) -> None:
    base = str(SCENARIOS / "base.toml")
    point = ("--parameters", "point", "--posterior", str(tiny))
    code, out, _ = run_cli(capsys, "run", base, *point, "--reps", "2", *TINY)
    assert code == 0 and "parameters: point (the weighted mean" in out.splitlines()[1]
    plain = ("--parameters", "defaults", "--format", "json", "--reps", "2")
    code, out, _ = run_cli(capsys, "run", base, *plain, *TINY[:2])
    assert code == 0 and json.loads(out)["parameters"] == "defaults"


def test_check_gives_one_object_per_target_with_the_promised_keys(capsys, tiny: Path) -> None:
    code, out, _ = run_cli(
        capsys,
        "calibrate",
        "--check",
        "--target",
        "smi_trial_control.employment_rate",
        "--posterior",
        str(tiny),
        "--reps",
        "3",
        "--format",
        "json",
        "--set",
        "entry.cohort_size=60",
    )
    rows = json.loads(out)
    assert len(rows) == 1 and set(rows[0]) == set(check.KEYS)
    row = rows[0]
    assert row["published"] == BY_KEY["smi_trial_control.employment_rate"].published
    assert row["ci_low"] <= row["mean"] <= row["ci_high"]
    assert row["z"] == pytest.approx((row["mean"] - row["published"]) / row["se"])
    assert code == (0 if row["inside"] else 1)


def test_the_two_se_rule() -> None:
    assert check.passes(0.5, 0.05, 0.55, 0.45, 0.6)
    assert not check.passes(0.5, 0.05, 0.55, 0.51, 0.6)  # published outside the interval
    assert not check.passes(0.5, 0.05, 0.62, 0.45, 0.7)  # mean 2.4 standard errors away
    assert not check.passes(0.5, 0.05, float("nan"), float("nan"), float("nan"))
    assert check.predictive_interval(np.arange(101.0)) == pytest.approx((2.5, 97.5))


def test_the_dashboard_runs_both_services_with_replication_zeros_draw(tiny: Path) -> None:
    from ipssim.dashboard.sidebyside import SideBySide

    drawn = posterior.projection("posterior", tiny)
    baseline = small(**{"run.horizon_weeks": 20})
    changed = baseline.with_changes({"service.specialists": 6})
    model = SideBySide(baseline, changed, seed=4, parameters=drawn)
    expected = drawn.drawn(4, 0)[HIRE]
    assert [value(m.scenario, HIRE) for m in model.services.values()] == [expected, expected]


def _mutations(tiny: Path) -> list[tuple[str, Callable[[pd.DataFrame, dict], object]]]:
    def drop(frame: pd.DataFrame, _: dict) -> pd.DataFrame:
        return frame.drop(columns=HIRE)

    def extra(frame: pd.DataFrame, _: dict) -> pd.DataFrame:
        return frame.assign(**{"service.specialists": 4.0})

    def outside(frame: pd.DataFrame, _: dict) -> pd.DataFrame:
        return frame.assign(**{HIRE: 0.9})

    def missing_value(frame: pd.DataFrame, _: dict) -> pd.DataFrame:
        return frame.assign(**{HIRE: float("nan")})

    def negative(frame: pd.DataFrame, _: dict) -> pd.DataFrame:
        return frame.assign(weight=-frame["weight"])

    def zero(frame: pd.DataFrame, _: dict) -> pd.DataFrame:
        return frame.assign(weight=0.0)

    def unweighted(frame: pd.DataFrame, _: dict) -> pd.DataFrame:
        return frame.drop(columns="weight")

    def empty(frame: pd.DataFrame, _: dict) -> pd.DataFrame:
        return frame.iloc[:0]

    def garbage(frame: pd.DataFrame, _: dict) -> bytes:
        return b"PAR1 not a parquet file"

    def no_manifest(frame: pd.DataFrame, manifest: dict) -> pd.DataFrame:
        manifest.clear()
        return frame

    return [
        (f.__name__, f)
        for f in (drop, extra, outside, missing_value, negative, zero, unweighted, empty)
    ] + [("garbage", garbage), ("no_manifest", no_manifest)]


def test_broken_posterior_files_are_refused_with_one_message(
    capsys, tmp_path: Path, tiny: Path
) -> None:
    base = str(SCENARIOS / "base.toml")
    for name, mutate in _mutations(tiny):
        folder = tmp_path / name
        folder.mkdir()
        manifest = {"kind": "test posterior"}
        made = mutate(pd.read_parquet(tiny / posterior.PARTICLES), manifest)
        if isinstance(made, bytes):
            (folder / posterior.PARTICLES).write_bytes(made)
        else:
            made.to_parquet(folder / posterior.PARTICLES, index=False)
        if manifest:
            (folder / posterior.MANIFEST).write_text(json.dumps(manifest))
        code, out, err = run_cli(capsys, "run", base, "--posterior", str(folder), "--reps", "1")
        assert code == 2 and out == "", name
        assert err.startswith("ipssim: error: ") and err.count("\n") == 1, (name, err)
        assert "Traceback" not in err, name


def test_the_shipped_posterior_matches_the_schema() -> None:
    shipped = posterior.shipped()
    if shipped is None:
        pytest.skip("this version ships no posterior yet (ipssim/data/posterior.parquet)")
    found = posterior.load(shipped)  # refuses parameters that are not the schema's
    assert set(found.particles.columns) | set(found.manifest.get("fixed", [])) == set(
        priors(Scenario)
    )
    assert posterior.projection(None, None).mode == "posterior"


def test_virtual_trials_under_posterior_draws_are_the_same_on_two_workers(tiny: Path) -> None:
    from ipssim import trial
    from ipssim.scenario import load

    drawn = posterior.projection("posterior", tiny)
    arms = [load(SCENARIOS / f"{name}.toml") for name in ("smi_trial", "smi_trial_control")]
    plan = trial.design(*arms, n=20, follow_up_months=3)
    one = trial.simulate(plan, 12, 3, workers=1, progress=False, parameters=drawn)
    two = trial.simulate(plan, 12, 3, workers=2, progress=False, parameters=drawn)
    pd.testing.assert_frame_equal(one, two)


def test_every_site_of_a_cluster_trial_runs_the_trials_one_particle(
    tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ipssim import cluster_trial, trial
    from ipssim.scenario import load

    ran: list[tuple[Scenario, int]] = []  # each site's scenario and replication, as run

    def site(task: tuple[Scenario, int, int]) -> list[int]:
        scenario, _, rep = task
        ran.append((scenario, rep))
        return [1, 0, 0]

    monkeypatch.setattr(cluster_trial, "_site", site)
    drawn = posterior.projection("posterior", tiny)
    particles = posterior.load(tiny).particles
    arms = [load(SCENARIOS / f"{name}.toml") for name in ("justice_trial", "justice_trial_control")]
    plan = trial.design(*arms, n=10, follow_up_months=3)
    k, trials, seed = 4, 5, 3
    runs = cluster_trial.simulate(plan, k, trials, seed, progress=False, parameters=drawn)
    assert list(runs["site"]) == [rep for _, rep in ran] == list(range(k * trials))
    for t in range(trials):
        particle = particles.iloc[drawn.particle(seed, t)]
        as_drawn = cluster_trial.site_scenarios(plan, k, t, seed)  # before the parameters
        for (scenario, _), (own, _) in zip(ran[t * k : (t + 1) * k], as_drawn, strict=True):
            free = [key for key in particles.columns if not set_by_file(own, key)]
            assert len(free) > len(particles.columns) / 2  # a site fixes a few of its own
            assert [value(scenario, key) for key in free] == list(particle[free]), t
    assert len({drawn.particle(seed, t) for t in range(trials)}) > 1  # trials differ


@pytest.mark.filterwarnings("ignore:.*replication")  # the few-replications warning
def test_the_api_takes_parameters_and_a_posterior(tiny: Path) -> None:
    import ipssim

    quick = {"run.horizon_weeks": 20, "entry.intake_weeks": 10}
    base = SCENARIOS / "base.toml"
    both = ipssim.compare(base, base, reps=2, set=quick, posterior=tiny)
    table = both.differences()
    assert (table["base' - base"].dropna() == 0).all()
    point = ipssim.run(base, reps=1, set=quick, parameters="point", posterior=tiny)
    assert value(point.results[0].scenario, HIRE) == pytest.approx(
        posterior.load(tiny).mean()[HIRE]
    )
    assert point.parameters.mode == "point"


def test_a_sweep_under_posterior_draws_is_the_same_on_two_workers_and_never_reuses_defaults(
    tmp_path: Path, tiny: Path
) -> None:
    from ipssim import sweeps
    from ipssim.executors import Execution
    from ipssim.sweep_runner import run_sweep
    from tests.sweeps_support import write_sweep

    sweep = sweeps.load(write_sweep(tmp_path, '[grid]\n"service.specialists" = [1, 2]'))
    drawn = posterior.projection("posterior", tiny)
    folder = tmp_path / "out"
    plain = run_sweep(sweep, folder, Execution(), progress=False)
    one = run_sweep(sweep, folder, Execution(), progress=False, parameters=drawn)
    assert one.computed == plain.computed == 4  # the defaults' runs are not reused
    two = run_sweep(sweep, tmp_path / "two", Execution(workers=2), progress=False, parameters=drawn)
    metrics = ["point", "rep", "employment_rate", "waiting_weeks_mean"]
    pd.testing.assert_frame_equal(one.runs[metrics], two.runs[metrics])
    assert not one.runs[metrics].equals(plain.runs[metrics])
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["parameters"] == "posterior" and manifest["posterior"] == str(tiny)


def test_calibrate_takes_a_posterior_only_to_check_it(capsys, tiny: Path) -> None:
    code, _, err = run_cli(capsys, "calibrate", "--parameters", "point", "--posterior", str(tiny))
    assert code == 2 and "go with --check" in err


# a plan quick enough for a test: a short steady run in which a list forms at one specialist
PLAN = ["plan", str(SCENARIOS / "steady_team.toml"), "--referrals-per-year", "78", "--reps", "2"]
PLAN += ["--target", "waiting_weeks_mean<2", "--max-specialists", "2", "--seed", "2"]
for _change in ("run.horizon_weeks=30", "run.warmup_weeks=8", "service.caseload_cap=8"):
    PLAN += ["--set", _change]
PLAN += ["--set", "employers.count=50"]


def test_a_plan_under_posterior_draws_is_deterministic_and_the_same_on_two_workers(
    capsys, tmp_path: Path, tiny: Path
) -> None:
    from ipssim.report import _facts
    from ipssim.result_folder import open_folder

    drawn = ("--posterior", str(tiny))
    outs = {}
    for name, workers in (("one", "1"), ("two", "2")):  # the same seed twice: the same plan
        code, outs[name], _ = run_cli(
            capsys, *PLAN, *drawn, "--workers", workers, "--out", str(tmp_path / name)
        )
        assert code == 0
    texts = {n: out.replace(str(tmp_path / n), "DIR") for n, out in outs.items()}
    assert texts["one"] == texts["two"]
    assert "parameters: posterior (each replication draws" in outs["one"].splitlines()[1]
    runs = {n: pd.read_parquet(tmp_path / n / "runs.parquet") for n in outs}
    pd.testing.assert_frame_equal(runs["one"], runs["two"])
    manifest = json.loads((tmp_path / "one" / "manifest.json").read_text())
    assert manifest["parameters"] == "posterior" and manifest["posterior"] == str(tiny)
    code, defaults, _ = run_cli(
        capsys, *PLAN, "--parameters", "defaults", "--workers", "1", "--out", str(tmp_path / "d")
    )
    assert code == 0 and "parameters: the scenario's defaults" in defaults.splitlines()[1]
    plain = pd.read_parquet(tmp_path / "d" / "runs.parquet")
    metrics = ["service.specialists", "rep", "waiting_weeks_mean", "employment_rate"]
    assert not plain[metrics].equals(runs["one"][metrics])  # the draws changed the runs
    assert f"posterior ({tiny})" in _facts(open_folder(tmp_path / "one"))  # the report says so


def test_every_team_size_of_a_plan_runs_replication_r_with_the_same_draw(tiny: Path) -> None:
    from ipssim.analysis.plan import plan_sweep, with_teams

    drawn = posterior.projection("posterior", tiny)
    sweep = plan_sweep(
        SCENARIOS / "steady_team.toml", ["service.caseload_cap=8"], 78.0, [], reps=4, seed=2
    )
    sweep = with_teams(sweep, [(1, 8), (3, 8)])
    for rep in range(4):
        small_team, large_team = (drawn.scenario(s, 2, rep) for s in sweep.scenarios())
        assert (small_team.service.specialists, large_team.service.specialists) == (1, 3)
        for key, expected in drawn.drawn(2, rep).items():  # the same values in both teams
            assert value(small_team, key) == value(large_team, key)
            if not set_by_file(sweep.base, key):  # the file's own values are kept
                assert value(small_team, key) == pytest.approx(expected)
        assert small_team.service.caseload_cap == 8  # a --set value is kept
        assert small_team.entry.arrivals_per_week == pytest.approx(78 / 52)


def test_a_sensitivity_analysis_under_posterior_draws_is_the_same_on_two_workers(
    capsys, tmp_path: Path, tiny: Path
) -> None:
    from tests.sweeps_support import write_sweep

    body = (
        '[sample]\nn = 4\n[sample.ranges]\n"policy.referral_gatekeeping" = [0.0, 1.0]\n'
        '"population.benefits_worry_mean" = [0.2, 0.8]\n[sensitivity]\ntrajectories = 2\n'
    )
    path = write_sweep(tmp_path, body, reps=2, seed=4)
    tables = []
    for workers in ("1", "2"):
        folder = tmp_path / f"w{workers}"
        argv = ["sensitivity", str(path), "--posterior", str(tiny), "--workers", workers]
        code, out, _ = run_cli(capsys, *argv, "--out", str(folder))
        assert code == 0 and "parameters: posterior (each replication draws" in out
        assert json.loads((folder / "manifest.json").read_text())["parameters"] == "posterior"
        tables.append(pd.read_parquet(folder / "runs.parquet"))
    pd.testing.assert_frame_equal(*tables)
    from ipssim import sweeps
    from ipssim.analysis import sensitivity

    # a sampled lever keeps each point's value, though it is a calibrated parameter
    design = sensitivity.design(sweeps.load(path), "morris").sweep
    drawn = posterior.projection("posterior", tiny)
    worry = "population.benefits_worry_mean"
    for point, scenario in enumerate(design.scenarios()):
        ran = drawn.scenario(scenario, 4, 1)
        assert value(ran, worry) == pytest.approx(float(design.points[worry].iloc[point]))
        assert value(ran, HIRE) == pytest.approx(drawn.drawn(4, 1)[HIRE])
