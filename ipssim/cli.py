"""The ``ipssim`` command: run a scenario, or compare several, with replications."""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import pandas as pd

from ipssim import __version__
from ipssim.experiment import RunResult, compare, pooled, replicate, runs_frame, summarise
from ipssim.outcomes import DESCRIPTIONS, HEADLINE, METRICS
from ipssim.results import OutputError, check_free, manifest, write_folder, write_json
from ipssim import scenario as scenarios

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ipssim", description="Simulate Individual Placement and Support employment services.")
    parser.add_argument("--version", action="version", version=f"ipssim {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--reps", type=_positive, default=20, help="replications (default 20)")
        p.add_argument("--seed", type=_seed, default=1, help="root seed (default 1)")
        p.add_argument("--set", dest="overrides", action="append", default=[],
                       metavar="SECTION.KEY=VALUE", help="change one parameter (repeatable)")
        p.add_argument("--workers", type=_positive, default=1, help="worker processes (default 1)")
        p.add_argument("--out", type=Path, help="write results to this new folder")
        p.add_argument("--format", choices=("table", "json"), default="table")

    run = commands.add_parser("run", help="run one scenario with replications")
    run.add_argument("scenario", type=Path)
    common(run)
    cmp = commands.add_parser("compare", help="compare scenarios with paired differences")
    cmp.add_argument("scenarios", type=Path, nargs="+")
    common(cmp)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.out is not None:
            check_free(args.out)
        if args.command == "run":
            return _run(args)
        return _compare(args)
    except (scenarios.ScenarioError, OutputError) as exc:
        print(f"ipssim: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("ipssim: interrupted; nothing was written", file=sys.stderr)
        return EXIT_INTERRUPTED


def _run(args: argparse.Namespace) -> int:
    scenario = scenarios.load(args.scenario, args.overrides)
    start = time.perf_counter()
    results = replicate(scenario, args.reps, args.seed, args.workers)
    wall = time.perf_counter() - start
    runs = runs_frame(results)
    summary = summarise(runs)
    if args.out is not None:
        info = manifest([scenario], args.seed, args.reps, wall)
        write_folder(args.out, lambda d: _write_run(d, info, scenario, args.seed, results, summary))
    if args.format == "json":
        print(json.dumps(_json(scenario, args, summary), indent=2))
    else:
        _print_run(scenario, args, summary, results)
    return 0


def _compare(args: argparse.Namespace) -> int:
    if len(args.scenarios) < 2:
        raise scenarios.ScenarioError("compare: name at least two scenario files")
    loaded = [scenarios.load(path, args.overrides) for path in args.scenarios]
    labels = _labels(loaded)
    start = time.perf_counter()
    runs = {label: runs_frame(replicate(s, args.reps, args.seed, args.workers, label=label))
            for label, s in zip(labels, loaded)}
    wall = time.perf_counter() - start
    table = compare(runs)
    if args.out is not None:
        info = manifest(loaded, args.seed, args.reps, wall)
        both = pd.concat([r.assign(scenario=label, scenario_hash=s.hash(), seed=args.seed)
                          for (label, r), s in zip(runs.items(), loaded)], ignore_index=True)
        write_folder(args.out, lambda d: (write_json(d / "manifest.json", info),
                                          both.to_parquet(d / "runs.parquet", index=False),
                                          table.to_csv(d / "compare.csv")))
    if args.format == "json":
        out = {"scenarios": [{"name": label, "scenario_hash": s.hash()} for label, s in
                             zip(labels, loaded)], "seed": args.seed, "reps": args.reps,
               "version": __version__, "comparison": _clean(table.to_dict(orient="index"))}
        print(json.dumps(out, indent=2))
    else:
        _print_compare(labels, table, args)
    return 0


def _labels(loaded: list[scenarios.Scenario]) -> list[str]:
    labels: list[str] = []
    for s in loaded:
        label = s.name
        while label in labels:
            label += "'"
        labels.append(label)
    return labels


def _write_run(folder: Path, info: dict, scenario: scenarios.Scenario, seed: int,
               results: list[RunResult], summary: pd.DataFrame) -> None:
    write_json(folder / "manifest.json", info)
    runs = runs_frame(results).assign(seed=seed, scenario=scenario.name,
                                      scenario_hash=scenario.hash())
    runs.to_parquet(folder / "runs.parquet", index=False)
    pooled(results, lambda r: r.events).to_parquet(folder / "events.parquet", index=False)
    pooled(results, lambda r: r.weekly).to_parquet(folder / "weekly.parquet", index=False)
    summary.to_csv(folder / "summary.csv")
    pooled(results, lambda r: pd.DataFrame([r.funnel])).to_csv(folder / "funnel.csv", index=False)
    pooled(results, lambda r: r.offences.reset_index()).to_csv(folder / "offences.csv", index=False)


def _clean(value):
    """JSON has no NaN: undefined figures (no one employed, say) become null."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _json(scenario: scenarios.Scenario, args: argparse.Namespace, summary: pd.DataFrame) -> dict:
    return {"scenario": scenario.name, "scenario_hash": scenario.hash(), "seed": args.seed,
            "reps": args.reps, "version": __version__,
            "metrics": _clean({name: {"mean": float(row["mean"]), "ci_low": float(row["ci_low"]),
                                      "ci_high": float(row["ci_high"])}
                               for name, row in summary.iterrows()})}


def _fmt(name: str, value: float) -> str:
    if math.isnan(value):
        return "-"
    if "_rate" in name or name.endswith("_share"):
        return f"{100 * value:.1f}%"
    if name == "cost_per_placement":
        return f"£{value:,.0f}"
    return f"{value:,.1f}"


def _print_run(scenario: scenarios.Scenario, args: argparse.Namespace, summary: pd.DataFrame,
               results: list[RunResult]) -> None:
    print(f"{scenario.name} ({scenario.hash()}): {args.reps} replications, seed {args.seed}, "
          f"{scenario.run.horizon_weeks} weeks")
    print(f"{'metric':<40} {'mean':>10} {'95% interval':>22}  meaning")
    for name in METRICS:
        row = summary.loc[name]
        ci = f"{_fmt(name, row['ci_low'])} to {_fmt(name, row['ci_high'])}"
        print(f"{name:<40} {_fmt(name, row['mean']):>10} {ci:>22}  {DESCRIPTIONS[name]}")
    funnel = pd.DataFrame([r.funnel for r in results]).mean()
    print("\nreferral funnel (mean clients per run): " +
          " -> ".join(f"{k.replace('_', ' ')} {v:,.1f}" for k, v in funnel.items()))
    offences = pd.concat([r.offences for r in results]).groupby(level=0, observed=False).mean()
    offences = offences[offences["clients"] > 0]
    print("\nby index offence (mean over replications):")
    print(offences.to_string(float_format=lambda v: f"{v:.3f}"))


def _print_compare(labels: list[str], table: pd.DataFrame, args: argparse.Namespace) -> None:
    print(f"{args.reps} replications each, seed {args.seed}; differences are paired by "
          "replication (common random numbers)")
    base = labels[0]
    head = f"{'metric':<40}" + "".join(f"{label:>18}" for label in labels)
    head += "".join(f"{label + ' - ' + base:>40}" for label in labels[1:])
    print(head)
    for name in HEADLINE:
        row = table.loc[name]
        line = f"{name:<40}" + "".join(f"{_fmt(name, row[label]):>18}" for label in labels)
        for label in labels[1:]:
            key = f"{label} - {base}"
            diff = _fmt_diff(name, row[key], row[key + " ci_low"], row[key + " ci_high"])
            line += f"{diff:>40}"
        print(line)


def _fmt_diff(name: str, mean: float, low: float, high: float) -> str:
    if math.isnan(mean):
        return "-"
    scale, unit = (100, " pts") if "_rate" in name or name.endswith("_share") else (1, "")
    return f"{scale * mean:+,.1f}{unit} ({scale * low:+,.1f} to {scale * high:+,.1f})"


if __name__ == "__main__":
    sys.exit(main())
