"""Pure attendance rules (RULES.md §3, §4): no clock, no I/O, no SQL.

The controller and ``hall attendance evaluate`` call :func:`evaluate_month`; the approval
chain is in :mod:`attendance.rules.approvals`, deductions in :mod:`.deductions`.
"""

from attendance.rules.approvals import (
    Approval,
    ApprovalError,
    ChainState,
    LeaveRequest,
    chain_state,
    emergency_outcome,
    leave_length,
    record_approval,
    required_chain,
    writeoff_status,
)
from attendance.rules.deductions import Deductions, assessment_deductions
from attendance.rules.model import (
    DayResult,
    DayStatus,
    Flag,
    MonthReport,
    Punch,
    SlotResult,
    StaffMonth,
    Totals,
    WorkdayLookup,
    WriteOff,
)
from attendance.rules.month import converted_absences, evaluate_month, parse_month
from attendance.rules.punches import drop_duplicates, judge_day

__all__ = [
    "Approval",
    "ApprovalError",
    "ChainState",
    "DayResult",
    "DayStatus",
    "Deductions",
    "Flag",
    "LeaveRequest",
    "MonthReport",
    "Punch",
    "SlotResult",
    "StaffMonth",
    "Totals",
    "WorkdayLookup",
    "WriteOff",
    "assessment_deductions",
    "chain_state",
    "converted_absences",
    "drop_duplicates",
    "emergency_outcome",
    "evaluate_month",
    "judge_day",
    "leave_length",
    "parse_month",
    "record_approval",
    "required_chain",
    "writeoff_status",
]
