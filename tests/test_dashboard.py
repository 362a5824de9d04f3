"""The training dashboard without a browser: levers, checking input, the paired runs, the cards,
the page's response to a bad value, and where the server listens."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import ipyvuetify as v
import ipywidgets
import pytest
import solara

from ipssim import cli
from ipssim.dashboard import SCENARIO_ENV, charts, controls, view
from ipssim.dashboard.cards import fidelity_html, figures_html
from ipssim.dashboard.levers import (
    attempt,
    attempt_preset,
    attempt_seed,
    differences,
    presets,
)
from ipssim.dashboard.sidebyside import SideBySide
from ipssim.scenario import field
from ipssim.schema.levers import CONTROLS

from .conftest import SCENARIOS, small


def test_each_lever_explains_itself_with_the_schema() -> None:
    for lever in CONTROLS:
        assert lever.explanation == field(lever.key).description and lever.explanation
        assert lever.kind in (bool, int, float)
    assert {lever.key for lever in CONTROLS} >= {
        "policy.zero_exclusion",
        "policy.referral_gatekeeping",
        "service.caseload_cap",
        "employers.offence_aversion",
        "service.specialists",
        "service.employer_contacts_per_week",
        "policy.benefits_counselling",
        "service.integration",
        "policy.time_unlimited_support",
    }


def test_out_of_range_values_are_refused_with_the_schema_message() -> None:
    base = small()
    kept, message = attempt(base, "service.caseload_cap", 0)
    assert kept is base
    assert "service.caseload_cap" in message and "Allowed: 1 to 200" in message
    kept, message = attempt(base, "policy.zero_exclusion", "sometimes")
    assert kept is base and "policy.zero_exclusion" in message
    kept, message = attempt(base, "run.horizon_weeks", 10)
    assert kept is base and "not a dashboard control" in message
    moved, message = attempt(base, "service.caseload_cap", 30)
    assert message == "" and moved.service.caseload_cap == 30
    assert differences(base, moved) == ["Caseload cap: 20 \u2192 30"]
    assert attempt_seed(1, -1)[0] == 1 and "from 0 to" in attempt_seed(1, -1)[1]
    assert attempt_seed(1, 7) == (7, "")


def test_presets_are_the_named_scenarios() -> None:
    named = presets(SCENARIOS)
    assert {"base", "gatekept", "traditional_vr"} <= set(named)
    assert named["gatekept"].policy.referral_gatekeeping > 0


def test_side_by_side_runs_share_their_random_numbers() -> None:
    base = small()
    same = SideBySide(base, base, seed=3)
    for _ in range(20):
        same.step()
    first, second = same.view().services
    assert first.figures == second.figures and first.funnel == second.funnel
    gatekept = base.with_changes(
        {"policy.zero_exclusion": False, "policy.referral_gatekeeping": 0.6}
    )
    pair = SideBySide(base, gatekept, seed=3)
    for _ in range(20):
        pair.step()
    shown = pair.view()
    assert shown.week == 20
    assert shown.difference("want_work") == 0  # the same people arrive
    assert shown.difference("referred") < 0
    alone = SideBySide(base, gatekept, seed=3, compare=False)
    alone.step()
    assert [s.label for s in alone.view().services] == ["Service"]
    assert alone.view().difference("referred") is None


def test_cards_and_charts_show_the_view() -> None:
    base = small()
    pair = SideBySide(base, base.with_changes({"policy.referral_gatekeeping": 0.8}), seed=2)
    for _ in range(12):
        pair.step()
    shown = pair.view()
    html = figures_html(shown, differences(pair.baseline, pair.changed))
    for service in shown.services:
        cell = f'id="fig-referred-{service.label.lower()}"'
        assert f'{cell} style="' in html and f">{service.figures['referred']}</td>" in html
    assert "Week 12 of 52" in html and "Referral gatekeeping: 0 \u2192 0.8" in html
    funnel = charts.funnel_chart(shown)
    assert [s["data"] for s in funnel["series"]] == [
        [s.funnel[stage] for stage in view.FUNNEL] for s in shown.services
    ]
    in_work = charts.in_work_chart(shown)
    assert in_work["series"][0]["data"][-1] == [12, shown.services[0].figures["in_work"]]


def test_fidelity_review_is_shown_live_or_said_to_be_missing(monkeypatch) -> None:
    base = small()
    pair = SideBySide(base, base.with_changes({"policy.zero_exclusion": False}), seed=4)
    pair.step()
    shown = pair.view()
    assert shown.fidelity_note == ""
    for service in shown.services:
        assert 25 <= service.figures["fidelity"] <= 125 and len(service.fidelity.items) == 25
    assert 'id="fidelity-total-baseline"' in fidelity_html(shown)
    monkeypatch.setattr(view, "fidelity_review", lambda: None)
    pair.step()
    missing = pair.view()
    assert missing.services[0].figures["fidelity"] is None
    assert view.NOT_AVAILABLE in fidelity_html(missing)


def _under(root: ipywidgets.Widget) -> Iterator[ipywidgets.Widget]:
    stack = [root]
    while stack:
        widget = stack.pop()
        yield widget
        stack.extend(c for c in getattr(widget, "children", []) if isinstance(c, ipywidgets.Widget))


def caseload_slider(box: ipywidgets.Widget) -> v.Slider:
    """The caseload cap's slider as rendered now (a re-render may replace the widget)."""
    lever = next(
        w
        for w in _under(box)
        if "lever-service-caseload_cap" in (getattr(w, "class_", None) or "").split()
    )
    return next(w for w in _under(lever) if isinstance(w, v.Slider))


