"""The retained ``faces/templates`` message: a template store sealed with the transport key.

Built by the controller (``controller.faces``), opened by the terminals (``terminal.sync``);
the key and the sealing are ``attendance.recognition.crypto``'s.
"""

from __future__ import annotations

import base64
import datetime as dt

from attendance.recognition.store import TemplateStore
from bus import topics
from bus.core import Bus
from bus.models.faces import TemplatesMessage


def templates_message(
    store: TemplateStore, transport_key: bytes, now: dt.datetime | None = None
) -> TemplatesMessage:
    """The retained ``faces/templates`` payload for ``store``, sealed with the transport key."""
    return TemplatesMessage(
        revision=store.revision,
        at=now or dt.datetime.now(dt.UTC),
        blob=base64.b64encode(store.export_encrypted(transport_key)).decode("ascii"),
    )


def publish_templates(
    bus: Bus,
    hall: str,
    store: TemplateStore,
    transport_key: bytes,
    now: dt.datetime | None = None,
) -> TemplatesMessage:
    """Publish ``store`` for the terminals of ``hall`` (retained, QoS 1).

    The controller republishes at start, on every reconnect and when the store changes
    (``controller.faces``); a terminal that starts or reconnects later gets the retained copy.
    """
    message = templates_message(store, transport_key, now)
    bus.publish(topics.face_templates(hall), message, qos=1, retain=True)
    return message
