"""Scenario sections about the clients: who they are, their illness, engagement and offending."""

from __future__ import annotations

from pydantic import model_validator

from ipssim.schema.base import DIAGNOSES, OFFENCES, Section, param
from ipssim.schema.priors import loguniform, truncnorm, uniform

OFFENCE_MIX = "setting: the default mix represents a community forensic caseload"
DIAGNOSIS_MIX = "setting: the default mix represents a forensic mental health caseload"


class OffenceShares(Section):
    violent: float = param(
        0.40,
        "share",
        OFFENCE_MIX + ", mostly violent index offences",
        "Share whose main offence is violence.",
        ge=0,
        le=1,
    )
    sexual: float = param(0.10, "share", OFFENCE_MIX, "Sexual offences.", ge=0, le=1)
    arson: float = param(0.08, "share", OFFENCE_MIX, "Arson.", ge=0, le=1)
    acquisitive: float = param(
        0.20,
        "share",
        OFFENCE_MIX,
        "Theft, fraud and other acquisitive offences.",
        ge=0,
        le=1,
    )
    drugs: float = param(0.12, "share", OFFENCE_MIX, "Drug offences.", ge=0, le=1)
    other: float = param(0.10, "share", OFFENCE_MIX, "Other offences.", ge=0, le=1)
    none: float = param(
        0.0,
        "share",
        OFFENCE_MIX + "; forensic services take people with offences",
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
        DIAGNOSIS_MIX + ", mostly psychosis",
        "Schizophrenia and other psychoses.",
        ge=0,
        le=1,
    )
    bipolar: float = param(0.12, "share", DIAGNOSIS_MIX, "Bipolar disorder.", ge=0, le=1)
    depression: float = param(0.10, "share", DIAGNOSIS_MIX, "Severe depression.", ge=0, le=1)
    personality: float = param(0.18, "share", DIAGNOSIS_MIX, "Personality disorder.", ge=0, le=1)

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
        prior=uniform(
            -1.0,
            3.0,
            "plausible range: from about a quarter to nine in ten wanting work before confidence, "
            "symptoms and benefit worries, around the 60-70% who want work with them (Bond 2004; "
            "Becker & Drake 2003)",
        ),
        ge=-5,
        le=5,
    )
    prison_leaver_share: float = param(
        0.0,
        "share",
        "setting: the share of the caseload referred from prison; the default 0 represents a "
        "community forensic team (prison_leavers.toml: 1)",
        "Share who enter while in prison and join the community at release.",
        ge=0,
        le=1,
    )
    release_weeks_max: int = param(
        12,
        "weeks",
        "setting: the default represents prison leavers referred to the team up to three months "
        "before release",
        "Prison leavers are released uniformly within this many weeks of entry.",
        ge=0,
        le=104,
    )
    offences: OffenceShares = OffenceShares()
    diagnoses: DiagnosisShares = DiagnosisShares()
    severity_mean: float = param(
        0.5,
        "0-1",
        "calibrated: no source gives the mean severity of a forensic caseload on this scale",
        "Mean symptom severity (0 mild, 1 severe).",
        prior=uniform(
            0.3,
            0.7,
            "plausible range (no source): a caseload of severe mental illness, neither mostly mild"
            " nor mostly severe",
        ),
        ge=0.05,
        le=0.95,
    )
    substance_use_share: float = param(
        0.35,
        "share",
        "Weaver et al. 2003 (COSMIC), Br J Psychiatry 183:304: 44% (95% CI 38-50%) of "
        "community mental health team patients reported past-year problem drug use or harmful "
        "alcohol use; active use now is narrower than use in the past year, hence 0.35",
        "Share with active substance use.",
        ge=0,
        le=1,
    )
    work_history_share: float = param(
        0.45,
        "share",
        "calibrated: no source found for a forensic caseload",
        "Share who worked in the last five years.",
        prior=uniform(
            0.25,
            0.7,
            "plausible range (no source): from a quarter to two thirds of people in secondary "
            "mental health services with work in the last five years",
        ),
        ge=0,
        le=1,
    )
    qualifications_share: float = param(
        0.40,
        "share",
        "calibrated: no source found for a forensic caseload",
        "Share with qualifications.",
        prior=uniform(
            0.2,
            0.6,
            "plausible range (no source): from one in five to three in five with qualifications",
        ),
        ge=0,
        le=1,
    )
    benefits_share: float = param(
        0.85,
        "share",
        "setting: the default represents a caseload mostly on disability benefits (no figure for "
        "forensic teams was found; unemployment among people with severe mental illness often "
        "exceeds 90%: Howard et al., Br J Psychiatry, the SWAN trial)",
        "Share receiving disability benefits.",
        ge=0,
        le=1,
    )
    benefits_worry_mean: float = param(
        0.5,
        "0-1",
        "calibrated: no source measures the worry on this scale",
        "Mean worry about losing benefits among those receiving them.",
        prior=uniform(
            0.3,
            0.8,
            "plausible range (no source): worry about losing benefits is common among recipients",
        ),
        ge=0.05,
        le=0.95,
    )
    confidence_mean: float = param(
        0.45,
        "0-1",
        "calibrated: no source measures confidence on this scale",
        "Mean confidence about working.",
        prior=uniform(
            0.25,
            0.7,
            "plausible range (no source): neither most clients confident about working nor almost "
            "none",
        ),
        ge=0.05,
        le=0.95,
    )
    housing_unstable_share: float = param(
        0.2,
        "share",
        "setting: the default represents a community forensic caseload with one in five without "
        "stable housing (no figure was found)",
        "Share without stable housing.",
        ge=0,
        le=1,
    )
    full_time_wish_share: float = param(
        0.31,
        "share",
        "Rice et al. 2009, J Ment Health 18(5):424: 31% (55/178) of people with severe mental "
        "illness on incapacity benefits or income support wanted full-time work (35+ hours); "
        "symptom severity and functioning did not largely explain wanting part- or full-time "
        "work, so neither shapes the wish here",
        "Share who wish to work full time (they take a full-time post's hours); the rest wish "
        "to work part time (population.part_time_wish_hours).",
        ge=0,
        le=1,
    )
    part_time_wish_hours: float = param(
        26.0,
        "hours a week",
        "calibrated by hand: about two thirds of IPS workers work 20+ hours a week (Bond et "
        "al. 2008), with work.decline_hours_ratio",
        "Mean hours a week wished by those who wish to work part time, spread evenly between "
        "half and one and a half times it.",
        prior=uniform(
            16.0,
            30.0,
            "Rice et al. 2009 report part-time wishes in two bands, up to 16 and 17 to 34 hours "
            "a week, without their shares, so the mean lies between the bands' middles",
        ),
        ge=2,
        le=34,
    )


