"""Face templates from the controller to the terminals (issue 7 part 4).

The controller keeps the hall's template store; it publishes the whole store, sealed with
the hall's *transport key* (AES-GCM, ``attendance.recognition.crypto``), as one retained
message on ``faces/templates``. A terminal opens it with the same transport key, replaces
its own store with it (a full copy, so a departed staff member disappears, A7), saves it
sealed with the terminal's own key, and rebuilds its matcher. Templates are never in
plaintext on the wire or on a disk.

The transport key is a 32-byte file, mode 0600, given to the controller and to every
terminal at installation like the MQTT credentials (``terminal/README.md``).
The broker ACL must let terminals read ``hall/<id>/faces/templates`` and nobody else.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from pydantic import ValidationError

from attendance.recognition import Matcher, RecognitionSettings, StoreError, TemplateStore
from bus import topics
from bus.core import Bus, Incoming
from bus.models.faces import TemplatesMessage

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    applied: bool
    revision: int
    staff: int
    reason: str = ""


class TemplateSync:
    """The terminal's side: holds the current matcher and replaces it on each new sync."""

    def __init__(
        self,
        store: TemplateStore,
        transport_key: bytes,
        settings: RecognitionSettings | None = None,
        on_update: Callable[[SyncOutcome], None] | None = None,
    ) -> None:
        self.store = store
        self.transport_key = transport_key
        self.settings = settings or RecognitionSettings()
        self._on_update = on_update
        self._matcher = Matcher.from_store(store, self.settings)
        self.rejected = 0
        """Sync messages that could not be used (bad payload, wrong key): counted, logged."""

    @property
    def matcher(self) -> Matcher:
        """The matcher for the templates in force; swapped whole, so readers in other
        threads see either the old or the new one."""
        return self._matcher

    def attach(self, bus: Bus) -> None:
        bus.subscribe(topics.face_templates(bus.hall), self._handle)

    def _handle(self, message: Incoming) -> None:
        self.on_message(message)

    def on_message(self, message: Incoming) -> SyncOutcome:
        """Handle one ``faces/templates`` message; never raises (a bad one is counted)."""
        if not message.payload:
            # A deleted retained message is not "delete every template": keep what we have.
            return SyncOutcome(False, self.store.revision, len(self.store), "empty")
        try:
            parsed = TemplatesMessage.model_validate_json(message.payload)
            blob = base64.b64decode(parsed.blob, validate=True)
        except (ValidationError, binascii.Error, ValueError) as err:
            return self._reject(f"unreadable templates message: {err}")
        return self.apply(blob)

    def apply(self, blob: bytes) -> SyncOutcome:
        """Take a sealed store from the controller if it differs from ours."""
        incoming = TemplateStore(self.transport_key)
        try:
            incoming.import_encrypted(blob)
        except StoreError as err:
            return self._reject(str(err))
        if self._same_as_current(incoming):
            return SyncOutcome(False, incoming.revision, len(incoming), "unchanged")
        if incoming.revision < self.store.revision:
            # The controller's store is the truth even if it went back (restored backup).
            log.warning(
                "template revision went back from %d to %d; taking the controller's copy",
                self.store.revision,
                incoming.revision,
            )
        self.store.adopt(incoming)  # already opened above: not decrypted and parsed twice
        if self.store.path is not None:
            try:
                self.store.save()
            except OSError as err:
                # Disk full or read-only: the new templates still hold until a restart,
                # when the retained message brings them again.
                log.warning("人脸模板已更新但无法保存 / templates in force but not saved: %s", err)
        self._matcher = Matcher.from_store(self.store, self.settings)
        outcome = SyncOutcome(True, self.store.revision, len(self.store))
        log.info("face templates synced: revision %d, %d staff", outcome.revision, outcome.staff)
        if self._on_update is not None:
            self._on_update(outcome)
        return outcome

    def _same_as_current(self, other: TemplateStore) -> bool:
        if other.revision != self.store.revision:
            return False
        ids, matrix, starts = other.matrix()
        cur_ids, cur_matrix, cur_starts = self.store.matrix()
        return (
            tuple(ids) == tuple(cur_ids)
            and np.array_equal(starts, cur_starts)
            and np.array_equal(matrix, cur_matrix)
        )

    def _reject(self, reason: str) -> SyncOutcome:
        self.rejected += 1
        log.warning("face templates not applied (templates in force kept): %s", reason)
        return SyncOutcome(False, self.store.revision, len(self.store), reason)
