"""The training dashboard: a browser face on the model (``ipssim dashboard``).

Needs the ``dashboard`` extra (Mesa's SolaraViz with Solara and its front-end files bundled).
"""

SCENARIO_ENV = "IPSSIM_DASHBOARD_SCENARIO"  # the starting scenario file, set by the command
PARAMETERS_ENV = "IPSSIM_DASHBOARD_PARAMETERS"  # --parameters, set by the command
POSTERIOR_ENV = "IPSSIM_DASHBOARD_POSTERIOR"  # --posterior, set by the command
