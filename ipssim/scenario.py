"""Scenario schema: every parameter with its unit, allowed range and source.

A scenario is a TOML file whose tables match the sections below. A file may say
``extends = "base.toml"`` (a path relative to itself) and state only what differs.
Unknown keys are refused. ``--set section.key=value`` overrides are applied last.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ipssim.errors import UserError

OFFENCES = ("violent", "sexual", "arson", "acquisitive", "drugs", "other", "none")
DIAGNOSES = ("psychosis", "bipolar", "depression", "personality")
SECTORS = (
    "retail",
    "hospitality",
    "construction",
    "care",
    "cleaning",
    "manufacturing",
    "office",
    "transport",
)
REGULATED_SECTORS = ("care",)  # roles closed to sexual offences by barring checks

ASSUMPTION = "assumption"


def param(default: Any, unit: str, source: str, description: str, **bounds: Any) -> Any:
    """A scenario field with its unit, source and meaning kept beside the default."""
    return Field(
        default,
        description=description,
        json_schema_extra={"unit": unit, "source": source},
        **bounds,
    )


class Section(BaseModel):
    """A scenario table: unknown keys refused, frozen once validated."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Run(Section):
    horizon_weeks: int = param(
        104,
        "weeks",
        "brief section 2: default horizon of two years",
        "Weeks simulated (one model step per week).",
        ge=4,
        le=520,
    )


class Entry(Section):
    mode: Literal["stream", "cohort"] = param(
        "stream",
        "-",
        "brief section 2",
        "'stream': clients join the clinical team each week; "
        "'cohort': a fixed group of clients all enter in week 0 (trial mode).",
    )
    arrivals_per_week: float = param(
        5.0,
        "clients per week",
        "assumption: a forensic community team of about 250 new clients a year",
        "New clients joining the clinical team's caseload each week (stream mode).",
        ge=0,
        le=20000,
    )
    intake_weeks: int = param(
        52,
        "weeks",
        "assumption: one year of intake, each followed at least a year",
        "Weeks during which clients arrive (stream mode).",
        ge=1,
        le=520,
    )
    cohort_size: int = param(
        200, "clients", "assumption", "Clients in the cohort (cohort mode).", ge=1, le=1_000_000
    )
    wants_work_only: bool = param(
        False,
        "-",
        "trial eligibility: participants want competitive work",
        "Admit only clients who want work (as a trial enrols them).",
    )


class OffenceShares(Section):
    violent: float = param(
        0.40,
        "share",
        "assumption: forensic community caseloads are mostly violent index offences",
        "Share whose main offence is violence.",
        ge=0,
        le=1,
    )
    sexual: float = param(
        0.10, "share", ASSUMPTION + ": forensic case mix", "Sexual offences.", ge=0, le=1
    )
    arson: float = param(0.08, "share", ASSUMPTION + ": forensic case mix", "Arson.", ge=0, le=1)
    acquisitive: float = param(
        0.20,
        "share",
        ASSUMPTION + ": forensic case mix",
        "Theft, fraud and other acquisitive offences.",
        ge=0,
        le=1,
    )
    drugs: float = param(
        0.12, "share", ASSUMPTION + ": forensic case mix", "Drug offences.", ge=0, le=1
    )
    other: float = param(
        0.10, "share", ASSUMPTION + ": forensic case mix", "Other offences.", ge=0, le=1
    )
    none: float = param(
        0.0,
        "share",
        ASSUMPTION + ": forensic services take people with offences",
        "No offending history.",
        ge=0,
        le=1,
    )

    @model_validator(mode="after")
    def _sums_to_one(self) -> OffenceShares:
        total = sum(getattr(self, k) for k in OFFENCES)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"offence shares must add up to 1 (they add up to {total:.3f})")
        return self


