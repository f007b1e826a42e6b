"""A document survives the trip through a PrintJob's JSON; a broken job says what is wrong."""

from __future__ import annotations

import json

import pytest

from firmware_bridge.printer.document import Document
from firmware_bridge.printer.jobs import document_from_job, job_data
from firmware_bridge.printer.samples import SAMPLE_NOTICES, sample_ticket


@pytest.mark.parametrize("document", [sample_ticket(), *SAMPLE_NOTICES.values()])
def test_a_document_round_trips_through_print_job_json(document: Document) -> None:
    kind, data = job_data(document)
    wire = json.loads(json.dumps({"document": kind, "data": data}, ensure_ascii=False))
    assert document_from_job(wire["document"], wire["data"]) == document


def test_a_job_missing_fields_names_them() -> None:
    with pytest.raises(ValueError, match="service"):
        document_from_job("ticket", {"number": "A001"})


def test_an_unknown_document_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="guide"):
        document_from_job("receipt", {})
