"""Scenario sections about the labour market: employers, their aversion to offences, and work."""

from __future__ import annotations

from ipssim.schema.base import Section, control, param
from ipssim.schema.priors import loguniform, uniform


class AversionShares(Section):
    violent: float = param(
        0.60,
        "share",
        "calibrated: no survey figure for violence was found; between the aversion to any "
        "conviction and to arson or sexual offences",
        "Employers who would not employ someone convicted of violence.",
        prior=uniform(
            0.5,
            0.71,
            "from the 50% of employers who would not consider employing anyone with a conviction "
            "(DWP/YouGov 2016; 48% of business leaders, ComRes for Onward 2019) to the 70-71% who "
            "would not employ someone convicted of a sexual offence or arson "
            "(Haslewood-Pocsik et al. 2008)",
        ),
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
        "setting: the default represents the local employers within reach of a team",
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
        control=control("Employer offence aversion", 0.0, 3.0, 0.1),
    )
    aversion: AversionShares = AversionShares()
    vacancy_probability: float = param(
        0.15,
        "probability",
        "calibrated: no source gives the chance for a contacted employer; 0.15 by hand on "
        "competitive work in smi_trial (Bond, Drake & Becker 2008; 0.2 until a specialist with "
        "time to spare could meet job seekers more than weekly)",
        "Chance that an employer has a suitable opening when contacted or applied to.",
        prior=uniform(
            0.05,
            0.4,
            "plausible range (no source): from one employer in twenty to two in five with a "
            "suitable opening when contacted",
        ),
        ge=0,
        le=1,
    )
    background_check_rate: float = param(
        0.5,
        "share",
        "calibrated: 70% of 208 employers surveyed use criminal records (DBS) checks (XpertHR "
        "2013); 60% of 80 large national employers ask about records on application (Unlock "
        "2023; 70% in 2018); small firms, most employers here, check less (no figure found), "
        "hence 0.5; regulated (care) roles always check, as barring checks are required there",
        "Share of employers outside regulated sectors whose hiring includes a criminal records "
        "check, which finds an undisclosed conviction (a policy the specialist learns from job "
        "development).",
        prior=uniform(
            0.3,
            0.75,
            "up to the 60-70% of mostly large employers who check records or ask about them "
            "(XpertHR 2013; Unlock 2023), down to 0.3 as small firms check less",
        ),
        ge=0,
        le=1,
    )
    relationship_gain: float = param(
        0.25,
        "per contact",
        "calibrated: no source measures how a contact builds a relationship",
        "Relationship built by one employer contact (relationship runs 0 to 1).",
        prior=uniform(
            0.05,
            0.5,
            "plausible range (no source): from twenty contacts to two for a full relationship",
        ),
        ge=0,
        le=1,
    )
    relationship_leniency: float = param(
        0.2,
        "tolerance",
        "calibrated: employers who know people with convictions reject them outright less "
        "often (CfBT/YouGov 2011, n=1,051 employers); 0.2 keeps the effect of a full "
        "relationship on a general conviction it had as a chance of overriding aversion (0.4 "
        "of the 50% averse)",
        "Rise in an employer's tolerance of convictions at a full relationship with the team, "
        "in hiring and when it learns of an employee's conviction: it brings round employers "
        "whose aversion lies this close to the threshold, for every offence alike.",
        prior=uniform(
            0.0,
            0.4,
            "plausible range (no source for its size): a full relationship from no "
            "effect on tolerance of convictions to bringing round employers up to "
            "0.4 below the threshold",
        ),
        ge=0,
        le=1,
    )
    relationship_hire_boost: float = param(
        0.8,
        "x chance of hiring",
        "calibrated by hand: competitive work in smi_trial (Bond, Drake & Becker 2008); 1 (a "
        "full relationship doubling the chance of hiring) until meetings could come more "
        "often than weekly and follow-along protected jobs, when it gave 60.1% in work at seed 1",
        "Rise in the chance of hiring a client the specialist introduces, at a full "
        "relationship (the chance is multiplied by 1 + this x the relationship).",
        prior=uniform(
            0.0,
            3.0,
            "plausible range (no source for its size): a full relationship from no "
            "effect on the chance of hiring to four times it",
        ),
        ge=0,
        le=10,
    )
    disclosure_trust: float = param(
        0.05,
        "tolerance",
        "calibrated: a disclosure prepared and presented with the specialist is received "
        "better (McGahey et al. 2016, Early Interv Psychiatry 10:178: a formal disclosure plan, "
        "4.9 times the odds of work, n=40; Unlock's advice to people with convictions); half "
        "its earlier 0.1 as a chance of overriding aversion, as for relationship_leniency",
        "Rise in an employer's tolerance when the conviction is disclosed with the specialist's "
        "support.",
        prior=uniform(
            0.0,
            0.2,
            "plausible range (the evidence gives no effect size on employers): a "
            "supported disclosure from no effect to raising tolerance by 0.2",
        ),
        ge=0,
        le=1,
    )
    relationship_half_life_days: float = param(
        182.0,
        "days",
        "calibrated: a relationship fades without contact",
        "Days without an employer contact in which the team's relationship with an employer "
        "halves.",
        prior=loguniform(
            60.0,
            730.0,
            "plausible range (no source): a relationship without contact halving in"
            " two months to two years; log-uniform",
        ),
        ge=1,
        le=3650,
    )
    vacancy_open_days: int = param(
        28,
        "days",
        "Adzuna UK Job Market Report, April 2024 (HR Magazine): vacancies took 39 days on "
        "average to fill (40-50 days typical from 2016 to 2022); a vacancy found by an employer "
        "contact is found part way through, hence four weeks",
        "Days a vacancy found by an employer contact stays open for the specialist's seekers.",
        ge=1,
        le=365,
    )
    small_firm_share: float = param(
        0.6,
        "share",
        "Business population estimates (BIS 2013; DBT 2023): almost all UK private-sector "
        "businesses are small, and SMEs hold 59% of private-sector employment; hires go where "
        "the jobs are, so the default is about the SME share of employment",
        "Small firms, with little capacity to support a worker (see work.small_firm_job_loss).",
        ge=0,
        le=1,
    )