class DiagnosisShares(Section):
    psychosis: float = param(
        0.60,
        "share",
        ASSUMPTION + ": forensic mental health case mix",
        "Schizophrenia and other psychoses.",
        ge=0,
        le=1,
    )
    bipolar: float = param(0.12, "share", ASSUMPTION, "Bipolar disorder.", ge=0, le=1)
    depression: float = param(0.10, "share", ASSUMPTION, "Severe depression.", ge=0, le=1)
    personality: float = param(0.18, "share", ASSUMPTION, "Personality disorder.", ge=0, le=1)

    @model_validator(mode="after")
    def _sums_to_one(self) -> DiagnosisShares:
        total = sum(getattr(self, k) for k in DIAGNOSES)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"diagnosis shares must add up to 1 (they add up to {total:.3f})")
        return self


class Population(Section):
    work_interest: float = param(
        1.2,
        "log-odds",
        "calibrated: share who want work 60-70% (Bond 2004; Becker & Drake 2003)",
        "Baseline log-odds of wanting work, before confidence, symptoms and benefit worries.",
        ge=-5,
        le=5,
    )
    prison_leaver_share: float = param(
        0.0,
        "share",
        ASSUMPTION,
        "Share who enter while in prison and join the community at release.",
        ge=0,
        le=1,
    )
    release_weeks_max: int = param(
        12,
        "weeks",
        ASSUMPTION + ": referral to the team up to three months before release",
        "Prison leavers are released uniformly within this many weeks of entry.",
        ge=0,
        le=104,
    )
    offences: OffenceShares = OffenceShares()
    diagnoses: DiagnosisShares = DiagnosisShares()
    severity_mean: float = param(
        0.5, "0-1", ASSUMPTION, "Mean symptom severity (0 mild, 1 severe).", ge=0.05, le=0.95
    )
    substance_use_share: float = param(
        0.35,
        "share",
        ASSUMPTION + ": dual diagnosis is common in forensic services",
        "Share with active substance use.",
        ge=0,
        le=1,
    )
    work_history_share: float = param(
        0.45, "share", ASSUMPTION, "Share who worked in the last five years.", ge=0, le=1
    )
    qualifications_share: float = param(
        0.40, "share", ASSUMPTION, "Share with qualifications.", ge=0, le=1
    )
    benefits_share: float = param(
        0.85, "share", ASSUMPTION, "Share receiving disability benefits.", ge=0, le=1
    )
    benefits_worry_mean: float = param(
        0.5,
        "0-1",
        ASSUMPTION,
        "Mean worry about losing benefits among those receiving them.",
        ge=0.05,
        le=0.95,
    )
    confidence_mean: float = param(
        0.45, "0-1", ASSUMPTION, "Mean confidence about working.", ge=0.05, le=0.95
    )
    housing_unstable_share: float = param(
        0.2, "share", ASSUMPTION, "Share without stable housing.", ge=0, le=1
    )


