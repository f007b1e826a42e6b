"""Frames of the microcontroller protocol: encoding, CRC, and a decoder that survives noise."""

from __future__ import annotations

import binascii
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firmware_bridge.mcu.frames import (
    MAX_PAYLOAD,
    SOF,
    Corrupt,
    Frame,
    FrameDecoder,
    MsgType,
    crc16_ccitt_false,
    encode,
)
from firmware_bridge.mcu.messages import (
    Capability,
    DeviceType,
    Identity,
    KeyCode,
    decode_identity,
    decode_show_text,
    encode_brightness,
    encode_identity,
    encode_key,
    encode_rating,
    encode_show_text,
    truncate_utf8,
)

frames = st.builds(
    Frame,
    seq=st.integers(0, 255),
    type=st.integers(0, 255),
    payload=st.binary(max_size=MAX_PAYLOAD),
)


@pytest.mark.parametrize(
    ("data", "crc"),
    [
        (b"123456789", 0x29B1),  # the catalogue check value of CRC-16/CCITT-FALSE
        (b"", 0xFFFF),
        (b"A", 0xB915),
    ],
)
def test_crc16_ccitt_false_vectors(data: bytes, crc: int) -> None:
    assert crc16_ccitt_false(data) == crc


@given(st.binary(max_size=300))
def test_crc_agrees_with_the_standard_library(data: bytes) -> None:
    """binascii.crc_hqx with init 0xFFFF is CRC-16/CCITT-FALSE, an independent reference."""
    assert crc16_ccitt_false(data) == binascii.crc_hqx(data, 0xFFFF)


@pytest.mark.parametrize(
    ("frame", "wire"),
    [
        (Frame(0, MsgType.IDENTIFY), "A5 00 00 10 DE AD"),
        (Frame(0, MsgType.ACK), "A5 00 00 01 DC BD"),
        (Frame(2, MsgType.BRIGHTNESS, encode_brightness(60)), "A5 01 02 22 3C 0B 4F"),
        (Frame(5, MsgType.KEY_EVENT, encode_key(KeyCode.NEXT)), "A5 02 05 30 01 01 0F 7F"),
        (Frame(6, MsgType.RATING, encode_rating(5)), "A5 01 06 31 05 26 D5"),
        (
            Frame(1, MsgType.SHOW_TEXT, encode_show_text(0, "A001 请到3号窗口")),
            "A5 17 01 20 00 00 41 30 30 31 20 E8 AF B7 E5 88 B0 33"
            " E5 8F B7 E7 AA 97 E5 8F A3 ED 3E",
        ),
    ],
)
def test_examples_in_protocol_md(frame: Frame, wire: str) -> None:
    """The worked examples a firmware author copies from PROTOCOL.md are what we send."""
    assert encode(frame).hex(" ").upper() == wire
    assert FrameDecoder().feed(bytes.fromhex(wire)) == [frame]


@given(frames)
def test_frame_round_trip(frame: Frame) -> None:
    decoder = FrameDecoder()
    assert decoder.feed(encode(frame)) == [frame]
    assert decoder.pending == 0


