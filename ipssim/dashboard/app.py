"""The training dashboard's page: our run controls step the model, our panel sets the service,
and the cards sit in a grid that flows to the screen's width.

Served by ``ipssim dashboard``, which names the starting scenario in ``IPSSIM_DASHBOARD_SCENARIO``;
the other ``*.toml`` files in its folder are the presets. The page uses neither Mesa's
ModelController (its Pause came one or two weeks late: see ``controls``) nor SolaraViz's
draggable grid, whose fixed-height cells let tall cards spill over their neighbours on a
projector's screen, nor its tabs, speed sliders and parameter card, which mean nothing to a
trainer. The run is keyed by the settings, so any accepted change starts a fresh pair of runs
(and Reset reuses the same settings).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import solara
from mesa.visualization.utils import update_counter

from ipssim import scenario as scenarios
from ipssim.calibration.posterior import projection
from ipssim.dashboard import PARAMETERS_ENV, POSTERIOR_ENV, SCENARIO_ENV, charts
from ipssim.dashboard.cards import fidelity_html, figures_html
from ipssim.dashboard.controls import RunControls
from ipssim.dashboard.levers import differences, presets
from ipssim.dashboard.panel import ControlPanel
from ipssim.dashboard.sidebyside import SideBySide

TITLE = "IPS training dashboard"
CHART_STYLE = "height: 340px; width: 100%"
# cards at least 400 pixels wide, as many to a row as fit: two at 1024 x 768 with the sidebar
GRID = (
    "display: grid; grid-template-columns: repeat(auto-fill, minmax(400px, 1fr)); gap: 12px; "
    "align-items: start; padding: 8px"
)

START_PATH = Path(os.environ.get(SCENARIO_ENV, "scenarios/base.toml"))
START = scenarios.load(START_PATH)
PRESETS = {**presets(START_PATH.parent), START.name: START}
_POSTERIOR = os.environ.get(POSTERIOR_ENV)
PARAMETERS = projection(
    os.environ.get(PARAMETERS_ENV) or None, Path(_POSTERIOR) if _POSTERIOR else None
)


def Figures(model: SideBySide) -> solara.Element:
    """The figures so far, with the difference the change made."""
    changes = differences(model.baseline, model.changed)
    return solara.HTML(tag="div", unsafe_innerHTML=figures_html(model.view(), changes))


TEXT_CARDS = {"figures": ("Figures so far", Figures)}
CHARTS = {
    "funnel": charts.funnel_chart,
    "placements": charts.placements_chart,
    "reoffences": charts.reoffences_chart,
    "in-work": charts.in_work_chart,
    "waiting": charts.waiting_chart,
}


def _titled(option: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A chart's title, to show as its card's, and the chart without it."""
    shown = {
        **option,
        "title": {"show": False},
        "legend": {**option["legend"], "top": 0},
        "grid": {**option.get("grid", {}), "top": 48},
    }
    return option["title"]["text"], shown


@solara.component
def TextCard(name: str, model: SideBySide) -> None:
    """A card of text, drawn again after every week (Mesa's update counter)."""
    update_counter.get()
    title, draw = TEXT_CARDS[name]
    with solara.Card(title, classes=["ipssim-card", f"card-{name}"], style="min-width: 0"):
        draw(model)


@solara.component
def ChartCard(name: str, model: SideBySide) -> None:
    """A chart under its title, drawn again after every week."""
    update_counter.get()
    title, option = _titled(CHARTS[name](model.view()))
    with solara.Card(title, classes=["ipssim-card", f"card-{name}"], style="min-width: 0"):
        solara.FigureEcharts(option=option, attributes={"style": CHART_STYLE}, responsive=True)


@solara.component
def FidelityCard(model: SideBySide) -> None:
    """Each service's fidelity total, and every item's score as a bar, baseline beside changed."""
    update_counter.get()
    shown = model.view()
    reviewed = not shown.fidelity_note and all(s.fidelity for s in shown.services)
    title = "Fidelity review: 25 item scores"
    with solara.Card(title, classes=["ipssim-card", "card-fidelity"], style="min-width: 0"):
        solara.HTML(tag="div", unsafe_innerHTML=fidelity_html(shown))
        if reviewed:
            _, option = _titled(charts.fidelity_chart(shown))
            option["grid"]["top"] = charts.FIDELITY_TOP
            style = f"height: {charts.fidelity_height()}px; width: 100%"
            solara.FigureEcharts(option=option, attributes={"style": style}, responsive=True)


@solara.component
def WeekShown(model: SideBySide) -> None:
    """The week the cards show, beside the controls."""
    update_counter.get()
    horizon = max(s.run.horizon_weeks for s in (model.baseline, model.changed))
    solara.Text(f"Week {model.week} of {horizon}", style="font-size: 18px")


@solara.component
def Run(params: dict[str, Any], settings: dict[str, solara.Reactive]) -> None:
    """The pair of runs for one set of settings: the run controls above the trainer's panel in
    the sidebar, and the cards."""
    first = solara.use_memo(lambda: SideBySide(**params), dependencies=[])
    model: solara.Reactive[SideBySide] = solara.use_reactive(first)
    with solara.Sidebar(), solara.Card("Run the service week by week"):
        RunControls(model, params)
        WeekShown(model.value)
    with solara.Sidebar():
        ControlPanel(PRESETS, **settings)
    with solara.Div(style=GRID):
        TextCard("figures", model.value)
        for name in CHARTS:
            ChartCard(name, model.value)
        FidelityCard(model.value)


@solara.component
def Page() -> None:
    """The whole page: the settings, and the run they start."""
    preset = solara.use_reactive(START.name)
    changed = solara.use_reactive(START)
    seed = solara.use_reactive(1)
    compare = solara.use_reactive(True)
    params: dict[str, Any] = {
        "baseline": PRESETS[preset.value],
        "changed": changed.value,
        "seed": seed.value,
        "compare": compare.value,
        "parameters": PARAMETERS,
    }
    key = f"{preset.value}|{changed.value.hash()}|{seed.value}|{compare.value}"
    solara.Title(TITLE)
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    settings: dict[str, solara.Reactive[Any]] = {
        "preset": preset,
        "changed": changed,
        "seed": seed,
        "compare": compare,
    }
    Run(params, settings).key(key)
