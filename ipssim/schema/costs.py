"""What an IPS team costs, counted as commissioners in England count it: the IPS Grow workforce
calculator's structure (salary at the pay-band midpoint plus employer National Insurance and
pension, team leaders and managers by ratio, then a share for non-staff costs)."""

from __future__ import annotations

from ipssim.schema.base import Section, param

CALCULATOR = "IPS Grow workforce calculator, published assumptions for England 2026/27"


class Costs(Section):
    specialist_salary: float = param(
        33437.0,
        "GBP per year",
        CALCULATOR + ": employment specialist at the midpoint of Agenda for Change band 5",
        "Salary of one employment specialist post.",
        ge=0,
        le=200_000,
    )
    team_leader_salary: float = param(
        40823.0,
        "GBP per year",
        CALCULATOR + ": team leader at the midpoint of Agenda for Change band 6",
        "Salary of one team leader post.",
        ge=0,
        le=200_000,
    )
    manager_salary: float = param(
        50723.0,
        "GBP per year",
        CALCULATOR + ": service manager at the midpoint of Agenda for Change band 7",
        "Salary of one service manager post.",
        ge=0,
        le=200_000,
    )
    employer_ni_rate: float = param(
        0.15,
        "share of salary above the threshold",
        CALCULATOR + " (15% above GBP 417 a month); HMRC secondary Class 1 rate from 6 April 2025",
        "Employer National Insurance on each salary above the secondary threshold.",
        ge=0,
        le=0.5,
    )
    ni_threshold: float = param(
        5000.0,
        "GBP per year",
        CALCULATOR + " (GBP 417 a month); HMRC secondary threshold from 6 April 2025",
        "Salary on which no employer National Insurance is due.",
        ge=0,
        le=100_000,
    )
    pension_rate: float = param(
        0.143,
        "share of salary",
        CALCULATOR + " (14.3%, from NHS pension estimates); NHS Employers: of the 23.7% "
        "employer rate from April 2024, employers pay 14.38% and NHS England the rest",
        "Employer pension contribution on each salary.",
        ge=0,
        le=0.5,
    )
    overhead_share: float = param(
        0.20,
        "share of staff cost",
        CALCULATOR + ": 20% for non-staff and overhead costs",
        "Non-staff and overhead costs, added to the staff cost.",
        ge=0,
        le=2.0,
    )
    specialists_per_team_leader: float = param(
        6.0,
        "specialists",
        CALCULATOR + ": 6 employment specialists per team leader",
        "Specialist posts per team leader post (a team of fewer has a part-time leader).",
        ge=1,
        le=50,
    )
    team_leaders_per_manager: float = param(
        5.0,
        "team leaders",
        CALCULATOR + ": 5 team leaders per service manager",
        "Team leader posts per service manager post (a part-time manager for fewer).",
        ge=1,
        le=50,
    )

    def employed(self, salary: float) -> float:
        """A post's yearly cost to its employer: salary, employer National Insurance above the
        threshold and employer pension."""
        ni = self.employer_ni_rate * max(0.0, salary - self.ni_threshold)
        return salary + ni + self.pension_rate * salary

    def specialist_year(self) -> float:
        """One specialist post filled for a year, before overheads (GBP)."""
        return self.employed(self.specialist_salary)

    def team(self, specialist_years: float, post_years: float) -> float:
        """A team's cost (GBP) for ``specialist_years`` of specialists in post (a vacant post is
        unpaid) and team leaders and managers by ratio to the ``post_years`` funded, with the
        non-staff share on top."""
        leaders = post_years / self.specialists_per_team_leader
        managers = leaders / self.team_leaders_per_manager
        staff = (
            specialist_years * self.specialist_year()
            + leaders * self.employed(self.team_leader_salary)
            + managers * self.employed(self.manager_salary)
        )
        return staff * (1.0 + self.overhead_share)