class Service(Section):
    specialists: int = param(
        4,
        "staff",
        ASSUMPTION + ": a team-scale IPS service",
        "Employment specialists (full-time equivalent).",
        ge=0,
        le=100_000,
    )
    caseload_cap: int = param(
        20,
        "clients per specialist",
        "IPS fidelity scale: 20 or fewer scores 5",
        "Most clients a specialist holds; further referrals wait.",
        ge=1,
        le=200,
    )
    hours_per_week: float = param(
        37.5,
        "hours",
        "assumption: full-time NHS contract",
        "Working hours of each specialist.",
        ge=1,
        le=60,
    )
    employment_time_share: float = param(
        0.9,
        "share",
        "IPS fidelity scale: 5 when specialists do employment work only",
        "Share of specialist time on employment work (the rest goes to other duties).",
        ge=0,
        le=1,
    )
    employer_contacts_per_week: float = param(
        6.0,
        "contacts per specialist",
        "IPS fidelity scale: 6 or more face-to-face contacts scores 5",
        "Face-to-face employer contacts each specialist aims for each week (job development).",
        ge=0,
        le=30,
    )
    hours_per_employer_contact: float = param(
        1.5,
        "hours",
        ASSUMPTION + ": a visit and its travel",
        "Time one employer contact takes.",
        ge=0.1,
        le=8,
    )
    meeting_hours: float = param(
        1.0,
        "hours",
        ASSUMPTION + ": one session with its notes",
        "Time one meeting with a client takes.",
        ge=0.1,
        le=8,
    )
    admin_share: float = param(
        0.15, "share", ASSUMPTION, "Share of employment time lost to admin.", ge=0, le=0.9
    )
    community_share: float = param(
        0.7,
        "share",
        "IPS fidelity scale: 65% or more in the community scores 5",
        "Share of specialist time spent in the community rather than the office.",
        ge=0,
        le=1,
    )
    integration: float = param(
        0.9,
        "0-1",
        "IPS fidelity scale: integration items",
        "Integration with the clinical team (0 separate, 1 fully embedded: "
        "attends team meetings, shares records).",
        ge=0,
        le=1,
    )
    waitlist_patience_weeks: float = param(
        12.0,
        "weeks",
        ASSUMPTION,
        "Mean time a client waits for a place before giving up.",
        ge=0.5,
        le=104,
    )
    annual_cost_per_specialist: float = param(
        45000.0,
        "GBP per year",
        "assumption: salary with on-costs, NHS band 5",
        "Staff cost of one specialist.",
        ge=0,
        le=500_000,
    )


class Policy(Section):
    zero_exclusion: bool = param(
        True,
        "-",
        "Bond, Drake & Becker 2008: a core IPS principle",
        "Everyone who wants work is eligible: no readiness criteria on the referral form.",
    )
    referral_gatekeeping: float = param(
        0.0,
        "0-1",
        "Talbot et al.: clinicians held back referrals",
        "How strictly clinicians screen for 'readiness' before referring (0 = not at all).",
        ge=0,
        le=1,
    )
    benefits_counselling: bool = param(
        True,
        "-",
        "IPS principle",
        "Specialists give personalised benefits counselling, easing worries about losing benefits.",
    )
    time_unlimited_support: bool = param(
        True, "-", "IPS principle", "Follow-along support lasts as long as the client wants it."
    )
    support_limit_months: float = param(
        9.0,
        "months",
        "assumption: traditional services close cases after 6-12 months",
        "Length of support when it is time-limited.",
        ge=1,
        le=60,
    )
    preference_led_search: bool = param(
        True,
        "-",
        "IPS principle",
        "Job search follows the client's preferences rather than any available job.",
    )
    days_to_first_employer_contact: int = param(
        21,
        "days",
        "IPS fidelity scale: within 30 days scores 5",
        "Days from engagement to the first employer contact on the client's behalf.",
        ge=0,
        le=730,
    )
    prevocational_training_weeks: int = param(
        0,
        "weeks",
        "traditional vocational rehabilitation",
        "Weeks of pre-vocational training before any job search (0 in IPS).",
        ge=0,
        le=104,
    )
    disclosure_support: bool = param(
        True,
        "-",
        "IPS practice",
        "Specialists help clients decide what to disclose and disclose it with them.",
    )
    through_the_gate: bool = param(
        False, "-", ASSUMPTION, "Support starts before release for prison leavers."
    )
    peer_workers: bool = param(
        False, "-", ASSUMPTION, "Peer workers with lived experience support clients in the search."
    )


class Clinicians(Section):
    care_coordinators: int = param(
        12, "staff", ASSUMPTION, "Care coordinators who decide referrals.", ge=1, le=100_000
    )
    belief_in_work_mean: float = param(
        0.6, "0-1", ASSUMPTION, "Mean belief that work helps recovery.", ge=0, le=1
    )
    training: bool = param(
        False, "-", ASSUMPTION, "Clinicians have had IPS training (raises knowledge and belief)."
    )
    review_interval_weeks: int = param(
        8,
        "weeks",
        ASSUMPTION + ": care coordinator contact cycle",
        "Weeks between a clinician's reviews of a client.",
        ge=1,
        le=52,
    )
    attitude_spread: float = param(
        0.1,
        "per week",
        ASSUMPTION,
        "How fast a clinician's belief moves toward the team's climate each week.",
        ge=0,
        le=1,
    )
    committed_leader: bool = param(
        False,
        "-",
        ASSUMPTION + ": brief section 2, a committed team leader raises referrals",
        "The clinical team's leader "
        "champions work: each week the team's climate moves toward "
        "full belief in work.",
    )


