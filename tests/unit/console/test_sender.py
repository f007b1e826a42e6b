"""The console's command sender builds each command as its model before anything is sent."""

from __future__ import annotations

import asyncio

from bus.testing import FakeBroker
from console.commands import BusCommandSender

HALL = "chengdong"


def test_a_field_the_command_does_not_have_is_answered_at_once_and_nothing_is_sent() -> None:
    """A page's mistake (a misspelt field) is said in words by the console itself; the
    controller never receives a dict it would have to refuse."""
    broker = FakeBroker()
    console = broker.client(HALL, "console")
    console.start()
    heard: list[str] = []
    spy = broker.client(HALL, "spy")
    spy.subscribe(f"hall/{HALL}/cmd/#", lambda m: heard.append(m.topic))
    spy.start()
    sender = BusCommandSender(console, timeout=0.1)
    answer = asyncio.run(
        sender.send("queue", "call", "c1", {"windw": "W03"}, acting_user="wang")
    )
    assert (answer.ok, answer.code) == (False, "invalid")
    assert "windw" in answer.en and "window" in answer.en
    assert heard == []


def test_a_valid_command_goes_out_on_the_consoles_own_topic_as_the_model() -> None:
    broker = FakeBroker()
    console = broker.client(HALL, "console")
    console.start()
    payloads: list[bytes] = []
    spy = broker.client(HALL, "spy")
    spy.subscribe(f"hall/{HALL}/cmd/console/queue/call", lambda m: payloads.append(m.payload))
    spy.start()
    sender = BusCommandSender(console, timeout=0.1)
    answer = asyncio.run(
        sender.send("queue", "call", "c2", {"window": "W03"}, acting_user="wang")
    )
    assert answer.code == "no_answer"  # nobody answers on this fake bus
    assert payloads and b'"acting_user":"wang"' in payloads[0] and b'"window":"W03"' in payloads[0]
