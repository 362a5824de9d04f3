"""The published figures of brief section 3 that ipssim is calibrated to, as point estimates
with their sampling uncertainty.

A figure from a trial arm or a survey of known size gets its binomial standard error; a figure
stated only roughly ("about 24 weeks", "60-70%") or from a large administrative sample gets a
stated tolerance, read as the half-width of a 95% range, so its standard error is half the
tolerance. ``experiments/calibration_check.py`` and ``ipssim calibrate`` both read ``TARGETS``,
and both run a trial's control arm beside its trial arm in one labour market (``PAIRS``).

Not targets: the employers' surveyed aversion shares are inputs (they set the aversion the
employers are drawn with), and "work lowers one-year reoffending by up to 9 points" is the
prior on ``offending.work_multiplier``. The figures on staying in touch at 6 months,
front-loading, in-work support and the longest job have no metric yet.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

ZERO_EXCLUSION = "fidelity_zero_exclusion"  # item 9 of the fidelity review, 1-5
DERIVED = (ZERO_EXCLUSION,)  # target figures that are no run metric: read from the review


def binomial_se(p: float, n: int) -> float:
    """The standard error of a proportion ``p`` observed in ``n`` people."""
    return math.sqrt(p * (1 - p) / n)


@dataclass(frozen=True)
class Target:
    """A published figure: ``published`` +- ``se`` for ``metric`` in ``scenario``; ``basis``
    says where the standard error comes from."""

    scenario: str
    metric: str
    published: float
    se: float
    basis: str
    figure: str
    source: str

    def z(self, value: float) -> float:
        """How many standard errors ``value`` lies from the published figure."""
        return (value - self.published) / self.se

    @property
    def key(self) -> str:
        return f"{self.scenario}.{self.metric}"


def binomial(
    scenario: str, metric: str, p: float, n: int, figure: str, source: str, who: str = "arm"
) -> Target:
    return Target(scenario, metric, p, binomial_se(p, n), f"binomial, n={n} {who}", figure, source)


def tolerance(
    scenario: str, metric: str, value: float, half_width: float, figure: str, source: str
) -> Target:
    basis = f"stated tolerance +-{half_width:g} as a 95% range"
    return Target(scenario, metric, value, half_width / 2, basis, figure, source)


EQOLISE = "Burns et al. 2007 (EQOLISE); Bond, Drake & Becker 2008 give 61% vs 23% over 11 trials"
TARGETS: tuple[Target, ...] = (
    binomial(
        "smi_trial", "employment_rate", 0.55, 156, "55% worked at least a day in 18 months", EQOLISE
    ),
    binomial(
        "smi_trial_control",
        "employment_rate",
        0.28,
        156,
        "28% worked at least a day in 18 months",
        EQOLISE,
    ),
    tolerance(
        "smi_trial",
        "weeks_worked_per_year_after_first_job",
        24.0,
        4.0,
        "about 24 weeks a year after the first job",
        "Bond et al. 2008",
    ),
    tolerance(
        "smi_trial",
        "full_time_job_share",
        2 / 3,
        0.065,
        "about two thirds work 20+ hours",
        "Bond et al. 2008",
    ),
    tolerance(
        "base",
        "wants_work_rate",
        0.65,
        0.05,
        "60-70% want to work",
        "Bond 2004; Becker & Drake 2003",
    ),
    binomial(
        "smi_trial",
        "retained_12m_rate",
        0.53,
        321,
        "53% in contact 12 months after engaging (self-report)",
        "Rosenheck & Mares 2007",
    ),
    binomial(
        "justice_trial", "employment_rate", 0.31, 43, "31% in competitive work", "Bond et al. 2015"
    ),
    binomial(
        "justice_trial_control",
        "employment_rate",
        0.07,
        42,
        "7% in competitive work (job club)",
        "Bond et al. 2015",
    ),
    tolerance(
        "prison_leavers_usual_care",
        "employed_at_12m_rate",
        0.17,
        0.03,
        "17% in work a year after release",
        "Ministry of Justice",
    ),
    tolerance(
        "prison_leavers_usual_care",
        "reoffending_rate_12m",
        0.61,
        0.03,
        "61% proven reoffending within a year",
        "Ministry of Justice",
    ),
    tolerance(
        "forensic_site",
        "fidelity_total",
        85.0,
        12.0,
        "85 of 125 ('fair', band 74-99)",
        "Talbot et al. (community forensic services)",
    ),
    tolerance(
        "forensic_site",
        ZERO_EXCLUSION,
        3.0,
        0.5,
        "zero exclusion scored 3 of 5",
        "Talbot et al. (community forensic services)",
    ),
)
BY_KEY = {t.key: t for t in TARGETS}

# Each control scenario and the trial arm it ran beside: in a trial both arms' clients seek work
# from the same employers at once, so the two run in one labour market (ODD section 7.14). The
# Ministry of Justice's prison leavers (prison_leavers_usual_care) are national figures with no
# IPS service beside them, so they run alone.
PAIRS: dict[str, str] = {
    "smi_trial_control": "smi_trial",
    "justice_trial_control": "justice_trial",
}


def runs(names: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    """How the scenarios ``names`` run, each once, in order: either arm of ``PAIRS`` as (trial
    arm, control) in one labour market, any other scenario alone."""
    arms = {trial: (trial, control) for control, trial in PAIRS.items()}
    groups = (arms.get(PAIRS.get(n, n), (n,)) for n in names)
    return tuple(dict.fromkeys(groups))


def scenarios(targets: tuple[Target, ...] = TARGETS) -> tuple[str, ...]:
    """The scenarios the targets name and the trial arms their control arms run beside, each
    once, in order."""
    return tuple(n for group in runs(t.scenario for t in targets) for n in group)