class AversionShares(Section):
    violent: float = param(
        0.60,
        "share",
        "assumption: between general and arson/sexual aversion",
        "Employers who would not employ someone convicted of violence.",
        ge=0,
        le=1,
    )
    sexual: float = param(
        0.70, "share", "Haslewood-Pocsik et al. 2008", "... of a sexual offence.", ge=0, le=1
    )
    arson: float = param(0.71, "share", "Haslewood-Pocsik et al. 2008", "... of arson.", ge=0, le=1)
    acquisitive: float = param(
        0.50,
        "share",
        "DWP/YouGov 2016 (any conviction)",
        "... of theft or fraud (doubled in cash-handling sectors).",
        ge=0,
        le=1,
    )
    drugs: float = param(
        0.50, "share", "DWP/YouGov 2016 (any conviction)", "... of a drug offence.", ge=0, le=1
    )
    other: float = param(
        0.50, "share", "DWP/YouGov 2016 (any conviction)", "... of another offence.", ge=0, le=1
    )


class Employers(Section):
    count: int = param(
        400,
        "employers",
        ASSUMPTION + ": local employers within reach of the team",
        "Employers in the labour market.",
        ge=0,
        le=1_000_000,
    )
    offence_aversion: float = param(
        1.0,
        "x evidence",
        "1 = the survey evidence below",
        "Scales employers' aversion to offences: 0 ignore offences, 1 as "
        "surveyed, above 1 more averse.",
        ge=0,
        le=3,
    )
    aversion: AversionShares = AversionShares()
    vacancy_probability: float = param(
        0.2,
        "probability",
        ASSUMPTION,
        "Chance that an employer has a suitable opening when contacted or applied to.",
        ge=0,
        le=1,
    )
    background_check_rate: float = param(
        0.5,
        "probability",
        ASSUMPTION,
        "Chance an employer checks criminal records at hiring.",
        ge=0,
        le=1,
    )
    relationship_gain: float = param(
        0.25,
        "per contact",
        ASSUMPTION,
        "Relationship built by one employer contact (relationship runs 0 to 1).",
        ge=0,
        le=1,
    )
    relationship_leniency: float = param(
        0.4,
        "0-1",
        ASSUMPTION,
        "How far a full relationship overrides an employer's aversion.",
        ge=0,
        le=1,
    )
    small_firm_share: float = param(
        0.6,
        "share",
        ASSUMPTION + ": most UK private-sector employers are small",
        "Small firms, with little capacity to support a worker (see work.small_firm_job_loss).",
        ge=0,
        le=1,
    )


class LabourMarket(Section):
    unemployment_rate: float = param(
        0.045,
        "share",
        "assumption: UK rate 2024",
        "Local unemployment rate: competition for each vacancy.",
        ge=0.01,
        le=0.4,
    )
    hire_probability: float = param(
        0.05,
        "probability",
        "calibrated: competitive work IPS vs traditional (Bond et al. 2008)",
        "Chance an average applicant is hired when there is an opening, at 4.5% unemployment.",
        ge=0,
        le=1,
    )
    competition_elasticity: float = param(
        0.7, "-", ASSUMPTION, "How strongly unemployment lowers hiring chances.", ge=0, le=3
    )
    own_applications_per_month: float = param(
        1.3,
        "applications",
        "calibrated: competitive work without IPS (Bond et al. 2008)",
        "Applications for advertised openings a job seeker makes alone each month.",
        ge=0,
        le=30,
    )


