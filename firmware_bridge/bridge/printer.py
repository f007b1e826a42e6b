"""The kiosk's ticket printer on the bus: ``…/<printer>/print`` in, ``…/result`` out.

A print job is answered exactly once per ``job_id`` with a ``PrintResult``: ok, or failed
with the printer's state and what to check (``status.HINTS``). A failed print never
cancels the ticket — the kiosk offers a reprint. A job delivered twice (MQTT QoS 1) is not
printed twice: the first result is sent again.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from typing import Any

from pydantic import ValidationError

from bus.core import Incoming
from bus.models.devices import DeviceState, PrintJob, PrintResult
from firmware_bridge.bridge.endpoint import Endpoint
from firmware_bridge.printer.jobs import document_from_job
from firmware_bridge.printer.status import HINTS

log = logging.getLogger("firmware_bridge.bridge")

REMEMBERED_RESULTS = 200
"""Results kept to answer a redelivered job (a kiosk prints far fewer per minute)."""


class PrinterEndpoint(Endpoint):
    poll_attr = "printer_poll_s"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._results: OrderedDict[str, PrintResult] = OrderedDict()
        self._printing: set[str] = set()

    def hint(self, state: DeviceState) -> str:
        return HINTS[state]

    def subscribe(self) -> None:
        self.node.bus.subscribe(self.topic("print"), self._on_job)

    def _on_job(self, message: Incoming) -> None:
        try:
            job = PrintJob.model_validate_json(message.payload)
        except ValidationError as exc:
            self.invalid(message.topic, exc.errors()[0].get("msg", exc))
            job_id = _raw_job_id(message.payload)
            if job_id:
                self._answer(job_id, ok=False, state=self.state,
                             detail="打印任务格式错误 / invalid print job")
            return
        if job.job_id in self._results:
            self.publish("result", self._results[job.job_id])
            return
        if job.job_id in self._printing:
            return
        document = document_from_job(job)
        self._printing.add(job.job_id)
        self.worker.submit(
            lambda device: device.print_document(document),
            lambda result: self._printed(job.job_id, result),
        )

    def _printed(self, job_id: str, result: object) -> None:
        self._printing.discard(job_id)
        state = result if isinstance(result, DeviceState) else DeviceState.ERROR
        self.state_changed(state)
        self._answer(job_id, ok=not state.is_fault, state=state, detail=HINTS[state])

    def _answer(self, job_id: str, *, ok: bool, state: DeviceState, detail: str) -> None:
        result = PrintResult(job_id=job_id, ok=ok, state=state, detail=detail)
        if ok:
            log.info("%s: printed job %s", self.label, job_id)
        else:
            log.warning("%s: job %s not printed: %s", self.label, job_id, detail)
        self._results[job_id] = result
        while len(self._results) > REMEMBERED_RESULTS:
            self._results.popitem(last=False)
        self.publish("result", result)


def _raw_job_id(payload: bytes) -> str | None:
    """The ``job_id`` of a job that failed validation, so the kiosk still gets an answer."""
    try:
        data = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    job_id = data.get("job_id") if isinstance(data, dict) else None
    return job_id if isinstance(job_id, str) and job_id else None
