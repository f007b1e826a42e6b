"""The keypad's sign-in (firmware_bridge/bridge/signin.py): keys in, LED lines and the login
command out, no broker."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import SecretStr

from bus.models.base import RefusalDetails, Reply
from bus.models.replies import LoginResult
from firmware_bridge.bridge.logic import NoCommand, QueueCommand, caller_command
from firmware_bridge.bridge.signin import (
    SIGN_IN_TIMEOUT_S,
    Keyed,
    SignIn,
    answer_lines,
    board_lines,
    sign_in_key,
)
from firmware_bridge.interfaces import split_caller_key

Key = tuple[str | None, str | None]
LOGIN: Key = ("login", None)
ENTER: Key = (None, "enter")
CLEAR: Key = (None, "clear")


def digits(text: str) -> list[Key]:
    """Digits as the default keypad sends them: 1–8 are caller keys too (``next/1``)."""
    actions = {"1": "next", "2": "recall", "3": "skip", "4": "transfer", "5": "hold",
               "6": "pause", "7": "resume", "8": "finish"}  # fmt: skip
    return [(actions.get(d), d) for d in text]


def typed(keys: Iterable[Key], start: SignIn | None = None, now: float = 100.0) -> Keyed:
    """Press ``keys`` one second apart; the last key's outcome."""
    current, out = start, Keyed(start)
    for n, (action, entry) in enumerate(keys):
        result = sign_in_key(current, action, entry, "W01", now + n)
        assert result is not None, (action, entry)
        out, current = result, result.sign_in
    return out


def test_login_number_enter_pin_enter_sends_the_login_with_the_pin_masked_on_the_led() -> None:
    out = typed([LOGIN])
    assert out.sign_in is not None and out.sign_in.lines() == ("请输入工号", "")
    out = typed([LOGIN, *digits("13")])
    assert out.sign_in is not None and out.sign_in.lines() == ("请输入工号", "13")
    out = typed([LOGIN, *digits("13"), ENTER, *digits("4829")])
    assert out.sign_in is not None and out.sign_in.lines() == ("请输入密码", "****")
    assert "4829" not in repr(out.sign_in)
    out = typed([LOGIN, *digits("13"), ENTER, *digits("4829"), ENTER])
    assert out.sign_in is not None and out.sign_in.lines() == ("正在登录…", "")
    assert out.command == QueueCommand(
        "login", {"window": "W01", "staff_number": "13", "pin": SecretStr("4829")}
    )
    assert out.command is not None
    pin = out.command.fields["pin"]
    assert isinstance(pin, SecretStr) and pin.get_secret_value() == "4829"
    assert out.sign_in.pin == ""  # sent: the bridge keeps no PIN


def test_digits_do_not_call_and_action_keys_do_nothing_while_typing() -> None:
    """Every key is the sign-in's while it is typed: 1 types 1, it does not call."""
    signing = typed([LOGIN]).sign_in
    for key in [*digits("12345678"), ("next", None), ("logout", None), (None, None)]:
        assert sign_in_key(signing, *key, "W01", 101.0) is not None, key
    assert sign_in_key(None, "next", "1", "W01", 100.0) is None  # no sign-in: a caller key
    assert sign_in_key(None, None, "enter", "W01", 100.0) is None
    waiting = typed([LOGIN, *digits("1"), ENTER, *digits("4829"), ENTER]).sign_in
    out = sign_in_key(waiting, "next", "1", "W01", 200.0)
    assert out is not None and out.sign_in == waiting and out.command is None


def test_clear_empties_the_field_and_on_an_empty_field_gives_up() -> None:
    out = typed([LOGIN, *digits("99"), CLEAR])
    assert out.sign_in is not None and out.sign_in.lines() == ("请输入工号", "")
    assert typed([LOGIN, *digits("99"), CLEAR, CLEAR]).sign_in is None
    out = typed([LOGIN, *digits("1"), ENTER, *digits("12"), CLEAR])
    assert out.sign_in is not None and out.sign_in.lines() == ("请输入密码", "")
    assert typed([LOGIN, *digits("1"), ENTER, CLEAR]).sign_in is None
    again = typed([LOGIN, *digits("1"), ENTER, *digits("12"), LOGIN])  # 登录 starts again
    assert again.sign_in is not None and again.sign_in.lines() == ("请输入工号", "")


def test_an_empty_number_or_a_short_pin_is_not_sent() -> None:
    out = typed([LOGIN, ENTER])
    assert out.command is None and out.sign_in is not None and out.sign_in.step == "number"
    out = typed([LOGIN, *digits("1"), ENTER, *digits("12"), ENTER])
    assert out.command is None and out.sign_in is not None
    assert out.sign_in.lines() == ("请输入密码", "须4至8位数字")
    out = typed([LOGIN, *digits("1"), ENTER, *digits("123456789")])
    assert out.sign_in is not None and out.sign_in.pin == "12345678"  # 8 at the most


def test_a_sign_in_without_a_key_for_thirty_seconds_is_given_up() -> None:
    signing = typed([LOGIN, *digits("12")], now=100.0).sign_in
    assert signing is not None and signing.at == 102.0  # the last of three keys
    assert not signing.expired(102.0 + SIGN_IN_TIMEOUT_S - 0.5)
    assert signing.expired(102.0 + SIGN_IN_TIMEOUT_S)


def test_the_answer_on_the_led() -> None:
    welcome = Reply.success("k", LoginResult(window="W01", staff="S003", name="王芳"))
    assert answer_lines(welcome) == ("欢迎 王芳", "登录成功")
    wrong = Reply.failure("k", "bad_pin", "工号或密码错误 / wrong staff number or PIN")
    assert answer_lines(wrong) == ("登录失败", "工号或密码错误")
    locked = Reply.failure(
        "k", "locked", "登录失败次数过多，账号锁定至 10:17 / too many failed sign-ins: locked "
        "until 10:17", RefusalDetails(message_en="…"),
    )  # fmt: skip
    assert answer_lines(locked) == ("登录失败", "账号锁定至10:17")
    forbidden = Reply.failure("k", "forbidden", "x / y")
    assert answer_lines(forbidden) == ("登录失败", "不能在本窗口登录")
    assert answer_lines(Reply.failure("k", "odd", "别的原因 / other")) == ("登录失败", "别的原因")
    assert answer_lines(None) == ("登录失败", "控制器无应答")
    assert board_lines(("请输入工号", "13"), 1) == ["请输入工号 13"]
    assert board_lines(("请输入工号", "13"), 3) == ["请输入工号", "13", ""]


def test_the_login_and_logout_keys_as_caller_keys() -> None:
    assert caller_command("logout", "W01", None) == QueueCommand("logout", {"window": "W01"})
    assert isinstance(caller_command("login", "W01", None), NoCommand)
    assert split_caller_key("logout") == ("logout", None)
