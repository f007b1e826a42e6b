"""Turning service events into ``evt/<kind>`` publications with a controller-wide sequence."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from bus import topics
from bus.models.events import make_event
from store.service import Publication


class EventFactory:
    """Numbers events so that screens can order them and drop duplicates after a reconnect.

    The sequence is the event time in milliseconds, bumped by one when two events share a
    millisecond: it keeps growing across controller restarts without a stored counter.
    """

    def __init__(self, hall_id: str) -> None:
        self.hall_id = hall_id
        self._last = 0

    def mark(self, now: dt.datetime) -> int:
        """A sequence at least every earlier event's (those of before a restart too, which
        were numbered by earlier times) and below every later one's: a snapshot taken now
        includes exactly the events numbered up to it."""
        self._last = max(self._last, int(now.timestamp() * 1000))
        return self._last

    def publication(self, kind: str, data: BaseModel, at: dt.datetime) -> Publication:
        """The ``evt/<kind>`` publication of one event, numbered after every earlier one.

        ``data`` is the data model of its kind (``bus.models.events.data_model``), built by
        the sender: a field missing or of the wrong type fails there, not at publish time.
        """
        self._last = max(self._last + 1, int(at.timestamp() * 1000))
        event = make_event(kind, data, at, self._last)
        return Publication(topics.event(self.hall_id, kind), event)