class Work(Section):
    job_loss_per_year: float = param(
        3.0,
        "hazard per year",
        "calibrated: about 24 weeks worked a year after the first job (Bond et al. 2008)",
        "Job-ending hazard for a supported worker in a preferred job.",
        ge=0,
        le=20,
    )
    mismatch_job_loss: float = param(
        1.3,
        "x hazard",
        "Becker et al.: jobs matching preferences last longer",
        "Job-loss multiplier when the job does not match preferences.",
        ge=1,
        le=5,
    )
    unsupported_job_loss: float = param(
        1.1, "x hazard", ASSUMPTION, "Job-loss multiplier without follow-along support.", ge=1, le=5
    )
    small_firm_job_loss: float = param(
        1.3,
        "x hazard",
        ASSUMPTION + ": brief section 2, small firms have little capacity to support a worker",
        "Further "
        "job-loss multiplier in a small firm without follow-along "
        "support (the specialist's support fills the gap).",
        ge=1,
        le=5,
    )
    full_time_share: float = param(
        0.83,
        "share",
        "calibrated: two thirds work 20+ hours (Bond et al. 2008)",
        "Share of jobs taken at 20+ hours by someone without benefit worries.",
        ge=0,
        le=1,
    )
    support_wanted_months: float = param(
        9.0,
        "months",
        ASSUMPTION + ": most workers step down from follow-along once settled",
        "Mean time in work a client keeps wanting follow-along support.",
        ge=0.5,
        le=120,
    )
    disclosure_without_support: float = param(
        0.4,
        "probability",
        ASSUMPTION,
        "Chance a client discloses an offence when applying alone.",
        ge=0,
        le=1,
    )
    discovery_per_year: float = param(
        0.5,
        "hazard per year",
        ASSUMPTION,
        "Hazard that an employer finds an undisclosed conviction.",
        ge=0,
        le=10,
    )


class RelapseByDiagnosis(Section):
    psychosis: float = param(
        1.0,
        "x hazard",
        ASSUMPTION + ": the reference diagnosis",
        "Relapse hazard multiplier for psychosis.",
        ge=0,
        le=5,
    )
    bipolar: float = param(
        1.3,
        "x hazard",
        ASSUMPTION + ": an episodic illness with frequent recurrence",
        "... for bipolar disorder.",
        ge=0,
        le=5,
    )
    depression: float = param(0.8, "x hazard", ASSUMPTION, "... for severe depression.", ge=0, le=5)
    personality: float = param(
        1.2,
        "x hazard",
        ASSUMPTION + ": frequent crises",
        "... for personality disorder.",
        ge=0,
        le=5,
    )


class Clients(Section):
    disengage_per_year: float = param(
        5.0,
        "hazard per year",
        ASSUMPTION,
        "Hazard of disengaging from the search for a client with average worries.",
        ge=0,
        le=20,
    )
    break_share: float = param(
        0.4,
        "share",
        ASSUMPTION,
        "Share of disengagements that are a break "
        "('I need a month off'); the rest leave and stop looking for work.",
        ge=0,
        le=1,
    )
    break_weeks: float = param(5.0, "weeks", ASSUMPTION, "Mean length of a break.", ge=1, le=52)
    relapse_per_year: float = param(
        0.6,
        "hazard per year",
        ASSUMPTION,
        "Relapse hazard at severity 1 with psychosis (scales with severity and diagnosis).",
        ge=0,
        le=10,
    )
    relapse_by_diagnosis: RelapseByDiagnosis = RelapseByDiagnosis()
    relapse_weeks: float = param(
        6.0, "weeks", ASSUMPTION, "Mean length of a relapse or hospital episode.", ge=1, le=52
    )
    relapse_job_loss: float = param(
        0.5,
        "probability",
        ASSUMPTION,
        "Chance a relapse ends a job without support (halved with support).",
        ge=0,
        le=1,
    )


