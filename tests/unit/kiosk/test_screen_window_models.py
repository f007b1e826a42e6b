"""Hall screen, window display and evaluator view-models against the real controller."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

from bus import topics
from bus.models.devices import KeyEvent
from kiosk.model_screen import CallEvent, ScreenModel
from kiosk.model_window import THANKS_SECONDS, DisplayModel, EvaluatorModel
from tests.conftest import REPO
from tests.unit.kiosk.conftest import FakeHall

HALL = "chengdong"


def screen(h: FakeHall) -> tuple[ScreenModel, list[tuple[str, int | None, bool]]]:
    heard: list[tuple[str, int | None, bool]] = []

    def announce(e: CallEvent) -> None:
        heard.append((e.data.ticket, e.data.window_number, e.event == "ticket.recalled"))

    model, _bus = h.model(ScreenModel, "screen-1", announce=announce)
    return model, heard


def test_the_screen_speaks_the_line_the_call_event_carries(fake_hall: FakeHall) -> None:
    """One voice line, made by the controller: the screen does not make its own."""
    lines: list[str] = []
    fake_hall.model(ScreenModel, "screen-1", announce=lambda e: lines.append(e.data.announcement))
    fake_hall.staff_in("W03")
    fake_hall.ok("queue", "issue", service="B01")
    fake_hall.ok("queue", "call", window="W03")
    fake_hall.ok("queue", "recall", window="W03")
    assert lines == ["请B零零一号到三号窗口办理"] * 2


def test_calls_are_announced_once_each_in_order_and_recall_again(fake_hall: FakeHall) -> None:
    model, heard = screen(fake_hall)
    fake_hall.staff_in("W01", "W02", "W03")
    for service in ("A01", "A02", "B01"):
        fake_hall.ok("queue", "issue", service=service)
    fake_hall.ok("queue", "call", window="W01")
    fake_hall.ok("queue", "call", window="W03")
    fake_hall.ok("queue", "call", window="W02")
    assert heard == [("A001", 1, False), ("B001", 3, False), ("A002", 2, False)]
    assert [(c.ticket, c.window_number) for c in model.calls()] == [
        ("A002", 2),
        ("B001", 3),
        ("A001", 1),
    ]
    fake_hall.now += dt.timedelta(seconds=30)
    fake_hall.ok("queue", "recall", window="W01")
    assert heard[-1] == ("A001", 1, True)
    assert model.calls()[0].ticket == "A001"  # the recalled ticket is the newest again


def test_a_repeated_event_is_not_announced_twice(fake_hall: FakeHall) -> None:
    _model, heard = screen(fake_hall)
    fake_hall.staff_in("W05")
    fake_hall.ok("queue", "issue", service="C01")
    fake_hall.ok("queue", "call", window="W05")
    called = fake_hall.broker.messages(topics.event(HALL, "ticket.called"))[-1]
    fake_hall.controller_bus.publish(called.topic, called.payload)  # redelivered after a reconnect
    assert heard == [("C001", 5, False)]


def test_a_restarted_screen_shows_current_calls_without_calling_them_again(
    fake_hall: FakeHall,
) -> None:
    fake_hall.staff_in("W07")
    fake_hall.ok("queue", "issue", service="E01")
    fake_hall.ok("queue", "call", window="W07")
    model, heard = screen(fake_hall)
    assert [c.ticket for c in model.calls()] == ["E001"]
    assert heard == []


def test_a_finished_ticket_leaves_the_calls_and_waiting_counts_follow(
    fake_hall: FakeHall,
) -> None:
    model, _heard = screen(fake_hall)
    fake_hall.staff_in("W03")
    fake_hall.ok("queue", "issue", service="B01")
    fake_hall.ok("queue", "issue", service="B02")
    rows = {r.prefix: r for r in model.waiting_rows()}
    assert rows["B"].waiting == 2 and rows["B"].windows == (3, 4, 9, 10)
    fake_hall.ok("queue", "call", window="W03")
    assert {r.prefix: r for r in model.waiting_rows()}["B"].waiting == 1
    fake_hall.ok("queue", "finish", window="W03")
    assert model.calls() == []


def test_urgent_notice_takes_the_screen_and_others_scroll(fake_hall: FakeHall) -> None:
    model, _heard = screen(fake_hall)
    fake_hall.ok("notice", "push", text="下午三点系统维护", targets=["screens"])
    fake_hall.ok("notice", "push", text="只给取号机", targets=["kiosks"])
    assert model.urgent_notice() is None
    assert [n.text for n in model.ticker_notices()] == ["下午三点系统维护"]
    fake_hall.ok("notice", "push", text="请有序疏散", targets=["all"], priority="urgent")
    urgent = model.urgent_notice()
    assert urgent is not None and urgent.text == "请有序疏散"


def test_window_display_shows_the_current_ticket_and_paused(fake_hall: FakeHall) -> None:
    model, _bus = fake_hall.model(DisplayModel, "display-W03", window="W03")
    assert model.window_number() == 3 and model.department() == "不动产登记"
    assert model.current_ticket() is None
    fake_hall.staff_in("W03")
    fake_hall.ok("queue", "issue", service="B02")
    fake_hall.ok("queue", "call", window="W03")
    assert (model.current_ticket(), model.current_service()) == ("B001", "抵押登记")
    fake_hall.ok("queue", "pause", window="W03")
    assert model.paused
    fake_hall.ok("queue", "resume", window="W03")
    assert not model.paused


def state_of(model: EvaluatorModel) -> str:
    return model.state


def finished_at_w01(h: FakeHall) -> None:
    h.staff_in("W01")
    h.ok("queue", "issue", service="A01")
    h.ok("queue", "call", window="W01")
    h.ok("queue", "finish", window="W01")


def test_evaluator_rates_the_finished_ticket_once_and_thanks(fake_hall: FakeHall) -> None:
    model, _bus = fake_hall.model(EvaluatorModel, "evaluator-W01", window="W01")
    assert state_of(model) == "stopped"  # nobody signed in yet: 停止服务
    finished_at_w01(fake_hall)
    staff = model.staff()
    assert staff is not None and (staff.name, staff.staff_number) == ("张敏", "CD001")
    assert state_of(model) == "rating" and model.rating_ticket() == "A001"
    model.rate(4)
    assert state_of(model) == "thanks" and model.message() == "感谢您的评价！"
    rated = fake_hall.payloads(topics.event(HALL, "ticket.rated"))
    assert [(e["data"]["ticket"], e["data"]["level"]) for e in rated] == [("A001", 4)]
    sent = fake_hall.payloads(topics.command(HALL, "evaluator-W01", "queue", "rate"))
    assert sent[-1]["ticket"] == "A001" and sent[-1]["window"] == "W01"
    model.rate(5)  # 一事一评: a second touch sends nothing
    assert len(fake_hall.payloads(topics.command(HALL, "evaluator-W01", "queue", "rate"))) == 1
    fake_hall.ticks.advance(THANKS_SECONDS)
    model.tick()
    assert state_of(model) == "idle"


def test_a_press_on_the_evaluator_keypad_is_thanked_on_screen(fake_hall: FakeHall) -> None:
    """The bridge sends the keypad's rating itself; the screen only says thank you."""
    model, _bus = fake_hall.model(EvaluatorModel, "evaluator-W01", window="W01")
    finished_at_w01(fake_hall)
    bridge = fake_hall.broker.client(HALL, "bridge-evaluator-W01")
    bridge.start()
    bridge.publish(
        topics.device(HALL, "evaluator-W01", "keys", "key"), KeyEvent(action="rating", value="3")
    )
    assert state_of(model) == "thanks"
    assert fake_hall.payloads(topics.command(HALL, "evaluator-W01", "queue", "rate")) == []


