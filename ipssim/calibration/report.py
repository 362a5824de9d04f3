"""The report of a posterior in docs/calibration.md: its figures under docs/calibration/ and the
generated section ``posterior`` (the calibration's manifest, each generation's epsilon and
acceptance rate, each parameter's prior and posterior, each target's check).

Usage: python -m ipssim.calibration.report [--posterior PATH] [--check FILE] [--doc PATH]

``--posterior`` defaults to the posterior shipped in the package; with none shipped the section
says so and no figures are kept. ``--check`` is the output of ``ipssim calibrate --check
--format json`` for that posterior; it is kept beside the figures (``check.json``) so that the
section can be regenerated from what is committed. Everything written follows from the
posterior's files and the check alone, so the same inputs give the same bytes. Bad input
(a missing or mismatched posterior, a check that is not a list of target objects) exits 2
with one message.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import numpy as np

from ipssim import odd
from ipssim.calibration import check, figures, posterior
from ipssim.calibration.posterior import Posterior
from ipssim.errors import UserError
from ipssim.figures import save_figure
from ipssim.scenario import Scenario
from ipssim.schema.fields import find, priors
from ipssim.schema.priors import Prior

BLOCK = "posterior"
ROOT = odd.PACKAGE.parent
MARGINALS, PAIRS, PREDICTIVE, CHECK = "marginals.png", "pairs.png", "predictive.png", "check.json"
OWNED = (MARGINALS, PAIRS, PREDICTIVE, CHECK)  # what this command writes, and removes when stale
PAIRED = 6  # parameters in the corner plot
EXIT_USAGE = 2
NUMBERS = ("published", "se")
MAYBE_NUMBERS = ("mean", "ci_low", "ci_high", "z")


class ReportError(UserError):
    """A posterior, check or document this report cannot use."""


def load_check(path: Path) -> list[dict[str, Any]]:
    """The rows of ``ipssim calibrate --check --format json``, refused unless each is a target
    object with the promised keys."""
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportError(f"--check {path}: cannot read it as JSON ({exc})") from None
    expected = f"a list of target objects with keys {', '.join(check.KEYS)}"
    if not isinstance(rows, list) or not rows:
        raise ReportError(
            f"--check {path}: not {expected} (ipssim calibrate --check --format json)"
        )
    for i, row in enumerate(rows, 1):
        if not isinstance(row, dict) or set(row) != set(check.KEYS):
            raise ReportError(
                f"--check {path}: item {i} is not a target object; expected {expected}"
            )
        numbers_ok = all(_is_number(row[k]) for k in NUMBERS) and all(
            row[k] is None or _is_number(row[k]) for k in MAYBE_NUMBERS
        )
        if not numbers_ok or not isinstance(row["inside"], bool):
            raise ReportError(
                f"--check {path}: item {i} ({row['scenario']}.{row['metric']}) has a value that "
                "is not a number (published, se; mean, ci_low, ci_high, z may be null) or an "
                "inside that is not true or false"
            )
    return rows


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def calibrated(found: Posterior) -> dict[str, Prior]:
    """The prior of each parameter the calibration estimated, as it recorded them (those drawn
    from their priors beside the particles left out); without a record, every parameter of
    the posterior with the schema's prior."""
    kept = found.manifest.get("priors", {})
    if kept:
        return {str(k): Prior.from_kept(kept[k]) for k in found.particles if k in kept}
    schema = priors(Scenario)
    return {str(k): schema[str(k)] for k in found.particles}


def defaults(keys: list[str]) -> dict[str, float]:
    """The schema's default of each key."""
    return {k: float(find(Scenario, k).default) for k in keys}


def _n(value: float | None) -> str:
    return "n/a" if value is None or not math.isfinite(value) else f"{value:.4g}"


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    cells = [header, tuple("---" for _ in header), *rows]
    return ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in cells]