class LabourMarket(Section):
    unemployment_rate: float = param(
        0.045,
        "share",
        "setting: the default represents the UK rate (ONS Labour market overview: 3.8% in "
        "Oct-Dec 2023, 4.3% in Jul-Sep 2024), at which labour_market.hire_probability is "
        "calibrated",
        "Local unemployment rate: competition for each vacancy.",
        ge=0.01,
        le=0.4,
    )
    hire_probability: float = param(
        0.022,
        "probability",
        "calibrated by hand: competitive work IPS vs traditional (Bond et al. 2008), with "
        "job seekers staying in the service as long as Rosenheck & Mares 2007 found (0.05 "
        "when they left three times as fast)",
        "Chance an average applicant is hired when there is an opening, at 4.5% unemployment.",
        prior=loguniform(
            0.01,
            0.25,
            "plausible range: from one in a hundred to one in four hired per opening applied to; "
            "log-uniform since only the order of magnitude is known",
        ),
        ge=0,
        le=1,
    )
    competition_elasticity: float = param(
        0.7,
        "-",
        "calibrated: no source gives the elasticity for this population",
        "How strongly unemployment lowers hiring chances.",
        prior=uniform(
            0.2,
            1.5,
            "plausible range (no source): hiring chances fall with local unemployment, from weakly"
            " to more than in proportion",
        ),
        ge=0,
        le=3,
    )
    own_applications_per_month: float = param(
        3.0,
        "applications",
        "calibrated by hand: competitive work without IPS (Bond et al. 2008), with "
        "labour_market.hire_probability (1.3 at a hire chance of 0.05; 2.6 until offers came "
        "with hours, then 22.1% in competitive work in smi_trial_control at seed 1)",
        "Applications for advertised openings a job seeker referred from the community makes "
        "alone each month.",
        prior=loguniform(
            0.3,
            6.0,
            "plausible range: a job seeker without support applying from a few times a year to "
            "more than once a week; log-uniform",
        ),
        ge=0,
        le=30,
    )

    prison_leaver_applications_per_month: float = param(
        7.8,
        "applications",
        "calibrated: 17% in work a year after release (Ministry of Justice), with "
        "prison_leavers_usual_care; prison leavers who claim Universal Credit are held to a job "
        "search by the Jobcentre, unlike most people with severe mental illness on disability "
        "benefits, so they apply alone more often than labour_market.own_applications_per_month",
        "Applications for advertised openings a prison leaver "
        "(population.prison_leaver_share) makes alone each month.",
        prior=loguniform(
            2.0,
            16.0,
            "plausible range (no source for the number): from about as often as other job "
            "seekers alone to four applications a week, as a claimant commitment may require; "
            "log-uniform",
        ),
        ge=0,
        le=30,
    )

    part_time_share: float = param(
        0.24,
        "share",
        "Annual Population Survey 2022 (Ethnicity facts and figures, GOV.UK: 24% of employed "
        "16 to 64 year olds worked part time); one share for every sector",
        "Share of posts offered that are part time.",
        ge=0,
        le=1,
    )
    full_time_hours: float = param(
        36.5,
        "hours a week",
        "ONS Labour Force Survey: average actual weekly hours of full-time workers, 36.5 in "
        "January to March 2025",
        "Hours a week of a full-time post.",
        ge=1,
        le=60,
    )
    part_time_hours: float = param(
        20.0,
        "hours a week",
        "ONS: part-time employees work an average of 20 hours a week; spread evenly between "
        "half and one and a half times it (assumption)",
        "Mean hours a week of a part-time post.",
        ge=1,
        le=40,
    )
    hourly_wage: float = param(
        12.71,
        "GBP an hour",
        "National Living Wage from April 2026 for workers aged 21 and over (Low Pay "
        "Commission's recommendation accepted by the government); entry-level jobs pay about it",
        "Hourly pay of the jobs clients take.",
        ge=0,
        le=100,
    )


