"""A reply's PUBLISH properties, packed without paho's generic walk, are paho's bytes."""

from __future__ import annotations

import pytest
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from bus.client import CorrelationOnly


@pytest.mark.parametrize("correlation", [b"", b"1", b"x" * 127, b"y" * 200, b"z" * 20_000])
def test_correlation_only_packs_as_paho_does(correlation: bytes) -> None:
    props = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
    props.CorrelationData = correlation
    assert CorrelationOnly(correlation).pack() == bytes(props.pack())  # type: ignore[no-untyped-call]
    unpacked = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
    unpacked.unpack(CorrelationOnly(correlation).pack())  # type: ignore[no-untyped-call]
    assert unpacked.CorrelationData == correlation  # type: ignore[attr-defined]
