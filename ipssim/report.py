"""One self-contained HTML report of a result folder: manifest, tables and figures.

Figures are drawn afresh from the folder's tables and embedded as base64 PNG (each PNG still
carries the manifest in its metadata); figures and time-course tables that other commands left
in the folder (``*.png``, ``timecourse_*.csv``) are embedded too. Nothing is fetched from the
network when the report is opened.
"""

from __future__ import annotations

import base64
import html
import json
import math
import numbers
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from ipssim import metrics
from ipssim.analysis import plan as planning
from ipssim.analysis import targets as target_tools
from ipssim.analysis.targets import Target
from ipssim.experiment import differences
from ipssim.figures import save_figure
from ipssim.formatting import fmt, fmt_diff, fmt_interval
from ipssim.outcomes import BREAKDOWNS, HEADLINE
from ipssim.plots import figures, lever_label, metric_label, plan_targets
from ipssim.result_folder import ResultFolder
from ipssim.store import atomic_write
from ipssim.version import __version__

PLANNING = (
    metrics.PLACEMENTS_PER_YEAR.name,
    "cost_per_placement",
)  # shown beside the targets' metrics
CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#111;line-height:1.45;font-size:17px}
h1{font-size:1.8em}h2{border-bottom:2px solid #333;padding-bottom:.2em;margin-top:1.8em}
table{border-collapse:collapse;margin:1em 0;font-size:.92em}
th,td{border:1px solid #999;padding:.3em .6em;text-align:right}
th{background:#e8e8e8}td:first-child,th:first-child{text-align:left}
img{max-width:100%;border:1px solid #ccc;margin:.6em 0}
.note{color:#444;font-size:.95em}.key{font-weight:600}
pre{background:#f4f4f4;padding:1em;overflow-x:auto;font-size:.8em}
figure{margin:1.2em 0}figcaption{color:#333;font-size:.95em}
"""


def write(
    folder: ResultFolder, out: Path, targets: Sequence[Target] = (), minimise: str | None = None
) -> Path:
    """Write the report of ``folder`` to ``out`` (replaced whole, never half-written)."""
    page = build(folder, targets, minimise)
    return atomic_write(out, lambda p: p.write_text(page, encoding="utf-8"))


def build(folder: ResultFolder, targets: Sequence[Target] = (), minimise: str | None = None) -> str:
    """The report as one HTML page."""
    title = f"ipssim {folder.kind} report: {_name(folder)}"
    parts = [f"<h1>{html.escape(title)}</h1>", _facts(folder)]
    if folder.manifest.get("plan"):  # ipssim plan's sweep leads with the plan's answer
        parts.append(_plan(folder))
    if folder.kind == "run":
        parts += _run_tables(folder)
    elif folder.kind == "compare":
        parts += _compare_tables(folder)
    else:
        parts += _sweep_tables(folder, targets, minimise)
    parts.append("<h2>Figures</h2>")
    parts.append(
        '<p class="note">Error bars and bands are 95% intervals across replications. '
        "Each PNG carries the run manifest in its metadata.</p>"
    )
    for stem, fig in figures(folder, targets):
        parts.append(_figure(save_png(fig, folder.manifest), stem.replace("_", " ")))
    if folder.manifest.get("plan"):
        parts.append(_figure(save_png(plan_figure(folder), folder.manifest), "plan targets"))
    for path in folder.extra_files((".png",)):
        parts.append(_figure(path.read_bytes(), path.stem.replace("_", " ")))
    for path in folder.extra_files((".csv",)):
        if path.name.startswith("timecourse_"):
            parts.append(
                f"<details><summary>Table {html.escape(path.name)}</summary>"
                f"{_html_table(pd.read_csv(path))}</details>"
            )
    parts.append(
        "<h2>Manifest</h2><details><summary>Full manifest (JSON)</summary><pre>"
        f"{html.escape(json.dumps(folder.manifest, indent=2, default=str))}</pre>"
        "</details>"
    )
    body = "\n".join(parts)
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>\n{body}\n"
        f'<p class="note">Written by ipssim {__version__} on '
        f"{time.strftime('%Y-%m-%d %H:%M')}.</p></body></html>\n"
    )


def save_png(fig, manifest: dict) -> bytes:
    """The figure as PNG bytes, with the manifest in its metadata."""
    with tempfile.TemporaryDirectory() as tmp:
        path = save_figure(fig, Path(tmp) / "figure.png", manifest)
        return path.read_bytes()


def _name(folder: ResultFolder) -> str:
    if "sweep" in folder.manifest:
        return folder.manifest["sweep"]["name"]
    return ", ".join(s["name"] for s in folder.manifest.get("scenarios", [])) or folder.path.name


def _plan(folder: ResultFolder) -> str:
    """The answer ``ipssim plan`` printed, from the folder's runs and the plan's settings."""
    about = folder.manifest["plan"]
    targets = [target_tools.parse(t, folder.metrics) for t in about["target_texts"]]
    plans = planning.plans(folder.table("runs.parquet"), targets, about["confidence"])
    text = "\n\n".join(
        planning.answer(p, targets, about["confidence"], about["budget"], len(plans) > 1)
        for p in plans
    )
    wanted = "; ".join(str(t) for t in targets) or "none (the smallest team)"
    return (
        "<h2>Plan</h2>"
        f"<p>{about['referrals_per_year']:g} referrals a year; targets: {html.escape(wanted)}; "
        f"a team meets them when every one is met in at least {about['confidence']:.0%} of "
        "replications.</p>"
        f"<pre>{html.escape(text)}</pre>"
    )


def plan_figure(folder: ResultFolder) -> Figure:
    """Each of the plan's targets against team size, its threshold, and the chosen team."""
    about = folder.manifest["plan"]
    targets = [target_tools.parse(t, folder.metrics) for t in about["target_texts"]]
    plans = planning.plans(folder.table("runs.parquet"), targets, about["confidence"])
    chosen = {p.cap: p.best.specialists if p.best else None for p in plans}
    summary = folder.table("summary.parquet")
    return plan_targets(
        summary, planning.SPECIALISTS, planning.CAP, targets, chosen, folder.manifest["reps"]
    )


def _facts(folder: ResultFolder) -> str:
    m = folder.manifest
    rows: list[tuple[str, object]] = [("folder", str(folder.path))]
    rows += [(f"scenario {s['name']}", f"hash {s['hash']}") for s in m.get("scenarios", [])]
    if "sweep" in m:
        sweep = m["sweep"]
        rows.append(
            (
                "sweep",
                f"{sweep['points']} points; levers: "
                + ", ".join(lv["name"] for lv in sweep["levers"]),
            )
        )
        rows.append(("base scenario", "the scenario above, with each point's lever values"))
    rows += [
        ("replications", m.get("reps")),
        (
            "seed",
            (
                f"{m.get('seed')} (replication r uses seed tree ({m.get('seed')}, r) at "
                "every point and scenario: common random numbers)"
            ),
        ),
        ("ipssim version", m.get("version")),
        ("command", m.get("command")),
        ("created", m.get("created")),
        ("wall time", f"{m.get('wall_time_s')} s"),
    ]
    if "execution" in m:
        rows.append(("executed on", m["execution"]))
    if m.get("parameters"):
        source = f" ({m['posterior']})" if m.get("posterior") else ""
        rows.append(("calibrated parameters", f"{m['parameters']}{source}"))
    cells = "".join(
        f'<tr><td class="key">{html.escape(str(k))}</td>'
        f'<td style="text-align:left">{html.escape(str(v))}</td></tr>'
        for k, v in rows
    )
    return f"<h2>What this is</h2><table>{cells}</table>"


def _run_tables(folder: ResultFolder) -> list[str]:
    summary = folder.table("summary.csv")
    rows = [
        {
            "metric": name,
            "mean": fmt(name, mean),
            "95% interval": fmt_interval(name, low, high),
            "unit": metrics.metric(name).unit,
            "meaning": metrics.metric(name).description,
        }
        for name, mean, low, high in summary[["metric", "mean", "ci_low", "ci_high"]].itertuples(
            index=False
        )
    ]
    out = ["<h2>Outcomes</h2>", _html_table(pd.DataFrame(rows))]
    if folder.has("funnel.csv"):
        funnel = folder.table("funnel.csv").drop(columns="rep").mean().to_frame("mean clients")
        out += ["<h2>Referral funnel</h2>", _html_table(funnel.reset_index(names="stage").round(1))]
    for trait, (name, title) in BREAKDOWNS.items():
        if folder.has(f"{name}.csv"):
            runs = folder.table(f"{name}.csv")
            table = runs[runs["clients"] > 0].groupby(trait, sort=False).mean()
            out += [
                f"<h2>By {title} (mean over replications)</h2>",
                _html_table(table.drop(columns="rep").reset_index().round(3)),
            ]
    return out


def _compare_tables(folder: ResultFolder) -> list[str]:
    table = folder.table("compare.csv").set_index("metric")
    diffs = differences(table)
    labels = [c for c in table.columns if " - " not in c]
    by_metric = table.to_dict("index")
    rows = []
    for name in [m for m in HEADLINE if m in by_metric]:
        r = by_metric[name]
        row = {"metric": name, **{label: fmt(name, r[label]) for label in labels}}
        for d in diffs:
            row[d] = fmt_diff(name, r[d], r[f"{d} ci_low"], r[f"{d} ci_high"])
        rows.append(row)
    note = (
        '<p class="note">Differences are paired by replication (common random numbers), '
        "with 95% intervals.</p>"
    )
    return ["<h2>Comparison</h2>", note, _html_table(pd.DataFrame(rows))]


def _sweep_tables(
    folder: ResultFolder, targets: Sequence[Target], minimise: str | None
) -> list[str]:
    summary = folder.table("summary.parquet")
    levers = folder.levers
    out = []
    if folder.kind == "sensitivity":
        out += _sensitivity_tables(folder)
    if targets:
        out += _target_tables(summary, levers, targets, minimise or levers[0])
    if folder.has("discovery.json"):
        found = json.loads((folder.path / "discovery.json").read_text(encoding="utf-8"))
        out.append("<h2>Scenario discovery (PRIM)</h2>")
        out.append(
            f"<p>{html.escape(found['question'])}</p><ul>"
            + "".join(f"<li>{html.escape(b['sentence'])}</li>" for b in found["boxes"])
            + "</ul>"
            if found["boxes"]
            else "<p>No box found.</p>"
        )
    wide = summary.assign(
        cell=[
            f"{fmt(m, a)} ({fmt_interval(m, lo, hi)})"
            for m, a, lo, hi in summary[["metric", "mean", "ci_low", "ci_high"]].itertuples(
                index=False
            )
        ]
    )
    wide = wide.pivot(index=["point", *levers], columns="metric", values="cell")
    wide = wide[[m for m in folder.metrics if m in wide.columns]].reset_index()
    wide.columns.name = None
    out += [
        "<h2>Every point: mean (95% interval)</h2>",
        _details(f"{len(wide)} points", _html_table(wide), opened=len(wide) <= 100),
    ]
    return out


def target_headline(folder: ResultFolder, targets: Sequence[Target], minimise: str | None) -> str:
    """The targets' headline of a sweep's report, for the terminal."""
    levers = folder.levers
    assessed = target_tools.assess(folder.table("summary.parquet"), levers, list(targets))
    best = target_tools.smallest(assessed, minimise or levers[0], levers)
    return target_tools.headline(best, minimise or levers[0], levers, list(targets), assessed)


def _target_tables(
    summary: pd.DataFrame, levers: list[str], targets: Sequence[Target], minimise: str
) -> list[str]:
    shown = tuple(m for m in PLANNING if m in set(summary["metric"]))
    assessed = target_tools.assess(summary, levers, list(targets), shown)
    best = target_tools.smallest(assessed, minimise, levers)
    label = lever_label(minimise)
    mean_col = f"smallest {minimise} (on the mean)"
    sure_col = f"smallest {minimise} (with confidence)"
    out = [
        f"<h2>Smallest {html.escape(label)} meeting the targets</h2>",
        (
            "<p><b>"
            f"{html.escape(target_tools.headline(best, minimise, levers, list(targets), assessed))}"
            "</b></p>"
        ),
        (
            '<p class="note">"On the mean": the mean over replications meets every target. '
            '"With confidence": the whole 95% interval does.</p>'
        ),
    ]
    rows = []
    for _, row in best.iterrows():
        cells = {lever_label(lv): row[lv] for lv in levers if lv != minimise}
        cells[f"{label} (on the mean)"] = _whole(row[mean_col])
        cells[f"{label} (with confidence)"] = _whole(row[sure_col])
        for metric in dict.fromkeys([*(t.metric for t in targets), *shown]):
            cells[metric] = (
                f"{fmt(metric, row[metric])} "
                f"({fmt_interval(metric, row[metric + ' ci_low'], row[metric + ' ci_high'])})"
                if pd.notna(row[mean_col])
                else "-"
            )
        rows.append(cells)
    out.append(_html_table(pd.DataFrame(rows)))
    return out


def _sensitivity_tables(folder: ResultFolder) -> list[str]:
    from ipssim.analysis.sensitivity import ranking

    info = folder.manifest["sensitivity"]
    ranked = ranking(folder.table("indices.csv"), info["method"])
    ranked = ranked.assign(lever=[lever_label(lv) for lv in ranked["lever"]])
    out = [
        f"<h2>Sensitivity ({html.escape(info['method'])})</h2>",
        f'<p class="note">{html.escape(info["explanation"])}</p>',
    ]
    for note in info.get("notes", []):
        out.append(f'<p class="note">{html.escape(note)}</p>')
    for metric, group in ranked.groupby("metric", sort=False):
        out.append(f"<h3>{html.escape(metric_label(str(metric)))}</h3>")
        out.append(_html_table(group.drop(columns="metric").round(4)))
    return out


def _whole(value: object) -> str:
    """A lever's value, or "none" where no value meets the targets (None or NaN)."""
    return f"{value:g}" if isinstance(value, numbers.Real) and not math.isnan(value) else "none"


def _figure(png: bytes, caption: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{data}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def _details(summary: str, inner: str, opened: bool) -> str:
    flag = " open" if opened else ""
    return f"<details{flag}><summary>{html.escape(summary)}</summary>{inner}</details>"


def _html_table(frame: pd.DataFrame) -> str:
    table = frame.to_html(index=False, escape=True, border=0, na_rep="-")
    return f'<div style="overflow-x:auto">{table}</div>'
