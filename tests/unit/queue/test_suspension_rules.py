"""业务临时停办 lead times (Q10, 001 业务临时停办 二(二)1, 2), pure: the hall's workday calendar
(chinesecalendar with its 2026 国庆 holiday and 调休, plus overrides) counts the 5 workdays a
filing needs and the 4 an approval must leave for the notice."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from bus.models.suspensions import SuspensionEntry
from hallqueue.engine.suspension_rules import (
    approval_refusal,
    earliest_start,
    filing_refusal,
    latest_approval,
    phase,
    suspending,
    workdays_after,
)
from workdays.calendar import WorkdayCalendar

CST = zoneinfo.ZoneInfo("Asia/Shanghai")
CAL = WorkdayCalendar()
"""The statutory calendar: 2026-10-01..07 off (国庆、中秋), 2026-10-10 (Saturday) worked."""


def test_filed_on_0928_the_fifth_workday_is_the_adjusted_saturday_after_guoqing() -> None:
    """9-29, 9-30, (10-01..07 off), 10-08, 10-09, 10-10 (调休上班): 10-10 is the 5th."""
    filed = dt.date(2026, 9, 28)
    assert earliest_start(CAL, filed) == dt.date(2026, 10, 10)
    assert workdays_after(CAL, filed, dt.date(2026, 10, 9)) == 4
    assert filing_refusal(CAL, filed, dt.date(2026, 10, 10)) is None
    assert filing_refusal(CAL, filed, dt.date(2026, 10, 12)) is None


def test_a_filing_four_workdays_ahead_across_guoqing_is_refused_with_the_rule_in_words() -> None:
    refused = filing_refusal(CAL, dt.date(2026, 9, 28), dt.date(2026, 10, 9))
    assert refused is not None and refused.code == "lead_time"
    assert refused.message_zh == (
        "业务临时停办须至少提前5个工作日报备（001 业务临时停办 二(二)1）：9月28日报备、"
        "10月9日停办，其间只有4个工作日；今日报备最早可于10月10日停办"
    )
    assert "at least 5 workdays ahead" in refused.message_en
    assert "2026-10-10 at the earliest" in refused.message_en
    # Eleven calendar days, seven of them holidays: still not enough.
    assert (dt.date(2026, 10, 9) - dt.date(2026, 9, 28)).days == 11


def test_an_override_of_the_hall_moves_the_earliest_start() -> None:
    """The manager declares 10-10 closed: the 5th workday after 9-28 is then 10-12."""
    closed = CAL.with_overrides(holidays=[dt.date(2026, 10, 10)])
    assert earliest_start(closed, dt.date(2026, 9, 28)) == dt.date(2026, 10, 12)
    assert filing_refusal(closed, dt.date(2026, 9, 28), dt.date(2026, 10, 10)) is not None


def test_a_start_in_the_past_or_today_is_refused() -> None:
    today = dt.date(2026, 11, 24)
    assert filing_refusal(CAL, today, today) is not None
    assert filing_refusal(CAL, today, dt.date(2026, 11, 20)) is not None


def test_approval_must_leave_the_notice_four_workdays_ahead() -> None:
    start = dt.date(2026, 10, 12)  # filed 9-28 for Monday 10-12 (6 workdays: accepted)
    assert filing_refusal(CAL, dt.date(2026, 9, 28), start) is None
    assert approval_refusal(CAL, dt.date(2026, 9, 30), start) is None  # 10-08, 09, 10, 12
    assert approval_refusal(CAL, dt.date(2026, 10, 7), start) is None  # a holiday: still 4
    late = approval_refusal(CAL, dt.date(2026, 10, 8), start)  # 10-09, 10, 12: only 3
    assert late is not None and late.code == "notice_lead_time"
    assert late.message_zh.startswith(
        "停办通知须至少提前4个工作日向社会公告（001 业务临时停办 二(二)2）"
    )
    assert "只有3个工作日" in late.message_zh and "最迟应于10月7日批准" in late.message_zh
    assert latest_approval(CAL, start) == dt.date(2026, 10, 7)


def _entry(status: str, start: dt.datetime, end: dt.datetime) -> SuspensionEntry:
    return SuspensionEntry.model_validate(
        {
            "suspension": "SP0001", "department": "budongchan", "services": ["B02"],
            "windows": [], "reason": "系统升级", "document_no": "文号1", "start": start,
            "end": end, "filed_at": start - dt.timedelta(days=8), "status": status,
        }
    )  # fmt: skip


def test_phase_and_what_an_approved_filing_suspends_when() -> None:
    start = dt.datetime(2026, 10, 12, 9, 0, tzinfo=CST)
    end = dt.datetime(2026, 10, 13, 17, 0, tzinfo=CST)
    approved = _entry("approved", start, end)
    before, during, after = start - dt.timedelta(hours=1), start, end
    assert [phase(approved, t) for t in (before, during, after)] == ["approved", "active", "ended"]
    assert phase(_entry("pending", start, end), during) == "pending"
    assert phase(_entry("rejected", start, end), during) == "rejected"
    assert suspending([approved], "B02", during) is approved
    assert suspending([approved], "B02", before) is None
    assert suspending([approved], "B02", after) is None  # the end is when it serves again
    assert suspending([approved], "B01", during) is None
    assert suspending([_entry("pending", start, end)], "B02", during) is None
