"""Bad-review work orders (Q7): due across a holiday, the steps, the appeal and the count."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bus.models.queue import (
    Call,
    CloseWorkorder,
    Finish,
    Issue,
    Login,
    Rate,
    UpdateWorkorder,
    WorkordersQuery,
)
from bus.models.replies import ReviewGrade, WorkorderEntry
from hallqueue.engine import Outcome, from_record, initial_state, records_of, to_record
from hallqueue.engine.hours import make_ctx
from hallqueue.engine.workorder_list import workdays_left, workorder_list
from hallqueue.stats import staff_review_grades
from tests.unit.queue.conftest import Driver, ok, public, refused

BEFORE_NATIONAL_DAY = dt.date(2026, 9, 30)
"""A Wednesday: 10-01 to 10-07 are 国庆 holidays, Saturday 10-10 an adjusted workday (调休)."""


def bad_review(q: Driver, at: str = "10:00", level: int = 2) -> str:
    """S001 serves a citizen at W01 who rates ``level``; the work order's key."""
    q(Issue(service="A01", id="t"), at)
    q(Call(window="W01", id="t"), at)
    q(Finish(window="W01", id="t"), at)
    return str(ok(q(Rate(window="W01", level=level, id="t"), at))["workorder"])


def step(
    q: Driver, key: str, name: str, note: str = "", by: str | None = None,
    verified: bool | None = None,
) -> Outcome:
    op = UpdateWorkorder(
        workorder=key, step=name, note=note, verified=verified, id="t", acting_user=by
    )
    return q(op, "11:00")


def on_day(q: Driver, day: dt.date) -> Driver:
    q.state = initial_state(q.hall, q.at("08:00", day))
    q.day = day
    q(Login(window="W01", staff="S001", id="t"), "09:00")
    return q


def grade(q: Driver, year: int = 2026) -> ReviewGrade:
    records = [(k, key, to_record(e)) for k, key, e in records_of(q.state)]
    return staff_review_grades(records, year).staff["S001"]


def listed(q: Driver, now: dt.datetime, **query: Any) -> list[WorkorderEntry]:
    ctx = make_ctx(q.hall, q.calendar, now)
    return workorder_list(ctx, q.state, WorkordersQuery(id="t", **query))


def test_a_rating_of_2_before_national_day_is_due_10_workdays_later_across_the_holiday(
    q: Driver,
) -> None:
    """09-30 + 10 workdays: 10-08, 09, 10 (Saturday, 调休), 12 … 16, 19, 20."""
    on_day(q, BEFORE_NATIONAL_DAY)
    q(Issue(service="A01", id="t"), "10:00")
    q(Call(window="W01", id="t"), "10:00")
    q(Finish(window="W01", id="t"), "10:05")
    out = q(Rate(window="W01", level=2, id="t"), "10:06")
    assert public(out.events)[1] == {"event": "workorder.created", "ticket": "A001",
                                     "due": "2026-10-20"}  # fmt: skip
    (order,) = listed(q, q.at("10:07"))
    assert (order.due, order.workdays_left, order.overdue) == (dt.date(2026, 10, 20), 10, False)
    assert order.staff == "S001" and order.department == "shebao" and order.level == 2


def test_the_countdown_counts_workdays_and_goes_below_zero_when_overdue(q: Driver) -> None:
    on_day(q, BEFORE_NATIONAL_DAY)
    bad_review(q)
    due = dt.date(2026, 10, 20)
    assert workdays_left(q.calendar, dt.date(2026, 10, 4), due) == 10  # in the holiday
    assert workdays_left(q.calendar, dt.date(2026, 10, 10), due) == 7  # the Saturday worked
    assert workdays_left(q.calendar, due, due) == 0
    (late,) = listed(q, q.at("09:00", dt.date(2026, 10, 22)))
    assert (late.workdays_left, late.overdue) == (-2, True)
    (weekend,) = listed(q, q.at("09:00", dt.date(2026, 10, 24)))  # Saturday after Friday 10-23
    assert (weekend.workdays_left, weekend.overdue) == (-3, True)


def test_the_steps_are_recorded_with_who_gave_them_and_then_it_closes(q: Driver) -> None:
    key = bad_review(q)
    ok(step(q, key, "verify", "群众称等候时工作人员离岗", "chief-a", verified=True))
    assert refused(q(CloseWorkorder(workorder=key, id="t"), "11:01")) == "steps_missing"
    ok(step(q, key, "rectify", "已约谈整改", "chief-a"))
    ok(step(q, key, "reply", "已电话答复群众", "chief-a"))
    out = q(CloseWorkorder(workorder=key, id="t", acting_user="admin"), "11:05")
    assert ok(out)["overdue"] is False
    order = q.state.workorders[key]
    assert [(s.step, s.by) for s in order.steps] == [
        ("verify", "chief-a"), ("rectify", "chief-a"), ("reply", "chief-a"), ("close", "admin")
    ]  # fmt: skip
    assert order.steps[0].verified is True and order.visit_note == "群众称等候时工作人员离岗"
    assert from_record("workorder", to_record(order)) == order  # survives a restart
    assert refused(step(q, key, "reply", "再答复")) == "workorder_closed"


