"""Who is signed in: the authenticator, server-side sessions, CSRF tokens and login throttling.

The console never keeps passwords: an ``Authenticator`` says who a user name and password
belong to. The real one asks the controller (``users/authenticate``, the controller's own
lockout applies there too); ``StaticAuthenticator`` is the unit tests' double. Sessions
live in memory only (a restart signs everyone out, which a hall accepts): a random 128-bit
token in an HttpOnly, SameSite=Strict cookie, 8 hours idle at most, with a CSRF token that
every POST must carry.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

Role = str
"""``manager``, ``chief``, ``staff``, ``patrol`` or ``auditor``."""

ROLES = ("manager", "chief", "staff", "patrol", "auditor")
HALL_ROLES = frozenset({"manager", "chief"})
"""Roles that see the live hall (大厅总览)."""

SESSION_IDLE_SECONDS = 8 * 3600
MAX_FAILURES = 5
LOCK_SECONDS = 15 * 60
MAX_CIDS = 64
"""Command ids handed to one session and not used yet (one per rendered action panel)."""


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A user the authenticator knows: role, display name, staff id and bound windows."""

    user: str
    role: Role
    name: str
    staff: str | None = None
    """The hall's staff id (S001) sent with ``queue/login``; None for non-window users."""
    windows: tuple[str, ...] = ()
    """The windows a staff member may call at."""
    department: str | None = None
    """A chief's department (the windows and items the windows page shows them)."""


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a sign-in was refused: ``bad_credentials``, ``locked`` or ``unavailable``."""

    code: str
    message: str = ""


class Authenticator(Protocol):
    """Checks a user name and password; the console never stores either."""

    async def authenticate(self, user: str, password: str) -> SignedIn | Refusal:
        """The signed-in user, or why not."""
        ...


def _digest(password: str) -> bytes:
    return hashlib.sha256(password.encode("utf-8")).digest()


class StaticAuthenticator:
    """A fixed set of users: the test double, and the demo's logins until the controller's
    ``users`` service answers. Never for a real hall: passwords are in the process."""

    def __init__(self, users: Iterable[tuple[SignedIn, str]]) -> None:
        self._users: dict[str, tuple[SignedIn, bytes]] = {
            u.user: (u, _digest(pw)) for u, pw in users
        }

    async def authenticate(self, user: str, password: str) -> SignedIn | Refusal:
        """The user if the password matches (compared in constant time)."""
        found = self._users.get(user)
        if found is None or not hmac.compare_digest(found[1], _digest(password)):
            return Refusal("bad_credentials")
        return found[0]


@dataclass
class Session:
    """One signed-in browser."""

    token: str
    user: SignedIn
    csrf: str
    last_seen: float
    cids: deque[str] = field(default_factory=lambda: deque(maxlen=MAX_CIDS))

    def new_cid(self) -> str:
        """A command id for one rendered action panel: the server sends it with the click,
        so a double click or a retried POST carries the same id and is applied once."""
        cid = secrets.token_hex(8)
        self.cids.append(cid)
        return cid

    def owns_cid(self, cid: str) -> bool:
        """Whether this session was handed ``cid`` (a forged or stale id is refused)."""
        return cid in self.cids


class Sessions:
    """Server-side sessions in memory, expiring after ``idle`` seconds without a request."""

    def __init__(
        self, *, idle: float = SESSION_IDLE_SECONDS, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.idle = idle
        self.monotonic = monotonic
        self._by_token: dict[str, Session] = {}

    def create(self, user: SignedIn) -> Session:
        """A new session with a fresh 128-bit token and CSRF token."""
        self._expire()
        session = Session(
            token=secrets.token_urlsafe(16),
            user=user,
            csrf=secrets.token_urlsafe(16),
            last_seen=self.monotonic(),
        )
        self._by_token[session.token] = session
        return session

    def get(self, token: str | None) -> Session | None:
        """The live session of ``token`` (its idle time starts again), or None."""
        if not token:
            return None
        session = self._by_token.get(token)
        if session is None:
            return None
        now = self.monotonic()
        if now - session.last_seen > self.idle:
            del self._by_token[token]
            return None
        session.last_seen = now
        return session

    def end(self, token: str | None) -> None:
        """Sign out: the token is worthless from now on."""
        if token:
            self._by_token.pop(token, None)

    def _expire(self) -> None:
        now = self.monotonic()
        for token in [t for t, s in self._by_token.items() if now - s.last_seen > self.idle]:
            del self._by_token[token]


class Throttle:
    """Login throttling: ``limit`` failures within ``window`` seconds lock the key for
    ``lock`` seconds. Keys are a client address and a user name, each counted apart."""

    def __init__(
        self,
        *,
        limit: int = MAX_FAILURES,
        window: float = LOCK_SECONDS,
        lock: float = LOCK_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self.lock = lock
        self.monotonic = monotonic
        self._failures: dict[str, deque[float]] = {}
        self._locked_until: dict[str, float] = {}

    def locked(self, keys: Iterable[str]) -> float:
        """Seconds until every key may try again (0 when none is locked)."""
        now = self.monotonic()
        left = 0.0
        for key in keys:
            until = self._locked_until.get(key, 0.0)
            if until > now:
                left = max(left, until - now)
            elif key in self._locked_until:
                del self._locked_until[key]
        return left

    def failed(self, keys: Iterable[str]) -> None:
        """Count a failure against each key; the ``limit``-th within the window locks it."""
        now = self.monotonic()
        for key in keys:
            times = self._failures.setdefault(key, deque())
            times.append(now)
            while times and now - times[0] > self.window:
                times.popleft()
            if len(times) >= self.limit:
                self._locked_until[key] = now + self.lock
                times.clear()

    def succeeded(self, keys: Iterable[str]) -> None:
        """A good sign-in clears the user name's failures (not the address's lock)."""
        for key in keys:
            self._failures.pop(key, None)