class Offending(Section):
    risk_12m: float = param(
        0.46,
        "probability",
        "calibrated: 61% proven reoffending in a year for prison leavers (Ministry of Justice)",
        "One-year chance of a proven "
        "reoffence for an average-risk person in the community, not working.",
        ge=0,
        le=1,
    )
    release_multiplier: float = param(
        2.0,
        "x hazard",
        ASSUMPTION + ": risk is highest just after release",
        "Hazard multiplier at release, fading over 13 weeks.",
        ge=1,
        le=10,
    )
    work_multiplier: float = param(
        0.7,
        "x hazard",
        "calibrated: work lowers one-year reoffending by up to 9 points (Ministry of Justice 2013)",
        "Reoffending hazard multiplier while in work.",
        ge=0,
        le=1,
    )
    substance_multiplier: float = param(
        1.5, "x hazard", ASSUMPTION, "Hazard multiplier with active substance use.", ge=1, le=5
    )
    custody_probability: float = param(
        0.5, "probability", ASSUMPTION, "Chance a proven reoffence leads to custody.", ge=0, le=1
    )
    custody_weeks: float = param(
        12.0, "weeks", ASSUMPTION + ": short sentences", "Mean time in custody.", ge=1, le=520
    )


class Scenario(Section):
    """A whole scenario: every lever of brief section 2 in one validated, frozen object."""

    name: str = Field("unnamed", description="Short name of the scenario.")
    description: str = Field("", description="What the scenario represents.")
    run: Run = Run()
    entry: Entry = Entry()
    population: Population = Population()
    service: Service = Service()
    policy: Policy = Policy()
    clinicians: Clinicians = Clinicians()
    employers: Employers = Employers()
    labour_market: LabourMarket = LabourMarket()
    work: Work = Work()
    clients: Clients = Clients()
    offending: Offending = Offending()

    def hash(self) -> str:
        """A short content hash: equal scenarios give equal hashes, whatever their file."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def with_changes(self, changes: dict[str, Any]) -> Scenario:
        """A copy with dotted ``section.key`` values changed, validated like a file."""
        data = self.model_dump(mode="json")
        for dotted, value in changes.items():
            _set_dotted(data, dotted, value)
        return validate(data, source="changes")


class ScenarioError(UserError):
    """A user's mistake in a scenario or an override: the message says what and where."""


