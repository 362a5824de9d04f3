"""``ipssim dashboard [SCENARIO]``: the live training dashboard, served to a browser.

Listens on 127.0.0.1 (this machine only) unless ``--host`` says otherwise. Solara's front-end
files come from the installed ``solara-assets`` package, so the page loads with no internet.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import warnings
from pathlib import Path

from ipssim.commands.options import add_parameter_options, bounded, parameters
from ipssim.dashboard import PARAMETERS_ENV, POSTERIOR_ENV, SCENARIO_ENV
from ipssim.dashboard.levers import presets
from ipssim.scenario import load

HOST = "127.0.0.1"
PORT = 8765
EXIT_USAGE = 2


port = bounded(int, 0, 65535)  # 0: any free port


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "scenario",
        type=Path,
        nargs="?",
        default=Path("scenarios/base.toml"),
        help="starting scenario; the *.toml files beside it are the presets "
        "(default scenarios/base.toml)",
    )
    p.add_argument("--port", type=port, default=PORT, help=f"port (default {PORT})")
    p.add_argument(
        "--host",
        default=HOST,
        help=f"address to listen on (default {HOST}: this machine only; "
        "0.0.0.0 for every network the machine is on)",
    )
    add_parameter_options(p)


def run(args: argparse.Namespace) -> int:
    load(args.scenario)  # a bad scenario or preset fails here with the usual message
    presets(args.scenario.parent)
    drawn = parameters(args)  # a bad posterior fails here, before the server starts
    if importlib.util.find_spec("solara") is None:
        print(
            "ipssim: error: the dashboard needs its extra: pip install -e '.[dashboard]'",
            file=sys.stderr,
        )
        return EXIT_USAGE
    os.environ[SCENARIO_ENV] = str(args.scenario.resolve())
    os.environ[PARAMETERS_ENV] = args.parameter_mode or ""
    os.environ[POSTERIOR_ENV] = str(args.posterior.resolve()) if args.posterior else ""
    print(f"ipssim dashboard: {drawn.describe()}", file=sys.stderr)
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")  # no calls home
    # Solara's "This website runs on Solara" banner sat over the bottom-right card
    os.environ.setdefault("SOLARA_THEME_SHOW_BANNER", "False")
    # Solara's hook checker flags a harmless pattern inside Mesa 3.3's SolaraViz on every page
    warnings.filterwarnings("ignore", message=r".*found despite early return", category=UserWarning)
    from solara.__main__ import run as solara_run

    solara_run.main(
        [
            "ipssim.dashboard.app",
            "--host",
            args.host,
            "--port",
            str(args.port),
            "--production",
            "--no-open",
            "--no-check-version",
            "--log-level",
            "warning",
        ],
        standalone_mode=False,
    )
    return 0
