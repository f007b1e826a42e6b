"""Face templates on the bus: the controller's store, sealed, for the punch terminals."""

from __future__ import annotations

import datetime as dt

from bus.models.base import StateMessage


class TemplatesMessage(StateMessage):
    """Retained ``faces/templates``: the controller's store, sealed with the transport key."""

    revision: int
    """The store's revision (also sealed inside the blob, which is what is trusted)."""
    at: dt.datetime
    blob: str
    """Base64 of ``TemplateStore.export_encrypted(transport_key)``."""
