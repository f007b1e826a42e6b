"""The users page's own rules (``console/users.py``): the passwords it makes meet the policy
the controller enforces, a form's fields become the ``users/<verb>`` the controller takes,
and the controller's answer is put in words, a made password shown once in it."""

from __future__ import annotations

from console.commands import Answer
from console.users import PASSWORD_ALPHABET, new_password, user_fields, users_answer
from controller.user_policy import password_problem


def test_made_passwords_pass_the_controllers_policy_and_differ() -> None:
    made = {new_password("s001") for _ in range(50)}
    assert len(made) == 50
    for password in made:
        assert password_problem("s001", password) is None
        assert set(password) <= set(PASSWORD_ALPHABET)
        assert not set(password) & set("0O1lI")  # read off a screen, typed at a window


def test_a_staff_form_becomes_users_add_with_the_checked_windows_once() -> None:
    form = {"user": " s001 ", "role": "staff", "staff_id": "S001", "department": "",
            "display_name": "张敏"}  # fmt: skip
    fields = user_fields("add", form, ["W01", "W03", "W01"])
    assert fields == {"user": "s001", "role": "staff", "staff_id": "S001",
                      "windows": ["W01", "W03"], "display_name": "张敏"}  # fmt: skip


def test_a_form_without_user_or_role_is_refused_in_words() -> None:
    assert user_fields("disable", {}, []) == "users_pick_user"
    assert user_fields("set_role", {"user": "x", "role": "root"}, []) == "users_pick_role"
    assert user_fields("passwd", {"user": "x", "password": "ignored"}, []) == {"user": "x"}


def test_the_answer_shows_a_made_password_and_a_refusal_in_the_language_asked() -> None:
    ok, text = users_answer("passwd", "s001", Answer(True), "zh", "Abcdefgh2345")
    assert ok and text == "已重置 s001 的密码 新密码：Abcdefgh2345（只显示这一次）"
    refused = Answer(False, "weak_password", "密码至少 8 个字符", "a password needs at least 8")
    assert users_answer("add", "s001", refused, "en") == (
        False, "Not done: a password needs at least 8",
    )  # fmt: skip
    assert users_answer("add", "s001", Answer(False, "no_answer"), "zh")[0] is False