@pytest.mark.filterwarnings("ignore:.*found despite early return:UserWarning")  # in Mesa's code
def test_page_refuses_an_out_of_range_value_and_keeps_running(monkeypatch) -> None:
    monkeypatch.setenv(SCENARIO_ENV, str(SCENARIOS / "base.toml"))
    app = importlib.import_module("ipssim.dashboard.app")
    box, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    step = rc.find(v.Btn, children=["Step"]).widget
    step.click()
    step.click()
    rc.find(children=["Week 2 of 104"]).assert_single()
    caseload_slider(box).v_model = 0  # what a client could send, though the slider stops at 5
    alert = rc.find(v.Alert).widget
    assert "service.caseload_cap" in str(alert.children) and "Allowed: 1 to 200" in str(
        alert.children
    )
    beside = next(
        w
        for w in _under(box)
        if "lever-service-caseload_cap" in (getattr(w, "class_", None) or "").split()
    )
    assert any(isinstance(w, v.Alert) for w in _under(beside))  # the reason beside its control
    rc.find(children=["Week 2 of 104"]).assert_single()  # the run was not restarted
    step.click()
    rc.find(children=["Week 3 of 104"]).assert_single()  # and it still runs
    caseload_slider(box).v_model = 30  # an accepted change restarts the runs at week 0
    rc.find(children=["Week 0 of 104"]).assert_single()
    assert not rc.find(v.Alert).widgets
    assert _texts(box) >= {"Caseload cap: 30 clients per specialist (baseline 20)"}
    rc.find(v.Select).widget.v_model = "gatekept"  # a preset sets the baseline and every lever
    assert _texts(box) >= {"Referral gatekeeping: 0.6", "Caseload cap: 20 clients per specialist"}
    rc.close()


def _texts(box: ipywidgets.Widget) -> set[str]:
    return {c for w in _under(box) for c in getattr(w, "children", []) if isinstance(c, str)}


def test_dashboard_listens_on_loopback_unless_told_otherwise() -> None:
    args = cli.parser().parse_args(["dashboard"])
    assert (args.host, args.port) == ("127.0.0.1", 8765)
    assert cli.parser().parse_args(["dashboard", "--host", "0.0.0.0"]).host == "0.0.0.0"
    with pytest.raises(SystemExit):
        cli.parser().parse_args(["dashboard", "--port", "70000"])


def test_a_bad_scenario_stops_the_dashboard_before_it_serves(capsys, tmp_path) -> None:
    assert cli.main(["dashboard", str(tmp_path / "missing.toml")]) == cli.EXIT_USAGE
    assert "no such scenario file" in capsys.readouterr().err


def test_a_preset_the_page_did_not_offer_is_refused() -> None:
    names = ["base", "gatekept"]
    assert attempt_preset(names, "base", "gatekept") == ("gatekept", "")
    for value in ("../../../etc/passwd", "", None, 3, ["base"], "x" * 10_000):
        kept, message = attempt_preset(names, "base", value)
        assert kept == "base" and message.startswith("Not changed: ") and len(message) < 200


class Pressed:
    """Play's state as the room sets it: ``value`` true while playing."""

    def __init__(self) -> None:
        self.value = True

    def set(self, value: bool) -> None:
        self.value = value


def test_pause_during_a_week_holds_it_back_and_step_shows_it() -> None:
    """Pause pressed while week 3 runs: the page stays at week 2 (Mesa's controller went on to
    week 3 or 4), and Step then shows week 3 without simulating week 4."""
    playing = Pressed()

    class PausedInWeekThree(SideBySide):
        def advance(self) -> None:
            super().advance()
            if self.week == 3:
                playing.set(False)

    base = small()
    pair = PausedInWeekThree(base, base, seed=1)
    assert controls.play(pair, playing, wait_ms=0) == 2
    assert (pair.view().week, pair.week) == (2, 3)
    pair.step()
    assert (pair.view().week, pair.week) == (3, 3)
    pair.step()
    assert (pair.view().week, pair.week) == (4, 4)


def test_pause_during_the_wait_simulates_no_further_week() -> None:
    playing = Pressed()
    playing.set(False)
    base = small()
    pair = SideBySide(base, base, seed=1)
    assert controls.play(pair, playing, wait_ms=0) == 0 and pair.week == 0


def test_the_fidelity_chart_shows_every_item_for_both_services() -> None:
    base = small()
    pair = SideBySide(base, base.with_changes({"policy.zero_exclusion": False}), seed=4)
    for _ in range(3):
        pair.step()
    shown = pair.view()
    chart = charts.fidelity_chart(shown)
    labels = [item["value"] for item in chart["yAxis"]["data"]]
    assert len(labels) == 25 and labels[8].startswith("9. Zero exclusion")
    for service, series in zip(shown.services, chart["series"], strict=True):
        assert series["data"] == [item.score for item in service.fidelity.items]
    baseline, changed = (s.fidelity.items for s in shown.services)
    differ = [a.score != b.score for a, b in zip(baseline, changed, strict=True)]
    assert differ[8]  # formal eligibility criteria score 1 on item 9
    assert [label.endswith(" *") for label in labels] == differ
