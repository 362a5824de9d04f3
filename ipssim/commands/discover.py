"""``ipssim discover DIR --below 0.3``: which combinations of levers push a metric past a
threshold (scenario discovery with PRIM from the EMA Workbench, an optional extra).

DIR is the folder of a sweep with a [sample] table (``ipssim sweep experiments/barriers.toml``).
Each point's mean is compared with the threshold; the boxes (each restricting at most
``--levers`` levers, three by default) are printed in plain words and saved in
DIR/discovery.json, with the Workbench's figures of each box (the peeling trade-off of coverage
against density, and the box's limits) as DIR/discovery_tradeoff_K.png and
DIR/discovery_box_K.png; ``ipssim report`` includes them.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ipssim.analysis.discovery import MAX_LEVERS, DiscoveryError, discover, load_prim
from ipssim.figures import save_figure
from ipssim.formatting import fmt
from ipssim.metrics import metric
from ipssim.result_folder import open_folder
from ipssim.schema.fields import FieldNotFound
from ipssim.schema.levers import NotALever, lever
from ipssim.store import atomic_write


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", type=Path, help="result folder of a sampled sweep")
    p.add_argument("--metric", default="employment_rate", help="default employment_rate")
    side = p.add_mutually_exclusive_group(required=True)
    side.add_argument("--below", type=float, metavar="VALUE", help="cases: mean below VALUE")
    side.add_argument("--above", type=float, metavar="VALUE", help="cases: mean above VALUE")
    p.add_argument(
        "--density",
        type=float,
        default=0.75,
        help="least share of cases inside a box (default 0.75)",
    )
    p.add_argument("--boxes", type=int, default=3, help="most boxes to report (default 3)")
    p.add_argument(
        "--levers",
        type=int,
        default=MAX_LEVERS,
        metavar="N",
        help=f"most levers a box may restrict (default {MAX_LEVERS})",
    )


def run(args: argparse.Namespace) -> int:
    load_prim()  # a clear message before any work when the extra is missing
    folder = open_folder(args.folder)
    if folder.kind not in ("sweep", "sensitivity"):
        raise DiscoveryError(f"{folder.path}: a {folder.kind} result; discovery needs a sweep")
    if args.metric not in folder.metrics:
        raise DiscoveryError(
            f"--metric {args.metric}: not a metric of this sweep; allowed: "
            + ", ".join(folder.metrics)
        )
    if not 0 < args.density <= 1:
        raise DiscoveryError(f"--density {args.density}: must be above 0 and at most 1")
    if args.levers < 1:
        raise DiscoveryError(f"--levers {args.levers}: must be at least 1")
    try:
        levers = tuple(lever(name) for name in folder.levers)
    except (FieldNotFound, NotALever) as exc:
        raise DiscoveryError(
            f"{folder.path}: a lever of this sweep is not in the schema: {exc}"
        ) from None
    summary = folder.table("summary.parquet")
    means = summary[summary["metric"] == args.metric].sort_values("point")
    below = args.below is not None
    threshold = args.below if below else args.above
    cases = (means["mean"] < threshold) if below else (means["mean"] > threshold)
    shown = (
        f"{100 * threshold:.0f}%"
        if metric(args.metric).kind == "share"
        else fmt(args.metric, threshold)
    )
    outcome = f"{args.metric.replace('_', ' ')} {'falls below' if below else 'rises above'} {shown}"
    boxes = discover(means, levers, cases.to_numpy(), args.density, args.boxes, args.levers)
    for old in folder.path.glob("discovery_*.png"):  # figures of an earlier discovery
        old.unlink()
    figures = [
        save_figure(fig, folder.path / f"discovery_{name}_{k}.png", folder.manifest).name
        for k, b in enumerate(boxes, 1)
        for name, fig in (("tradeoff", b.figures["tradeoff"]), ("box", b.figures["limits"]))
    ]
    question = (
        f"{int(cases.sum())} of {len(cases)} sampled points: {outcome}. Boxes "
        f"(coverage: share of those points inside the box; density: share of the box's "
        f"points that are such points):"
    )
    found = {
        "metric": args.metric,
        "threshold": threshold,
        "side": "below" if below else "above",
        "max_levers": args.levers,
        "question": question,
        "boxes": [
            {
                "sentence": b.sentence(outcome),
                "coverage": b.coverage,
                "density": b.density,
                "mass": b.mass,
                "limits": [vars(limit) for limit in b.limits],
            }
            for b in boxes
        ],
        "figures": figures,
    }
    atomic_write(
        folder.path / "discovery.json",
        lambda p: p.write_text(json.dumps(found, indent=2, default=str) + "\n"),
    )
    print(question)
    if cases.mean() >= args.density:
        print(
            f"  note: {100 * cases.mean():.0f}% of all points are such points already; a box "
            "says something only if denser than that: raise --density"
        )
    for box in found["boxes"]:
        print(f"  - {box['sentence']}")
    if not cases.any() or cases.all():
        print("  no box: a box needs points on both sides of the threshold")
    elif not boxes:
        print(
            f"  no box of at most {args.levers} lever{'' if args.levers == 1 else 's'} reaches "
            "that density; try a lower --density, more --levers or another threshold"
        )
    else:
        print(f"Saved {folder.path / 'discovery.json'} and {len(figures)} figures beside it")
    return 0