class RelapseByDiagnosis(Section):
    psychosis: float = param(
        1.0,
        "x hazard",
        "design: the reference diagnosis, whose hazard clients.relapse_per_year gives",
        "Relapse hazard multiplier for psychosis.",
        ge=0,
        le=5,
    )
    bipolar: float = param(
        1.3,
        "x hazard",
        "calibrated: an episodic illness with frequent recurrence",
        "... for bipolar disorder.",
        prior=uniform(
            0.8,
            2.0,
            "plausible range (no source for the relative hazard): bipolar disorder "
            "from about as many relapses as psychosis to twice as many",
        ),
        ge=0,
        le=5,
    )
    depression: float = param(
        0.8,
        "x hazard",
        "calibrated: severe depression recurs less often than psychosis relapses",
        "... for severe depression.",
        prior=uniform(
            0.4,
            1.2,
            "plausible range (no source for the relative hazard): severe depression"
            " from under half the relapse hazard of psychosis to a little more",
        ),
        ge=0,
        le=5,
    )
    personality: float = param(
        1.2,
        "x hazard",
        "calibrated: frequent crises",
        "... for personality disorder.",
        prior=uniform(
            0.7,
            2.0,
            "plausible range (no source for the relative hazard): crises in "
            "personality disorder from a little rarer than relapses of psychosis to"
            " twice as frequent",
        ),
        ge=0,
        le=5,
    )


