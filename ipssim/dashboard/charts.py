"""The dashboard's charts as ECharts options: large type and plain labels for a projector.

The browser draws them (Solara's ``FigureEcharts``), so a chart costs the server a small
dictionary each simulated week rather than a rendered image. Services differ by line style and
bar pattern as well as colour, so the charts survive a greyscale projector.
"""

from __future__ import annotations

from typing import Any

from ipssim.dashboard.view import FUNNEL, ServiceView, View
from ipssim.figures import COLOURS

TEXT: dict[str, Any] = {"fontSize": 17, "color": "#222"}
TITLE = {"fontSize": 22, "fontWeight": "bold", "color": "#222"}
DASHES = ("solid", "dashed", "dotted")
PATTERNS = (
    {"symbol": "none"},
    {
        "symbol": "rect",
        "rotation": 0.785,
        "symbolSize": 0.8,
        "color": "rgba(255,255,255,0.6)",
        "dashArrayX": [1, 0],
        "dashArrayY": [3, 5],
    },
)


def _axis(name: str, **more: Any) -> dict[str, Any]:
    return {
        "name": name,
        "nameLocation": "middle",
        "nameTextStyle": TEXT,
        "axisLabel": TEXT,
        **more,
    }


def _frame(
    title: str, series: list[dict[str, Any]], legend: dict[str, Any], **more: Any
) -> dict[str, Any]:
    return {
        "animation": False,
        "title": {"text": title, "left": "center", "textStyle": TITLE},
        "legend": {"top": 36, "textStyle": TEXT, "itemWidth": 40, **legend},
        "color": list(COLOURS[:3]),
        "series": series,
        **more,
    }


def _weekly(service: ServiceView, column: str) -> list[list[int]]:
    return service.weekly[["week", column]].astype(int).to_numpy().tolist()


def _horizon(view: View) -> int:
    return max(s.scenario.run.horizon_weeks for s in view.services)


def weekly_chart(view: View, column: str, title: str, ylabel: str) -> dict[str, Any]:
    """One weekly count, a line per service, over the whole horizon."""
    series = [
        {
            "name": s.label,
            "type": "line",
            "symbol": "none",
            "data": _weekly(s, column),
            "lineStyle": {"width": 4, "type": DASHES[i % len(DASHES)]},
        }
        for i, s in enumerate(view.services)
    ]
    return _frame(
        title,
        series,
        {"itemStyle": {"opacity": 0}},  # the line alone, no marker
        grid={"left": 80, "right": 30, "top": 80, "bottom": 60},
        xAxis=_axis("Week", type="value", min=0, max=_horizon(view), nameGap=32),
        yAxis=_axis(ylabel, type="value", min=0, minInterval=1, nameGap=50),
    )


def funnel_chart(view: View) -> dict[str, Any]:
    """People who reached each stage of the referral funnel so far, a bar per service."""
    series: list[dict[str, Any]] = [
        {
            "name": s.label,
            "type": "bar",
            "data": [s.funnel[stage] for stage in FUNNEL],
            # neighbouring counts ran together ("1515") at 1280 and 1366 pixels wide
            "label": {"show": True, "position": "top", **TEXT, "fontSize": 14},
            "labelLayout": {"hideOverlap": True},
            "itemStyle": {"decal": PATTERNS[i % len(PATTERNS)]},
        }
        for i, s in enumerate(view.services)
    ]
    stages = list(FUNNEL)
    return _frame(
        f"Referral funnel: people so far (week {view.week})",
        series,
        {},
        aria={"enabled": True, "decal": {"show": True}},
        grid={"left": 80, "right": 30, "top": 80, "bottom": 100},
        xAxis={
            "type": "category",
            "data": stages,
            # every stage named, slanted so that neighbours never collide in a narrow card
            "axisLabel": {**TEXT, "fontSize": 15, "interval": 0, "rotate": 30},
        },
        yAxis=_axis("People", type="value", min=0, minInterval=1, nameGap=50),
    )


