"""The screening of which parameters with a prior the calibration targets identify."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ipssim import cli
from ipssim.calibration import particle, screening
from ipssim.scenario import Scenario
from ipssim.schema.fields import priors

PRIORS = priors(Scenario)


def test_draws_are_repeatable_and_within_the_priors():
    first = particle.draw(PRIORS, 50, np.random.SeedSequence(3))
    again = particle.draw(PRIORS, 50, np.random.SeedSequence(3))
    pd.testing.assert_frame_equal(first, again)
    assert list(first) == list(PRIORS)
    assert all(PRIORS[k].contains(v) for k in first for v in first[k])
    assert not first.equals(particle.draw(PRIORS, 50, np.random.SeedSequence(4)))


def test_a_parameter_that_moves_a_target_is_identified_and_noise_is_not():
    rng = np.random.default_rng(1)
    particles = pd.DataFrame({"a": rng.uniform(size=300), "b": rng.uniform(size=300)})
    figures = pd.DataFrame(
        {"t.one": particles["a"] + rng.normal(0, 0.2, 300), "t.two": rng.uniform(size=300)}
    )
    table = screening.screen(screening.correlations(particles, figures))
    assert list(table.columns) == list(screening.COLUMNS)
    row = table.set_index("parameter")
    assert row.loc["a", "identified"] and row.loc["a", "target"] == "t.one"
    assert not row.loc["b", "identified"] and row.loc["b", "max_abs_rho"] < screening.THRESHOLD


def test_the_shipped_screening_covers_the_schema_and_calibrate_uses_it(capsys):
    chosen = screening.identified()
    table = pd.read_csv(screening.FILE)
    assert sorted(table["parameter"]) == sorted(PRIORS)
    assert chosen == [k for k in PRIORS if k in set(table.loc[table["identified"], "parameter"])]
    assert all(table.loc[table["identified"], "max_abs_rho"] >= screening.THRESHOLD)
    assert 0 < len(chosen) < len(PRIORS)
    # by default ipssim calibrate estimates exactly the identified parameters
    assert cli.main(["calibrate", "--population", str(len(chosen))]) == 2
    assert f"more particles than the {len(chosen)} parameters" in capsys.readouterr().err


def test_a_screening_that_does_not_match_the_schema_is_refused(tmp_path):
    table = pd.read_csv(screening.FILE)
    table.iloc[1:].to_csv(tmp_path / "short.csv", index=False)
    with pytest.raises(screening.ScreeningError, match="not the schema's parameters"):
        screening.identified(tmp_path / "short.csv")
    with pytest.raises(screening.ScreeningError, match="cannot read"):
        screening.identified(tmp_path / "absent.csv")


def test_the_screening_runs_end_to_end_and_writes_a_table_that_loads(tmp_path, capsys):
    out = tmp_path / "screening.csv"
    assert screening.main(["--draws", "4", "--out", str(out)]) == 0
    assert f"identified; wrote {out}" in capsys.readouterr().out
    assert set(screening.identified(out)) <= set(PRIORS)
    assert not out.with_suffix(".tmp").exists()
