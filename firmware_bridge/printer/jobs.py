"""Print jobs to and from the printer's documents: the one place the two shapes meet.

The kiosk sends a typed ``bus.models.devices.PrintJob`` (``TicketPrint`` or ``GuidePrint``);
the bridge calls ``document_from_job(job)`` to get the printer's document back, and
``print_data(document)`` is the other way (samples, tests). The item type keeps the hall's
vocabulary (``config.schema.ItemType``) up to the paper, where its Chinese label is printed.
"""

from __future__ import annotations

import dataclasses

from bus.models.devices import GuidePrint, PrintJob, TicketPrint
from firmware_bridge.printer.document import Document, OneTimeNotice, Ticket


def print_data(document: Document) -> TicketPrint | GuidePrint:
    """The ``PrintJob.data`` that prints ``document``."""
    fields = {f.name: getattr(document, f.name) for f in dataclasses.fields(document)}
    if isinstance(document, Ticket):
        return TicketPrint(**fields)
    return GuidePrint(**fields)


def document_from_job(job: PrintJob) -> Document:
    """The printer's document for a job (already validated by its model at the edge)."""
    data = job.data
    if isinstance(data, TicketPrint):
        return Ticket(**dict(data))
    return OneTimeNotice(**dict(data))