def in_work_chart(view: View) -> dict[str, Any]:
    """People in competitive work, week by week."""
    return weekly_chart(view, "working", "People in work", "People in work")


def placements_chart(view: View) -> dict[str, Any]:
    """Job starts with the service's support, cumulative."""
    return weekly_chart(view, "placements", "Job starts so far", "Job starts")


def reoffences_chart(view: View) -> dict[str, Any]:
    """Proven reoffences, cumulative."""
    return weekly_chart(view, "reoffences", "Reoffences so far", "Reoffences")


def waiting_chart(view: View) -> dict[str, Any]:
    """The waiting list for a specialist, week by week."""
    return weekly_chart(view, "waiting", "Waiting list", "People waiting for a place")


# the 25 items of the IPS fidelity scale, short enough to sit beside a bar in a 400-pixel card
FIDELITY_LABELS = (
    "Caseload size",
    "Employment staff",
    "Vocational generalists",
    "Team assignment",
    "Team contact",
    "Work with VR agency",
    "Vocational unit",
    "Employment supervisor",
    "Zero exclusion",
    "Agency focus on jobs",
    "Executive support",
    "Work incentives",
    "Disclosure",
    "Work-based assessment",
    "Rapid job search",
    "Individualised search",
    "Employer contacts",
    "Employer contact quality",
    "Diverse job types",
    "Diverse employers",
    "Competitive jobs",
    "Follow-along",
    "Time-unlimited support",
    "Community-based",
    "Outreach",
)
FIDELITY_ROW_PX = 21  # height of one item's row: two bars and a 14-pixel label
FIDELITY_TOP, FIDELITY_BOTTOM = 36, 46


def fidelity_height() -> int:
    """Pixels the fidelity chart needs for every item's row to be legible."""
    return FIDELITY_TOP + FIDELITY_BOTTOM + FIDELITY_ROW_PX * len(FIDELITY_LABELS)


def fidelity_chart(view: View) -> dict[str, Any]:
    """Every item's score (1-5), a bar per service, items that differ in bold with a star."""
    reviews = [s.fidelity for s in view.services if s.fidelity is not None]
    if len(reviews) < len(view.services) or not reviews:
        raise ValueError("every service needs its fidelity review")
    scores = [[item.score for item in review.items] for review in reviews]
    differ = [len(set(column)) > 1 for column in zip(*scores, strict=True)]
    label = {**TEXT, "fontSize": 14}
    items = [
        {
            "value": f"{n}. {name}{' *' if d else ''}",
            "textStyle": {"fontWeight": "bold" if d else "normal"},
        }
        for n, (name, d) in enumerate(zip(FIDELITY_LABELS, differ, strict=True), 1)
    ]
    series: list[dict[str, Any]] = [
        {
            "name": s.label,
            "type": "bar",
            "data": row,
            "barGap": "10%",
            "barCategoryGap": "18%",
            "itemStyle": {"decal": PATTERNS[i % len(PATTERNS)]},
        }
        for i, (s, row) in enumerate(zip(view.services, scores, strict=True))
    ]
    return _frame(
        f"Fidelity review: item scores (week {view.week})",
        series,
        {},
        aria={"enabled": True, "decal": {"show": True}},
        tooltip={"trigger": "axis", "axisPointer": {"type": "shadow"}},
        grid={
            "left": 8,
            "right": 16,
            "top": FIDELITY_TOP,
            "bottom": FIDELITY_BOTTOM,
            "containLabel": True,
        },
        xAxis=_axis(
            "Score (1 to 5; * the services differ)",
            type="value",
            min=0,
            max=5,
            interval=1,
            nameGap=26,
            nameTextStyle={**TEXT, "fontSize": 15},
        ),
        yAxis={
            "type": "category",
            "inverse": True,
            "data": items,
            "axisLabel": {**label, "interval": 0},
        },
    )
