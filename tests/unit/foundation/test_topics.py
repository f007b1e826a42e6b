"""Topics are built and parsed in one place (bus/topics)."""

from __future__ import annotations

import pytest

from bus import topics


def test_built_topics_parse_back() -> None:
    cases = {
        topics.command("chengdong", "kiosk-1", "queue", "issue"): (
            "command",
            {"node": "kiosk-1", "area": "queue", "verb": "issue"},
        ),
        topics.default_inbox("chengdong", "kiosk-1"): (
            "reply",
            {"node": "kiosk-1", "session": "default"},
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
    # The old shape without the sender is no command any more.
    assert topics.parse("hall/chengdong/cmd/queue/issue") is None


def test_a_command_names_its_sender_and_the_controller_hears_every_sender() -> None:
    from paho.mqtt.client import topic_matches_sub

    topic = topics.command("chengdong", "caller-W01", "queue", "call")
    assert topic == "hall/chengdong/cmd/caller-W01/queue/call"
    assert topic_matches_sub(topics.all_commands("chengdong"), topic)
    assert topic_matches_sub(topics.command_from_anyone("chengdong", "queue", "call"), topic)
    assert topic_matches_sub(topics.node_commands("chengdong", "caller-W01"), topic)
    assert not topic_matches_sub(topics.node_commands("chengdong", "caller-W05"), topic)
    assert not topic_matches_sub(topics.all_commands("chengdong"), "hall/chengdong/cmd/queue/call")


def test_only_a_senders_own_inbox_is_its_reply_topic() -> None:
    own = topics.reply_inbox("chengdong", "kiosk-1", "a1b2c3")
    assert topics.is_reply_of("chengdong", "kiosk-1", own)
    assert topics.is_reply_of("chengdong", "kiosk-1", topics.default_inbox("chengdong", "kiosk-1"))
    for steered in (
        topics.reply_inbox("chengdong", "kiosk-2", "a1b2c3"),
        topics.reply_inbox("other", "kiosk-1", "a1b2c3"),
        topics.catalog_state("chengdong"),
        topics.window_state("chengdong", "W01"),
        topics.device("chengdong", "kiosk-2", "printer", "print"),
        topics.command("chengdong", "caller-W01", "queue", "call"),
        f"{own}/deeper",
        "demo/reply",
        "",
    ):
        assert not topics.is_reply_of("chengdong", "kiosk-1", steered), steered


@pytest.mark.parametrize("bad", ["", "a/b", "+", "#", "W 1"])
def test_segments_with_wildcards_or_slashes_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        topics.window_state("chengdong", bad)
