"""The ticket kiosk's view-model against the real controller on a FakeBus."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bus import topics
from bus.models.devices import DeviceState, DeviceStatus, PrintResult, ScanEvent
from kiosk.model_kiosk import IDLE_SECONDS, PRINT_ANSWER_SECONDS, KioskModel
from tests.unit.kiosk.conftest import SHANGHAI, FakeHall

HALL = "chengdong"


def kiosk(h: FakeHall, **kwargs: object) -> KioskModel:
    model, _bus = h.model(KioskModel, "kiosk-1", **kwargs)  # type: ignore[arg-type]
    return model


def screen_of(model: KioskModel) -> str:
    """The screen shown now (a function, so mypy does not keep an earlier comparison)."""
    return model.screen


def take(model: KioskModel, category: str, item: str, priority: bool = False) -> None:
    model.choose_category(category)
    model.choose_item(item)
    model.take_ticket(priority)


def printer_topic(leaf: str) -> str:
    return topics.device(HALL, "kiosk-1", "printer", leaf)


def test_catalog_and_waiting_counts_come_from_the_controller(fake_hall: FakeHall) -> None:
    model = kiosk(fake_hall)
    assert model.ready and not model.lost
    assert [p for p, _ in model.categories()] == ["A", "B", "C", "D", "E", "Z"]
    assert [code for code, _ in model.items("A")] == ["A01", "A02", "A03"]
    assert model.waiting("A") == 0
    fake_hall.ok("queue", "issue", service="A02")
    assert model.waiting("A") == 1


def test_taking_a_ticket_shows_number_ahead_wait_and_windows_and_prints_it(
    fake_hall: FakeHall,
) -> None:
    fake_hall.ok("queue", "issue", service="A02")
    model = kiosk(fake_hall)
    take(model, "A", "A01")
    assert screen_of(model) == "ticket"
    ticket = model.ticket
    assert ticket is not None and (ticket.ticket, ticket.ahead) == ("A002", 1)
    assert model.windows_text(list(ticket.windows)) == "1、2、9、10号窗口"
    assert isinstance(ticket.estimated_wait_minutes, int)
    jobs = fake_hall.payloads(printer_topic("print"))
    assert len(jobs) == 1 and jobs[0]["document"] == "ticket"
    data = jobs[0]["data"]
    assert (data["number"], data["service"], data["ahead"]) == ("A002", "社保卡补换", 1)
    assert data["windows"] == ["1号窗口", "2号窗口", "9号窗口", "10号窗口"]
    assert data["department"] == "社保医保" and data["hall_name"] == "城东区政务服务中心"
    assert model.print_message() == "正在打印号票…"


def test_a_second_touch_while_waiting_for_the_reply_takes_no_second_ticket(
    fake_hall: FakeHall,
) -> None:
    queued: list[Callable[[], None]] = []
    model = kiosk(fake_hall, deliver=queued.append)  # replies wait for "the next frame"
    model.choose_category("C")
    model.choose_item("C01")
    model.take_ticket()
    model.take_ticket()
    assert screen_of(model) == "issuing"
    for fn in queued:
        fn()
    assert screen_of(model) == "ticket"
    assert model.ticket is not None and model.ticket.ticket == "C001"
    assert fake_hall.ok("queue", "issue", service="C01")["ticket"] == "C002"


def test_green_channel_ticket_is_priority_but_its_number_does_not_say_so(
    fake_hall: FakeHall,
) -> None:
    fake_hall.ok("queue", "issue", service="D01")
    model = kiosk(fake_hall)
    take(model, "D", "D02", priority=True)
    ticket = model.ticket
    assert ticket is not None and ticket.priority is True and ticket.ticket == "D002"
    assert ticket.ahead == 0  # ahead of the normal ticket already waiting


def test_suspended_item_shows_the_notice_and_a_refusal_says_why(fake_hall: FakeHall) -> None:
    fake_hall.ok("queue", "suspend", service="A02", notice="系统升级，暂停受理")
    model = kiosk(fake_hall)
    model.choose_category("A")
    item = dict(model.items())["A02"]
    assert model.item_status_text(item) == "暂停办理：系统升级，暂停受理"
    model.choose_item("A02")
    assert not model.can_issue()
    model.take_ticket()  # the button is disabled; the controller refuses anyway
    assert screen_of(model) == "refused"
    assert model.refusal[0] == "该业务临时停办：系统升级，暂停受理"
    model.back()
    assert screen_of(model) == "guide"


def test_after_the_last_ticket_time_items_say_closed_with_the_hours(fake_hall: FakeHall) -> None:
    model = kiosk(fake_hall)
    fake_hall.at(dt.datetime(2026, 11, 24, 16, 31, tzinfo=SHANGHAI))
    model.choose_category("B")
    item = dict(model.items())["B01"]
    assert item.status == "closed"
    assert model.item_status_text(item) == "今日已停止取号（取号时间 09:00–16:30）"
    model.toggle_lang()
    assert model.item_status_text(item) == "Closed for today (Tickets 09:00–16:30)"


def test_printer_fault_is_shown_in_plain_words_and_reprint_sends_the_ticket_again(
    fake_hall: FakeHall,
) -> None:
    bridge = fake_hall.broker.client(HALL, "bridge-kiosk-1")
    bridge.start()
    model = kiosk(fake_hall)
    bridge.publish(printer_topic("state"), DeviceStatus(state=DeviceState.PAPER_OUT), retain=True)
    assert model.printer_fault() == "打印机缺纸，请联系工作人员更换纸卷"
    bridge.publish(
        printer_topic("state"), DeviceStatus(state=DeviceState.PAPER_NEAR_END), retain=True
    )
    assert model.printer_fault() is None  # still prints: not the citizen's concern
    bridge.publish(printer_topic("state"), DeviceStatus(state=DeviceState.PAPER_OUT), retain=True)
    take(model, "A", "A01")
    job = fake_hall.payloads(printer_topic("print"))[-1]
    bridge.publish(
        printer_topic("result"), PrintResult(job_id="other", ok=True, state=DeviceState.OK)
    )
    assert model.print_status == "printing"  # someone else's job
    bridge.publish(
        printer_topic("result"),
        PrintResult(job_id=job["job_id"], ok=False, state=DeviceState.PAPER_OUT),
    )
    assert screen_of(model) == "ticket"
    assert model.ticket is not None and model.ticket.ticket == "A001"
    assert model.print_message() == (
        "打印机缺纸，请联系工作人员更换纸卷。号码已取好，请记住屏幕上的号码等候叫号"
    )
    model.reprint()
    again = fake_hall.payloads(printer_topic("print"))[-1]
    assert again["job_id"] != job["job_id"] and again["data"]["number"] == "A001"
    done = PrintResult(job_id=again["job_id"], ok=True, state=DeviceState.OK)
    bridge.publish(printer_topic("result"), done)
    assert model.print_message() == "请取走号票"


def test_a_printer_that_never_answers_is_reported(fake_hall: FakeHall) -> None:
    model = kiosk(fake_hall)
    take(model, "E", "E01")
    fake_hall.ticks.advance(PRINT_ANSWER_SECONDS - 1)
    model.check_idle()
    assert model.print_status == "printing"
    fake_hall.ticks.advance(2)
    model.check_idle()
    assert model.print_message().startswith("打印机无应答")


def test_back_to_the_start_after_a_minute_without_a_touch(fake_hall: FakeHall) -> None:
    model = kiosk(fake_hall)
    model.touched()
    model.choose_category("B")
    model.choose_item("B01")
    fake_hall.ticks.advance(IDLE_SECONDS - 1)
    model.check_idle()
    assert screen_of(model) == "guide"
    model.touched()
    fake_hall.ticks.advance(IDLE_SECONDS - 1)
    model.check_idle()
    assert screen_of(model) == "guide"
    fake_hall.ticks.advance(1)
    model.check_idle()
    assert screen_of(model) == "home" and model.item is None


def test_the_next_citizen_starts_in_chinese_with_normal_text(fake_hall: FakeHall) -> None:
    model = kiosk(fake_hall)
    model.toggle_lang()
    model.toggle_large_text()
    take(model, "Z", "Z01")
    model.finish()  # 完成
    assert (model.lang, model.large_text, screen_of(model)) == ("zh", False, "home")


def book_friday_1000(h: FakeHall) -> str:
    code: str = h.ok(
        "queue",
        "book",
        service="A03",
        slot=dt.datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI),
        mobile="13812345678",
    )["code"]
    return code


def test_check_in_by_typed_code_gives_a_priority_ticket(fake_hall: FakeHall) -> None:
    code = book_friday_1000(fake_hall)
    fake_hall.at(dt.datetime(2026, 11, 27, 9, 45, tzinfo=SHANGHAI))
    model = kiosk(fake_hall)
    model.open_checkin()
    for ch in code:
        model.type_key(ch)
    model.type_key("9")
    model.delete_key()
    model.send_checkin()
    assert screen_of(model) == "ticket"
    ticket = model.ticket
    assert ticket is not None and ticket.priority is True and ticket.booking == code
    assert ticket.ticket.startswith("A")


def test_check_in_too_early_is_refused_with_the_reason(fake_hall: FakeHall) -> None:
    code = book_friday_1000(fake_hall)
    fake_hall.at(dt.datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI))
    model = kiosk(fake_hall)
    model.open_checkin()
    for ch in code:
        model.type_key(ch)
    model.send_checkin()
    assert screen_of(model) == "refused"
    assert model.refusal[0] == "尚未到签到时间（时段开始前30分钟起）"
    model.back()
    assert screen_of(model) == "home"


def test_a_scanned_booking_code_checks_in_from_any_screen(fake_hall: FakeHall) -> None:
    code = book_friday_1000(fake_hall)
    fake_hall.at(dt.datetime(2026, 11, 27, 10, 20, tzinfo=SHANGHAI))
    model = kiosk(fake_hall)
    model.choose_category("C")
    bridge = fake_hall.broker.client(HALL, "bridge-kiosk-1")
    bridge.start()
    bridge.publish(topics.device(HALL, "kiosk-1", "scanner", "scan"), ScanEvent(text=f" {code}\n"))
    assert screen_of(model) == "ticket"
    assert model.ticket is not None and model.ticket.booking == code


def test_a_notice_announced_ahead_appears_when_its_start_comes(fake_hall: FakeHall) -> None:
    model = kiosk(fake_hall)
    start = dt.datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)
    fake_hall.ok("notice", "push", text="十点起暂停受理不动产业务", start=start.isoformat())
    assert model.visible_notices() == []
    fake_hall.at(start)  # the beacon moves the kiosk's hall clock
    assert [n.text for n in model.visible_notices()] == ["十点起暂停受理不动产业务"]


def test_kiosk_notices_are_shown_and_a_revoked_one_disappears(fake_hall: FakeHall) -> None:
    model = kiosk(fake_hall)
    mine = fake_hall.ok("notice", "push", text="今日下午不动产登记延时服务", targets=["kiosks"])
    fake_hall.ok("notice", "push", text="只给综合屏", targets=["screens"])
    assert [n.text for n in model.visible_notices()] == ["今日下午不动产登记延时服务"]
    fake_hall.ok("notice", "revoke", notice_id=mine["notice_id"])
    assert model.visible_notices() == []


def test_losing_the_broker_or_the_controller_shows_connection_lost(fake_hall: FakeHall) -> None:
    model, bus = fake_hall.model(KioskModel, "kiosk-1")
    assert not model.lost
    bus.drop()
    assert model.lost
    bus.restore()
    assert not model.lost
    fake_hall.controller_bus.stop()  # says offline, as its last will would
    assert model.lost
    fake_hall.controller_bus.start()
    assert not model.lost


def test_english_toggle_changes_names_and_refusals(fake_hall: FakeHall) -> None:
    fake_hall.ok("queue", "suspend", service="A02", notice="系统升级")
    model = kiosk(fake_hall)
    model.toggle_lang()
    model.choose_category("A")
    model.choose_item("A02")
    model.take_ticket()
    assert model.refusal[1] == "This service is temporarily suspended: 系统升级"
    item = dict(model.items())["A02"]
    assert model.item_status_text(item) == "Suspended: 系统升级"


def test_the_bridge_can_print_the_ticket_and_the_one_time_notice_the_kiosk_sends(
    fake_hall: FakeHall,
) -> None:
    """The jobs' data are the printer documents of firmware_bridge (RULES Q1, Q13)."""
    from bus.models.devices import PrintJob
    from config.schema import ItemType
    from firmware_bridge.printer.document import OneTimeNotice, Ticket
    from firmware_bridge.printer.jobs import document_from_job

    model = kiosk(fake_hall)
    model.choose_category("A")
    model.choose_item("A03")
    model.print_guide()
    model.take_ticket()
    guide, ticket = fake_hall.payloads(printer_topic("print"))
    notice = document_from_job(PrintJob.model_validate(guide))
    assert isinstance(notice, OneTimeNotice)
    assert (notice.item_name, notice.item_type, notice.promised_workdays) == (
        "养老保险待遇申领",
        ItemType.PROMISED,
        5,
    )
    assert notice.materials[0] == "居民身份证原件" and notice.enquiry_phone == "0000-12333"
    printed = document_from_job(PrintJob.model_validate(ticket))
    assert isinstance(printed, Ticket)
    assert (printed.number, printed.windows, printed.ahead) == (
        "A001",
        ("1号窗口", "2号窗口", "9号窗口", "10号窗口"),
        0,
    )


