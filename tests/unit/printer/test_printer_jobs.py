"""A document survives the trip through a PrintJob's JSON; a broken job says what is wrong."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bus.models.devices import PrintJob
from config.schema import ItemType
from firmware_bridge.printer.document import Document, OneTimeNotice, layout
from firmware_bridge.printer.jobs import document_from_job, print_data
from firmware_bridge.printer.samples import SAMPLE_NOTICES, sample_ticket


@pytest.mark.parametrize("document", [sample_ticket(), *SAMPLE_NOTICES.values()])
def test_a_document_round_trips_through_print_job_json(document: Document) -> None:
    wire = PrintJob.of("j1", print_data(document)).model_dump_json()
    assert document_from_job(PrintJob.model_validate_json(wire)) == document


def test_a_job_missing_fields_names_them() -> None:
    with pytest.raises(ValidationError, match="service"):
        PrintJob.model_validate({"job_id": "j1", "document": "ticket", "data": {"number": "A1"}})


def test_an_unknown_document_kind_or_a_mismatched_one_is_refused() -> None:
    data = print_data(sample_ticket()).model_dump(mode="json")
    with pytest.raises(ValidationError, match="guide"):
        PrintJob.model_validate({"job_id": "j1", "document": "receipt", "data": data})
    with pytest.raises(ValidationError, match="document is 'guide'"):
        PrintJob.model_validate({"job_id": "j1", "document": "guide", "data": data})


def test_the_item_type_travels_in_the_halls_vocabulary_and_prints_in_chinese() -> None:
    """One ItemType (config's): ``promised`` on the wire, 承诺件 on the paper."""
    notice = next(n for n in SAMPLE_NOTICES.values() if n.item_type is ItemType.PROMISED)
    wire = PrintJob.of("j1", print_data(notice)).model_dump(mode="json")
    assert wire["data"]["item_type"] == "promised"
    printed = document_from_job(PrintJob.model_validate(wire))
    assert isinstance(printed, OneTimeNotice)
    texts = [getattr(b, "text", "") for b in layout(printed, 80)]
    assert any("承诺件" in t for t in texts)