def test_evaluator_after_the_rating_timeout_says_so(fake_hall: FakeHall) -> None:
    model, _bus = fake_hall.model(EvaluatorModel, "evaluator-W01", window="W01")
    finished_at_w01(fake_hall)
    fake_hall.now += dt.timedelta(seconds=121)  # the controller has not ticked yet
    model.rate(1)
    assert state_of(model) == "refused"
    assert model.message() == "评价已超时，记为未评价"


def test_evaluator_shows_stop_while_the_window_is_paused(fake_hall: FakeHall) -> None:
    model, _bus = fake_hall.model(EvaluatorModel, "evaluator-W01", window="W01")
    finished_at_w01(fake_hall)
    fake_hall.ok("queue", "pause", window="W01")
    assert state_of(model) == "stopped"
    model.rate(5)
    assert fake_hall.payloads(topics.command(HALL, "evaluator-W01", "queue", "rate")) == []


def test_view_models_import_no_kivy() -> None:
    """View-models run (and are tested) without a window or a GPU."""
    code = (
        "import sys, kiosk.model_kiosk, kiosk.model_screen, kiosk.model_window, kiosk.voice;"
        "print([m for m in sys.modules if m.split('.')[0] == 'kivy'])"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert res.returncode == 0 and res.stdout.strip() == "[]", res.stdout + res.stderr
