"""The training dashboard's page: Mesa's SolaraViz runs the model, our panel sets the service.

Served by ``ipssim dashboard``, which names the starting scenario in ``IPSSIM_DASHBOARD_SCENARIO``;
the other ``*.toml`` files in its folder are the presets. SolaraViz supplies the play, step and
reset controls and the grid of cards; it is keyed by the settings so that any accepted change
starts a fresh pair of runs (and its Reset button reuses the same settings).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import solara
from mesa.visualization import SolaraViz

from ipssim import scenario as scenarios
from ipssim.dashboard import SCENARIO_ENV, charts
from ipssim.dashboard.cards import fidelity_html, figures_html
from ipssim.dashboard.levers import differences, presets
from ipssim.dashboard.panel import ControlPanel
from ipssim.dashboard.sidebyside import SideBySide

TITLE = "IPS training dashboard"
CHART_STYLE = "height: 380px; width: 100%"  # a SolaraViz grid cell is 390 pixels high

START_PATH = Path(os.environ.get(SCENARIO_ENV, "scenarios/base.toml"))
START = scenarios.load(START_PATH)
PRESETS = {**presets(START_PATH.parent), START.name: START}


def Figures(model: SideBySide) -> solara.Element:
    """The figures so far, with the difference the change made."""
    changes = differences(model.baseline, model.changed)
    return solara.HTML(tag="div", unsafe_innerHTML=figures_html(model.view(), changes))


def _chart(option: dict) -> solara.Element:
    return solara.FigureEcharts(option=option, attributes={"style": CHART_STYLE}, responsive=True)


def Funnel(model: SideBySide) -> solara.Element:
    return _chart(charts.funnel_chart(model.view()))


def Placements(model: SideBySide) -> solara.Element:
    return _chart(charts.placements_chart(model.view()))


def Reoffences(model: SideBySide) -> solara.Element:
    return _chart(charts.reoffences_chart(model.view()))


def InWork(model: SideBySide) -> solara.Element:
    return _chart(charts.in_work_chart(model.view()))


def Waiting(model: SideBySide) -> solara.Element:
    return _chart(charts.waiting_chart(model.view()))


def Fidelity(model: SideBySide) -> solara.Element:
    return solara.HTML(tag="div", unsafe_innerHTML=fidelity_html(model.view()))


CARDS = [Figures, Funnel, Placements, Reoffences, InWork, Waiting, Fidelity]


@solara.component
def Page() -> None:
    """The whole page: SolaraViz with our cards, and the control panel above its controls."""
    preset = solara.use_reactive(START.name)
    changed = solara.use_reactive(START)
    seed = solara.use_reactive(1)
    compare = solara.use_reactive(True)
    params: dict[str, Any] = {
        "baseline": PRESETS[preset.value],
        "changed": changed.value,
        "seed": seed.value,
        "compare": compare.value,
    }
    key = f"{preset.value}|{changed.value.hash()}|{seed.value}|{compare.value}"
    model = solara.use_memo(lambda: SideBySide(**params), dependencies=[key])
    solara.Title(TITLE)
    SolaraViz(model, components=CARDS, model_params=params, name=TITLE).key(key)
    with solara.Sidebar():  # called from the page itself, so it sits above SolaraViz's controls
        ControlPanel(PRESETS, preset, changed, seed, compare)
