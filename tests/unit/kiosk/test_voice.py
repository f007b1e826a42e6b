"""The hall screen's voice: what is said, and that calls never overlap or get lost."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from hallqueue.engine.common import announcement_text, spoken_number
from kiosk.voice import Announcer
from tests.waiting import wait_until


def test_ticket_digits_are_read_one_by_one_and_window_numbers_as_numbers() -> None:
    """The line is made once, by the engine, and carried by the call event."""
    assert announcement_text("A001", 3) == "请A零零一号到三号窗口办理"
    assert announcement_text("B120", 10) == "请B一二零号到十号窗口办理"
    assert [spoken_number(n) for n in (1, 10, 11, 20, 23)] == ["一", "十", "十一", "二十", "二十三"]


class Sink:
    """A player that records each play; the first play blocks until the test releases it."""

    def __init__(self) -> None:
        self.plays: list[tuple[str, bytes]] = []
        self.active = 0
        self.most_active = 0
        self.release_first = threading.Event()
        self._lock = threading.Lock()

    def __call__(self, wav: Path) -> None:
        with self._lock:
            self.active += 1
            self.most_active = max(self.most_active, self.active)
            first = not self.plays
            self.plays.append(("start", wav.read_bytes()))
        if first:
            self.release_first.wait(10)
        with self._lock:
            self.active -= 1
            self.plays.append(("end", b""))


def fake_synth(text: str, wav: Path) -> None:
    wav.write_bytes(text.encode())


def test_two_calls_in_quick_succession_both_play_in_order_without_overlap() -> None:
    sink = Sink()
    voice = Announcer(player=sink, synth=fake_synth)
    try:
        voice.say(announcement_text("A001", 1))
        voice.say(announcement_text("B002", 3))  # returns at once, while the first plays
        sink.release_first.set()
        wait_until(lambda: len(sink.plays) == 4)
    finally:
        voice.close()
    assert [kind for kind, _ in sink.plays] == ["start", "end", "start", "end"]
    spoken = [data.decode() for kind, data in sink.plays if kind == "start"]
    assert spoken == ["请A零零一号到一号窗口办理", "请B零零二号到三号窗口办理"]
    assert sink.most_active == 1


@pytest.mark.expect_log(
    "WARNING", r"^announcement '请A零零一号到一号窗口办理' not played", logger="kiosk.voice"
)
@pytest.mark.parametrize(
    "error",
    [OSError("espeak-ng crashed"), ValueError("embedded null byte")],
    ids=["espeak-fails", "any-other-error"],
)
def test_a_failed_line_does_not_stop_the_ones_after_it(error: Exception) -> None:
    """Not only OSError: a ValueError (a NUL byte in the text) once ended the worker thread,
    and every later call was queued and never heard."""
    sink = Sink()
    sink.release_first.set()

    def synth(text: str, wav: Path) -> None:
        if "A" in text:
            raise error
        fake_synth(text, wav)

    voice = Announcer(player=sink, synth=synth)
    try:
        voice.say(announcement_text("A001", 1))
        voice.say(announcement_text("C001", 5))
        wait_until(lambda: len(sink.plays) == 2)
    finally:
        voice.close()
    assert sink.plays[0][1].decode() == "请C零零一号到五号窗口办理"


def test_repeat_says_each_call_twice() -> None:
    sink = Sink()
    sink.release_first.set()
    voice = Announcer(player=sink, synth=fake_synth, repeat=2)
    try:
        voice.say(announcement_text("D003", 6))
        wait_until(lambda: len(sink.plays) == 4)
    finally:
        voice.close()
    assert [d.decode() for k, d in sink.plays if k == "start"] == ["请D零零三号到六号窗口办理"] * 2


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_espeak_ng_makes_a_mandarin_wav_played_by_the_player_command(tmp_path: Path) -> None:
    """The real synthesiser and a player command that copies the file (a file-writing sink)."""
    voice = Announcer(player=["cp", "{file}", str(tmp_path / "played.wav")])
    voice.say(announcement_text("A001", 3))
    voice.close()  # finishes what is queued before it stops
    data = (tmp_path / "played.wav").read_bytes()
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE" and len(data) > 20_000