def load(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    """Load a scenario file, follow ``extends``, apply ``section.key=value`` overrides, validate."""
    path = Path(path)
    data = _read_with_parents(path, seen=())
    for text in overrides:
        dotted, value = parse_override(text)
        _check_dotted(dotted, text)
        _set_dotted(data, dotted, value)
    data.setdefault("name", path.stem)
    return validate(data, source=str(path))


def validate(data: dict[str, Any], source: str) -> Scenario:
    """Validate a scenario dictionary, turning pydantic's errors into one clear message."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError("\n".join(_describe(err, source) for err in exc.errors())) from None


def parse_override(text: str) -> tuple[str, Any]:
    """Split ``section.key=value``; the value is read as TOML (``true``, ``0.5``, ``"x"``)."""
    if "=" not in text:
        raise ScenarioError(
            f"--set {text!r}: expected section.key=value, for example --set service.caseload_cap=30"
        )
    dotted, raw = (part.strip() for part in text.split("=", 1))
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw  # a bare word such as cohort is taken as text
    return dotted, value


def read_toml(path: Path, kind: str) -> dict[str, Any]:
    """The tables of a TOML file, or a ScenarioError naming the file and what is wrong."""
    if not path.is_file():
        raise ScenarioError(f"{path}: no such {kind} file")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not a text file (TOML must be UTF-8)") from None


def _read_with_parents(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    resolved = path.resolve()
    if resolved in seen:
        chain = " -> ".join(str(p) for p in (*seen, resolved))
        raise ScenarioError(f"{path}: extends: the files extend each other in a loop ({chain})")
    data = read_toml(path, "scenario")
    parent = data.pop("extends", None)
    if parent is None:
        _check_keys(data, Scenario, "", str(path))
        return data
    if not isinstance(parent, str):
        raise ScenarioError(f"{path}: extends: must be a file name in quotes, got {parent!r}")
    base = _read_with_parents(path.parent / parent, (*seen, resolved))
    _check_keys(data, Scenario, "", str(path))
    own = {k: v for k, v in base.items() if k not in ("name", "description")}  # not inherited
    return _merge(own, data)


def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _check_keys(data: dict[str, Any], model: type[BaseModel], prefix: str, source: str) -> None:
    """Refuse unknown keys with the allowed ones listed (before pydantic, to name the file)."""
    for key, value in data.items():
        field = model.model_fields.get(key)
        if field is None:
            raise ScenarioError(_unknown(prefix + key, list(model.model_fields), source))
        sub = field.annotation
        if isinstance(sub, type) and issubclass(sub, BaseModel) and isinstance(value, dict):
            _check_keys(value, sub, f"{prefix}{key}.", source)


def _check_dotted(dotted: str, text: str) -> None:
    model: type[BaseModel] = Scenario
    parts = dotted.split(".")
    for i, part in enumerate(parts):
        field = model.model_fields.get(part)
        if field is None:
            raise ScenarioError(_unknown(dotted, list(model.model_fields), f"--set {text!r}"))
        sub = field.annotation
        is_section = isinstance(sub, type) and issubclass(sub, BaseModel)
        if i < len(parts) - 1:
            if not is_section:
                raise ScenarioError(
                    f"--set {text!r}: {'.'.join(parts[: i + 1])} is a value, not a section"
                )
            model = sub
        elif is_section:
            fields = ", ".join(sub.model_fields)
            raise ScenarioError(
                f"--set {text!r}: {dotted} is a section; set one of its keys: {fields}"
            )


def _unknown(dotted: str, allowed: list[str], source: str) -> str:
    key = dotted.rsplit(".", 1)[-1]
    near = difflib.get_close_matches(key, allowed, n=1)
    hint = f" Did you mean {near[0]!r}?" if near else ""
    return f"{source}: {dotted}: unknown key.{hint} Allowed here: {', '.join(allowed)}"


def _set_dotted(data: dict[str, Any], dotted: str, value: Any) -> None:
    *sections, key = dotted.split(".")
    node = data
    for section in sections:
        node = node.setdefault(section, {})
    node[key] = value


def _describe(err: dict[str, Any], source: str) -> str:
    loc = ".".join(str(p) for p in err["loc"])
    msg = err["msg"]
    allowed = _allowed(err["loc"])
    got = err.get("input")
    got_text = "" if isinstance(got, dict) else f" (got {got!r})"
    return f"{source}: {loc or 'scenario'}: {msg}{got_text}.{allowed}"


def _allowed(loc: tuple[Any, ...]) -> str:
    """Describe the allowed values of the field at ``loc`` from the schema."""
    model: type[BaseModel] = Scenario
    field = None
    for part in loc:
        field = model.model_fields.get(str(part)) if isinstance(part, str) else None
        if field is None:
            return ""
        sub = field.annotation
        if isinstance(sub, type) and issubclass(sub, BaseModel):
            model = sub
    if field is None:
        return ""
    lo = hi = None
    for meta in field.metadata:
        lo = getattr(meta, "ge", lo)
        hi = getattr(meta, "le", hi)
    unit = (field.json_schema_extra or {}).get("unit", "")
    unit = "" if unit in ("-", "") else f" {unit}"
    if lo is not None and hi is not None:
        return f" Allowed: {lo} to {hi}{unit}."
    if field.annotation is bool:
        return " Allowed: true or false."
    args = getattr(field.annotation, "__args__", None)
    if args:
        return " Allowed: " + ", ".join(repr(a) for a in args) + "."
    return ""
