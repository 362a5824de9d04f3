"""The generated tables of README.md: the metrics ipssim reports, from their records, and the
dashboard's controls, from the schema.

``python -m ipssim.odd`` writes them between their markers, as it writes the ODD's tables.
"""

from __future__ import annotations

from ipssim.metrics import BY_NAME, RUN_METRICS
from ipssim.schema.levers import CONTROLS

SHOWN_AS = {
    "share": "percentage",
    "money": "pounds",
    "count": "number",
    "weeks": "weeks",
    "days": "days",
    "score": "points",
}


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def metric_table() -> str:
    """Every metric with its meaning, unit and where it is reported, headline metrics first."""
    lines = ["| metric | meaning | unit | shown as | reported |", "|---|---|---|---|---|"]
    for m in BY_NAME.values():
        where = (
            "every run (headline)" if m.headline else "every run" if m in RUN_METRICS else "sweeps"
        )
        cells = (f"`{m.name}`", m.description, m.unit, SHOWN_AS[m.kind], where)
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def control_table() -> str:
    """The dashboard's controls: label, scenario field, what the slider offers, explanation."""
    lines = ["| control | scenario field | offers | what it is |", "|---|---|---|---|"]
    for c in CONTROLS:
        unit = f" {c.unit}" if c.unit else ""
        offers = (
            "off, on"
            if c.kind is bool
            else f"{c.low:g} to {c.high:g}{unit}, in steps of {c.step:g}"
        )
        cells = (c.label, f"`{c.key}`", offers, c.explanation)
        lines.append("| " + " | ".join(_cell(x) for x in cells) + " |")
    return "\n".join(lines) + "\n"


TABLES = {"metrics": metric_table, "controls": control_table}
