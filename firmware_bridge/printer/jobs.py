"""Documents to and from the ``data`` of a ``bus.models.devices.PrintJob``.

The kiosk side calls ``job_data(document)`` to fill a print job; the bridge calls
``document_from_job(job.document, job.data)`` to get the document back. A malformed job is
a ``ValueError`` whose message the bridge can put in ``PrintResult.detail``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import TypeAdapter, ValidationError

from firmware_bridge.printer.document import Document, OneTimeNotice, Ticket

_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    "ticket": TypeAdapter(Ticket),
    "guide": TypeAdapter(OneTimeNotice),
}
"""``PrintJob.document`` values: ``ticket`` (Q1) and ``guide`` (the Q13 one-time notice)."""


def job_data(document: Document) -> tuple[str, dict[str, Any]]:
    """``(PrintJob.document, PrintJob.data)`` for a document, JSON-ready."""
    kind = "ticket" if isinstance(document, Ticket) else "guide"
    data: dict[str, Any] = _ADAPTERS[kind].dump_python(document, mode="json")
    return kind, data


def document_from_job(kind: str, data: Mapping[str, Any]) -> Document:
    adapter = _ADAPTERS.get(kind)
    if adapter is None:
        raise ValueError(f"unknown document {kind!r}; expected one of {sorted(_ADAPTERS)}")
    try:
        document: Document = adapter.validate_python(dict(data))
    except ValidationError as exc:
        raise ValueError(f"bad {kind} print job: {exc}") from exc
    return document
