"""A stand-in for the kiosk's firmware bridge in UI tests and screenshots: its printer."""

from __future__ import annotations

import threading

from bus import topics
from bus.client import PahoBus
from bus.core import Incoming
from bus.models.devices import DeviceState, PrintJob, PrintResult

HALL = "chengdong"


class FakeBridge:
    """The kiosk's printer as the bridge exposes it: the first job finds no paper."""

    def __init__(self, broker_url: str) -> None:
        self.jobs: list[PrintJob] = []
        self._lock = threading.Lock()
        self.bus = PahoBus(HALL, "bridge-kiosk-1", broker_url, role="bridge")
        self.bus.subscribe(topics.device(HALL, "kiosk-1", "printer", "print"), self._on_job)
        self.bus.start()
        assert self.bus.wait_connected(10)

    def _on_job(self, message: Incoming) -> None:
        job = PrintJob.model_validate_json(message.payload)
        with self._lock:
            self.jobs.append(job)
            first = len(self.jobs) == 1
        result = PrintResult(
            job_id=job.job_id,
            ok=not first,
            state=DeviceState.PAPER_OUT if first else DeviceState.OK,
        )
        self.bus.publish(topics.device(HALL, "kiosk-1", "printer", "result"), result)

    def close(self) -> None:
        self.bus.stop()
