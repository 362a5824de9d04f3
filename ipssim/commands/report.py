"""``ipssim report DIR``: one self-contained HTML page with the manifest, tables and figures.

For a sweep, --target goals (e.g. "waiting_weeks_mean<4") add a table of the smallest value of
the first lever (or --minimise LEVER) that meets every goal, for each setting of the others.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ipssim.analysis.targets import TargetError
from ipssim.commands.targets import add_target_options, read_targets
from ipssim.report import target_headline, write
from ipssim.result_folder import open_folder


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "folder", type=Path, help="result folder (--out of run, compare, sweep or sensitivity)"
    )
    p.add_argument(
        "--out",
        type=Path,
        metavar="FILE.html",
        help="new file for the report (default DIR/report.html)",
    )
    add_target_options(p)
    p.add_argument(
        "--minimise",
        metavar="LEVER",
        help="the lever to keep smallest when meeting targets (default: the sweep's first lever)",
    )


def run(args: argparse.Namespace) -> int:
    folder = open_folder(args.folder)
    targets = read_targets(folder, args.targets)
    if args.minimise and args.minimise not in folder.levers:
        raise TargetError(
            f"--minimise {args.minimise}: not a lever of this sweep; allowed: "
            + ", ".join(folder.levers)
        )
    out = write(folder, args.out or folder.path / "report.html", targets, args.minimise)
    if targets and folder.kind == "sweep":
        print(target_headline(folder, targets, args.minimise))
    print(out)
    return 0