def _manifest_rows(found: Posterior) -> list[tuple[str, str]]:
    m = found.manifest
    weights = found.weights / found.weights.sum()
    wall = cast(float, m.get("wall_time_s"))
    fixed = m.get("fixed", [])
    return [
        ("seed", str(m.get("seed", "not recorded"))),
        ("particles", f"{len(weights)} (effective sample size {1 / np.sum(weights**2):.0f})"),
        ("generations", str(len(m.get("generations", [])) or "not recorded")),
        ("replications per particle", str(m.get("reps", "not recorded"))),
        (
            "wall time",
            f"{wall:,.0f} s ({wall / 60:.1f} min)" if _is_number(wall) else "not recorded",
        ),
        ("pyabc", str(m.get("pyabc", "not recorded"))),
        ("ipssim", str(m.get("version", "not recorded"))),
        ("created", str(m.get("created", "not recorded"))),
        ("fixed by --set (not calibrated)", ", ".join(f"`{k}`" for k in fixed) or "none"),
        (
            "drawn from their priors (not identified by the targets)",
            ", ".join(f"`{k}`" for k in m.get("from_prior", [])) or "none",
        ),
        ("overrides (--set)", ", ".join(f"`{k}`" for k in m.get("overrides", [])) or "none"),
    ]


def _generation_rows(found: Posterior) -> list[tuple[str, ...]]:
    return [
        (
            str(g["t"] + 1),
            _n(g["epsilon"]),
            f"{g['acceptance']:.1%}" if _is_number(g["acceptance"]) else "n/a",
            f"{g['particles']} of {g['samples']}",
            f"{g['effective']:.0f}" if _is_number(g.get("effective")) else "n/a",
            f"{g['seconds']:.0f}",
        )
        for g in found.manifest.get("generations", [])
    ]


def _parameter_rows(found: Posterior, paired: list[str]) -> list[tuple[str, ...]]:
    kept = calibrated(found)
    mean, default = found.mean(), defaults(list(kept))
    rows: list[tuple[str, ...]] = []
    for key, prior in kept.items():
        low, high = found.interval(key)
        mark = " (paired)" if key in paired else ""
        rows.append(
            (
                f"`{key}`",
                prior.describe(),
                _n(default[key]),
                _n(mean[key]),
                f"{_n(low)} to {_n(high)}",
                f"{figures.narrowing(found, key, prior):.2f}{mark}",
            )
        )
    return rows