class Clients(Section):
    disengage_per_year: float = param(
        2.3,
        "hazard per year",
        "calibrated by hand: retention 12 months after engaging of 53% (self-report; "
        "Rosenheck & Mares 2007) in smi_trial, where disengaging (losing interest included) "
        "and leaving the clinical team (clinicians.discharge_per_year) are the ways a job "
        "seeker leaves the service, and competitive work 55-61% (Bond, Drake & Becker 2008); "
        "2.2 before leaving the clinical team was modelled, 1.5 gave 61.0% in work at seed 1; "
        "1.8 until a specialist with time to spare could meet job seekers more than weekly, "
        "which lowered the hazard",
        "Hazard of disengaging from the service for a client with average worries and "
        "confidence, seen weekly, before caseload pressure.",
        prior=loguniform(
            0.5,
            6.0,
            "from about 0.6 a year, which 53% still in contact 12 months after engaging gives if "
            "disengaging were the only way out (Rosenheck & Mares 2007), to 6 a year (half gone "
            "within six weeks); log-uniform since the order of magnitude is what is uncertain",
        ),
        ge=0,
        le=20,
    )
    disengage_interval_elasticity: float = param(
        0.5,
        "elasticity",
        "calibrated: rarer contact leaves more time to drift away; the square root the code had",
        "How the disengagement hazard grows with the days between the specialist's contacts: "
        "x (interval / 7) ^ elasticity.",
        prior=uniform(
            0.0,
            1.5,
            "plausible range (no source): from contact frequency not mattering to "
            "dropout to dropout growing more than in proportion with the days "
            "between contacts",
        ),
        ge=0,
        le=2,
    )
    disengage_caseload_pressure: float = param(
        0.3,
        "x hazard at a full caseload",
        "calibrated: a specialist with a full caseload has less time to follow up a client "
        "who misses a meeting",
        "Added disengagement hazard at a full caseload: x (1 + pressure x caseload / cap).",
        prior=uniform(
            0.0,
            1.5,
            "plausible range (no source): a full caseload from no effect to 2.5 "
            "times the disengagement hazard",
        ),
        ge=0,
        le=5,
    )
    disengage_in_work: float = param(
        0.15,
        "x hazard",
        "calibrated: a worker has a reason to stay in touch and follow-along support goes to them",
        "Disengagement hazard multiplier for a client in work with follow-along support "
        "(dropping out then ends the support, not the job).",
        prior=uniform(
            0.05,
            0.6,
            "plausible range (no source): a worker with follow-along support "
            "disengages from a twentieth to a little over half as often as a job "
            "seeker",
        ),
        ge=0,
        le=2,
    )
    disengage_preparing: float = param(
        2.0,
        "x hazard",
        "calibrated: clients are lost while preparing before any job search, the reason "
        "for IPS's rapid search (Becker & Drake 2003; Bond 2004)",
        "Disengagement hazard multiplier while the job search has yet to begin "
        "(pre-vocational training and the days before the first employer contact).",
        prior=loguniform(
            1.0,
            5.0,
            "clients are lost while preparing before any job search (Becker & Drake"
            " 2003; Bond 2004), so at least 1; up to five times the hazard; "
            "log-uniform",
        ),
        ge=0,
        le=10,
    )
    break_share: float = param(
        0.4,
        "share",
        "calibrated: no source splits disengagements into breaks and leaving",
        "Share of disengagements that are a break "
        "('I need a month off'); the rest leave the service and look for work alone.",
        prior=uniform(
            0.1,
            0.7,
            "plausible range (no source): from one disengagement in ten to seven in"
            " ten being a break",
        ),
        ge=0,
        le=1,
    )
    break_weeks: float = param(
        5.0,
        "weeks",
        "calibrated: no source gives the length of a break from the service",
        "Mean length of a break.",
        prior=loguniform(
            2.0,
            13.0,
            "plausible range (no source): a break from two weeks to three months; log-uniform",
        ),
        ge=1,
        le=52,
    )
    counselling_relief: float = param(
        0.6,
        "share of worry",
        "calibrated: benefits counselling removes 60% of the worry",
        "Share of a client's worry about losing benefits that counselling removes once engaged.",
        prior=uniform(
            0.2,
            0.9,
            "plausible range (no source for its size): benefits counselling removes"
            " from a fifth to nine tenths of the worry",
        ),
        ge=0,
        le=1,
    )
    peer_disengage_multiplier: float = param(
        0.8,
        "x hazard",
        "calibrated: peer workers cut disengagement by a fifth",
        "Disengagement hazard multiplier where peer workers support clients in the search.",
        prior=uniform(
            0.5,
            1.0,
            "plausible range (no source for its size): peer workers from halving "
            "disengagement to no effect",
        ),
        ge=0,
        le=2,
    )
    wish_loss_per_year: float = param(
        0.85,
        "hazard per year",
        "calibrated: the wish to work fades for anyone not in work and out of the service "
        "(0.85, kept from the clinicians' hand pass; in the service, losing interest is part "
        "of clients.disengage_per_year)",
        "Hazard of giving up the wish to work for a client who wants work, is not working and "
        "has no specialist.",
        prior=loguniform(
            0.1,
            3.0,
            "plausible range (no source): the wish to work lasting from about four months to ten "
            "years on average for someone not in work; log-uniform",
        ),
        ge=0,
        le=10,
    )
    relapse_per_year: float = param(
        0.6,
        "hazard per year",
        "Leucht et al. 2012, Lancet (65 trials): 27% of people with schizophrenia on maintenance "
        "antipsychotics relapsed within a year (64% on placebo); 0.6 at severity 1 gives the "
        "average client with psychosis (severity 0.5, a third using substances) about 0.33 a "
        "year, 28%",
        "Relapse hazard at severity 1 with psychosis (scales with severity and diagnosis).",
        ge=0,
        le=10,
    )
    relapse_by_diagnosis: RelapseByDiagnosis = RelapseByDiagnosis()
    substance_relapse_multiplier: float = param(
        1.3,
        "x hazard",
        "calibrated: substance use raises the relapse hazard by 30%",
        "Relapse hazard multiplier with active substance use.",
        prior=uniform(
            1.0,
            2.0,
            "plausible range (no source for its size): active substance use from no"
            " effect on the relapse hazard to doubling it",
        ),
        ge=1,
        le=5,
    )
    relapse_weeks: float = param(
        6.0,
        "weeks",
        "NHS Benchmarking (The King's Fund, Mental health 360: acute care, 2024): the mean stay "
        "in an adult acute mental health bed was 39 days in 2023 (32 in 2014); HSCIC Mental "
        "Health Bulletin 2013-14: median stay 23 days; fewer than a third of relapses lead to "
        "admission (Leucht et al. 2012)",
        "Mean length of a relapse or hospital episode.",
        ge=1,
        le=52,
    )
    relapse_job_loss: float = param(
        0.5,
        "probability",
        "calibrated: no source gives the chance a relapse ends a job",
        "Chance a relapse ends a job without support (halved with support).",
        prior=uniform(
            0.2,
            0.8,
            "plausible range (no source): a relapse ending a job without support "
            "from one time in five to four in five",
        ),
        ge=0,
        le=1,
    )


