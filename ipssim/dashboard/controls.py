"""Reset, play, pause and step: the dashboard's own run controls.

Mesa 3.3's ``ModelController`` carried on one or two weeks after Pause: its play loop sleeps,
then calls its step function, which steps once more when it finds the loop no longer playing
(its branch for the Step button), and the week that was running when Pause came is shown as
well. Here the loop looks at Pause after the wait and again after each simulated week, and a
week that finished after Pause is held back (``SideBySide.advance`` without ``publish``): the
page stays at the week it showed when Pause was pressed, and Step shows the held-back week.
"""

from __future__ import annotations

import time
from typing import Any

import solara
from mesa.visualization.utils import force_update, update_counter

from ipssim.dashboard.sidebyside import SideBySide

PLAY_MS = 100  # pause between played weeks


def play(model: SideBySide, playing: solara.Reactive[bool], wait_ms: int = PLAY_MS) -> int:
    """Show one week after another while ``playing``; the weeks shown."""
    shown = 0
    while playing.value and model.running:
        time.sleep(wait_ms / 1000)
        if not playing.value:  # paused during the wait: no further week
            break
        if model.view().week == model.week:
            model.advance()
        if not playing.value:  # paused while the week ran: it stays unseen until Step
            break
        model.publish()
        force_update()
        shown += 1
    if not model.running:
        playing.set(False)
    return shown


@solara.component
def RunControls(model: solara.Reactive[SideBySide], params: dict[str, Any]) -> None:
    """Reset (the same settings, week 0), play or pause, and one week at a time."""
    update_counter.get()  # drawn again each week: Play and Step end with the run
    playing = solara.use_reactive(False)
    solara.lab.use_task(
        lambda: play(model.value, playing) if playing.value else 0,
        dependencies=[playing.value],
        prefer_threaded=True,
    )

    def reset() -> None:
        playing.set(False)
        model.set(SideBySide(**params))
        force_update()

    def step() -> None:
        model.value.step()
        force_update()

    running = model.value.running
    with solara.Row(justify="space-between"):
        solara.Button(label="Reset", color="primary", on_click=reset)
        solara.Button(
            label="\u275a\u275a" if playing.value else "\u25b6",
            color="primary",
            on_click=lambda: playing.set(not playing.value),
            disabled=not running,
        )
        solara.Button(
            label="Step", color="primary", on_click=step, disabled=playing.value or not running
        )
