"""``ipssim fidelity SCENARIO``: a simulated IPS fidelity review, item by item.

Each replication is reviewed on the 25 items of the IPS Supported Employment Fidelity Scale;
the table shows each item's score and measure in the first replication beside its mean over
replications, then the total with its 95% interval and band. Rules: docs/fidelity.md.
``--at-week W`` reviews the service as it stood at the end of week W (the log up to then), and
``--every N`` adds the total's course, reviewed every N weeks up to then, to follow a service
that changes over time (turnover, vacancies, drift).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from ipssim import scenario as scenarios
from ipssim.commands.options import add_replication_options, parameters, positive, warn_if_few
from ipssim.errors import UserError
from ipssim.experiment import interval, replicate
from ipssim.fidelity import Review, band, course, review_at
from ipssim.formatting import clean
from ipssim.parameters import Parameters
from ipssim.results import manifest, write_folder, write_json
from ipssim.version import __version__

SCORE_RANGE = (25.0, 125.0)  # 25 items scored 1 to 5


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", type=Path, help="scenario TOML file")
    add_replication_options(p, reps=10)
    p.add_argument(
        "--at-week",
        type=positive,
        metavar="W",
        help="review the service as it stood at the end of week W (default: the horizon)",
    )
    p.add_argument(
        "--every",
        type=positive,
        metavar="N",
        help="also give the total's course: a review every N weeks up to the week reviewed",
    )


def run(args: argparse.Namespace) -> int:
    scenario = scenarios.load(args.scenario, args.overrides)
    horizon = scenario.run.horizon_weeks
    week = horizon if args.at_week is None else args.at_week
    if week > horizon:
        raise UserError(
            f"--at-week {week} is after the horizon of {scenario.name} ({horizon} weeks): "
            f"give a week from 1 to {horizon}"
        )
    drawn = parameters(args)
    start = time.perf_counter()
    warn_if_few(args.reps)
    results = replicate(scenario, args.reps, args.seed, args.workers, parameters=drawn)
    wall = time.perf_counter() - start
    reviews = [review_at(r.events, r.scenario, r.weekly, week) for r in results]
    items = item_table(reviews)
    total = interval(np.array([r.total for r in reviews], dtype=float), bounds=SCORE_RANGE)
    weeks = list(range(args.every, week, args.every)) + [week] if args.every else []
    over_time = course_table([course(r.events, r.scenario, r.weekly, weeks) for r in results])
    if args.out is not None:
        info = manifest([scenario], args.seed, args.reps, wall, **drawn.record())

        def write(folder: Path) -> None:
            write_json(folder / "manifest.json", info)
            scores_frame(reviews).to_csv(folder / "items.csv", index=False)
            items.to_csv(folder / "summary.csv", index=False)
            if weeks:
                from ipssim.figures import save_figure  # here: input is checked before matplotlib
                from ipssim.timecourse_figures import fidelity_course

                over_time.to_csv(folder / "course.csv", index=False)
                save_figure(fidelity_course(over_time, scenario.name), folder / "course.png", info)

        write_folder(args.out, write)
    if args.format == "json":
        found = as_json(scenario, args.seed, reviews, items, total, week)
        found["parameters"] = drawn.mode
        if weeks:
            found["course"] = clean(over_time.to_dict(orient="records"))
        print(json.dumps(found, indent=2))
    else:
        print_review(scenario, args.seed, reviews, items, total, week, drawn)
        if weeks:
            print_course(over_time)
    return 0


def course_table(courses: list[pd.DataFrame]) -> pd.DataFrame:
    """The total at each week reviewed: mean and 95% interval over replications."""
    totals = np.array([c["total"].to_numpy(float) for c in courses])
    rows = [
        (week, *interval(totals[:, k], bounds=SCORE_RANGE))
        for k, week in enumerate(courses[0]["week"])
    ]
    return pd.DataFrame(rows, columns=["week", "mean", "ci_low", "ci_high"])


def print_course(over_time: pd.DataFrame) -> None:
    """The total's course, one line a review."""
    print("\nfidelity total over time (mean and 95% interval over replications)")
    for week, mean, low, high in over_time[["week", "mean", "ci_low", "ci_high"]].to_numpy():
        print(f"week {int(week):>4}  {mean:6.1f}  ({_span(low, high)})  {band(mean)}")


def item_table(reviews: list[Review]) -> pd.DataFrame:
    """One row per item: the first replication's score and measure, the mean, lowest and highest
    score over replications."""
    scores = np.array([[item.score for item in r.items] for r in reviews])
    first = reviews[0].items
    return pd.DataFrame(
        {
            "number": [i.number for i in first],
            "name": [i.name for i in first],
            "basis": [i.basis for i in first],
            "score": [i.score for i in first],
            "mean": scores.mean(axis=0),
            "min": scores.min(axis=0),
            "max": scores.max(axis=0),
            "measure": [i.measure for i in first],
        }
    )


def scores_frame(reviews: list[Review]) -> pd.DataFrame:
    """Every replication's items: rep, number, name, score, measure, basis."""
    return pd.DataFrame(
        [
            {
                "rep": rep,
                "number": i.number,
                "name": i.name,
                "score": i.score,
                "measure": i.measure,
                "basis": i.basis,
            }
            for rep, r in enumerate(reviews)
            for i in r.items
        ]
    )


def as_json(
    scenario: scenarios.Scenario,
    seed: int,
    reviews: list[Review],
    items: pd.DataFrame,
    total: tuple[float, float, float],
    week: int,
) -> dict:
    """The ``--format json`` object (``at_week``: the week reviewed)."""
    mean, low, high = total
    return {
        "scenario": scenario.name,
        "scenario_hash": scenario.hash(),
        "seed": seed,
        "reps": len(reviews),
        "at_week": week,
        "version": __version__,
        "items": clean(items.to_dict(orient="records")),
        "total": clean({"mean": mean, "ci_low": low, "ci_high": high}),
        "band": band(mean),
        "bands": dict(Counter(r.band for r in reviews)),
    }


def print_review(
    scenario: scenarios.Scenario,
    seed: int,
    reviews: list[Review],
    items: pd.DataFrame,
    total: tuple[float, float, float],
    week: int,
    drawn: Parameters,
) -> None:
    """The table: each item with its score, mean over replications and measure."""
    print(
        f"{scenario.name} ({scenario.hash()}): fidelity review of {len(reviews)} "
        f"replications, seed {seed}, {_weeks(week, scenario.run.horizon_weeks)}"
    )
    print(drawn.describe())
    print(f"{'item':<50} {'score':>5} {'mean':>5}  {'basis':<13} measure (replication 0)")
    for row in items.itertuples():
        print(
            f"{row.number:>2} {row.name:<47} {row.score:>5} {row.mean:>5.1f}  {row.basis:<13} "
            f"{row.measure}"
        )
    mean, low, high = total
    bands = ", ".join(
        f"{name} {count}" for name, count in Counter(r.band for r in reviews).most_common()
    )
    print(
        f"\ntotal {mean:.1f} of 125 (95% interval {_span(low, high)}): {band(mean)}"
        f"  [replications by band: {bands}]"
    )
    print("bands: exemplary 115-125, good 100-114, fair 74-99, not IPS 73 or less")


def _weeks(week: int, horizon: int) -> str:
    return f"{horizon} weeks" if week == horizon else f"at week {week} of {horizon}"


def _span(low: float, high: float) -> str:
    return "-" if np.isnan(low) else f"{low:.1f} to {high:.1f}"