def test_ticket_qr_points_at_the_halls_status_page_by_its_token(fake_hall: FakeHall) -> None:
    """Q1: the ticket's QR code lets the citizen check the queue from a phone: the hall's
    public_url and the ticket's random token, never its number."""
    model = kiosk(fake_hall)
    model.hall = model.hall.model_copy(
        update={"public_url": "https://zwfw.example.gov.cn/chengdong"}
    )
    take(model, "B", "B01")
    url = fake_hall.payloads(printer_topic("print"))[-1]["data"]["status_url"]
    assert url.startswith("https://zwfw.example.gov.cn/chengdong/t/")
    token = url.rsplit("/", 1)[1]
    assert len(token) >= 16 and "B001" not in url  # 96 random bits, URL-safe base64


def test_without_a_public_url_the_qr_keeps_the_halls_own_reference(fake_hall: FakeHall) -> None:
    model = kiosk(fake_hall)
    model.hall = model.hall.model_copy(update={"public_url": ""})
    take(model, "B", "B01")
    url = fake_hall.payloads(printer_topic("print"))[-1]["data"]["status_url"]
    assert url.startswith("servicehall:chengdong/ticket/") and url.endswith("/B001")


def test_a_printer_state_the_kiosk_has_no_words_for_is_shown_as_a_fault(
    fake_hall: FakeHall,
) -> None:
    """A newer bridge's state (say ``paper_jam``) is never shown to citizens as its raw key."""
    bridge = fake_hall.broker.client(HALL, "bridge-kiosk-1")
    bridge.start()
    model = kiosk(fake_hall)
    bridge.publish(printer_topic("state"), {"v": 1, "state": "paper_jam"}, retain=True)
    assert model.printer_state is not None and model.printer_state.state is DeviceState.ERROR
    assert model.printer_fault() == "打印机故障，请联系工作人员"
