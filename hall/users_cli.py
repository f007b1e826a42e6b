"""``hall users add|passwd|set-pin|disable|enable|set-role|list``: console users, through the
controller (the single writer; this tool holds no second copy of them).

Passwords and PINs are asked for with ``getpass`` (twice, to catch a typo) or read from the
first line of ``--password-file``; never from the command line, where ``ps`` and the shell's
history would keep them. The answer is printed in words, Chinese first; a refusal exits 2.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import SecretStr

from config.cli import add_hall_argument

if TYPE_CHECKING:
    from bus.models.base import Command
    from bus.models.replies import UserInfo

    Sub = argparse._SubParsersAction[argparse.ArgumentParser]

EXIT_NO_ANSWER = 1
EXIT_REFUSED = 2
ROLES = ("manager", "chief", "staff", "patrol", "auditor")


def register(sub: Sub) -> None:
    """Add ``hall users`` and its actions."""
    group = sub.add_parser(
        "users", help="控制台用户与角色 / console users and roles"
    ).add_subparsers(dest="users_command", metavar="ACTION", required=True)

    add = group.add_parser(
        "add",
        help="添加用户 / add a user",
        description="经控制器添加控制台用户；密码交互输入或取自 --password-file。"
        " / Add a console user through the controller.",
    )
    _common(add)
    add.add_argument("user", help="用户名（登录名）/ the user name to sign in with")
    _role_arguments(add)
    add.add_argument("--display-name", default="", help="显示姓名 / the name shown, e.g. 张敏")
    _password_file(add)
    add.add_argument(
        "--with-pin", action="store_true", help="同时设置键盘签到 PIN / also ask for a keypad PIN"
    )
    add.set_defaults(handler=_add)

    passwd = group.add_parser("passwd", help="设置新密码 / set a new password")
    _common(passwd)
    passwd.add_argument("user")
    _password_file(passwd)
    passwd.set_defaults(handler=_passwd)

    pin = group.add_parser("set-pin", help="设置或清除键盘签到 PIN / set or clear a keypad PIN")
    _common(pin)
    pin.add_argument("user")
    pin.add_argument("--clear", action="store_true", help="清除 PIN / remove the PIN")
    pin.set_defaults(handler=_set_pin)

    for verb, text in (("disable", "停用用户 / disable a user"), ("enable", "启用用户 / enable")):
        p = group.add_parser(verb, help=text)
        _common(p)
        p.add_argument("user")
        p.set_defaults(handler=_toggle, verb=verb)

    role = group.add_parser("set-role", help="设置角色、部门与窗口 / set role, department, windows")
    _common(role)
    role.add_argument("user")
    _role_arguments(role)
    role.set_defaults(handler=_set_role)

    listing = group.add_parser("list", help="用户列表 / list the users")
    _common(listing)
    listing.set_defaults(handler=_list)


def _common(p: argparse.ArgumentParser) -> None:
    add_hall_argument(p)
    p.add_argument("--broker", default=None, help="mqtt://host:port (default: hall config)")


def _role_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--role",
        required=True,
        choices=ROLES,
        help="manager 中心管理员 | chief 首席代表 | staff 窗口人员 | patrol 巡查员 | auditor 只读",
    )
    p.add_argument("--department", help="首席代表的部门 / a chief's department code")
    p.add_argument("--staff-id", help="员工编号（窗口人员）/ the staff id of window staff")
    p.add_argument(
        "--window",
        action="append",
        default=[],
        metavar="W",
        help="可签到的窗口（可重复）/ a window staff may sign in at (repeatable)",
    )


def _password_file(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--password-file",
        type=Path,
        help="从文件首行读取密码 / read the password from this file's first line",
    )


# Secrets ---------------------------------------------------------------------------------


def _secret(args: argparse.Namespace, what: str) -> str:
    """The password from ``--password-file`` or typed twice (not echoed)."""
    path: Path | None = getattr(args, "password_file", None)
    if path is not None:
        try:
            return path.read_text(encoding="utf-8").splitlines()[0]
        except (OSError, IndexError) as exc:
            raise SystemExit(f"hall users: 无法读取密码文件 / cannot read {path}: {exc}") from None
    return _typed_twice(what)


def _typed_twice(what: str) -> str:
    import getpass

    first = getpass.getpass(f"{what}: ")
    if getpass.getpass("再输入一次 / again: ") != first:
        raise SystemExit("hall users: 两次输入不一致 / the two entries differ")
    return first


# Handlers --------------------------------------------------------------------------------


def _add(args: argparse.Namespace) -> int:
    from bus.models.users import AddUser

    password = SecretStr(_secret(args, "密码 / password"))
    pin = SecretStr(_typed_twice("PIN（4–8 位数字 / 4 to 8 digits）")) if args.with_pin else None
    return _send(
        args,
        lambda command_id: AddUser(
            id=command_id,
            user=args.user,
            display_name=args.display_name,
            role=args.role,
            department=args.department,
            staff_id=args.staff_id,
            windows=args.window,
            password=password,
            pin=pin,
        ),
        "已添加用户 / user added",
    )


def _passwd(args: argparse.Namespace) -> int:
    from bus.models.users import SetPassword

    password = SecretStr(_secret(args, "新密码 / new password"))
    return _send(
        args,
        lambda command_id: SetPassword(id=command_id, user=args.user, password=password),
        "密码已更新 / password set",
    )


def _set_pin(args: argparse.Namespace) -> int:
    from bus.models.users import SetPin

    pin = None if args.clear else SecretStr(_typed_twice("PIN（4–8 位数字 / 4 to 8 digits）"))
    return _send(
        args,
        lambda command_id: SetPin(id=command_id, user=args.user, pin=pin),
        "PIN 已更新 / PIN set",
    )


def _toggle(args: argparse.Namespace) -> int:
    from bus.models.users import DisableUser, EnableUser

    model = DisableUser if args.verb == "disable" else EnableUser
    done = "已停用 / disabled" if args.verb == "disable" else "已启用 / enabled"
    return _send(args, lambda command_id: model(id=command_id, user=args.user), done)


def _set_role(args: argparse.Namespace) -> int:
    from bus.models.users import SetRole

    return _send(
        args,
        lambda command_id: SetRole(
            id=command_id,
            user=args.user,
            role=args.role,
            department=args.department,
            staff_id=args.staff_id,
            windows=args.window,
        ),
        "角色已更新 / role set",
    )


def _list(args: argparse.Namespace) -> int:
    from bus.models.users import ListUsers

    return _send(args, lambda command_id: ListUsers(id=command_id), "")


def _send(args: argparse.Namespace, build: Callable[[str], Command], done: str) -> int:
    from bus.models.replies import UserList, UserResult
    from bus.models.users import ListUsers
    from bus.remote import ask
    from config.loader import load_hall_or_exit

    answer = ask(
        load_hall_or_exit(args.config),
        build,
        args.broker,
        invalid=EXIT_REFUSED,
        no_answer=EXIT_NO_ANSWER,
        refused=EXIT_REFUSED,
        refusal="未执行 / refused ({code}): {message}",
    )
    if isinstance(answer, int):
        return answer
    command, reply = answer
    if isinstance(command, ListUsers):
        users = reply.result_as(UserList).users
        if not users:
            print("尚无用户 / no users yet")
        for user in users:
            print(describe(user))
        return 0
    print(f"{done}: {describe(reply.result_as(UserResult).user)}")
    return 0


def describe(user: UserInfo) -> str:
    """One line per user, Chinese first: name, role, department, windows, state."""
    from bus.models.users import ROLE_NAMES

    parts = [
        f"{user.user}（{user.display_name}）",
        f"{ROLE_NAMES.get(user.role, user.role)} {user.role}",
    ]
    if user.department:
        parts.append(f"部门 department {user.department}")
    if user.staff_id:
        parts.append(f"员工 staff {user.staff_id}")
    if user.windows:
        parts.append(f"窗口 windows {'、'.join(user.windows)}")
    if user.has_pin:
        parts.append("有 PIN / has a PIN")
    if user.disabled:
        parts.append("已停用 / disabled")
    if user.locked_until is not None:
        parts.append(f"锁定至 locked until {user.locked_until:%Y-%m-%d %H:%M}")
    return "，".join(parts)
