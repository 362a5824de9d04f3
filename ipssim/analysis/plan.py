"""Planning a service: the smallest team that meets every target with a given probability.

The number of specialists is searched by bisection on a steady-state scenario (more specialists
never lengthen the wait; tests/test_steady_state.py): each team size evaluated is one point of a
sweep (``ipssim.sweep_runner``), run into the same folder, so every run is computed once and a
folder resumes. A team *meets* the targets when the share of replications in which every target
is met is at least the confidence P. The plan keeps, for each caseload cap, the smallest team
that meets them, the next smaller team and what it misses, or, if no team up to the largest
searched meets them, the target out of reach and the best value any team reached.

Every team size runs replication ``r`` with the seed tree ``(seed, r)`` and, under a posterior,
the same particle (``ipssim.parameters``): the teams compared differ only by their staffing,
and the share of replications meeting a target carries parameter uncertainty as well as chance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ipssim import scenario as scenarios
from ipssim.analysis.targets import Target
from ipssim.errors import UserError
from ipssim.executors import Execution
from ipssim.formatting import fmt
from ipssim.metrics import metric
from ipssim.parameters import DEFAULTS, Parameters
from ipssim.sweep_runner import SweepOutcome, run_sweep
from ipssim.sweeps import Sweep, SweepFile, design

SPECIALISTS = "service.specialists"
CAP = "service.caseload_cap"
ARRIVALS = "entry.arrivals_per_week"
WEEKS_PER_YEAR = 52
REFERRALS_PER_SPECIALIST = 10  # the default largest team: one specialist per 10 referrals a year


class PlanError(UserError):
    """A plan that cannot be made from the scenario given."""


@dataclass(frozen=True)
class Team:
    """One team size's replications: the share meeting every target and each target."""

    specialists: int
    cap: int
    runs: pd.DataFrame  # one row per replication, every metric

    def share(self, targets: list[Target]) -> float:
        """The share of replications in which every target is met."""
        met = pd.Series(True, index=self.runs.index)
        for target in targets:
            met &= self.runs[target.metric].map(target.met)
        return float(met.mean())

    def target_share(self, target: Target) -> float:
        return float(self.runs[target.metric].map(target.met).mean())

    def mean(self, metric: str) -> float:
        return float(self.runs[metric].mean())


@dataclass
class Plan:
    """The answer for one caseload cap."""

    cap: int
    best: Team | None  # the smallest team meeting the targets, None if none searched does
    smaller: Team | None  # the next smaller team (None if the smallest is 1, or none meets)
    largest: Team  # the largest team searched
    evaluated: dict[int, Team] = field(default_factory=dict)


def plan_sweep(
    path: Path,
    overrides: list[str],
    referrals_per_year: float,
    caps: list[int],
    reps: int,
    seed: int,
) -> Sweep:
    """The plan's sweep over team sizes 1..2 (grown by ``with_teams``): the scenario at the
    referral stream, caseload caps as given (the scenario's own when none are)."""
    base = scenarios.load(path, overrides)
    if base.entry.mode != "stream":
        raise PlanError(
            f"{path}: a plan needs a stream scenario (entry.mode = 'stream'), got "
            f"{base.entry.mode!r}; try scenarios/steady_team.toml"
        )
    base = base.with_changes({ARRIVALS: referrals_per_year / WEEKS_PER_YEAR})
    grid = {SPECIALISTS: [1], CAP: caps or [base.service.caseload_cap]}
    spec = SweepFile(base=str(path), name=f"plan_{path.stem}", grid=grid, reps=reps, seed=seed)
    points, levers = design(spec, path)
    return Sweep(path, spec, base, levers, points)


def with_teams(sweep: Sweep, teams: list[tuple[int, int]]) -> Sweep:
    """The sweep over these (specialists, caseload cap) points, in order."""
    points = pd.DataFrame(sorted(set(teams)), columns=[SPECIALISTS, CAP])
    points.insert(0, "point", range(len(points)))
    grid = {SPECIALISTS: sorted({s for s, _ in teams}), CAP: sorted({c for _, c in teams})}
    spec = sweep.spec.model_copy(update={"grid": grid})
    return Sweep(sweep.path, spec, sweep.base, sweep.levers, points)


