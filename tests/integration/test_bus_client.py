"""The paho client keeps listening when a node's callback fails."""

from __future__ import annotations

import socket
import threading

import pytest

from bus.client import PahoBus
from bus.core import Incoming
from tests.conftest import Broker

pytestmark = pytest.mark.integration


@pytest.mark.expect_log("ERROR", r"^callback '\S+<locals>.handler' failed", logger="bus.client")
def test_a_failing_handler_does_not_end_the_network_thread(mosquitto: Broker) -> None:
    """With inline delivery a handler runs on paho's thread; its error is logged, not raised."""
    got: list[bytes] = []
    second = threading.Event()

    def handler(message: Incoming) -> None:
        if message.payload == b"boom":
            raise ValueError("a broken handler")
        got.append(message.payload)
        second.set()

    listener = PahoBus("h", "listener", mosquitto.url)
    sender = PahoBus("h", "sender", mosquitto.url)
    listener.subscribe("hall/h/evt/+", handler)
    listener.start()
    sender.start()
    try:
        assert listener.wait_connected(10) and sender.wait_connected(10)
        sender.publish("hall/h/evt/x", b"boom")
        sender.publish("hall/h/evt/x", b"fine")
        assert second.wait(10)
        assert got == [b"fine"]
    finally:
        sender.stop()
        listener.stop()


def test_a_node_sends_each_packet_at_once(mosquitto: Broker) -> None:
    """Nagle off on the node's socket: a reply sent right after an event would otherwise wait
    for the broker's delayed ACK of the event (about 40 ms on every click)."""
    bus = PahoBus("h", "kiosk-1", mosquitto.url)
    bus.start()
    try:
        assert bus.wait_connected(10)
        sock = bus._client.socket()
        assert isinstance(sock, socket.socket)
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        bus.stop()
