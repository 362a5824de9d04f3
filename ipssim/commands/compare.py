"""``ipssim compare A.toml B.toml ...``: scenarios side by side with paired differences."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import pandas as pd

from ipssim import scenario as scenarios
from ipssim.commands.options import add_replication_options, warn_if_few
from ipssim.experiment import compare, replicate, runs_frame
from ipssim.formatting import clean, fmt, fmt_diff
from ipssim.outcomes import HEADLINE
from ipssim.results import manifest, write_folder, write_json
from ipssim.version import __version__


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenarios", type=Path, nargs="+", help="two or more scenario TOML files")
    add_replication_options(p)


def run(args: argparse.Namespace) -> int:
    if len(args.scenarios) < 2:
        raise scenarios.ScenarioError("compare: name at least two scenario files")
    loaded = [scenarios.load(path, args.overrides) for path in args.scenarios]
    labels = unique_labels([s.name for s in loaded])
    warn_if_few(args.reps)
    start = time.perf_counter()
    runs = {
        label: runs_frame(replicate(s, args.reps, args.seed, args.workers, label=label))
        for label, s in zip(labels, loaded, strict=True)
    }
    wall = time.perf_counter() - start
    table = compare(runs)
    if args.out is not None:
        info = manifest(loaded, args.seed, args.reps, wall)
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

        write_folder(args.out, write)
    if args.format == "json":
        out = {
            "scenarios": [
                {"name": label, "scenario_hash": s.hash()}
                for label, s in zip(labels, loaded, strict=True)
            ],
            "seed": args.seed,
            "reps": args.reps,
            "version": __version__,
            "comparison": clean(table.to_dict(orient="index")),
        }
        print(json.dumps(out, indent=2))
    else:
        print_compare(labels, table, args.reps, args.seed)
    return 0


def unique_labels(names: list[str]) -> list[str]:
    """Scenario names, primed where two are the same."""
    labels: list[str] = []
    for label in names:
        while label in labels:
            label += "'"
        labels.append(label)
    return labels


def print_compare(labels: list[str], table: pd.DataFrame, reps: int, seed: int) -> None:
    print(
        f"{reps} replications each, seed {seed}; differences from {labels[0]} are paired by "
        "replication (common random numbers), with 95% intervals"
    )
    base = labels[0]
    head = f"{'metric':<40}" + "".join(f"{label:>16}" for label in labels)
    head += "".join(f"{label + ' - ' + base:>38}" for label in labels[1:])
    print(head)
    by_metric = table.to_dict("index")
    for name in HEADLINE:
        row = by_metric[name]
        line = f"{name:<40}" + "".join(f"{fmt(name, row[label]):>16}" for label in labels)
        for label in labels[1:]:
            key = f"{label} - {base}"
            diff = fmt_diff(name, row[key], row[key + " ci_low"], row[key + " ci_high"])
            line += f"{diff:>38}"
        print(line)
