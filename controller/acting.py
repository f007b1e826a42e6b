"""The console's acting user: may this signed-in user give this command, on what it names?

The console sends every command as its signed-in user (``Command.acting_user``); the sender
rules (``controller/authority.py``) let only the console name one. Here the controller checks
the user itself: it must exist and be enabled (``UsersService``), and the pure
``permissions.may(actor, command, target)`` must allow the act on its target, which
``permissions.target_of`` finds from the command, the hall config and what only the
controller's state knows (a write-off request's staff member, a work order's item).

A user changing their own password through the console gives the old one (a manager need
not: they may set anyone's).
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bus.models.attendance import Approve, Reject
from bus.models.base import Command
from bus.models.patrol import FindingPhoto, HandleFinding
from bus.models.queue import CloseWorkorder, UpdateWorkorder
from bus.models.users import SetPassword, SetPin
from config.schema import HallConfig
from controller.authority import Refusal
from controller.permissions import Actor, may, target_of
from controller.permissions import Refusal as Denied
from controller.user_policy import UserRecord
from controller.users import UsersService
from store import tables
from store.service import Service


def actor_of(record: UserRecord) -> Actor:
    """The user as ``may`` sees them."""
    return Actor(
        user=record.user,
        role=record.role,
        department=record.department,
        staff_id=record.staff_id,
        windows=frozenset(record.windows),
    )


class ActingUsers:
    """The controller's check of a command's ``acting_user``."""

    def __init__(self, hall: HallConfig, engine: Engine, services: Mapping[str, Service]) -> None:
        self.hall = hall
        self.engine = engine
        self.services = services

    def refusal(self, cmd: Command) -> Refusal | None:
        """None if ``cmd.acting_user`` may give ``cmd``; else why not (``forbidden``)."""
        name = cmd.acting_user
        if name is None:
            return None
        record = self._user(name)
        if record is None:
            return Refusal(f"没有用户 {name}，命令未执行", f"no user {name!r}: command not applied")
        if record.disabled:
            return Refusal(
                f"用户 {name} 已停用，命令未执行", f"user {name} is disabled: not applied"
            )
        actor = actor_of(record)
        if actor.role != "manager":
            own = getattr(cmd, "user", None) == actor.user
            if isinstance(cmd, SetPassword) and own and cmd.old_password is None:
                return Refusal(
                    "修改本人密码须提供原密码", "changing your password needs the old one"
                )
            if isinstance(cmd, SetPin) and own and cmd.password is None:
                return Refusal("修改本人 PIN 须提供密码", "changing your PIN needs your password")
        staff, service = self._looked_up(cmd)
        department = self._finding_department(cmd)
        target = target_of(cmd, self.hall, staff=staff, service=service, department=department)
        verdict = may(actor, cmd, target)
        if isinstance(verdict, Denied):
            return Refusal(verdict.reason_zh, verdict.reason_en, verdict.code)
        return None

    def _user(self, name: str) -> UserRecord | None:
        users = self.services.get("users")
        return users.user(name) if isinstance(users, UsersService) else None

    def _looked_up(self, cmd: Command) -> tuple[str | None, str | None]:
        """What the command names only by a key of the controller's state: the staff member
        of a write-off request being approved, the service item of a work order."""
        if isinstance(cmd, Approve | Reject):
            return self._request_staff(cmd.request_id), None
        if isinstance(cmd, UpdateWorkorder | CloseWorkorder):
            return None, self._workorder_service(cmd.workorder)
        return None, None

    def _finding_department(self, cmd: Command) -> str | None:
        """The department of the patrol finding a handle or a photo names (None: unknown, or
        a finding no department owns, which only the manager may handle)."""
        if not isinstance(cmd, HandleFinding | FindingPhoto):
            return None
        f = tables.patrol_findings.c
        with self.engine.connect() as conn:
            found = conn.execute(
                sa.select(f.department).where(f.finding_id == cmd.finding)
            ).scalar()
        return found if isinstance(found, str) else None

    def _request_staff(self, request_id: str) -> str | None:
        w = tables.writeoffs.c
        with self.engine.connect() as conn:
            data = conn.execute(sa.select(w.data).where(w.request_id == request_id)).scalar()
        if not isinstance(data, Mapping):
            return None
        staff = data.get("staff_id")
        return staff if isinstance(staff, str) else None

    def _workorder_service(self, workorder: str) -> str | None:
        state = getattr(self.services.get("queue"), "state", None)
        orders = getattr(state, "workorders", None)
        if not isinstance(orders, Mapping):
            return None
        order = orders.get(workorder) or next(
            (o for o in orders.values() if getattr(o, "number", None) == workorder), None
        )
        service = getattr(order, "service", None)
        return service if isinstance(service, str) else None
