"""The agents of an IPS service: clients, employment specialists, clinicians and employers."""

from ipssim.agents.client import Client
from ipssim.agents.clinician import Clinician
from ipssim.agents.employer import Employer
from ipssim.agents.specialist import Specialist

__all__ = ["Client", "Clinician", "Employer", "Specialist"]