def search(
    sweep: Sweep,
    targets: list[Target],
    confidence: float,
    largest: int,
    folder: Path,
    execution: Execution,
    progress: bool = True,
    about: dict[str, Any] | None = None,
    parameters: Parameters = DEFAULTS,
) -> tuple[list[Plan], SweepOutcome]:
    """Bisect the team size for each caseload cap, the calibrated parameters from
    ``parameters``; the last sweep holds every team evaluated, and its manifest's ``plan``
    holds ``about`` (referrals, targets, confidence), from which ``ipssim report`` gives the
    same answer (``plans``)."""
    caps = sorted(set(sweep.points[CAP].tolist()))
    evaluated: dict[tuple[int, int], Team] = {}

    def evaluate(teams: list[tuple[int, int]]) -> SweepOutcome:
        wanted = [t for t in teams if t not in evaluated]
        outcome = run_sweep(
            with_teams(sweep, [*evaluated, *wanted]),
            folder,
            execution,
            progress=progress,
            parameters=parameters,
            plan=about or {},
        )
        runs = outcome.runs
        for specialists, cap in {*zip(runs[SPECIALISTS], runs[CAP], strict=True)}:
            team = (int(specialists), int(cap))
            rows = runs[(runs[SPECIALISTS] == team[0]) & (runs[CAP] == team[1])]
            evaluated[team] = Team(*team, rows)
        return outcome

    def meets(team: tuple[int, int]) -> bool:
        return evaluated[team].share(targets) >= confidence

    outcome = evaluate([(largest, cap) for cap in caps])
    low = {cap: 0 for cap in caps}  # the largest team known to miss (0: none needed)
    high = {cap: largest for cap in caps if meets((largest, cap))}
    while True:
        middle = [((low[c] + high[c]) // 2, c) for c in high if high[c] - low[c] > 1]
        if not middle:
            break
        outcome = evaluate(middle)
        for team in middle:
            if meets(team):
                high[team[1]] = team[0]
            else:
                low[team[1]] = team[0]
    return plans(outcome.runs, targets, confidence), outcome


def plans(runs: pd.DataFrame, targets: list[Target], confidence: float) -> list[Plan]:
    """The answer for each caseload cap from a plan's runs: the smallest team evaluated that
    meets the targets and the team one smaller (bisection evaluates it), else the largest."""
    out = []
    for cap in sorted(set(runs[CAP].tolist())):
        rows = runs[runs[CAP] == cap]
        teams = {
            int(s): Team(int(s), int(cap), rows[rows[SPECIALISTS] == s])
            for s in sorted(set(rows[SPECIALISTS].tolist()))
        }
        meeting = [s for s in teams if teams[s].share(targets) >= confidence]
        best = teams[meeting[0]] if meeting else None
        smaller = teams.get(meeting[0] - 1) if meeting else None
        out.append(Plan(int(cap), best, smaller, teams[max(teams)], teams))
    return out


def default_largest(referrals_per_year: float) -> int:
    """The largest team searched unless given: one specialist per 10 referrals a year."""
    return max(2, math.ceil(referrals_per_year / REFERRALS_PER_SPECIALIST))


def missed(team: Team, targets: list[Target], confidence: float) -> list[str]:
    """The targets a team misses (met in fewer than ``confidence`` of replications), each with
    its share of replications and how far the team's mean lies from the threshold."""
    out = []
    for target in targets:
        share = team.target_share(target)
        if share >= confidence:
            continue
        mean = team.mean(target.metric)
        worse = (mean > target.value) == (target.op in ("<", "<="))
        side = "inside the threshold"
        if worse:
            side = "over" if target.op in ("<", "<=") else "short"
        out.append(
            f"{target}: met in {share:.0%} of replications; mean "
            f"{fmt(target.metric, mean)}, {gap(target.metric, mean - target.value)} {side}"
        )
    return out


def gap(metric_name: str, difference: float) -> str:
    """A distance from a threshold: points for a share, the metric's unit otherwise."""
    if metric(metric_name).kind == "share":
        return f"{100 * abs(difference):.1f} points"
    return fmt(metric_name, abs(difference))


def best_reached(plan: Plan, target: Target) -> tuple[float, int]:
    """The best mean of a target's metric over the teams searched, and the team reaching it."""
    means = {s: t.mean(target.metric) for s, t in plan.evaluated.items()}
    pick = min if target.op in ("<", "<=") else max
    specialists = pick(means, key=lambda s: (means[s], s))
    return means[specialists], specialists


def answer(
    plan: Plan, targets: list[Target], confidence: float, budget: float | None, name_cap: bool
) -> str:
    """The plan for one caseload cap, in a few lines."""
    cap = f" (caseload cap {plan.cap})" if name_cap else ""
    if plan.best is None:
        team = plan.largest
        lines = [f"No team of up to {team.specialists} specialists{cap} meets every target."]
        for target in targets:
            if team.target_share(target) < confidence:
                value, size = best_reached(plan, target)
                lines.append(
                    f"  out of reach: {target}; best reached {fmt(target.metric, value)} "
                    f"(mean, {size} specialists)"
                )
        return "\n".join(lines)
    best = plan.best
    lines = [
        f"Smallest team{cap}: {best.specialists} specialists, meeting every target in "
        f"{best.share(targets):.0%} of replications",
        "  " + figures(best, targets),
    ]
    if budget is not None:
        cost = best.mean("annual_cost")
        lines.append(
            f"  within the budget of {fmt('annual_cost', budget)}"
            if cost <= budget
            else f"  over the budget of {fmt('annual_cost', budget)} by "
            f"{fmt('annual_cost', cost - budget)} a year"
        )
    if plan.smaller is None:
        lines.append("  one fewer: no smaller team (one specialist is the smallest)")
    else:
        small = plan.smaller
        lines.append(
            f"  one fewer ({small.specialists} specialists) meets every target in "
            f"{small.share(targets):.0%} of replications; it misses "
            + "; ".join(missed(small, targets, confidence) or ["every target together"])
        )
    return "\n".join(lines)


def figures(team: Team, targets: list[Target]) -> str:
    """A team's cost and its targets' means."""
    parts = [
        f"annual cost {fmt('annual_cost', team.mean('annual_cost'))}",
        f"cost per job start {fmt('cost_per_job_start', team.mean('cost_per_job_start'))}",
    ]
    parts += [f"{t.metric} {fmt(t.metric, team.mean(t.metric))}" for t in targets]
    return ", ".join(parts)
