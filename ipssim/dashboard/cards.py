"""The dashboard's text cards as HTML: the figures so far and the fidelity review.

Each cell of the figures table has an id, ``fig-<figure>-<service>`` (service ``baseline``,
``changed``, ``service`` or ``difference``), so a browser test can read what the room sees.
"""

from __future__ import annotations

from html import escape

from ipssim.dashboard.view import FIGURES, View

TABLE = "width:100%;border-collapse:collapse;font-size:18px;line-height:1.4"
CELL = "padding:2px 5px;border-bottom:1px solid #ddd"
NUMBER = CELL + ";text-align:right;font-variant-numeric:tabular-nums"
NOTE = "font-size:17px;color:#444;margin:4px 0"


def _key(label: str) -> str:
    return label.lower().replace(" ", "-")


def _number(value: int | None, signed: bool = False) -> str:
    if value is None:
        return "-"
    return f"{value:+d}".replace("-", "\u2212") if signed else f"{value:d}"


def figures_html(view: View, changes: list[str]) -> str:
    """The figures so far, one column per service and the difference changed minus baseline."""
    services = view.services
    compare = len(services) > 1
    horizon = max(s.scenario.run.horizon_weeks for s in services)
    head = "".join(f'<th style="{NUMBER}">{escape(s.label)}</th>' for s in services)
    if compare:
        head += f'<th style="{NUMBER}">Changed \u2212 baseline</th>'
    rows = []
    for key, label in FIGURES:
        cells = "".join(
            f'<td id="fig-{key}-{_key(s.label)}" style="{NUMBER}">{_number(s.figures[key])}</td>'
            for s in services
        )
        if compare:
            cells += (
                f'<td id="fig-{key}-difference" style="{NUMBER};font-weight:bold">'
                f"{_number(view.difference(key), signed=True)}</td>"
            )
        rows.append(f'<tr><td style="{CELL}">{label}</td>{cells}</tr>')
    changed = "; ".join(changes) if changes else "nothing yet: both services are the same"
    what = f'<p style="{NOTE}">Changed: {escape(changed)}</p>' if compare else ""
    return (
        f'<div style="padding:4px 8px"><div id="fig-week" style="font-size:24px;'
        f'font-weight:bold">Week {view.week} of {horizon}</div>{what}'
        f'<table style="{TABLE}"><tr><th style="{CELL}"></th>{head}</tr>{"".join(rows)}'
        "</table></div>"
    )


def fidelity_html(view: View) -> str:
    """Each service's fidelity total and band (the chart below shows every item), or why there
    is no review yet."""
    if view.fidelity_note:
        return f'<div id="fidelity" style="{NOTE};padding:8px">{escape(view.fidelity_note)}</div>'
    reviews = [s.fidelity for s in view.services if s.fidelity is not None]
    if len(reviews) < len(view.services):
        return (
            f'<div id="fidelity" style="{NOTE};padding:8px">The fidelity review starts after '
            "the first week.</div>"
        )
    totals = " &nbsp; ".join(
        f'<span id="fidelity-total-{_key(s.label)}">{escape(s.label)}: <b>{r.total}</b> of 125 '
        f"({escape(r.band)})</span>"
        for s, r in zip(view.services, reviews, strict=True)
    )
    return f'<div id="fidelity" style="padding:4px 8px;font-size:20px">{totals}</div>'
