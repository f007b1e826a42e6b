"""The channels of ``cmd/users/…``: console users, roles and sign-ins (``bus.models.users``).

Only the console (and the manager's ``hall users``) sends them. The examples' passwords are
examples: on the wire a password is in clear (protect the broker with TLS where the console
is not on the controller's machine); in the audit log and every stored reply it never is.
"""

from __future__ import annotations

from pydantic import SecretStr

from bus.contract.examples import _at
from bus.contract.registry import CommandChannel, Example, Role
from bus.models import users
from bus.models.base import RefusalDetails, Reply
from bus.models.replies import AuthResult, UserInfo, UserList, UserResult, reply_model

_M = Role.CONSOLE


def _id(n: int) -> str:
    return f"c-20261124-u{n:03d}"


_ZHANG = UserInfo(
    user="zhangmin",
    display_name="张敏",
    role="staff",
    department=None,
    staff_id="S001",
    windows=("W01", "W02"),
    has_pin=True,
    disabled=False,
    failed_attempts=0,
    locked_until=None,
    created_at=_at(8, 30),
    updated_at=_at(8, 30),
)
_USER_OK = reply_model(UserResult)(id=_id(1), ok=True, result=UserResult(user=_ZHANG))
_SIGNED_IN = reply_model(AuthResult)(
    id=_id(8),
    ok=True,
    result=AuthResult(
        user="zhangmin",
        display_name="张敏",
        role="staff",
        department=None,
        staff_id="S001",
        windows=("W01", "W02"),
    ),
)
_BAD_CREDENTIALS = Reply.failure(
    _id(8),
    "bad_credentials",
    "用户名或密码错误 / wrong user name or password",
    RefusalDetails(message_en="wrong user name or password"),
)
_LOCKED = Reply.failure(
    _id(8),
    "locked",
    "登录失败次数过多，账号锁定至 10:17 / too many failed sign-ins: locked until 10:17",
    RefusalDetails(message_en="too many failed sign-ins: locked until 10:17"),
)

USER_CHANNELS: list[CommandChannel] = [
    CommandChannel(
        users.AddUser,
        (_M,),
        (
            users.AddUser(
                id=_id(1),
                user="zhangmin",
                display_name="张敏",
                role="staff",
                staff_id="S001",
                windows=["W01", "W02"],
                password=SecretStr("example-Pa55word"),
                pin=SecretStr("482913"),
            ),
            Example(
                users.AddUser(
                    id=_id(2),
                    user="chief-shebao",
                    display_name="社保首席代表",
                    role="chief",
                    department="shebao",
                    password=SecretStr("example-Pa55word"),
                ),
                "首席代表 (a department's chief representative)",
            ),
        ),
        reply_examples=(_USER_OK,),
    ),
    CommandChannel(
        users.SetPassword,
        (_M,),
        (
            Example(
                users.SetPassword(
                    id=_id(3), user="zhangmin", password=SecretStr("example-New-pa55")
                ),
                "the manager sets a password",
            ),
            Example(
                users.SetPassword(
                    id=_id(4),
                    user="zhangmin",
                    password=SecretStr("example-New-pa55"),
                    old_password=SecretStr("example-Pa55word"),
                ),
                "a user changes their own, with the old one",
            ),
        ),
        reply_examples=(_USER_OK,),
    ),
    CommandChannel(
        users.SetPin,
        (_M,),
        (users.SetPin(id=_id(5), user="zhangmin", pin=SecretStr("482913")),),
        reply_examples=(_USER_OK,),
    ),
    CommandChannel(
        users.DisableUser,
        (_M,),
        (users.DisableUser(id=_id(6), user="zhangmin"),),
        reply_examples=(_USER_OK,),
    ),
    CommandChannel(
        users.EnableUser,
        (_M,),
        (users.EnableUser(id=_id(7), user="zhangmin"),),
        reply_examples=(_USER_OK,),
    ),
    CommandChannel(
        users.SetRole,
        (_M,),
        (
            users.SetRole(
                id=_id(9), user="zhangmin", role="staff", staff_id="S001", windows=["W01"]
            ),
        ),
        reply_examples=(_USER_OK,),
    ),
    CommandChannel(
        users.ListUsers,
        (_M,),
        (users.ListUsers(id=_id(10)),),
        reply_examples=(
            reply_model(UserList)(id=_id(10), ok=True, result=UserList(users=(_ZHANG,))),
        ),
    ),
    CommandChannel(
        users.Authenticate,
        (_M,),
        (users.Authenticate(id=_id(8), user="zhangmin", password=SecretStr("example-Pa55word")),),
        reply_examples=(_SIGNED_IN, _BAD_CREDENTIALS, _LOCKED),
    ),
    CommandChannel(
        users.AuthenticatePin,
        (_M,),
        (
            users.AuthenticatePin(
                id=_id(11), staff_number="CD001", pin=SecretStr("482913"), window="W01"
            ),
        ),
        reply_examples=(_SIGNED_IN, _BAD_CREDENTIALS),
    ),
]
"""One entry per command model of ``bus.models.users``."""
