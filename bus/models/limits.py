"""The size limits of a command, in one place: per string field, per list, per payload.

A command is small: a ticket, a window, a punch. Every string field of a command model has a
``max_length`` (one of the types below), every list a maximum of items, and every model a
``max_bytes`` for the raw payload, checked before the JSON is parsed; nesting is bounded too
(``json_depth_exceeds``) so that the JSON parser (which recurses) never sees a deep document.
A refusal quotes at most ``QUOTE_CHARS`` of anything the sender sent (``quote``).

Pure: the standard library and pydantic only (``bus.models`` loads no I/O).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import Field

ID_MAX = 80
"""A command id, a punch id: a UUID, or a node's own ``<node>-<n>``."""
CODE_MAX = 64
"""A code or id: service (A01), window (W03), staff (S001), ticket (2026-11-23/A001),
booking code, request, work order, notice, node or device id, a role or a step name."""
NAME_MAX = 64
"""A person's name as typed by staff (an approver)."""
NOTE_MAX = 500
"""Free text kept with a command: a note, a reason, a suspension's notice."""
TEXT_MAX = 2000
"""A notice's text (Q14), in Chinese and in English."""
TARGETS_MAX = 32
"""The targets of one notice (all, screens, kiosks, window:W03, …)."""
STAFF_LIST_MAX = 200
"""The staff a device-failure request lists (the patrol's manual registration)."""

DEFAULT_MAX_BYTES = 4 * 1024
"""A command's largest payload, unless its model says otherwise (``Command.max_bytes``)."""
LARGE_MAX_BYTES = 16 * 1024
"""A write-off request with its staff list."""
NOTICE_MAX_BYTES = 32 * 1024
"""A notice: two texts of ``TEXT_MAX`` characters, even written as ``\\uXXXX`` escapes."""

MAX_DEPTH = 16
"""Arrays and objects nested deeper than this are refused before parsing; a command nests
two or three levels (the envelope, a list of targets)."""

QUOTE_CHARS = 80
"""The most a refusal repeats of any value the sender sent (a key, a field, a topic)."""
MESSAGE_MAX = 400
"""The longest refusal message (the problems of an invalid command, listed)."""

Id = Annotated[str, Field(min_length=1, max_length=ID_MAX)]
Code = Annotated[str, Field(max_length=CODE_MAX)]
Name = Annotated[str, Field(max_length=NAME_MAX)]
Note = Annotated[str, Field(max_length=NOTE_MAX)]
Text = Annotated[str, Field(max_length=TEXT_MAX)]
StatusToken = Annotated[str, Field(max_length=CODE_MAX, pattern=r"^[A-Za-z0-9_-]{16,64}$")]
"""A ticket's status token (its QR code's ``/t/<token>``): URL-safe base64 of at least 96
random bits (``secrets.token_urlsafe``), never derived from the ticket."""


def json_depth_exceeds(payload: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether arrays and objects nest deeper than ``limit`` in a JSON text (bytes).

    Brackets inside strings do not count. Cheap: a payload with at most ``limit`` brackets
    cannot nest deeper and is not scanned; otherwise the strings are cut out (one regular
    expression, linear) and the remaining brackets counted. An unterminated string counts
    what follows it: such a payload is no JSON anyway.
    """
    if payload.count(b"[") + payload.count(b"{") <= limit:
        return False
    depth = 0
    for char in _STRING.sub(b"", payload).translate(None, _NOT_A_BRACKET):
        if char in _OPENING:
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_OPENING = frozenset(b"[{")
_NOT_A_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


def encodable(data: Any) -> bool:
    r"""Whether every string (keys too) of parsed JSON is valid Unicode text: ``json.loads``
    turns an escaped lone surrogate (a ``\ud800`` escape) into a ``str`` that no reply, log file or
    database can encode. ``data`` is parsed JSON, its depth already bounded."""
    if isinstance(data, str):
        return data.isascii() or _utf8(data)
    if isinstance(data, dict):
        return all(encodable(k) and encodable(v) for k, v in data.items())
    if isinstance(data, list):
        return all(encodable(v) for v in data)
    return True


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def quote(value: object, limit: int = QUOTE_CHARS) -> str:
    """A sender's value as a refusal may repeat it: printable, at most ``limit`` characters
    (then ``…``), a lone surrogate or control character written as an escape."""
    text = value if isinstance(value, str) else repr(value)
    cut = text[:limit]
    if not (cut.isprintable() and _utf8(cut)):
        cut = cut.encode("utf-8", "backslashreplace").decode("utf-8")
        cut = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in cut)[:limit]
    return cut + "…" if len(text) > limit else cut


def clip(message: str, limit: int = MESSAGE_MAX) -> str:
    """A refusal message cut to ``limit`` characters (``…`` says it was cut)."""
    return message if len(message) <= limit else message[: limit - 1] + "…"


def reply_id(raw: object) -> str:
    """The ``id`` a refusal echoes: the sender's, if it is one (a printable string of at most
    ``ID_MAX`` characters); otherwise ``""``, so that the reply always serialises."""
    if isinstance(raw, str) and 0 < len(raw) <= ID_MAX and raw.isprintable() and _utf8(raw):
        return raw
    return ""

PHOTO_MAX_BYTES = 24 * 1024
"""A patrol finding's photo (``patrol/record``), decoded: a JPEG or PNG the console has
scaled down; what the hall keeps as evidence of what was seen, not a camera's original."""
PHOTO_MAX_CHARS = 4 * PHOTO_MAX_BYTES // 3
"""The same photo in base64 (no line breaks): 32,768 characters."""
PATROL_RECORD_MAX_BYTES = 40 * 1024
"""A patrol record: the photo's base64 and a note; the largest command of all."""
