"""What a sender may act for (controller/authority.py): each role, each command, own vs other."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bus import contract
from bus.models import queue
from bus.models.attendance import Punch
from bus.models.base import COMMANDS, Command
from config.schema import HallConfig
from controller.authority import (
    FORBIDDEN,
    MANAGER_USER,
    PIN_REQUIRED,
    ROLE_COMMANDS,
    Authority,
    ticket_category,
)

AT = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))

WINDOW_VERBS = (
    "call", "recall", "skip", "finish", "hold", "resume_ticket", "pause", "resume", "logout",
)  # fmt: skip
"""The caller's commands that name nothing but the window."""


def _cmd(area: str, verb: str, **fields: Any) -> Command:
    return COMMANDS[(area, verb)].model_validate({"v": 1, "id": "t1", **fields})


def _punch(**fields: Any) -> Punch:
    base = {"staff_id": "S001", "time": AT, "source": "face", "device": "terminal-1"}
    cmd = _cmd("att", "punch", **{**base, **fields})
    assert isinstance(cmd, Punch)
    return cmd


@pytest.fixture
def authority(hall: HallConfig) -> Authority:
    return Authority(hall)


def _refused(authority: Authority, sender: str, cmd: Command) -> str:
    refusal = authority.check(sender, cmd)
    assert refusal is not None, f"{sender} may send {cmd!r}?"
    assert refusal.code == FORBIDDEN
    return refusal.message


@pytest.mark.parametrize("verb", WINDOW_VERBS)
def test_a_caller_operates_its_own_window_only(authority: Authority, verb: str) -> None:
    assert authority.check("caller-W01", _cmd("queue", verb, window="W01")) is None
    message = _refused(authority, "caller-W01", _cmd("queue", verb, window="W05"))
    assert message == "只能操作本窗口 W01 / may act only for window W01"


def test_a_caller_logs_in_and_transfers_at_its_own_window_only(authority: Authority) -> None:
    login = {"staff_number": "CD005", "pin": "482913"}
    assert authority.check("caller-W05", _cmd("queue", "login", window="W05", **login)) is None
    _refused(authority, "caller-W01", _cmd("queue", "login", window="W05", **login))
    transfer = {"service": "B01"}
    assert (
        authority.check("caller-W01", _cmd("queue", "transfer", window="W01", **transfer)) is None
    )
    _refused(authority, "caller-W01", _cmd("queue", "transfer", window="W05", **transfer))
    resume = {"ticket": "A003"}
    assert (
        authority.check("caller-W01", _cmd("queue", "resume_ticket", window="W01", **resume))
        is None
    )
    _refused(authority, "caller-W01", _cmd("queue", "resume_ticket", window="W02", **resume))


def test_a_caller_signs_in_only_with_the_pin_the_console_and_manager_without(
    authority: Authority,
) -> None:
    """A caller's word is not enough for who signs in: its login carries the PIN (which the
    controller checks, tests/unit/foundation/test_window_login.py)."""
    for login in ({"staff": "S005"}, {"staff": "S005", "staff_number": None}):
        refusal = authority.check("caller-W05", _cmd("queue", "login", window="W05", **login))
        assert refusal is not None and refusal.code == PIN_REQUIRED
        assert refusal.message.startswith("叫号器登录须输入工号和密码")
    with_pin = {"staff": "S005", "pin": "482913"}
    assert authority.check("caller-W05", _cmd("queue", "login", window="W05", **with_pin)) is None
    assert authority.check(MANAGER_USER, _cmd("queue", "login", window="W05", staff="S005")) is None


def test_a_caller_reactivates_only_tickets_of_the_categories_its_window_serves(
    authority: Authority,
) -> None:
    """W01 serves A; W09 (comprehensive) serves A to E; W05 serves C."""
    assert authority.check("caller-W01", _cmd("queue", "reactivate", ticket="A007")) is None
    assert (
        authority.check("caller-W01", _cmd("queue", "reactivate", ticket="2026-11-23/A007")) is None
    )
    message = _refused(authority, "caller-W01", _cmd("queue", "reactivate", ticket="C002"))
    assert message.startswith("只能恢复本窗口 W01 所办类别（A）的号") and "C002" in message
    _refused(authority, "caller-W01", _cmd("queue", "reactivate", ticket="not-a-ticket"))
    for ticket in ("A001", "C002", "E010"):
        assert authority.check("caller-W09", _cmd("queue", "reactivate", ticket=ticket)) is None
    _refused(authority, "caller-W09", _cmd("queue", "reactivate", ticket="Z001"))


def test_an_evaluator_rates_its_own_window_only(authority: Authority) -> None:
    assert authority.check("evaluator-W01", _cmd("queue", "rate", window="W01", level=5)) is None
    message = _refused(authority, "evaluator-W01", _cmd("queue", "rate", window="W05", level=1))
    assert "W01" in message and "W05" not in message
    # An evaluator calls nothing, even at its own window; a caller rates nothing.
    _refused(authority, "evaluator-W01", _cmd("queue", "call", window="W01"))
    _refused(authority, "caller-W01", _cmd("queue", "rate", window="W01", level=5))


