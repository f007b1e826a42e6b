"""What the controller asks of each service (queue, notices, attendance)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel
from sqlalchemy.engine import Connection

from bus.core import Payload
from bus.models.base import Command, RefusalDetails


@dataclass(frozen=True, slots=True)
class Publication:
    """A message to publish once the transaction that produced it has committed."""

    topic: str
    payload: Payload
    retain: bool = False
    qos: int = 1


@dataclass(slots=True)
class Outcome:
    """A service's answer to one command, applied only if the transaction commits."""

    result: BaseModel | None = None
    """The command's result model (``bus.models.replies.COMMAND_RESULTS``)."""
    error: tuple[str, str] | None = None
    """(code, message) for a refusal; a refused command changes nothing."""
    details: RefusalDetails | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    """Each event in its §5 form (``{"event": kind, ...}``) for the command's audit-log row,
    written by the controller in the same transaction: it never leaves the process. What goes
    out on ``evt/<kind>`` is the typed event among ``publications``."""
    publications: list[Publication] = field(default_factory=list)
    on_commit: Callable[[], None] | None = None
    """Swaps the service's in-memory state; called only after the commit succeeded."""

    @classmethod
    def refused(cls, code: str, message: str, **details: Any) -> Outcome:
        """A refusal: the reply carries the code and message, and nothing is changed."""
        return cls(error=(code, message), details=RefusalDetails(**details) if details else None)


class Service(Protocol):
    """A part of the controller that answers one ``cmd/<area>/…``.

    Its state lives in memory, rebuilt from the store by ``load``; it changes only through
    an ``Outcome`` whose transaction committed.
    """

    area: str
    """The ``cmd/<area>/…`` this service answers."""

    def load(self, conn: Connection, now: dt.datetime) -> None:
        """Rebuild the in-memory state from the store (start and restart)."""
        ...

    def startup(self, now: dt.datetime) -> list[Publication]:
        """Retained state to publish when the controller (re)starts."""
        ...

    def handle(self, conn: Connection, cmd: Command, now: dt.datetime) -> Outcome:
        """Apply one command in the controller's transaction; memory changes in ``on_commit``."""
        ...

    def tick(self, conn: Connection, now: dt.datetime) -> Outcome | None:
        """Time passing (timeouts, expiry); None when nothing happened."""
        ...