class Work(Section):
    job_loss_per_year: float = param(
        2.0,
        "hazard per year",
        "calibrated: about 24 weeks worked a year after the first job (Bond et al. 2008), "
        "with work.job_loss_shape (2.2 until the hazard rose between follow-along contacts)",
        "Job-ending hazard over a job's first year (its integral) for a supported worker in a "
        "preferred job; the hazard falls with tenure when work.job_loss_shape < 1.",
        prior=loguniform(
            0.5,
            6.0,
            "plausible range: a first-year job-ending hazard from 0.5 (most jobs kept a year) to 6"
            " (most ended within two months); log-uniform",
        ),
        ge=0,
        le=20,
    )
    job_loss_shape: float = param(
        0.6,
        "Weibull shape",
        "calibrated: job loss is highest in a job's first weeks and falls with tenure (Becker "
        "et al. 1998, job terminations in supported employment); set so the longest job "
        "averages about 22 weeks (six IPS trials in Bond & Kukla 2011)",
        "Shape of the job-ending hazard in time since the job began: below 1 it falls with "
        "tenure, 1 is a constant hazard.",
        prior=uniform(
            0.4,
            1.0,
            "job loss is highest in the first weeks and falls with tenure (Becker et al. 1998), so"
            " below 1; above 0.4 so the first weeks' hazard is not extreme",
        ),
        ge=0.2,
        le=2,
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
        1.5,
        "x hazard",
        "calibrated: Bond & Kukla 2011 (J Nerv Ment Dis 199:150): IPS workers with "
        "follow-along support held their first job about twice as long as reported elsewhere; "
        "at a Weibull shape of 0.6 (work.job_loss_shape) twice the tenure is a hazard ratio "
        "of 2 ^ 0.6 = 1.5",
        "Job-loss multiplier without follow-along support: for a worker with no specialist, "
        "and approached by a supported worker as the last follow-along contact recedes "
        "(work.follow_along_protection_weeks).",
        prior=uniform(
            1.0,
            2.5,
            "from no effect of follow-along to more than the doubling of tenure Bond & Kukla "
            "2011 saw beside other programmes, which selection alone could explain in part",
        ),
        ge=1,
        le=5,
    )
    follow_along_protection_weeks: float = param(
        4.0,
        "weeks",
        "calibrated: Bond & Kukla 2011 (J Nerv Ment Dis 199:150) found months worked to rise "
        "with the frequency of follow-along contact (r = 0.27) in programmes that saw workers "
        "at least monthly; a contact is taken to keep most of its effect for a month",
        "How long a follow-along contact keeps protecting a job: a worker's job-loss "
        "multiplier rises from 1 just after a contact toward work.unsupported_job_loss "
        "(times work.small_firm_job_loss in a small firm) as 1 - exp(-weeks since contact / "
        "this).",
        prior=loguniform(
            1.0,
            16.0,
            "plausible range (no source for its size): a contact's protection lasting from a "
            "week to four months; log-uniform",
        ),
        ge=0.1,
        le=104,
    )
    small_firm_job_loss: float = param(
        1.3,
        "x hazard",
        "calibrated: brief section 2, small firms have little capacity to support a worker",
        "Further "
        "job-loss multiplier in a small firm without follow-along "
        "support (the specialist's support fills the gap).",
        prior=uniform(
            1.0,
            2.0,
            "plausible range (no source for its size): a small firm without support"
            " from no effect to doubling the job-ending hazard",
        ),
        ge=1,
        le=5,
    )
    support_wanted_months: float = param(
        9.0,
        "months",
        "calibrated: most workers step down from follow-along once settled",
        "Mean time in work a client keeps wanting follow-along support.",
        prior=loguniform(
            3.0,
            36.0,
            "plausible range (no source): a worker wanting follow-along support "
            "from three months to three years; log-uniform",
        ),
        ge=0.5,
        le=120,
    )
    work_allowance_month: float = param(
        411.0,
        "GBP a month",
        "Universal Credit work allowance 2025/26 for a claimant with limited capability for "
        "work: 411 GBP a month with a housing costs element, 684 without (DWP rates, as listed by "
        "CPAG's means-tested benefit rates 2025/26); above it Universal Credit falls by 55p per "
        "GBP earned; assumption: most clients rent, so the lower allowance",
        "Earnings a month before Universal Credit begins to fall: a client with benefit worries "
        "gives up a share (their worry) of the hours that would earn more.",
        ge=0,
        le=5000,
    )
    decline_hours_ratio: float = param(
        2.5,
        "x hours",
        "calibrated by hand: about two thirds of IPS workers work 20+ hours a week (Bond et "
        "al. 2008), with population.part_time_wish_hours, and about as many offers declined as "
        "before offers came with hours; employers and specialists agree shorter hours within "
        "limits",
        "A client declines a post offering more than this many times the hours they would "
        "work in it (ipssim.agents.hours).",
        prior=uniform(
            1.5,
            4.0,
            "plausible range (no source): from declining any post of more than one and a half "
            "times the hours the client would work in it to taking one of four times them",
        ),
        ge=1,
        le=20,
    )
    disclosure_without_support: float = param(
        0.4,
        "probability",
        "calibrated: many people with convictions choose not to disclose where they can "
        "(Nacro's and Unlock's advice literature); no survey figure was found",
        "Chance a client discloses a conviction by their own choice: always without disclosure "
        "support; with it, where no records check will find it and the specialist does not "
        "know the employer to be open to it (ipssim.agents.disclosure).",
        prior=uniform(
            0.1,
            0.7,
            "plausible range (no survey figure): from one in ten to seven in ten "
            "disclosing a conviction by their own choice",
        ),
        ge=0,
        le=1,
    )
    discovery_per_year: float = param(
        0.5,
        "hazard per year",
        "calibrated: no source measures how often employers find undisclosed convictions",
        "Hazard that an employer finds an undisclosed conviction.",
        prior=loguniform(
            0.1,
            2.0,
            "plausible range (no source): an undisclosed conviction found on "
            "average after six months to ten years; log-uniform",
        ),
        ge=0,
        le=10,
    )
