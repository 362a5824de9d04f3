"""Calibration pairs: a trial's control arm runs beside its trial arm in one labour market
(``evidence.PAIRS``) in the calibration check, a calibration particle and ``ipssim calibrate
--check``; both arms take one replication's calibrated parameters, and a draw keeps their
shared employers alike."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ipssim import evidence
from ipssim.calibration import check, particle
from ipssim.experiment import replicate, replicate_group, run_group
from ipssim.model import in_one_market
from ipssim.parameters import Parameters, for_market
from ipssim.scenario import ScenarioError
from tests.conftest import SCENARIOS, small

VACANCY = "employers.vacancy_probability"
HIRE = "labour_market.hire_probability"


def employers(events: pd.DataFrame) -> np.ndarray:
    """The sectors of the employers a run's log names."""
    return events.loc[events["event"] == "employer", "detail"].to_numpy()


def posterior(**columns: list[float]) -> Parameters:
    """A posterior of equally weighted particles with ``columns`` (dotted key: values)."""
    keys = tuple(k.replace("__", ".") for k in columns)
    values = np.array(list(columns.values()), dtype=float).T
    return Parameters("posterior", "test", keys, values, np.ones(len(values)))


def test_the_pairs_name_scenarios_and_targets_that_run_in_one_market() -> None:
    targeted = {t.scenario for t in evidence.TARGETS}
    for control, arm in evidence.PAIRS.items():
        assert control in targeted
        a, b = (particle.load_scenarios(SCENARIOS, (n,))[n] for n in (arm, control))
        assert a.employers == b.employers and a.run.horizon_weeks == b.run.horizon_weeks
        assert (arm, control) in evidence.runs([control]) == evidence.runs([arm])
    assert evidence.runs(["base", "smi_trial_control", "smi_trial"]) == (
        ("base",),
        ("smi_trial", "smi_trial_control"),
    )
    assert evidence.runs(["prison_leavers_usual_care"]) == (("prison_leavers_usual_care",),)
    assert "prison_leavers" not in evidence.scenarios()


def test_a_pair_shares_its_employers_and_is_the_same_for_any_workers() -> None:
    arms = [small(n, entry__cohort_size=25) for n in ("justice_trial", "justice_trial_control")]
    one = replicate_group(arms, 3, seed=6, workers=1, progress=False)
    two = replicate_group(arms, 3, seed=6, workers=2, progress=False)
    for rep in range(3):
        a, b = one[0][rep], one[1][rep]
        assert a.rep == b.rep == rep
        np.testing.assert_array_equal(employers(a.events), employers(b.events))
        for arm in range(2):
            pd.testing.assert_frame_equal(one[arm][rep].events, two[arm][rep].events)
    # replication r of the pair: both arms with the employers of the seed tree of 2r
    alone = replicate(arms[1], 4, seed=6, progress=False)
    np.testing.assert_array_equal(employers(one[1][1].events), employers(alone[2].events))
    assert not np.array_equal(employers(alone[3].events), employers(alone[2].events))


def test_both_arms_take_one_particle_and_keep_their_employers_alike() -> None:
    b = small("justice_trial_control", entry__cohort_size=20)
    own = b.employers.vacancy_probability
    a = small("justice_trial", entry__cohort_size=20, **{VACANCY.replace(".", "__"): own})
    assert a.employers == b.employers  # alike as given: arm A pins the default itself
    drawn = posterior(**{VACANCY: [own + 0.02, own + 0.04], HIRE: [0.05, 0.2]})
    for rep in range(4):
        ra, rb = run_group([a, b], seed=3, rep=rep, parameters=drawn)
        assert ra.scenario.employers == rb.scenario.employers
        assert ra.scenario.employers.vacancy_probability == own  # arm A's own value, kept
        hire = ra.scenario.labour_market.hire_probability
        assert hire == rb.scenario.labour_market.hire_probability
        assert hire == drawn.drawn(3, rep)[HIRE]
    # drawn one arm at a time, the employers would differ; in one market that is refused
    apart = [drawn.scenario(s, 3, 0) for s in (a, b)]
    assert apart[0].employers != apart[1].employers
    with pytest.raises(ScenarioError, match=r"differ in employers\.vacancy_probability"):
        in_one_market([(apart[0], 0), (apart[1], 1)], seed=3)
    assert for_market([a, b], {VACANCY: own + 0.02})[1].employers.vacancy_probability == own


TINY = ["run.horizon_weeks=26", "entry.cohort_size=30", "entry.intake_weeks=8"]


def test_a_particle_and_the_check_run_the_control_arm_beside_its_trial_arm() -> None:
    targets = (evidence.BY_KEY["justice_trial_control.employment_rate"],)
    names = evidence.scenarios(targets)
    assert names == ("justice_trial", "justice_trial_control")
    scenarios = particle.load_scenarios(SCENARIOS, names, TINY)
    setup = particle.Setup(scenarios, targets, {}, seed=2, reps=2)
    values: dict[str, float] = {}
    figures = particle.simulate(setup, values)
    seed = particle.particle_seed(2, values)
    arms = [scenarios[n] for n in names]
    runs = replicate_group(arms, 2, seed, progress=False)
    rates = [r.metrics["employment_rate"] for r in runs[1]]
    assert figures[targets[0].key] == pytest.approx(np.mean(rates))
    alone = replicate(arms[1], 2, seed, progress=False)
    assert not all(r.events.equals(a.events) for r, a in zip(runs[1], alone, strict=True))
    (found,) = check.check(targets, scenarios, Parameters(), 2, seed, progress=False)
    assert found.values.tolist() == rates
