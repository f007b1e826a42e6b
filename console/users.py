"""The users page (用户管理, manager only): the controller's users with role, department and the
windows staff may sign in at, and the forms of ``users/add``, ``passwd``, ``disable``,
``enable`` and ``set_role``.

Everything listed is the controller's ``users/list``, asked as the signed-in manager; every
change is a ``users/…`` command as that manager, so the controller checks it again (the
password policy of ``controller/user_policy.py``, the last manager, a staff id bound twice)
and audits it. A password the console makes (a reset, or an initial one left blank) is shown
once in the answer and nowhere else: it is not in the page's list, the log or the audit row.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from bus.models.replies import UserInfo, UserList
from bus.models.users import ROLE_NAMES
from config.schema import HallConfig
from console.commands import Answer
from console.i18n import Lang, tr

USERS_ROLES = frozenset({"manager"})
"""Who may open the page: the hall manager alone (chiefs and everyone else get 403)."""
USER_VERBS = frozenset({"add", "passwd", "disable", "enable", "set_role"})
"""The ``users/<verb>`` the page's forms send."""
ROLES = ("staff", "chief", "manager", "patrol", "auditor")
"""The roles in the order the page offers them (window staff are the most added)."""
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""No 0/O, 1/l/I: a password read off the screen and typed at a window must survive it."""
GENERATED_LENGTH = 12
"""Above the policy's 8 characters (``MIN_PASSWORD_LENGTH``), ~68 bits from this alphabet."""


def new_password(user: str) -> str:
    """A random password meeting the policy (long enough, never the user name)."""
    while True:
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(GENERATED_LENGTH))
        if password.casefold() != user.casefold():
            return password


def read_users(answer: Answer) -> tuple[UserInfo, ...] | None:
    """The controller's users, or None when it refused or did not answer."""
    if not answer.ok:
        return None
    try:
        return UserList.model_validate(answer.result).users
    except ValidationError:
        return None


def user_fields(verb: str, form: Mapping[str, Any], windows: list[str]) -> dict[str, Any] | str:
    """The ``users/<verb>`` fields of a form (without the password), or the text key of
    what is wrong. ``windows`` is the checked windows (a form sends one field per box)."""
    user = str(form.get("user") or "").strip()
    if not user:
        return "users_pick_user"
    if verb in ("passwd", "disable", "enable"):
        return {"user": user}
    role = str(form.get("role") or "")
    if role not in ROLES:
        return "users_pick_role"
    fields: dict[str, Any] = {"user": user, "role": role}
    department = str(form.get("department") or "").strip()
    staff_id = str(form.get("staff_id") or "").strip()
    if department:
        fields["department"] = department
    if staff_id:
        fields["staff_id"] = staff_id
    fields["windows"] = list(dict.fromkeys(w for w in windows if w))
    if verb == "add":
        fields["display_name"] = str(form.get("display_name") or "").strip()[:64]
    return fields


def users_answer(
    verb: str, user: str, answer: Answer, lang: Lang, password: str | None = None
) -> tuple[bool, str]:
    """The controller's reply in words; a password the console made is shown here, once."""
    if not answer.ok:
        if answer.code == "no_answer":
            return False, tr("no_answer", lang)
        message = (answer.zh if lang == "zh" else answer.en) or answer.code
        return False, tr("refused", lang, message=message)
    text = tr(f"done_users_{verb}", lang, user=user)
    if password is not None:
        text += " " + tr("users_password_once", lang, password=password)
    return True, text


def department_of(hall: HallConfig, u: UserInfo) -> str | None:
    """A chief's department, or the department of the staff member a user is bound to."""
    if u.department is not None:
        return u.department
    member = hall.staff_member(u.staff_id) if u.staff_id else None
    return member.department if member is not None else None


def users_context(
    hall: HallConfig,
    users: tuple[UserInfo, ...] | None,
    lang: Lang,
    answers: Mapping[str, tuple[bool, str]] | None = None,
) -> dict[str, Any]:
    """What the page and its list show."""

    def named(zh: str, en: str) -> str:
        return en if lang == "en" and en else zh

    def department_label(code: str | None) -> str:
        found = hall.department(code) if code else None
        return named(found.name, found.name_en) if found is not None else "—"

    def staff_label(staff_id: str | None) -> str:
        member = hall.staff_member(staff_id) if staff_id else None
        if member is None:
            return staff_id or "—"
        return f"{staff_id} {member.name}"

    def role_label(role: str) -> str:
        return tr(f"role_{role}", lang) if role in ROLE_NAMES else role

    def window_label(window: str) -> str:
        found = hall.window(window)
        return tr("window_n", lang, n=found.number) if found is not None else window

    return {
        "users": users or (),
        "loaded": users is not None,
        "roles": ROLES,
        "departments": hall.departments,
        "all_windows": hall.windows,
        "staff_members": hall.staff,
        "answers": answers or {},
        "role_label": role_label,
        "department_label": department_label,
        "department_of": lambda u: department_of(hall, u),
        "staff_label": staff_label,
        "window_label": window_label,
        "at_label": lambda at: at.astimezone(hall.tz).strftime("%Y-%m-%d %H:%M") if at else "",
    }