@given(frames, st.integers(1, 8))
def test_frame_split_anywhere_still_decodes(frame: Frame, pieces: int) -> None:
    data = encode(frame)
    decoder = FrameDecoder()
    out: list[Frame | Corrupt] = []
    step = max(1, len(data) // pieces)
    for i in range(0, len(data), step):
        out += decoder.feed(data[i : i + step])
    assert out == [frame]


def test_oversized_payload_is_refused_by_the_encoder() -> None:
    with pytest.raises(ValueError):
        encode(Frame(0, MsgType.SHOW_TEXT, bytes(MAX_PAYLOAD + 1)))


@settings(max_examples=300)
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise(data: bytes) -> None:
    decoder = FrameDecoder()
    decoder.feed(data)
    decoder.idle()
    assert decoder.pending == 0


@settings(max_examples=200)
@given(st.lists(st.tuples(st.binary(max_size=60), frames), min_size=1, max_size=6), st.binary())
def test_decoder_recovers_every_frame_between_garbage(
    chunks: list[tuple[bytes, Frame]], tail: bytes
) -> None:
    """Garbage (even containing SOF bytes) before each frame costs no real frame."""
    decoder = FrameDecoder()
    out: list[Frame | Corrupt] = []
    for garbage, frame in chunks:
        out += decoder.feed(garbage)
        out += decoder.feed(encode(frame))
        out += decoder.idle()  # the line goes quiet between frames, as on a UART
    out += decoder.feed(tail)
    out += decoder.idle()
    decoded = iter([item for item in out if isinstance(item, Frame)])
    # Every real frame appears, in order (garbage could in theory add a valid frame).
    assert all(frame in decoded for _, frame in chunks)


def test_corrupted_frame_is_reported_and_the_next_one_survives() -> None:
    good = encode(Frame(1, MsgType.HEARTBEAT))
    bad = bytearray(encode(Frame(2, MsgType.SHOW_TEXT, b"\x00\x00hello")))
    bad[6] ^= 0x40
    decoder = FrameDecoder()
    out = decoder.feed(bytes(bad) + good)
    assert out[-1] == Frame(1, MsgType.HEARTBEAT)
    assert Corrupt(seq=2, type=MsgType.SHOW_TEXT) in out
    assert decoder.stats.crc_errors >= 1


def test_truncated_frame_followed_by_a_frame_recovers_on_idle() -> None:
    """A frame cut short by a reboot swallows the next one until the line goes quiet."""
    decoder = FrameDecoder()
    good = Frame(3, MsgType.RATING, b"\x05")
    assert decoder.feed(bytes([SOF, 200, 9]) + encode(good)) == []
    assert good in decoder.idle()


def test_identity_round_trip_and_short_payload() -> None:
    identity = Identity(DeviceType.CALLER, 1, (2, 3, 4), Capability.KEYS | Capability.RATING, 0, 0,
                        "KP-8")
    assert decode_identity(encode_identity(identity)) == identity
    assert decode_identity(b"\x01\x02") is None


def test_text_is_utf8_and_cut_on_a_character_boundary() -> None:
    payload = encode_show_text(1, "请A001到3号窗口" * 30)
    parsed = decode_show_text(payload)
    assert parsed is not None
    line, _, text = parsed
    assert line == 1 and text.startswith("请A001到3号窗口")
    assert len(truncate_utf8("号" * 100, 10)) == 9


def _wire_examples() -> list[tuple[str, bytes]]:
    """Every ``→``/``←`` frame in PROTOCOL.md §6 (continuation lines joined)."""
    doc = (Path(__file__).resolve().parents[3] / "firmware_bridge" / "PROTOCOL.md").read_text(
        encoding="utf-8"
    )
    section = doc[doc.index("## 6. Examples") : doc.index("## 7.")]
    examples: list[tuple[str, bytes]] = []
    hex_run = re.compile(r"^((?:[0-9A-F]{2} )*[0-9A-F]{2})(?:\s{2,}|$)")
    for line in section.splitlines():
        stripped = line.lstrip("`→← ").rstrip("`,")
        match = hex_run.match(stripped)
        if match is None:
            continue
        data = bytes.fromhex(match.group(1))
        if line.startswith("  ") and examples:
            label, previous = examples[-1]
            examples[-1] = (label, previous + data)
        elif data[:1] == b"\xa5":
            examples.append((line.strip(), data))
    return examples


def test_every_frame_in_protocol_md_is_valid_except_the_damaged_one() -> None:
    examples = _wire_examples()
    assert len(examples) >= 15
    for label, data in examples:
        out = FrameDecoder().feed(data)
        if "damaged" in label:
            assert out and isinstance(out[0], Corrupt), label
        else:
            assert len(out) == 1 and isinstance(out[0], Frame), label
