"""The control panel: a preset, comparison on or off, a seed, and the policy levers.

Every control explains itself with the scenario schema's description. A change is checked by the
schema before it is taken: a refused value leaves the running model alone and says why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara

from ipssim.dashboard.levers import attempt, attempt_preset, attempt_seed, show
from ipssim.scenario import Scenario
from ipssim.schema.levers import CONTROLS, Lever

EXPLAIN = {
    "font-size": "13px",
    "color": "#555",
    "margin": "0 0 6px 0",
    "line-height": "1.25",
    "display": "block",
}
LABEL = {"font-size": "16px", "font-weight": "bold", "display": "block"}


@solara.component
def LeverControl(
    lever: Lever,
    scenario: Scenario,
    baseline: Scenario,
    on_change: Callable[[str, Any], None],
    error: str = "",
) -> None:
    """One lever: a switch or a slider, its value, its baseline value if different, why, and
    the reason a value was refused, beside it."""
    value = lever.value(scenario)
    before = lever.value(baseline)
    unit = f" {lever.unit}" if lever.unit and lever.kind is not bool else ""
    was = f" (baseline {show(before)})" if value != before else ""
    # the class names the lever's field, for people reading the page source and for tests
    with solara.Column(gap="0px", classes=[f"lever-{lever.key.replace('.', '-')}"]):
        if lever.kind is bool:
            solara.Switch(
                label=f"{lever.label}: {show(value)}{was}",
                value=value,
                on_value=lambda v: on_change(lever.key, bool(v)),
            )
        else:
            solara.Text(f"{lever.label}: {show(value)}{unit}{was}", style=LABEL)
            low, high = min(lever.low, value), max(lever.high, value)
            if lever.kind is int:
                solara.SliderInt(
                    "",
                    value=value,
                    min=int(low),
                    max=int(high),
                    step=int(lever.step),
                    on_value=lambda v: on_change(lever.key, int(v)),
                )
            else:
                solara.SliderFloat(
                    "",
                    value=value,
                    min=low,
                    max=high,
                    step=lever.step,
                    on_value=lambda v: on_change(lever.key, round(float(v), 3)),
                )
        solara.Text(lever.explanation, style=EXPLAIN)
        if error:
            solara.Error(error)


@solara.component
def ControlPanel(
    presets: dict[str, Scenario],
    preset: solara.Reactive[str],
    changed: solara.Reactive[Scenario],
    seed: solara.Reactive[int],
    compare: solara.Reactive[bool],
) -> None:
    """The trainer's controls; any accepted change restarts the runs at week 0."""
    message = solara.use_reactive(("", ""))  # the control that refused a value, and why
    baseline = presets[preset.value]

    def pick(value: Any) -> None:
        name, problem = attempt_preset(list(presets), preset.value, value)
        preset.set(name)
        changed.set(presets[name])
        message.set(("preset", problem))

    def move(key: str, value: Any) -> None:
        scenario, problem = attempt(changed.value, key, value)
        changed.set(scenario)
        message.set((key, problem))

    def reseed(value: Any) -> None:
        new, problem = attempt_seed(seed.value, value)
        seed.set(new)
        message.set(("seed", problem))

    with solara.Card("Service settings"):
        solara.Text("A change restarts the run at week 0.", style=EXPLAIN)
        solara.Select(
            "Preset (a named scenario)", values=list(presets), value=preset.value, on_value=pick
        )
        where, problem = message.value
        if where == "preset" and problem:
            solara.Error(problem)
        solara.Text(baseline.description, style=EXPLAIN)
        solara.Switch(
            label="Side by side with the baseline", value=compare.value, on_value=compare.set
        )
        solara.InputInt(
            "Seed (the same seed gives the same people and events)",
            value=seed.value,
            on_value=reseed,
        )
        if where == "seed" and problem:
            solara.Error(problem)
        for lever in CONTROLS:
            LeverControl(
                lever, changed.value, baseline, move, problem if where == lever.key else ""
            )
