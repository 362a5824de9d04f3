"""Subcommands of the ``ipssim`` command, one module each, imported only when called.

Each module ``ipssim.commands.NAME`` has ``add_arguments(parser)`` and ``run(args) -> int``; its
docstring is the command's description. Register a new one in ``COMMANDS`` with its one-line help.
"""

COMMANDS: dict[str, str] = {
    "run": "run one scenario with replications",
    "compare": "compare scenarios with paired differences (common random numbers)",
    "fidelity": "simulated IPS fidelity review (25 items, 1-5 each) of one scenario",
    "trial": "simulate many randomised two-arm trials of a given size (power, estimates)",
    "sites": "simulate a population of sites whose IPS implementations vary; fidelity vs outcomes",
    "sweep": "run a sweep of scenarios (grid, zipped values or a sample), resumable",
    "sensitivity": "global sensitivity analysis of a sampled sweep (SALib: Morris or Sobol)",
    "calibrate": "estimate the calibrated parameters from the published figures (ABC-SMC, pyabc)",
    "plan": "the smallest team that meets every target at a referral stream, and its cost",
    "discover": "scenario discovery (PRIM): lever combinations that push a metric past a threshold",
    "plot": "draw the figures of a result folder",
    "report": "write one self-contained HTML report of a result folder",
    "dashboard": "serve the live training dashboard in the browser",
}
