"""Reproducibility: one seed gives one result, whatever the workers; common random numbers."""

from __future__ import annotations

import pandas as pd
from pandas.testing import assert_frame_equal

from ipssim.experiment import replicate, run_one, runs_frame
from tests.conftest import small


def test_same_seed_same_output_for_one_and_two_workers() -> None:
    s = small("base")
    one = replicate(s, 3, 42, workers=1, progress=False)
    two = replicate(s, 3, 42, workers=2, progress=False)
    assert_frame_equal(runs_frame(one), runs_frame(two))
    for a, b in zip(one, two, strict=True):
        assert_frame_equal(a.events, b.events)
        assert_frame_equal(a.weekly, b.weekly)


def test_replications_differ_and_seeds_differ() -> None:
    s = small("base")
    runs = runs_frame(replicate(s, 3, 1, progress=False))
    assert runs["employment_rate"].nunique() > 1
    assert not run_one(s, 1).events.equals(run_one(s, 2).events)


def test_adding_a_client_leaves_every_other_history_unchanged() -> None:
    """Without a service clients do not interact, so client n+1 changes only its own history."""
    alone = {"entry.mode": "cohort", "service.specialists": 0}
    n = run_one(small("prison_leavers_usual_care", **alone, **{"entry.cohort_size": 60}), 9)
    n1 = run_one(small("prison_leavers_usual_care", **alone, **{"entry.cohort_size": 61}), 9)
    cols = ["day", "client", "event", "detail", "employer"]
    before = n.events[cols].sort_values(["client", "day"], kind="stable").reset_index(drop=True)
    after = n1.events[n1.events["client"] < 60][cols]
    after = after.sort_values(["client", "day"], kind="stable").reset_index(drop=True)
    assert_frame_equal(before, after)
    assert (n1.events["client"] == 60).any()


def test_common_random_numbers_keep_the_same_people() -> None:
    """Two scenarios run with one seed hold the same clients wherever distributions agree."""
    a = run_one(small("base"), 5)
    b = run_one(small("gatekept"), 5)

    def entries(r):
        return r.events[r.events["event"] == "entry"][["day", "client", "detail"]]

    assert_frame_equal(entries(a).reset_index(drop=True), entries(b).reset_index(drop=True))

    def wants_at_entry(r):
        """Who wants work on entering (clinicians' encouragement later differs by scenario)."""
        ev = r.events
        wishes = ev[ev["event"] == "wants_work"][["day", "client"]]
        return set(wishes.merge(entries(r)[["day", "client"]])["client"])

    assert wants_at_entry(a) == wants_at_entry(b)
    assert isinstance(a.events, pd.DataFrame)
