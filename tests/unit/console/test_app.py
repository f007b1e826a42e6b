"""The console's web app: sign-in, sessions, CSRF, throttling, roles, answers in words."""

from __future__ import annotations

import datetime as dt

from bus.models.replies import TodayResult, TodayTicket
from bus.models.views import WindowStatus
from config.schema import HallConfig
from console.auth import SESSION_IDLE_SECONDS
from console.commands import Answer
from console.sse import batch, message
from tests.unit.console.helpers import Console
from tests.viewdata import AT, current


def cid_of(c: Console) -> str:
    session = c.sessions.get(c.client.cookies.get("hall_session"))
    assert session is not None
    return session.new_cid()


def test_signed_out_pages_go_to_the_login(hall: HallConfig) -> None:
    c = Console(hall)
    for path in ("/", "/hall", "/caller", "/caller/W03", "/windows", "/notices"):
        assert c.client.get(path).headers["location"] == "/login"


def test_the_session_cookie_is_httponly_strict_and_128_bit(hall: HallConfig) -> None:
    c = Console(hall)
    page = c.client.get("/login")
    response = c.client.post(
        "/login",
        data={"user": "s003", "password": "pw-staff", "csrf": page.cookies["hall_login"]},
    )
    cookie = next(h for h in response.headers.get_list("set-cookie") if "hall_session=" in h)
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    token = cookie.split("hall_session=")[1].split(";")[0]
    assert len(token) >= 22  # 16 random bytes, URL-safe base64
    assert response.headers["location"] == "/caller"  # two bound windows: choose one


def test_a_login_without_its_csrf_cookie_is_refused(hall: HallConfig) -> None:
    c = Console(hall)
    response = c.client.post("/login", data={"user": "s003", "password": "pw-staff", "csrf": "x"})
    assert response.status_code == 403
    assert "hall_session" not in c.client.cookies


def test_staff_see_only_the_caller_of_their_windows(hall: HallConfig) -> None:
    c = Console(hall)
    c.sign_in()
    assert c.client.get("/caller/W03").status_code == 200
    assert c.client.get("/caller/W01").status_code == 403
    assert c.client.get("/hall").status_code == 403


def test_the_manager_sees_the_hall_and_no_caller(hall: HallConfig) -> None:
    c = Console(hall)
    c.sign_in("manager", "pw-manager")
    assert c.client.get("/").headers["location"] == "/hall"
    page = c.client.get("/hall")
    assert page.status_code == 200 and "大厅总览" in page.text
    assert c.client.get("/caller/W03").status_code == 403


def test_a_post_without_the_csrf_token_is_403_and_sends_nothing(hall: HallConfig) -> None:
    c = Console(hall)
    c.sign_in()
    cid = cid_of(c)
    response = c.client.post("/caller/W03/do/call", data={"cid": cid})
    assert response.status_code == 403
    response = c.client.post(
        "/caller/W03/do/call", data={"cid": cid}, headers={"X-CSRF-Token": "forged"}
    )
    assert response.status_code == 403
    assert c.sender.sent == []


def test_a_click_sends_its_command_once_per_id_and_answers_in_words(hall: HallConfig) -> None:
    c = Console(hall)
    csrf = c.sign_in()
    cid = cid_of(c)
    headers = {"X-CSRF-Token": csrf}
    first = c.client.post("/caller/W03/do/call", data={"cid": cid}, headers=headers)
    c.client.post("/caller/W03/do/call", data={"cid": cid}, headers=headers)
    assert first.status_code == 200 and "已呼叫 C001" in first.text
    assert "hx-swap-oob" in first.text  # a fresh command id for the next click
    ids = [command_id for _a, _v, command_id, _f in c.sender.sent]
    assert ids == [f"console-{cid}-call"] * 2  # a retried POST is the same command
    assert c.sender.sent[0][3] == {"window": "W03"}
    assert c.sender.acting == ["s003", "s003"]  # as the signed-in user (the controller checks)


def test_a_refusal_is_shown_as_the_controller_said_it(hall: HallConfig) -> None:
    c = Console(hall)
    csrf = c.sign_in()
    refusal = Answer(False, "no_ticket", "窗口当前没有号", "no ticket at the window")
    c.sender.answers["skip"] = refusal
    response = c.client.post(
        "/caller/W03/do/skip", data={"cid": cid_of(c)}, headers={"X-CSRF-Token": csrf}
    )
    assert "未执行：窗口当前没有号" in response.text
    response = c.client.post(
        "/caller/W03/do/skip?lang=en", data={"cid": cid_of(c)}, headers={"X-CSRF-Token": csrf}
    )
    assert "Not done: no ticket at the window" in response.text


