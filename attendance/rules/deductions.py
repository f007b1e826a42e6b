"""Assessment deductions from attendance (A8; 考核办法 第二十一条(三)).

Late or early −2 each, proxy punching −2 for both people, absence −3 a day, and 3 or more
absences in the period assessed → returned to the original unit (退回原单位).
"""

from __future__ import annotations

from dataclasses import dataclass

from attendance.rules.model import Totals
from config.attendance import AssessmentDeductions


@dataclass(frozen=True, slots=True)
class Deductions:
    """Points taken off one staff member for one period, by reason."""

    late_early: float
    proxy_punch: float
    absence: float
    absences: int
    """Absences counted, including monthly conversions when the profile says so."""
    returned_to_unit: bool

    @property
    def total(self) -> float:
        """All points taken off (a positive number)."""
        return self.late_early + self.proxy_punch + self.absence

    def to_json(self) -> dict[str, object]:
        """For reports."""
        return {
            "late_early": self.late_early,
            "proxy_punch": self.proxy_punch,
            "absence": self.absence,
            "total": self.total,
            "absences": self.absences,
            "returned_to_unit": self.returned_to_unit,
        }


def assessment_deductions(
    totals: Totals, rules: AssessmentDeductions, proxy_punches: int = 0
) -> Deductions:
    """Deductions for a period's totals; ``proxy_punches`` counts the proxy punches this
    person took part in (either side: both lose the points)."""
    absences = totals.absent_days
    if rules.count_converted_absences:
        absences += totals.converted_absences
    return Deductions(
        late_early=rules.late_or_early * (totals.late + totals.early),
        proxy_punch=rules.proxy_punch * proxy_punches,
        absence=rules.absence_day * absences,
        absences=absences,
        returned_to_unit=absences >= rules.return_to_unit_absences,
    )
