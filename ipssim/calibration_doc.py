"""The generated tables of docs/calibration.md: the priors of the parameters calibration
estimates, from the schema, and the published figures it is calibrated to (``ipssim.evidence``).

``python -m ipssim.odd`` writes them between their markers, as it writes the ODD's tables.
"""

from __future__ import annotations

from ipssim.evidence import TARGETS
from ipssim.scenario import Scenario
from ipssim.schema.fields import extra, find, priors


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _default(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def prior_table() -> str:
    """Every parameter with a prior: its default, unit, prior, the reason, and its source."""
    lines = [
        "| parameter | default | unit | prior | why this prior | source of the default |",
        "|---|---|---|---|---|---|",
    ]
    for key, prior in priors(Scenario).items():
        field = find(Scenario, key)
        kept = extra(field)
        cells = (
            f"`{key}`",
            _default(field.default),
            kept["unit"],
            prior.describe(),
            prior.reason,
            kept["source"],
        )
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def target_table() -> str:
    """Every target: scenario, metric, the published figure, its standard error and basis."""
    lines = [
        "| scenario | metric | published | standard error | from | figure | source |",
        "|---|---|---|---|---|---|---|",
    ]
    for t in TARGETS:
        cells = (t.scenario, f"`{t.metric}`", f"{t.published:.4g}", f"{t.se:.3g}", t.basis)
        lines.append("| " + " | ".join(_cell(c) for c in (*cells, t.figure, t.source)) + " |")
    return "\n".join(lines) + "\n"


TABLES = {"priors": prior_table, "targets": target_table}
