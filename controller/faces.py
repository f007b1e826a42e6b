"""Face templates to the punch terminals (issue 7): the controller's store, published retained.

Enrolment and removal happen with `hall faces … --store DIR` on the controller's machine;
this service republishes the sealed store at start, on every reconnect (a broker without
persistence forgets retained messages) and whenever the store's revision changes.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from sqlalchemy.engine import Connection

from bus import topics
from bus.models.base import Command
from config.schema import HallConfig
from store.service import Outcome, Publication

log = logging.getLogger(__name__)

STORE_FILE = "templates.sealed"
DEFAULT_TRANSPORT_KEY = Path("/etc/servicehall/faces-transport.key")


class FaceTemplateService:
    area = "faces"

    def __init__(self, hall: HallConfig, store_dir: Path, transport_key_file: Path) -> None:
        self.hall = hall
        self.store_dir = store_dir
        self.transport_key_file = transport_key_file
        self._published_revision: int | None = None
        self._seen_stamp: tuple[int, int] | None = None

    def _stamp(self) -> tuple[int, int] | None:
        """The store file's modification time and size: the store is opened only if they move."""
        try:
            st = (self.store_dir / STORE_FILE).stat()
        except OSError:
            return None
        return st.st_mtime_ns, st.st_size

    def _message(self, now: dt.datetime) -> tuple[int, Publication] | None:
        from attendance.recognition.crypto import load_key_file
        from attendance.recognition.sealed import templates_message
        from attendance.recognition.store import TemplateStore

        if not (self.store_dir.is_dir() and self.transport_key_file.is_file()):
            return None
        try:
            store = TemplateStore.open(self.store_dir)
            key = load_key_file(self.transport_key_file)
        except Exception as exc:  # a broken store must not stop the queue; say what to check
            log.error("face templates not published (%s): check %s", exc, self.store_dir)
            return None
        message = templates_message(store, key, now)
        topic = topics.face_templates(self.hall.hall_id)
        return store.revision, Publication(topic, message, retain=True)

    def load(self, conn: Connection, now: dt.datetime) -> None:
        self._published_revision = None

    def startup(self, now: dt.datetime) -> list[Publication]:
        self._seen_stamp = self._stamp()
        found = self._message(now)
        if found is None:
            return []
        self._published_revision = found[0]
        return [found[1]]

    def handle(self, conn: Connection, cmd: Command, now: dt.datetime) -> Outcome:
        return Outcome.refused("unknown_command", f"未知命令 / unknown faces/{cmd.verb}")

    def tick(self, conn: Connection, now: dt.datetime) -> Outcome | None:
        stamp = self._stamp()
        if stamp == self._seen_stamp:
            return None
        self._seen_stamp = stamp
        found = self._message(now)
        if found is None or found[0] == self._published_revision:
            return None
        revision, publication = found

        def commit() -> None:
            self._published_revision = revision

        return Outcome(publications=[publication], on_commit=commit)
