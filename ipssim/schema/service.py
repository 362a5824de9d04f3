"""Scenario sections about the service: the run, entry, specialists, IPS policies and clinicians."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import model_validator

from ipssim.schema.base import ASSUMPTION, Section, control, param
from ipssim.schema.priors import loguniform, uniform

USUAL_PRACTICE = {  # where an unsupervised service drifts: traditional_vr.toml's levers
    "employer_contacts_per_week": 0.0,  # no job development
    "employment_time_share": 0.7,  # other duties take 30% of the week
}


class Run(Section):
    horizon_weeks: int = param(
        104,
        "weeks",
        "brief section 2: default horizon of two years",
        "Weeks simulated (one model step per week).",
        ge=4,
        le=520,
    )
    warmup_weeks: int = param(
        0,
        "weeks",
        "setting: the default represents a trial, measured from day 0; a steady service is "
        "measured once its caseloads and waiting list have filled (issue 20)",
        "Weeks run before measurement starts: the service's stream metrics (placements, "
        "referrals, waits, caseload use, employer contacts, costs) count only the weeks after "
        "it, so that a steady service is measured once it has filled.",
        ge=0,
        le=516,
    )


# The most clients a run may admit, and the most client-weeks (clients x horizon_weeks): a
# replication that finishes in 10 minutes within 8 GiB on one core here. Measured (one
# replication of base, --workers 1, /usr/bin/time -v): a 200,000 cohort took 119 s and 2.4 GB
# over 104 weeks, 237 s and 4.4 GB over 520 weeks; 400,000 took 403 s and 4.6 GB over 104 weeks.
# A stream of 2,000 a week for 100 weeks (200,000 clients) took 166 s of CPU (268 s on a loaded
# machine) and 1.6 GiB over 104 weeks, but 1,911 s and 6.0 GiB over 520 weeks; a 200,000 cohort
# with 10,000 specialists (everyone served) took 104 s and 4.1 GiB over 104 weeks. Hence at most
# 200,000 clients followed 104 weeks (20.8 million client-weeks), the largest stream measured to
# finish; a smaller service may be followed longer.
MAX_CLIENTS = 200_000
MAX_CLIENT_WEEKS = MAX_CLIENTS * 104
UNLIMITED = 0  # entry.intake_weeks of a stream that never stops
MIN_MEASURED_WEEKS = 4  # a run measures at least this many weeks after its warm-up


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
        "setting: the default represents a forensic community team of about 250 new clients a year",
        "New clients joining the clinical team's caseload each week (stream mode).",
        ge=0,
        le=2000,
    )
    intake_weeks: int = param(
        52,
        "weeks",
        "setting: the default represents one year of intake, each client followed at least a year",
        "Weeks during which clients arrive (stream mode); 0 means unlimited: clients arrive "
        "every week of the run, a steady stream.",
        ge=0,
        le=520,
    )
    cohort_size: int = param(
        200,
        "clients",
        "setting: the default represents a trial-sized cohort",
        "Clients in the cohort (cohort mode).",
        ge=1,
        le=MAX_CLIENTS,
    )
    wants_work_only: bool = param(
        False,
        "-",
        "trial eligibility: participants want competitive work",
        "Admit only clients who want work (as a trial enrols them).",
    )

    @model_validator(mode="after")
    def _finishes(self) -> Entry:
        """A stream admits at most MAX_CLIENTS clients on average, as a cohort does (an
        unlimited stream is checked against the horizon by the whole scenario)."""
        if self.arrivals_per_week * self.intake_weeks > MAX_CLIENTS:
            raise ValueError(
                f"arrivals_per_week x intake_weeks must be at most {MAX_CLIENTS:,} clients "
                "(a run larger than that does not finish in 10 minutes and 8 GiB)"
            )
        return self

    def arriving(self, week: int) -> bool:
        """Whether clients arrive in ``week``: a stream within its intake (always when
        unlimited)."""
        return self.mode == "stream" and (
            self.intake_weeks == UNLIMITED or week < self.intake_weeks
        )


class Service(Section):
    specialists: int = param(
        4,
        "staff",
        "setting: the default represents a team-scale IPS service",
        "Employment specialists (full-time equivalent).",
        ge=0,
        le=100_000,
        control=control("Employment specialists", 0, 20, 1),
    )
    caseload_cap: int = param(
        20,
        "clients per specialist",
        "IPS fidelity scale: 20 or fewer scores 5",
        "Most clients a specialist holds; further referrals wait.",
        ge=1,
        le=200,
        control=control("Caseload cap", 5, 60, 1),
    )
    hours_per_week: float = param(
        37.5,
        "hours",
        "setting: the default represents a full-time NHS contract",
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
        control=control("Employer contacts per week", 0.0, 15.0, 0.5),
    )
    hours_per_employer_contact: float = param(
        1.5,
        "hours",
        "calibrated: a visit and its travel",
        "Time one employer contact takes.",
        prior=loguniform(
            0.5,
            3.0,
            "plausible range (no source): a face-to-face employer contact with its "
            "travel from half an hour to three hours; log-uniform",
        ),
        ge=0.1,
        le=8,
    )
    meeting_hours: float = param(
        1.0,
        "hours",
        "calibrated: one session with its notes",
        "Time one meeting with a client takes.",
        prior=uniform(
            0.5,
            2.0,
            "plausible range (no source): a meeting with a client and its notes "
            "from half an hour to two hours",
        ),
        ge=0.1,
        le=8,
    )
    meeting_gap_days: float = param(
        7.0,
        "days",
        "Rosenheck & Mares 2007: about 86 minutes a week of specialist contact in a client's "
        "first three months, about one meeting a week",
        "Days between a job seeker's meetings that a specialist plans for: a week with too "
        "few hours for that rhythm and the aimed-for employer contacts cuts both in "
        "proportion; hours to spare bring meetings closer.",
        ge=1,
        le=60,
    )
    min_meeting_gap_days: float = param(
        3.5,
        "days",
        "calibrated: a job seeker is seen at most about twice a week, however small the caseload",
        "Shortest gap between a job seeker's meetings.",
        prior=uniform(
            2.0,
            7.0,
            "plausible range (no source): from seen every other day to no more than weekly",
        ),
        ge=1,
        le=60,
    )
    max_meeting_gap_days: float = param(
        42.0,
        "days",
        "calibrated: a client not seen for six weeks is seen whatever the caseload (and a "
        "vacant post's clients are seen that often by the team)",
        "Longest gap between a job seeker's meetings.",
        prior=uniform(
            21.0,
            84.0,
            "plausible range (no source): from three weeks to three months without a meeting",
        ),
        ge=1,
        le=120,
    )
    follow_along_gap_factor: float = param(
        2.0,
        "x meeting gap",
        "Bond & Kukla 2011, J Nerv Ment Dis 199:150: specialists saw a worker weekly just after "
        "the job start and monthly within a few months; twice a job seeker's gap on average",
        "Gap between a worker's follow-along contacts, as a multiple of the specialist's "
        "gap between a job seeker's meetings (a worker takes 1/factor of a job seeker's time).",
        ge=0.5,
        le=12,
    )
    travel_share: float = param(
        0.15,
        "share of community time",
        "calibrated: getting to clients and employers takes about an hour of a day out",
        "Share of the time spent in the community that goes on travel.",
        prior=uniform(
            0.05,
            0.35,
            "plausible range (no source): from a compact urban patch to a rural one",
        ),
        ge=0,
        le=0.8,
    )
    max_contact_share: float = param(
        0.5,
        "share",
        "calibrated: a specialist keeps at least half the week for clients",
        "Most of the week's hours that employer contacts may take.",
        prior=uniform(
            0.3,
            0.7,
            "plausible range (no source): job development taking at most a third to two "
            "thirds of the week",
        ),
        ge=0,
        le=1,
    )
    revisit_share: float = param(
        0.5,
        "share",
        "calibrated: IPS job development returns to employers already met as often as it "
        "opens new ones",
        "Share of employer contacts that go back to an employer the specialist already knows.",
        prior=uniform(
            0.2,
            0.8,
            "plausible range (no source): from mostly new employers to mostly known ones",
        ),
        ge=0,
        le=1,
    )
    admin_share: float = param(
        0.15,
        "share",
        "calibrated: no source measures the admin share of IPS specialists' employment time",
        "Share of employment time lost to admin.",
        prior=uniform(
            0.05,
            0.35,
            "plausible range (no source): from a twentieth to a third of employment"
            " time lost to admin",
        ),
        ge=0,
        le=0.9,
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
        control=control("Integration with the clinical team", 0.0, 1.0, 0.1),
    )
    turnover_per_year: float = param(
        0.0,
        "leavers per specialist per year",
        "Butenko et al. 2022, J Vocat Rehabil 57(2): 45% of IPS employment specialists in "
        "Norway left in a year (27% in other public-sector jobs); default 0 keeps a trial's "
        "stable team",
        "Hazard of each specialist leaving the post; the post's clients keep their places "
        "while it is vacant, and the replacement starts knowing no employers.",
        ge=0,
        le=5,
        control=control("Specialist turnover per year", 0.0, 1.0, 0.05),
    )
    vacancy_weeks: int = param(
        12,
        "weeks",
        ASSUMPTION + ": NHS recruitment from advert to start takes about three months",
        "Weeks a post stays vacant after a specialist leaves; meanwhile the team covers its "
        "caseload (rare meetings, no job development) and it takes no new clients while "
        "another specialist is in post.",
        ge=0,
        le=104,
    )
    sickness_share: float = param(
        0.0,
        "share",
        "NHS Digital sickness absence rates: about 5% of NHS staff time (2022-2024); default "
        "0 keeps a full-strength team",
        "Share of specialist time lost to sickness absence (it shortens the week's hours "
        "for clients and employers).",
        ge=0,
        le=0.5,
    )
    start_mode: Literal["new", "established"] = param(
        "new",
        "-",
        "setting: the default represents a new service (trials start one)",
        "'new': the service starts on day 0 knowing no employers, its caseloads filling from "
        "zero; 'established': each specialist has made a year of employer contacts before "
        "day 0 (relationships, known employers and vacancies in hand), caseloads still "
        "filling from the run's referrals.",
    )
    established_weeks: int = param(
        52,
        "weeks",
        "setting: the default represents an established service with a year of job development "
        "behind it",
        "Weeks of employer contacts an established service (start_mode 'established') has made "
        "before day 0.",
        ge=0,
        le=520,
    )
    fidelity_drift_per_year: float = param(
        0.0,
        "per year",
        ASSUMPTION + ": services drift from the model without supervision and fidelity "
        "reviews (IPS Grow: reviews help experienced services avoid fidelity drift; Bond et "
        "al. 2012, Psychiatr Serv 63(8): the scale monitors drift); the rate is a guess, and "
        "the default 0 keeps a service at its configured fidelity",
        "Rate at which an unsupervised service's practice drifts from its configured levers "
        "toward usual practice (traditional vocational rehabilitation): after t years "
        "exp(-rate x t) of the gap is left, in employer contacts per week and the share of "
        "time on employment work.",
        ge=0,
        le=5,
    )
    supervision: bool = param(
        True,
        "-",
        "IPS fidelity scale, role of employment supervisor: weekly supervision reviews "
        "outcomes and practice",
        "An employment supervisor holds the team to its practice: no fidelity drift.",
    )
    waitlist_patience_weeks: float = param(
        12.0,
        "weeks",
        "calibrated: no source measures how long clients wait for a place before giving up",
        "Mean time a client waits for a place before giving up.",
        prior=loguniform(
            2.0,
            52.0,
            "plausible range (no source): a client waiting from two weeks to a year"
            " for a place before giving up; log-uniform",
        ),
        ge=0.5,
        le=104,
    )

    def practised(self, lever: str, day: float) -> float:
        """A lever as the team practises it on ``day``: its configured value, or with
        ``fidelity_drift_per_year`` and no supervision, drifted toward usual practice
        (``USUAL_PRACTICE``) with exp(-rate x years) of the gap left."""
        configured = float(getattr(self, lever))
        if self.supervision or self.fidelity_drift_per_year <= 0:
            return configured
        kept = math.exp(-self.fidelity_drift_per_year * day / 365.0)
        return USUAL_PRACTICE[lever] + (configured - USUAL_PRACTICE[lever]) * kept

    @model_validator(mode="after")
    def _gaps_in_order(self) -> Service:
        """The shortest meeting gap is no longer than the longest."""
        if self.min_meeting_gap_days > self.max_meeting_gap_days:
            raise ValueError(
                "min_meeting_gap_days must be at most max_meeting_gap_days "
                f"({self.max_meeting_gap_days:g})"
            )
        return self


class Policy(Section):
    zero_exclusion: bool = param(
        True,
        "-",
        "Bond, Drake & Becker 2008: a core IPS principle",
        "Everyone who wants work is eligible: no readiness criteria on the referral form.",
        control=control("Zero exclusion"),
    )
    referral_gatekeeping: float = param(
        0.0,
        "0-1",
        "Talbot et al.: clinicians held back referrals",
        "How strictly clinicians screen for 'readiness' before referring (0 = not at all).",
        ge=0,
        le=1,
        control=control("Referral gatekeeping", 0.0, 1.0, 0.1),
    )
    benefits_counselling: bool = param(
        True,
        "-",
        "IPS principle",
        "Specialists give personalised benefits counselling, easing worries about losing benefits.",
        control=control("Benefits counselling"),
    )
    time_unlimited_support: bool = param(
        True,
        "-",
        "IPS principle",
        "Follow-along support lasts as long as the client wants it.",
        control=control("Time-unlimited support"),
    )
    support_limit_months: float = param(
        9.0,
        "months",
        "setting: the default represents traditional services, which close cases after 6-12 months",
        "Length of support when it is time-limited.",
        ge=1,
        le=60,
    )
    rereferral_wait_months: float = param(
        12.0,
        "months",
        "setting: the default follows vocational rehabilitation case-closure rules (34 CFR "
        "361.43: a closed case is reviewed within 12 months, then annually)",
        "Months after a discharge at the limit of time-limited support, or on dropping out, "
        "before the service takes a re-referral; until then the case stays closed and the "
        "client stays with the clinical team.",
        ge=0,
        le=60,
    )
    enrolment_delay_weeks: int = param(
        0,
        "weeks",
        "policy lever (issue 18); 0 as in IPS, which takes a client on at once (rapid "
        "engagement: Bond, Drake & Becker 2008)",
        "Weeks after release (prison leavers; after entry for others) before the service takes "
        "a client on; 0 means at release, or through the gate with through_the_gate. Until then "
        "clients search alone.",
        ge=0,
        le=104,
        control=control("Weeks after release before enrolment", 0, 52, 1),
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
        "IPS practice (fidelity item 13)",
        "Specialists help clients decide, employer by employer, what to disclose, present it "
        "with them, and put no one forward for a role closed to their conviction.",
    )
    through_the_gate: bool = param(
        False,
        "-",
        "setting: the default represents a service that takes prison leavers on at release",
        "Support starts before release for prison leavers.",
    )
    in_reach_weeks: int = param(
        8,
        "weeks",
        "setting: the default represents in-reach starting eight weeks before release",
        "Weeks before release that through-the-gate support takes a prison leaver on.",
        ge=0,
        le=52,
    )
    peer_workers: bool = param(
        False,
        "-",
        "setting: the default represents a team without peer workers",
        "Peer workers with lived experience support clients in the search.",
    )


class Clinicians(Section):
    care_coordinators: int = param(
        12,
        "staff",
        "setting: the default represents a community forensic team's care coordinators",
        "Care coordinators who decide referrals.",
        ge=1,
        le=100_000,
    )
    belief_in_work_mean: float = param(
        0.6,
        "0-1",
        "setting: the default represents a team that mostly believes work helps (a team's belief "
        "can be surveyed, as in the Connecticut Provider Survey)",
        "Mean belief that work helps recovery.",
        ge=0,
        le=1,
    )
    training: bool = param(
        False,
        "-",
        "setting: the default represents clinicians without IPS training",
        "Clinicians have had IPS training (raises knowledge and belief).",
    )
    training_boost: float = param(
        0.25,
        "0-1 belief",
        "calibrated: IPS training raises clinicians' knowledge of what clients can do "
        "(provider surveys call for it: Connecticut Provider Survey; clinicians report "
        "considering supported employment for every client after training, EQUIP)",
        "What IPS training adds to a clinician's belief in work when they encourage work and "
        "take up a client's wish (the sum capped at 1).",
        prior=uniform(
            0.05,
            0.5,
            "plausible range (no source for its size): IPS training adding from a "
            "twentieth to a half to a clinician's belief in work",
        ),
        ge=0,
        le=1,
    )
    encouragement_per_review: float = param(
        0.04,
        "probability per review",
        "calibrated: clients with no stated interest in work can come to want it (half of "
        "those with no initial interest found a job when offered services, Macias et al. "
        "2001); case managers of high-performing programmes keep talking about work until "
        "clients see they could (Gowdy, Carlson & Rapp 2003); the size is a guess",
        "Chance at a review that a clinician with full belief in work leads a client who does "
        "not want work to want it (scaled by the clinician's belief).",
        prior=loguniform(
            0.005,
            0.2,
            "plausible range (no source for its size): at each review, from one "
            "client in two hundred to one in five led to want work by a clinician "
            "with full belief; log-uniform",
        ),
        ge=0,
        le=1,
    )
    overlook_without_belief: float = param(
        0.5,
        "probability per review",
        "calibrated: many clients had never been asked whether they wanted work until "
        "clinicians were prompted (EQUIP); clinicians who see work as unimportant refer fewer "
        "(Connecticut Provider Survey); the size is a guess",
        "Chance at a review that a clinician with no belief in work does not take up a "
        "client's wish to work, so the referral waits for a later review (scaled by 1 - "
        "belief).",
        prior=uniform(
            0.1,
            0.9,
            "plausible range (no source for its size): a clinician with no belief "
            "in work passing over a client's wish from one review in ten to nine in"
            " ten",
        ),
        ge=0,
        le=1,
    )
    review_interval_weeks: int = param(
        8,
        "weeks",
        "setting: the default represents the care coordinators' review cycle of a community team",
        "Weeks between a clinician's reviews of a client.",
        ge=1,
        le=52,
    )
    attitude_spread: float = param(
        0.1,
        "per week",
        "calibrated: no source measures how fast clinicians' beliefs converge",
        "How fast a clinician's belief moves toward the team's climate each week.",
        prior=loguniform(
            0.01,
            0.5,
            "plausible range (no source): a clinician's belief closing from 1% to "
            "half the gap to the team's climate each week; log-uniform",
        ),
        ge=0,
        le=1,
    )
    committed_leader: bool = param(
        False,
        "-",
        "setting: the default represents a team without a leader who champions work (brief "
        "section 2: a committed team leader raises referrals)",
        "The clinical team's leader "
        "champions work: each week the team's climate moves toward "
        "full belief in work.",
        control=control("Committed team leader"),
    )
    leader_pull: float = param(
        0.01,
        "share of the gap per week",
        "calibrated: a committed leader closes 1% of the gap to full belief each week",
        "Share of the gap between the team's climate and full belief in work that a committed "
        "leader closes each week.",
        prior=loguniform(
            0.002,
            0.05,
            "plausible range (no source): a committed leader closing from 0.2% to "
            "5% of the gap to full belief each week (about a year to ten years to "
            "close most of it); log-uniform",
        ),
        ge=0,
        le=1,
    )
    story_weight: float = param(
        0.02,
        "share of the gap per story",
        "calibrated: how far one story moves the team's climate",
        "Share of the gap to full belief (a placement, scaled up with integration) or to no "
        "belief (a reoffence by a client in the service) that one story closes.",
        prior=loguniform(
            0.005,
            0.1,
            "plausible range (no source): one story closing from 0.5% to 10% of the"
            " gap in the team's climate; log-uniform",
        ),
        ge=0,
        le=0.5,
    )
    severe_symptoms: float = param(
        0.7,
        "0-1 severity",
        "calibrated: the eligibility criterion of traditional services, 'symptoms not "
        "stable', read as severity above 0.7",
        "Severity above which a client fails the symptoms criterion when zero exclusion is off.",
        prior=uniform(
            0.5,
            0.9,
            "plausible range (no source): the criterion failed by the upper half of"
            " the severity scale down to its top tenth",
        ),
        ge=0,
        le=1,
    )
    discharge_per_year: float = param(
        0.1,
        "per year",
        "calibrated: people with severe mental illness stay about ten years with secondary "
        "care (mean 9.8 years at discharge to primary care; Rohricht et al. 2017, BJPsych "
        "Bulletin 41(6), 2,310 patients of an East London trust)",
        "Hazard of leaving the clinical team (discharge to primary care, moving away, death): "
        "a client who leaves is no longer reviewed or referred and leaves the employment "
        "service's waiting list and caseload; a job held goes on, unsupported.",
        prior=loguniform(
            0.05,
            0.5,
            "from twenty years with the team to two, as early intervention teams' three years "
            "or less (Department of Health, Mental Health Community Teams Activity) around the "
            "long-stay caseload's ten (Rohricht et al. 2017); log-uniform since only the order "
            "of magnitude is known",
        ),
        ge=0,
        le=12,
    )
    recent_incident_days: int = param(
        182,
        "days",
        "setting: the default represents a team whose eligibility criteria count an offence "
        "or release within six months as recent (a team's own rule, which the clinicians' "
        "judgement of readiness follows)",
        "Days after an offence or release during which it counts as recent, for the eligibility "
        "criterion and the readiness judgement of gatekeeping.",
        ge=0,
        le=3650,
    )