def _check_rows(rows: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    return [
        (
            r["scenario"],
            f"`{r['metric']}`",
            _n(r["published"]),
            _n(r["se"]),
            _n(r["mean"]),
            f"{_n(r['ci_low'])} to {_n(r['ci_high'])}",
            "n/a" if r["z"] is None else f"{r['z']:+.2f}",
            "yes" if r["inside"] else "**no**",
        )
        for r in rows
    ]


def paired(found: Posterior) -> list[str]:
    """The parameters of the corner plot: the ``PAIRED`` most narrowed from their priors."""
    return figures.most_informed(found, calibrated(found), PAIRED)


def section(found: Posterior, label: str, rows: list[dict[str, Any]] | None, images: str) -> str:
    """The generated section for ``found`` (called ``label``) and its check ``rows``, with its
    figures at ``images`` (relative to the document)."""
    chosen = paired(found)
    lines = [
        f"The posterior: {label}, written by `python -m ipssim.calibration.report`.",
        "",
        *_table(("calibration", ""), _manifest_rows(found)),
        "",
        "Epsilon (the distance a particle had to come within) and acceptance rate by generation:",
        "",
        *(
            _table(
                (
                    "generation",
                    "epsilon",
                    "acceptance",
                    "accepted of simulated",
                    "effective sample size",
                    "seconds",
                ),
                _generation_rows(found),
            )
            if found.manifest.get("generations")
            else ["The posterior's manifest records no generations."]
        ),
        "",
        "Each parameter's weighted posterior over its prior's range (bars), the prior (line) and "
        "the schema's default (dashed); a log-uniform prior on a log axis:",
        "",
        f"![posterior marginals]({images}/{MARGINALS})",
        "",
        f"The {len(chosen)} parameters the data inform most, by the rule: the smallest posterior "
        "95% interval as a share of the prior's 95% interval (on the axis each is drawn, log for "
        "a log-uniform prior; the last column below):",
        "",
        f"![posterior pairs]({images}/{PAIRS})",
        "",
        *_table(
            (
                "parameter",
                "prior",
                "default",
                "posterior mean",
                "95% interval",
                "interval / prior's",
            ),
            _parameter_rows(found, chosen),
        ),
        "",
    ]
    if rows is None:
        lines += ["No calibration check was given (`--check`), so no target is reported.", ""]
        return "\n".join(lines)
    passed = sum(r["inside"] for r in rows)
    lines += [
        f"The calibration check (`ipssim calibrate --check --format json`): {passed} of "
        f"{len(rows)} targets pass (the published figure inside the posterior predictive 95% "
        f"interval and |z| <= {check.Z_LIMIT:g}). Each target's published figure +- 1.96 "
        "standard errors against the posterior predictive mean and 95% interval:",
        "",
        f"![posterior predictive]({images}/{PREDICTIVE})",
        "",
        *_table(
            ("scenario", "metric", "published", "se", "mean", "95% interval", "z", "passes"),
            _check_rows(rows),
        ),
        "",
    ]
    return "\n".join(lines)


NONE_SHIPPED = (
    "This version ships no calibrated posterior (`ipssim/data/posterior.parquet`), so there is "
    "none to report: projections run the scenarios' defaults. When one is shipped, `python -m "
    "ipssim.calibration.report --check CHECK.json` writes its report here.\n"
)


def label_of(path: Path) -> str:
    """How the section names the posterior at ``path``: the shipped one, or its path (relative
    to the repository when inside it)."""
    if path.resolve() == posterior.SHIPPED.resolve():
        return f"the shipped posterior (`ipssim/data/{posterior.PARTICLES}`)"
    try:
        return f"`{path.resolve().relative_to(ROOT)}`"
    except ValueError:
        return f"`{path}`"


def _manifest(found: Posterior) -> dict[str, Any]:
    """What a figure came from, kept in its metadata."""
    keys = ("seed", "reps", "pyabc", "version", "created", "wall_time_s")
    return {"kind": "posterior report", **{k: found.manifest.get(k) for k in keys}}


def write(
    found: Posterior | None,
    label: str,
    rows: list[dict[str, Any]] | None,
    doc: Path,
    folder: Path,
) -> list[Path]:
    """Write the figures into ``folder`` and the section into ``doc``; the files written."""
    try:
        text = doc.read_text(encoding="utf-8")
    except (OSError, ValueError) as exc:
        raise ReportError(f"--doc {doc}: cannot be read ({exc})") from None
    if BLOCK not in odd.blocks(text):
        raise ReportError(f"--doc {doc}: no markers for the generated block {BLOCK!r}")
    written: list[Path] = []
    if found is None:
        body = NONE_SHIPPED
    else:
        folder.mkdir(parents=True, exist_ok=True)
        kept, meta = calibrated(found), _manifest(found)
        default = defaults(list(kept))
        made = {
            MARGINALS: figures.marginals(found, kept, default),
            PAIRS: figures.corner(found, kept, default, paired(found)),
        }
        if rows is not None:
            made[PREDICTIVE] = figures.predictive(rows)
            (folder / CHECK).write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
            written.append(folder / CHECK)
        written += [save_figure(fig, folder / name, meta) for name, fig in made.items()]
        body = section(found, label, rows, Path(os.path.relpath(folder, doc.parent)).as_posix())
    for name in OWNED:  # a figure or check of an earlier report that this one does not have
        if folder / name not in written:
            (folder / name).unlink(missing_ok=True)
    doc.write_text(odd.render(text, {BLOCK: lambda: body}), encoding="utf-8")
    return [*written, doc]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m ipssim.calibration.report", description=(__doc__ or "").split("\n\n")[0]
    )
    p.add_argument("--posterior", type=Path, help="a posterior's folder (default: the shipped one)")
    p.add_argument("--check", type=Path, help="the posterior's ipssim calibrate --check JSON")
    p.add_argument("--doc", type=Path, default=odd.CALIBRATION, help="the document to write")
    p.add_argument(
        "--figures", type=Path, help="the figures' folder (default: calibration/ beside --doc)"
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    folder = args.figures or args.doc.parent / "calibration"
    try:
        path = args.posterior if args.posterior is not None else posterior.shipped()
        if path is not None and not path.exists():
            raise ReportError(f"--posterior {path}: no such folder or file")
        if path is None and args.check is not None:
            raise ReportError(
                "--check without a posterior: this version ships none; add --posterior"
            )
        found = posterior.load(path) if path is not None else None
        rows = load_check(args.check) if args.check is not None else None
        written = write(found, label_of(path) if path else "", rows, args.doc, folder)
    except UserError as exc:
        print(f"ipssim: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for file in written:
        print(f"wrote {file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
