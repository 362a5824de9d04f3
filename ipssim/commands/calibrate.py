"""Calibrate the parameters that have a prior in the schema to the published figures of brief
section 3, by approximate Bayesian computation (ABC-SMC, pyabc).

Each particle runs every calibration scenario from one seed (common random numbers) and is
scored by its distance from the published figures, each standardised by its standard error.
Progress goes to stderr after each generation; the history is kept in DIR/calibration.db, so
an interrupted calibration continues with --resume. The last generation is written as
DIR/posterior.parquet (weighted particles) with DIR/posterior.json (its manifest).
Calibrated by default are the parameters the screening (``ipssim.calibration.screening``) found
the targets identify; --parameter calibrates only the parameters named. Every other parameter
with a prior is drawn from its prior beside each posterior particle; a --set on one fixes it.

``--check`` calibrates nothing: it runs each target's scenario (--reps, default 20) with every
replication's calibrated parameters drawn from the posterior (--posterior, default the shipped
one; without any, the scenarios' defaults; --parameters point: its weighted mean) and prints
each target's published figure, standard error, posterior predictive mean and 95% interval
and z = (mean - published) / se. A target passes when the published figure lies inside that
interval and |z| <= 2; the command exits 1 when any target fails, so a script can rely on it.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from ipssim import evidence
from ipssim.calibration import check, screening, smc, study
from ipssim.calibration.particle import Setup, load_scenarios
from ipssim.commands.execution import terminate_as_interrupt
from ipssim.commands.options import (
    add_overrides,
    add_parameter_options,
    bounded,
    parameters,
    positive,
    seed,
)
from ipssim.errors import UserError
from ipssim.executors import Execution
from ipssim.parameters import set_by_file
from ipssim.scenario import SHIPPED, Scenario, overridden_keys
from ipssim.schema.fields import priors

EXIT_INTERRUPTED = 130
EXIT_FAILED = 1  # --check: a target fails
CHECK_REPS = 20


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--generations", type=positive, default=10, help="generations (default 10)")
    p.add_argument(
        "--population",
        type=bounded(int, 2),
        default=200,
        help="particles accepted in each generation (default 200)",
    )
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=positive, default=1, help="local processes (default 1)")
    where.add_argument(
        "--scheduler", metavar="tcp://HOST:PORT", help="run on this Dask distributed scheduler"
    )
    where.add_argument(
        "--dask-local", type=positive, metavar="N", help="start a local Dask cluster of N workers"
    )
    p.add_argument(
        "--out",
        dest="folder",
        type=Path,
        default=Path("results/calibration"),
        metavar="DIR",
        help="the calibration's folder (default results/calibration)",
    )
    p.add_argument("--resume", action="store_true", help="continue the calibration in --out")
    p.add_argument("--seed", type=seed, default=1, help="root seed (default 1)")
    p.add_argument(
        "--reps",
        type=positive,
        help=f"replications of each scenario per particle (default 1; with --check {CHECK_REPS})",
    )
    p.add_argument(
        "--target",
        dest="targets",
        action="append",
        default=[],
        metavar="SCENARIO.METRIC",
        help="calibrate to this target only (repeatable; default every target)",
    )
    p.add_argument(
        "--parameter",
        dest="parameters",
        action="append",
        default=[],
        metavar="SECTION.KEY",
        help="calibrate this parameter only (repeatable; default those the screening found the "
        "targets identify; the others are drawn from their priors)",
    )
    p.add_argument(
        "--scenarios",
        type=Path,
        default=SHIPPED,
        metavar="DIR",
        help="folder of the calibration scenarios (default the repository's scenarios)",
    )
    add_overrides(p, "change a parameter in every calibration scenario (fixes a calibrated one)")
    p.add_argument(
        "--check",
        action="store_true",
        help="calibrate nothing: check every target against the posterior's predictions",
    )
    add_parameter_options(p)  # with --check: the posterior checked, and how it is read
    p.add_argument("--format", choices=("table", "json"), default="table", help="with --check")


def chosen_targets(keys: list[str]) -> tuple[evidence.Target, ...]:
    unknown = [k for k in keys if k not in evidence.BY_KEY]
    if unknown:
        raise UserError(
            f"--target {unknown[0]}: no such target. Targets: {', '.join(evidence.BY_KEY)}"
        )
    return tuple(evidence.BY_KEY[k] for k in dict.fromkeys(keys)) or evidence.TARGETS


def target_scenarios(
    args: argparse.Namespace, targets: tuple[evidence.Target, ...]
) -> dict[str, Scenario]:
    """The calibration scenarios the targets name, read from --scenarios with --set applied."""
    names = evidence.scenarios(targets)
    missing = [n for n in names if not (args.scenarios / f"{n}.toml").exists()]
    if missing:
        raise UserError(f"--scenarios {args.scenarios}: no {missing[0]}.toml there")
    return load_scenarios(args.scenarios, names, args.overrides)


def setup(args: argparse.Namespace) -> Setup:
    targets = chosen_targets(args.targets)
    scenarios = target_scenarios(args, targets)
    schema = priors(Scenario)
    unknown = [k for k in args.parameters if k not in schema]
    if unknown:
        raise UserError(
            f"--parameter {unknown[0]}: has no prior. Parameters with one: {', '.join(schema)}"
        )
    fixed = overridden_keys(args.overrides)
    chosen = args.parameters or screening.identified()
    estimated = {k: schema[k] for k in chosen if k not in fixed}
    if not estimated:
        raise UserError("--set fixes every calibrated parameter: nothing is left to calibrate")
    if args.population <= len(estimated):
        raise UserError(
            f"--population {args.population}: needs more particles than the {len(estimated)} "
            "parameters calibrated (pyabc's perturbation kernel is their covariance), or "
            "fewer parameters (--parameter)"
        )
    shadowed = [k for k in estimated if all(set_by_file(s, k) for s in scenarios.values())]
    for key in shadowed:  # the prior cannot move anything: say so, still calibrate the rest
        print(
            f"ipssim: note: every calibration scenario sets {key}; its prior has no effect",
            file=sys.stderr,
        )
    others = {k: p for k, p in schema.items() if k not in estimated and k not in fixed}
    return Setup(scenarios, targets, estimated, args.seed, args.reps, others)


def run(args: argparse.Namespace) -> int:
    if args.check:
        return run_check(args)
    if args.posterior is not None or args.parameter_mode is not None:
        raise UserError(
            "--posterior and --parameters go with --check (a calibration writes its own "
            "posterior, to --out)"
        )
    args.reps = args.reps or 1
    chosen = setup(args)
    execution = Execution(
        workers=args.workers, scheduler=args.scheduler, dask_local=args.dask_local
    )
    study.start(args.folder, study.record(chosen, args.population, args.overrides), args.resume)
    try:
        with terminate_as_interrupt():
            history = smc.run(
                chosen,
                args.folder,
                args.generations,
                args.population,
                execution,
                args.resume,
                smc.progress(),
            )
    except KeyboardInterrupt:
        print(
            f"ipssim: interrupted; every finished generation is saved in {args.folder}: "
            "run the same command with --resume to continue",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    result = study.finish(args.folder, history, chosen, args.overrides)
    print(f"posterior of {len(result.weights)} particles in {args.folder}:")
    for key in chosen.priors:
        low, high = result.interval(key)
        print(f"  {key}: mean {result.mean()[key]:.4g} (95% {low:.4g} to {high:.4g})")
    return 0


def run_check(args: argparse.Namespace) -> int:
    """``--check``: every target against its posterior predictive distribution."""
    if args.resume or args.parameters:
        raise UserError("--check calibrates nothing: leave out --resume and --parameter")
    targets = chosen_targets(args.targets)
    scenarios = target_scenarios(args, targets)
    drawn = parameters(args)
    reps = args.reps or CHECK_REPS
    found = check.check(targets, scenarios, drawn, reps, args.seed, args.workers)
    if args.format == "json":
        print(json.dumps([p.row() for p in found], indent=1))
    else:
        print_check(found, reps, args.seed, drawn.describe())
    return 0 if all(p.inside for p in found) else EXIT_FAILED


def _number(value: float, form: str) -> str:
    return "-" if math.isnan(value) else format(value, form)


def print_check(found: list[check.Predicted], reps: int, seed: int, parameters: str) -> None:
    print(f"calibration check: {reps} replications of each scenario, seed {seed}; {parameters}")
    print(
        "a target passes when its published figure lies inside the posterior predictive 95% "
        f"interval and |z| <= {check.Z_LIMIT:g}, z = (mean - published) / se"
    )
    rows = [
        (
            p.target.scenario,
            p.target.metric,
            f"{p.target.published:.3g}",
            f"{p.target.se:.2g}",
            _number(p.mean, ".3g"),
            f"{_number(p.interval[0], '.3g')} to {_number(p.interval[1], '.3g')}",
            _number(p.z, "+.2f"),
            "pass" if p.inside else "FAIL",
        )
        for p in found
    ]
    head = ("scenario", "metric", "published", "se", "mean", "95% predictive", "z", "result")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    for line in (head, *rows):
        print("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
    passed = sum(p.inside for p in found)
    print(f"\n{passed} of {len(found)} targets pass.")
