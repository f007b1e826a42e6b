"""Topics are built and parsed in one place (bus/topics)."""

from __future__ import annotations

import pytest

from bus import topics


def test_built_topics_parse_back() -> None:
    cases = {
        topics.command("chengdong", "queue", "issue"): (
            "command",
            {"area": "queue", "verb": "issue"},
        ),
        topics.window_state("chengdong", "W03"): ("window", {"window": "W03"}),
        topics.notice("chengdong", "N0001"): ("notice", {"notice_id": "N0001"}),
        topics.event("chengdong", "ticket.called"): ("event", {"kind": "ticket.called"}),
        topics.device("chengdong", "kiosk-1", "printer", "state"): (
            "device",
            {"node": "kiosk-1", "device": "printer", "leaf": "state"},
        ),
        topics.node_status("chengdong", "screen-1"): ("node_status", {"node": "screen-1"}),
    }
    for topic, (kind, parts) in cases.items():
        parsed = topics.parse(topic)
        assert parsed is not None and parsed.kind == kind and parsed.parts == parts
        assert parsed.hall == "chengdong"


def test_foreign_topics_are_not_ours() -> None:
    assert topics.parse("other/chengdong/cmd/queue/issue") is None
    assert topics.parse("hall/chengdong/cmd/queue") is None


@pytest.mark.parametrize("bad", ["", "a/b", "+", "#", "W 1"])
def test_segments_with_wildcards_or_slashes_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        topics.window_state("chengdong", bad)
