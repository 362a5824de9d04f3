"""``ipssim plot DIR``: the figures of a result folder (run, comparison, sweep, sensitivity).

Figures go to DIR/figures (or --out), one file each, with the result's manifest in their
metadata; error bars and bands are 95% intervals.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ipssim.commands.targets import add_target_options, read_targets
from ipssim.plots import save_all
from ipssim.result_folder import open_folder


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "folder", type=Path, help="result folder (--out of run, compare, sweep or sensitivity)"
    )
    p.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="new folder for the figures (default DIR/figures, replaced figure by figure)",
    )
    p.add_argument("--format", choices=("png", "svg", "pdf"), default="png")
    add_target_options(p)


def run(args: argparse.Namespace) -> int:
    folder = open_folder(args.folder)
    targets = read_targets(folder, args.targets)
    for path in save_all(folder, args.out or folder.path / "figures", f".{args.format}", targets):
        print(path)
    return 0
