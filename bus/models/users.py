"""Console users and their roles, held by the controller (``cmd/users/<verb>``).

The controller is the single writer of users too: the console and ``hall users`` change them
only through these commands. Passwords and PINs are ``SecretStr``: they never show in a
``repr``, a log line or a ``model_dump`` (the audit log stores the command as dumped, so it
keeps ``**********``); only on the wire (``bus.core.encode``, ``wire()``) are they in clear.
Pure: pydantic only.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    SecretStr,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    model_serializer,
)

from bus.models.base import WIRE, Command, command_model

UserRole = Literal["manager", "chief", "staff", "patrol", "auditor"]
"""中心管理员, 首席代表 (a department's), 窗口人员, 巡查员, 只读 (auditor)."""

ROLE_NAMES: dict[str, str] = {
    "manager": "中心管理员",
    "chief": "首席代表",
    "staff": "窗口人员",
    "patrol": "巡查员",
    "auditor": "只读",
}
"""The roles in the words the console and ``hall users`` show."""

USER_NAME_MAX = 32
PASSWORD_MAX = 128
"""Argon2 hashes any length; the bound keeps a message small (and a hash quick)."""

UserName = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$", max_length=32)]
"""The login: letters, digits, ``_``, ``.``, ``-``; at most 32."""
Code = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$", max_length=32)]
"""A department, window or staff id of the hall config."""
Password = Annotated[SecretStr, Field(min_length=1, max_length=PASSWORD_MAX)]
"""The rules (length, not the user name) are the controller's, with a message in words."""


def _digits(value: SecretStr) -> SecretStr:
    if not value.get_secret_value().isascii() or not value.get_secret_value().isdigit():
        raise ValueError("PIN 只能是数字 / a PIN is digits only")
    return value


Pin = Annotated[SecretStr, Field(min_length=4, max_length=8), AfterValidator(_digits)]
"""A keypad PIN: 4 to 8 digits."""
StaffNumber = Annotated[str, Field(min_length=1, max_length=32)]
"""A staff number (工号) or staff id as a keypad sends it."""


class WithSecrets(BaseModel):
    """A command with ``SecretStr`` fields, named in ``secret_fields``.

    Dumped with the ``WIRE`` context (``bus.core.encode`` sends every model so) the secrets
    are in clear; in any other dump (the audit log, the stored reply) they are ``**********``.
    ``queue/login`` uses it too, for the keypad's PIN."""

    secret_fields: ClassVar[frozenset[str]] = frozenset()

    @model_serializer(mode="wrap")
    def _secrets_on_the_wire_only(
        self, handler: SerializerFunctionWrapHandler, info: SerializationInfo
    ) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if isinstance(info.context, dict) and info.context.get("wire") is True:
            for name in self.secret_fields:
                value = getattr(self, name)
                if isinstance(value, SecretStr):
                    data[name] = value.get_secret_value()
        return data

    def wire(self) -> dict[str, Any]:
        """The payload to send, secrets in clear."""
        return self.model_dump(mode="json", context=WIRE)


class _UsersCommand(WithSecrets, Command):
    """A ``users/<verb>`` command; ``secret_fields`` are its ``SecretStr`` fields."""


@command_model("users", "add")
class AddUser(_UsersCommand):
    """A new console user (the first manager through ``hall users add --role manager``)."""

    secret_fields = frozenset({"password", "pin"})

    user: UserName
    display_name: str = Field(default="", max_length=64)
    """The name shown, e.g. 张敏; empty means the user name."""
    role: UserRole
    department: Code | None = None
    """The department of a chief (首席代表); required for that role."""
    staff_id: Code | None = None
    """The hall config's staff id of window staff (required for ``staff``)."""
    windows: list[Code] = Field(default=[], max_length=64)
    """The windows window staff may sign in at (required for ``staff``)."""
    password: Password
    pin: Pin | None = None
    """A keypad PIN for halls whose staff sign in at the keypad."""


@command_model("users", "passwd")
class SetPassword(_UsersCommand):
    """A new password: the manager sets anyone's; a user their own, giving the old one."""

    secret_fields = frozenset({"password", "old_password"})

    user: UserName
    password: Password
    old_password: Password | None = None


@command_model("users", "set_pin")
class SetPin(_UsersCommand):
    """A new keypad PIN, or none (``pin: null``) to remove it."""

    secret_fields = frozenset({"pin", "password"})

    user: UserName
    pin: Pin | None = None
    password: Password | None = None
    """The user's password, when a user sets their own PIN."""


@command_model("users", "disable")
class DisableUser(_UsersCommand):
    """The user can no longer sign in (kept for the audit log; ``enable`` undoes it)."""

    user: UserName


@command_model("users", "enable")
class EnableUser(_UsersCommand):
    """A disabled user may sign in again; a lockout is lifted too."""

    user: UserName


@command_model("users", "set_role")
class SetRole(_UsersCommand):
    """A user's role with its department (chief), staff id and windows (staff)."""

    user: UserName
    role: UserRole
    department: Code | None = None
    staff_id: Code | None = None
    windows: list[Code] = Field(default=[], max_length=64)


@command_model("users", "list")
class ListUsers(_UsersCommand):
    """Every user with role, windows and state; never a hash."""

    readonly = True


@command_model("users", "authenticate")
class Authenticate(_UsersCommand):
    """The console's sign-in check: user and password → the user's role, or a refusal.

    Not read-only: a failure is counted (five lock the user for 15 minutes), a success resets
    the count; so it is stored and audited like every change, without the password."""

    secret_fields = frozenset({"password"})

    user: UserName
    password: Password


@command_model("users", "authenticate_pin")
class AuthenticatePin(_UsersCommand):
    """A keypad sign-in: staff number (工号) or staff id and PIN; with ``window``, the user must
    be bound to it. Counted and locked like a password."""

    secret_fields = frozenset({"pin"})

    staff_number: StaffNumber
    pin: Pin
    window: Code | None = None