def test_sign_in_at_the_window_sends_the_staff_id_and_transfer_needs_a_service(
    hall: HallConfig,
) -> None:
    c = Console(hall)
    csrf = c.sign_in()
    headers = {"X-CSRF-Token": csrf}
    c.client.post("/caller/W03/do/login", data={"cid": cid_of(c)}, headers=headers)
    assert c.sender.sent[-1][:2] == ("queue", "login")
    assert c.sender.sent[-1][3] == {"window": "W03", "staff": "S003"}
    response = c.client.post("/caller/W03/do/transfer", data={"cid": cid_of(c)}, headers=headers)
    assert "请先选择要转移到的事项" in response.text and len(c.sender.sent) == 1
    c.client.post(
        "/caller/W03/do/transfer", data={"cid": cid_of(c), "service": "D01"}, headers=headers
    )
    assert c.sender.sent[-1][3] == {"window": "W03", "service": "D01"}


def test_a_command_id_not_handed_to_the_session_is_refused(hall: HallConfig) -> None:
    c = Console(hall)
    csrf = c.sign_in()
    response = c.client.post(
        "/caller/W03/do/call", data={"cid": "chosen-by-someone"}, headers={"X-CSRF-Token": csrf}
    )
    assert response.status_code == 409 and c.sender.sent == []


def test_five_failures_lock_the_user_name_for_15_minutes(hall: HallConfig) -> None:
    c = Console(hall)
    token = c.client.get("/login").cookies["hall_login"]
    for _ in range(5):
        r = c.client.post("/login", data={"user": "s003", "password": "bad", "csrf": token})
        assert r.status_code == 401
    locked = c.client.post("/login", data={"user": "s003", "password": "pw-staff", "csrf": token})
    assert locked.status_code == 429 and "15 分钟" in locked.text
    c.clock.t += 15 * 60 + 1
    assert c.client.post(
        "/login", data={"user": "s003", "password": "pw-staff", "csrf": token}
    ).status_code == 303


def test_a_session_expires_after_8_hours_idle_and_logout_ends_it(hall: HallConfig) -> None:
    c = Console(hall)
    csrf = c.sign_in()
    c.clock.t += SESSION_IDLE_SECONDS - 10
    assert c.client.get("/caller/W03").status_code == 200  # still in use: idle time restarts
    c.clock.t += SESSION_IDLE_SECONDS - 10
    assert c.client.get("/caller/W03").status_code == 200
    c.client.post("/logout", data={"csrf": csrf})
    assert c.client.get("/caller/W03").headers["location"] == "/login"
    c.sign_in()
    c.clock.t += SESSION_IDLE_SECONDS + 1
    assert c.client.get("/caller/W03").headers["location"] == "/login"


def test_the_caller_page_shows_the_live_ticket_and_english_on_request(hall: HallConfig) -> None:
    c = Console(hall)
    c.publish_window(current=current("C007"))
    c.sign_in()
    page = c.client.get("/caller/W03")
    assert "C007" in page.text and "呼叫" in page.text and 'data-key="F1"' in page.text
    assert f"last={c.state.event_id}" in page.text
    english = c.client.get("/caller/W03?lang=en")
    assert "Call next" in english.text
    assert "Call next" in c.client.get("/caller/W03").text  # the cookie keeps the choice


def test_text_from_the_bus_is_escaped(hall: HallConfig) -> None:
    c = Console(hall)
    c.publish_window(current=current("C007", name="<script>alert(1)</script>"))
    c.sign_in()
    page = c.client.get("/caller/W03")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_sse_messages_carry_an_id_and_one_data_line_per_html_line() -> None:
    text = message("e1-7", "ticket", "<p>a</p>\r\n<p>b</p>")
    assert text == "id: e1-7\nevent: ticket\ndata: <p>a</p>\ndata: <p>b</p>\n\n"
    assert batch("e1-8", []) == "id: e1-8\n\n"


def test_the_hall_lists_a_window_paused_too_long_and_todays_bad_review(hall: HallConfig) -> None:
    c = Console(hall)
    c.sign_in("manager", "pw-manager")
    limit = hall.console.pause_alarm_minutes
    c.publish_window(
        status=WindowStatus.PAUSED, paused_since=AT - dt.timedelta(minutes=limit - 1)
    )
    assert "暂停服务已" not in c.client.get("/hall").text  # not yet too long
    c.publish_window(
        status=WindowStatus.PAUSED, paused_since=AT - dt.timedelta(minutes=limit + 5)
    )
    c.state.day_tickets.load(TodayResult(day=AT.date(), seq=1, tickets=(TodayTicket(
        ticket="C001", category="C", service="C01", service_name="抵押登记", priority=False,
        issued_at=AT - dt.timedelta(minutes=30), status="done", window="W03",
        first_called_at=AT - dt.timedelta(minutes=20), called_at=AT - dt.timedelta(minutes=20),
        finished_at=AT - dt.timedelta(minutes=10), skipped=False, transferred=False, rating=1,
    ),)))  # fmt: skip
    page = c.client.get("/hall").text
    since = (AT - dt.timedelta(minutes=limit + 5)).astimezone(hall.tz).strftime("%H:%M")
    assert f"3号窗口暂停服务已 {limit + 5} 分钟（{since} 起）" in page
    assert "3号窗口收到差评：C001，1 分" in page
    english = c.client.get("/hall?lang=en").text
    assert f"Window 3 paused for {limit + 5} min" in english
