"""The scenario schema: every parameter with its unit, allowed range and source.

Each section is a frozen pydantic model that refuses unknown keys; ``ipssim.scenario`` puts them
together as a ``Scenario`` and loads and overrides it. The sections are grouped by what they
describe: the clients (``people``), the service (``service``) and the labour market
(``market``). ``fields`` finds a field by its dotted key and words validation errors;
``levers`` describes the fields users move (the dashboard's controls among them).
"""

from ipssim.schema.base import (
    ASSUMPTION,
    DIAGNOSES,
    OFFENCES,
    REGULATED_SECTORS,
    SECTORS,
    Section,
    control,
    param,
)
from ipssim.schema.costs import Costs
from ipssim.schema.market import AversionShares, Employers, LabourMarket, Work
from ipssim.schema.people import (
    Clients,
    DiagnosisShares,
    OffenceShares,
    Offending,
    Population,
    RelapseByDiagnosis,
)
from ipssim.schema.service import Clinicians, Entry, Policy, Run, Service

__all__ = [
    "ASSUMPTION",
    "DIAGNOSES",
    "OFFENCES",
    "REGULATED_SECTORS",
    "SECTORS",
    "AversionShares",
    "Clients",
    "Clinicians",
    "Costs",
    "DiagnosisShares",
    "Employers",
    "Entry",
    "LabourMarket",
    "OffenceShares",
    "Offending",
    "Policy",
    "Population",
    "RelapseByDiagnosis",
    "Run",
    "Section",
    "Service",
    "Work",
    "control",
    "param",
]
