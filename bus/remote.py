"""Sending one command to the controller from a command-line tool and waiting for its reply."""

from __future__ import annotations

import uuid
from typing import Any

from bus import topics
from bus.client import PahoBus
from bus.core import RequestTimeout
from bus.models.base import Reply
from config.schema import HallConfig

MANAGER_USER = "manager"
"""The MQTT user of the `hall` command-line tools (notices, stats, overrides)."""

CONNECT_TIMEOUT = 5.0
REPLY_TIMEOUT = 10.0


def send_command(
    hall: HallConfig, area: str, verb: str, fields: dict[str, Any], broker_url: str | None = None
) -> Reply:
    """One request/reply round trip; raises RequestTimeout when nothing answers."""
    # The hall manager's identity: with a secured broker, $SERVICEHALL_MQTT_SECRET names the
    # manager's secret file (credentials/manager.secret from `hall broker config`).
    bus = PahoBus(hall.hall_id, MANAGER_USER, hall.broker_url(broker_url), role="cli")
    bus.start()
    try:
        if not bus.wait_connected(CONNECT_TIMEOUT):
            raise RequestTimeout(f"cannot reach the broker at {hall.broker_url(broker_url)}")
        payload = {"v": 1, "id": f"cli-{uuid.uuid4().hex}", **fields}
        future = bus.request(
            topics.command(hall.hall_id, bus.node, area, verb), payload, REPLY_TIMEOUT
        )
        message = future.result(REPLY_TIMEOUT + 1)
        return Reply.model_validate_json(message.payload)
    finally:
        bus.stop()
