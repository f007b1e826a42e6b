"""The event factory takes the data model of the kind it publishes, built by the sender."""

from __future__ import annotations

import datetime as dt

import pytest

from bus.models.events import NoticeIdData, NoticeRevoked, WindowOnlyData, data_model
from store.events import EventFactory

AT = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def test_a_sender_hands_over_the_model_of_its_kind() -> None:
    publication = EventFactory("chengdong").publication(
        "notice.revoked", NoticeIdData(notice_id="N0012"), AT
    )
    assert isinstance(publication.payload, NoticeRevoked)
    assert publication.topic.endswith("/evt/notice.revoked")


def test_the_data_of_another_kind_is_refused_where_it_is_sent() -> None:
    resumed = WindowOnlyData(window="W01", window_number=1, staff=None, staff_name=None)
    wrong = r"^notice\.revoked carries a NoticeIdData, not a WindowOnlyData$"
    with pytest.raises(TypeError, match=wrong):
        EventFactory("chengdong").publication("notice.revoked", resumed, AT)


def test_every_kind_names_its_data_model() -> None:
    assert data_model("window.resumed") is WindowOnlyData
    with pytest.raises(KeyError):
        data_model("ticket.teleported")
