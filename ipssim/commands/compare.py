"""``ipssim compare A.toml B.toml ...``: scenarios side by side with paired differences.

``--set`` changes every arm; ``--set-arm N:section.key=value`` changes arm N only (1 is the
first file), so one arm can differ from a file without a temporary copy.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

from ipssim import scenario as scenarios
from ipssim.commands.options import add_replication_options, parameters, warn_if_few
from ipssim.experiment import RunResult, compare, pooled, replicate, runs_frame
from ipssim.formatting import clean, fmt, fmt_diff
from ipssim.outcomes import HEADLINE
from ipssim.parameters import Parameters
from ipssim.results import manifest, write_folder, write_json
from ipssim.version import __version__


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenarios", type=Path, nargs="+", help="two or more scenario TOML files")
    add_replication_options(p)
    p.add_argument(
        "--set-arm",
        dest="arm_overrides",
        action="append",
        default=[],
        metavar="N:SECTION.KEY=VALUE",
        help="change one parameter of arm N only (1 is the first file; repeatable)",
    )


def arm_overrides(texts: list[str], arms: int) -> list[list[str]]:
    """Each arm's own ``section.key=value`` changes, from ``N:section.key=value`` texts."""
    out: list[list[str]] = [[] for _ in range(arms)]
    for text in texts:
        number, _, change = text.partition(":")
        if not number.strip().isdigit() or not 1 <= int(number) <= arms or not change:
            raise scenarios.ScenarioError(
                f"--set-arm {text!r}: expected N:section.key=value with N from 1 to {arms}, "
                "for example --set-arm 2:service.specialists=6"
            )
        out[int(number) - 1].append(change)
    return out


def run(args: argparse.Namespace) -> int:
    if len(args.scenarios) < 2:
        raise scenarios.ScenarioError("compare: name at least two scenario files")
    own = arm_overrides(args.arm_overrides, len(args.scenarios))
    loaded = [
        scenarios.load(path, [*args.overrides, *changes])
        for path, changes in zip(args.scenarios, own, strict=True)
    ]
    labels = unique_labels([s.name for s in loaded])
    drawn = parameters(args)
    warn_if_few(args.reps)
    start = time.perf_counter()
    results = {  # one seed, so replication r of every arm draws the same parameters
        label: replicate(s, args.reps, args.seed, args.workers, label=label, parameters=drawn)
        for label, s in zip(labels, loaded, strict=True)
    }
    runs = {label: runs_frame(r) for label, r in results.items()}
    wall = time.perf_counter() - start
    table = compare(runs)
    if args.out is not None:
        info = manifest(loaded, args.seed, args.reps, wall, **drawn.record())
        both = pd.concat(
            [
                r.assign(scenario=label, scenario_hash=s.hash(), seed=args.seed)
                for (label, r), s in zip(runs.items(), loaded, strict=True)
            ],
            ignore_index=True,
        )

        def write(folder: Path) -> None:
            write_json(folder / "manifest.json", info)
            both.to_parquet(folder / "runs.parquet", index=False)
            table.to_csv(folder / "compare.csv")
            for part in ("events", "weekly"):
                _stacked(results, part).to_parquet(folder / f"{part}.parquet", index=False)

        write_folder(args.out, write)
        print(f"results in {args.out}", file=sys.stderr)
    if args.format == "json":
        out = {
            "scenarios": [
                {"name": label, "scenario_hash": s.hash()}
                for label, s in zip(labels, loaded, strict=True)
            ],
            "seed": args.seed,
            "reps": args.reps,
            "parameters": drawn.mode,
            "version": __version__,
            "comparison": clean(table.to_dict(orient="index")),
        }
        print(json.dumps(out, indent=2))
    else:
        print_compare(labels, table, args.reps, args.seed, drawn)
    return 0


def _stacked(results: dict[str, list[RunResult]], part: str) -> pd.DataFrame:
    """Every arm's event logs (or weekly series), with ``scenario`` and ``rep`` columns."""
    return pd.concat(
        [
            pooled(arm, lambda r: getattr(r, part)).assign(scenario=label)
            for label, arm in results.items()
        ],
        ignore_index=True,
    )


def unique_labels(names: list[str]) -> list[str]:
    """Scenario names, primed where two are the same."""
    labels: list[str] = []
    for label in names:
        while label in labels:
            label += "'"
        labels.append(label)
    return labels


def print_compare(
    labels: list[str], table: pd.DataFrame, reps: int, seed: int, drawn: Parameters
) -> None:
    print(
        f"{reps} replications each, seed {seed}; differences from {labels[0]} are paired by "
        "replication (common random numbers), with 95% intervals; P(>) is the share of paired "
        f"replications in which the arm's value is higher than {labels[0]}'s"
    )
    print(drawn.describe())
    base = labels[0]
    head = f"{'metric':<40}" + "".join(f"{label:>16}" for label in labels)
    head += "".join(f"{label + ' - ' + base:>38}{'P(>)':>7}" for label in labels[1:])
    print(head)
    by_metric = table.to_dict("index")
    for name in HEADLINE:
        row = by_metric[name]
        line = f"{name:<40}" + "".join(f"{fmt(name, row[label]):>16}" for label in labels)
        for label in labels[1:]:
            key = f"{label} - {base}"
            diff = fmt_diff(name, row[key], row[key + " ci_low"], row[key + " ci_high"])
            line += f"{diff:>38}{_share(row[key + ' p_greater']):>7}"
        print(line)


def _share(value: float) -> str:
    return "-" if value != value else f"{100 * value:.0f}%"