def test_an_unverified_complaint_closes_with_the_explanation_and_the_reply(q: Driver) -> None:
    key = bad_review(q)
    ok(step(q, key, "verify", "群众表示系误按", verified=False))
    ok(step(q, key, "rectify"))  # 解释说明, the explanation given
    assert q.state.workorders[key].rectification == "已解释说明"
    ok(step(q, key, "reply", "已答复"))
    ok(q(CloseWorkorder(workorder=key, id="t"), "11:05"))


def test_an_upheld_appeal_takes_the_rating_out_of_the_unqualified_count(q: Driver) -> None:
    q(Login(window="W01", staff="S001", id="t"), "09:00")
    first, second = bad_review(q, "10:00"), bad_review(q, "10:30", level=1)
    ok(step(q, first, "verify", "属实", verified=True))
    ok(step(q, second, "verify", "属实", verified=True))
    assert grade(q).unqualified is True
    ok(step(q, second, "appeal", "监控显示系他人误按评价器", "chief-a"))
    assert grade(q).unqualified is True  # an appeal counts only once it is upheld
    out = ok(step(q, second, "appeal_upheld", "经核实申诉成立", "admin"))
    assert out["appeal"] == "upheld"
    g = grade(q)
    assert (g.bad_reviews, g.verified, g.appeals_upheld) == (1, 1, 1)
    assert g.unqualified is False and g.excellent_barred is True  # the first still bars 优秀


def test_a_rejected_appeal_keeps_the_rating_in_the_count(q: Driver) -> None:
    q(Login(window="W01", staff="S001", id="t"), "09:00")
    keys = [bad_review(q, "10:00"), bad_review(q, "10:30")]
    for key in keys:
        ok(step(q, key, "verify", "属实", verified=True))
    ok(step(q, keys[1], "appeal", "群众情绪激动，恶意差评"))
    ok(step(q, keys[1], "appeal_rejected", "回访录音显示群众反映属实"))
    g = grade(q)
    assert (g.verified, g.appeals_upheld, g.unqualified) == (2, 0, True)


def test_appeal_refusals_say_why(q: Driver) -> None:
    key = bad_review(q)
    reasonless = step(q, key, "appeal").refusal
    assert reasonless is not None and "理由" in reasonless.message_zh
    assert refused(step(q, key, "appeal_upheld", "成立")) == "no_appeal"
    ok(step(q, key, "appeal", "误评"))
    assert refused(step(q, key, "appeal", "再次申诉")) == "appeal_pending"
    closing = q(CloseWorkorder(workorder=key, id="t"), "11:02").refusal
    assert closing is not None and closing.message_zh == "申诉尚待中心决定，决定后才能办结"
    ok(step(q, key, "appeal_rejected", "不成立"))
    decided = step(q, key, "appeal_upheld", "改判").refusal
    assert decided is not None and decided.code == "appeal_decided"
    assert "申诉不成立" in decided.message_zh and "rejected" in decided.message_en
    bad = step(q, key, "escalate").refusal
    assert bad is not None and bad.code == "bad_step" and "escalate" in bad.message_zh


def test_an_upheld_appeal_needs_only_the_reply_to_close(q: Driver) -> None:
    key = bad_review(q)
    ok(step(q, key, "appeal", "恶意差评"))
    ok(step(q, key, "appeal_upheld", "成立"))
    missing = q(CloseWorkorder(workorder=key, id="t"), "11:01").refusal
    assert missing is not None and "答复" in missing.message_zh
    ok(step(q, key, "reply", "已向群众说明"))
    ok(q(CloseWorkorder(workorder=key, id="t"), "11:02"))
    closed = step(q, key, "appeal", "再申诉").refusal
    assert closed is not None and closed.message_zh == "工单已办结，不能再申诉"


def test_the_list_filters_by_status_day_and_department(q: Driver) -> None:
    first = bad_review(q, "10:00")
    q(Issue(service="C01", id="t"), "10:10")
    q(Call(window="W05", id="t"), "10:10")
    q(Finish(window="W05", id="t"), "10:10")
    other = str(ok(q(Rate(window="W05", level=1, id="t"), "10:10"))["workorder"])
    ok(step(q, other, "verify", "属实", verified=False))
    ok(step(q, other, "reply", "已答复"))
    ok(q(CloseWorkorder(workorder=other, id="t"), "11:30"))
    now = q.at("12:00")
    assert [o.workorder for o in listed(q, now)] == [first, other]  # open first
    assert [o.workorder for o in listed(q, now, status="closed")] == [other]
    assert [o.workorder for o in listed(q, now, department="shebao")] == [first]
    assert listed(q, now, date_from=q.day + dt.timedelta(days=1)) == []
    closed = listed(q, now, status="closed")[0]
    assert closed.workdays_left is None and [s.step for s in closed.steps][-1] == "close"