def test_a_kiosk_issues_checks_in_and_books_only_as_itself(authority: Authority) -> None:
    assert authority.check("kiosk-1", _cmd("queue", "issue", service="A01")) is None
    assert authority.check("kiosk-1", _cmd("queue", "issue", service="A01", node="kiosk-1")) is None
    message = _refused(authority, "kiosk-1", _cmd("queue", "issue", service="A01", node="kiosk-2"))
    assert "kiosk-1" in message and "kiosk-2" in message
    assert authority.check("kiosk-2", _cmd("queue", "checkin", code="123456")) is None
    book = {"service": "A01", "slot": "2026-11-25T10:00:00+08:00", "mobile": "13812345678"}
    assert authority.check("kiosk-2", _cmd("queue", "book", **book)) is None
    for verb, fields in (("call", {"window": "W01"}), ("cancel_booking", {"code": "1"})):
        _refused(authority, "kiosk-1", _cmd("queue", verb, **fields))
    _refused(authority, "kiosk-1", _punch(device="kiosk-1"))


def test_a_terminal_punches_only_from_its_own_device_and_never_manual(
    authority: Authority,
) -> None:
    assert authority.check("terminal-1", _punch()) is None
    assert authority.check("terminal-1", _punch(source="fingerprint")) is None
    message = _refused(authority, "terminal-1", _punch(device="terminal-9"))
    assert "terminal-1" in message and "terminal-9" in message
    for manual in (
        {"device": "manual"},
        {"source": "manual"},
        {"device": "manual", "source": "manual"},
    ):
        assert "人工补录" in _refused(authority, "terminal-1", _punch(**manual))
    _refused(authority, "terminal-1", _cmd("queue", "issue", service="A01"))


def test_manual_punches_are_the_managers_alone(authority: Authority, hall: HallConfig) -> None:
    manual = _punch(device="manual", source="manual")
    assert authority.check(MANAGER_USER, manual) is None
    for node in hall.nodes:
        assert authority.check(node.id, manual) is not None, node.id


def test_displays_screens_and_the_controller_send_nothing(
    authority: Authority, hall: HallConfig
) -> None:
    everything = [_example(area, verb) for area, verb in COMMANDS]
    for sender in ("display-W01", "screen-1", "controller"):
        for cmd in everything:
            _refused(authority, sender, cmd)


def test_the_manager_may_send_every_command_for_any_window(authority: Authority) -> None:
    for area, verb in COMMANDS:
        assert authority.check(MANAGER_USER, _example(area, verb)) is None, (area, verb)


def test_an_unknown_sender_may_send_nothing(authority: Authority) -> None:
    """An anonymous development broker lets anyone write ``cmd/<anything>/…``."""
    message = _refused(authority, "intruder", _cmd("queue", "issue", service="A01"))
    assert (
        message
        == "未登记的节点 intruder，命令未执行 / unknown node 'intruder': command not applied"
    )


def test_each_role_may_send_exactly_the_commands_of_its_table(
    authority: Authority, hall: HallConfig
) -> None:
    """The table the broker's ACL is generated from is the one the controller checks."""
    for node in hall.nodes:
        if node.role == "console":
            continue  # every command, as its signed-in user (tests/unit/foundation/test_acting.py)
        for area, verb in COMMANDS:
            cmd = _own(node.id, hall, area, verb)
            allowed = f"{area}/{verb}" in ROLE_COMMANDS[node.role]
            assert (authority.check(node.id, cmd) is None) == allowed, (node.id, area, verb)


def test_ticket_category_reads_numbers_and_keys() -> None:
    assert ticket_category("A001") == "A"
    assert ticket_category("2026-11-23/ZB012") == "ZB"
    assert ticket_category("001") is None
    assert ticket_category("a001") is None


# Helpers ---------------------------------------------------------------------------------


def _examples() -> dict[tuple[str, str], Command]:
    """The first example of every command of the contract (one per ``COMMANDS`` model)."""
    out: dict[tuple[str, str], Command] = {}
    for channel in contract.COMMAND_CHANNELS:
        first = channel.examples[0]
        payload = first.payload if isinstance(first, contract.Example) else first
        assert isinstance(payload, Command)
        out[(payload.area, payload.verb)] = payload
    assert set(out) == set(COMMANDS)
    return out


EXAMPLES = _examples()


def _example(area: str, verb: str, window: str = "W01", device: str = "terminal-1") -> Command:
    """A valid instance of each command, naming ``window`` (and ``device``) if it names one."""
    cmd = EXAMPLES[(area, verb)]
    update: dict[str, Any] = {}
    if "window" in type(cmd).model_fields:
        update["window"] = window
    if isinstance(cmd, Punch):
        update.update(device=device, source="face")
    if isinstance(cmd, queue.Issue):
        update["node"] = None
    if isinstance(cmd, queue.Reactivate):
        update["ticket"] = "A001" if window == "W01" else cmd.ticket
    return cmd.model_copy(update=update)


def _own(sender: str, hall: HallConfig, area: str, verb: str) -> Command:
    """The command as ``sender`` would send it for itself (its window, its device)."""
    node = hall.node(sender)
    assert node is not None
    cmd = _example(area, verb, window=node.window or "W01", device=sender)
    if isinstance(cmd, queue.Reactivate) and node.window:
        window = hall.window(node.window)
        assert window is not None
        cmd = cmd.model_copy(update={"ticket": f"{window.categories[0]}001"})
    return cmd
