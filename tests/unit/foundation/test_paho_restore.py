"""PahoBus restoring its subscriptions after (re)connecting, driven through paho's callbacks."""

from __future__ import annotations

from typing import Any

from bus.client import PahoBus
from bus.core import Incoming


class _Code:
    is_failure = False


class _StubClient:
    """Stands in for paho's client: records what was asked of the broker."""

    def __init__(self) -> None:
        self.subscribed: list[str] = []
        self._mid = 0

    def subscribe(self, topic: Any, qos: int = 1) -> tuple[int, int]:
        filters = [t for t, _q in topic] if isinstance(topic, list) else [topic]
        self.subscribed += filters
        self._mid += 1
        return 0, self._mid

    def publish(self, *args: Any, **kwargs: Any) -> None:
        return None

    def socket(self) -> None:
        """No socket: the stub never connects (``_no_delay`` leaves it alone)."""
        return None


def _ignore(_message: Incoming) -> None:
    return None


def test_a_subscription_made_while_the_restore_is_on_its_way_reaches_the_broker() -> None:
    """paho's thread snapshots the subscriptions on connect and the bus counts as connected
    only at the SUBACK; a subscribe() on the node's loop in between was kept locally but
    never sent, so its messages never came until the next reconnect."""
    bus = PahoBus("chengdong", "kiosk-1")
    stub = _StubClient()
    bus._client = stub  # type: ignore[assignment]
    bus.subscribe("hall/chengdong/state/queue", _ignore)
    bus._on_connect(stub, None, None, _Code(), None)  # type: ignore[arg-type]
    assert "hall/chengdong/state/queue" in stub.subscribed
    bus.subscribe("hall/chengdong/state/catalog", _ignore)  # before the SUBACK
    assert "hall/chengdong/state/catalog" not in stub.subscribed
    restore_mid = stub._mid
    bus._on_subscribe(stub, None, restore_mid, [_Code()], None)  # type: ignore[arg-type, list-item]
    assert bus.is_connected()
    assert "hall/chengdong/state/catalog" in stub.subscribed
    bus.subscribe("hall/chengdong/time", _ignore)  # after: sent at once, as before
    assert stub.subscribed.count("hall/chengdong/state/catalog") == 1
    assert stub.subscribed[-1] == "hall/chengdong/time"