class Offending(Section):
    risk_12m: float = param(
        0.46,
        "probability",
        "calibrated: 61% proven reoffending in a year for prison leavers (Ministry of Justice)",
        "One-year chance of a proven reoffence for an average-risk prison leaver "
        "(population.prison_leaver_share) back in the community, not working.",
        prior=uniform(
            0.2,
            0.8,
            "plausible range around the 61% proven reoffending within a year after short sentences"
            " (Ministry of Justice), which includes the peak after release "
            "(offending.release_multiplier) and substance use, so the baseline risk lies below it",
        ),
        ge=0,
        le=1,
    )
    community_risk_12m: float = param(
        0.044,
        "probability",
        "4,484 reoffences per 100,000 person-years after discharge from secure hospitals (95% CI "
        "3,679-5,287; Fazel et al. 2016, Br J Psychiatry 208:17), as a one-year chance "
        "1 - exp(-0.04484) = 0.044",
        "One-year chance of a proven reoffence for an average-risk client referred from the "
        "community rather than from prison, not working.",
        ge=0,
        le=1,
    )
    release_multiplier: float = param(
        2.0,
        "x hazard",
        "calibrated: risk is highest just after release",
        "Hazard multiplier at release, fading over offending.release_fade_weeks.",
        prior=uniform(
            1.0,
            4.0,
            "plausible range (no source): risk just after release from no higher than later to "
            "four times as high",
        ),
        ge=1,
        le=10,
    )
    release_fade_weeks: float = param(
        13.0,
        "weeks",
        "calibrated: the post-release rise in reoffending fades over 13 weeks",
        "Weeks after release over which the rise in reoffending falls linearly to nothing.",
        prior=loguniform(
            4.0,
            52.0,
            "plausible range (no source for the length): the rise in reoffending "
            "after release gone within a month to within a year; log-uniform",
        ),
        ge=1,
        le=104,
    )
    work_multiplier: float = param(
        0.7,
        "x hazard",
        "calibrated: work lowers one-year reoffending by up to 9 points (Ministry of Justice 2013)",
        "Reoffending hazard multiplier while in work.",
        prior=truncnorm(
            0.75,
            0.1,
            0.4,
            1.0,
            "Ministry of Justice 2013 (propensity score matching): one-year proven reoffending 1 "
            "to 9 points lower for those employed after release; against 61%, a whole year in work"
            " at a multiplier of about 0.78 gives 9 points and 0.98 gives 1, and leavers work only"
            " part of the year, so centred at 0.75; 1 (no effect) stays possible",
        ),
        ge=0,
        le=1,
    )
    substance_multiplier: float = param(
        1.5,
        "x hazard",
        "calibrated: no source gives the multiplier for this population",
        "Hazard multiplier with active substance use.",
        prior=uniform(
            1.0,
            3.0,
            "plausible range (no source): active substance use from no effect to tripling the "
            "reoffending hazard",
        ),
        ge=1,
        le=5,
    )
    custody_probability: float = param(
        0.5,
        "probability",
        "calibrated: no source gives the share of proven reoffences by this "
        "population that lead to custody",
        "Chance a proven reoffence leads to custody.",
        prior=uniform(
            0.2,
            0.8,
            "plausible range (no source): a proven reoffence by someone with previous convictions "
            "often, but not always, leads to custody",
        ),
        ge=0,
        le=1,
    )
    custody_weeks: float = param(
        12.0,
        "weeks",
        "calibrated: short sentences; determinate sentences are served half in custody "
        "(gov.uk, types of prison sentence)",
        "Mean time in custody.",
        prior=loguniform(
            4.0,
            52.0,
            "from a month (half of a short sentence of two months) to a year: the average "
            "custodial sentence for indictable offences was 23.3 months in 2023 (Ministry of "
            "Justice, Criminal Justice Statistics quarterly, December 2023), half of it served in "
            "custody; log-uniform",
        ),
        ge=1,
        le=520,
    )
