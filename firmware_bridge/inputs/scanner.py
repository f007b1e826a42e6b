"""Barcode/QR scanners in keyboard-wedge mode: key events → one string per Enter. Pure.

The scanner "types" the code on a US layout: Shift for capitals and symbols, then Enter.
Caps Lock left on at the kiosk inverts letters (as it would for typed text), so it is
tracked from the scanner's own key events.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from evdev import InputEvent, ecodes

from firmware_bridge.interfaces import EVENT_SCAN

KEY_UP, KEY_DOWN, KEY_REPEAT = 0, 1, 2
MAX_SCAN_LENGTH = 4096
"""A QR code holds at most ~4296 characters; past that a key is stuck, not scanning."""

_SHIFTS = frozenset({ecodes.KEY_LEFTSHIFT, ecodes.KEY_RIGHTSHIFT})
DEFAULT_TERMINATORS = frozenset({ecodes.KEY_ENTER, ecodes.KEY_KPENTER})

_PAIRS = {
    "KEY_1": "1!", "KEY_2": "2@", "KEY_3": "3#", "KEY_4": "4$", "KEY_5": "5%",
    "KEY_6": "6^", "KEY_7": "7&", "KEY_8": "8*", "KEY_9": "9(", "KEY_0": "0)",
    "KEY_MINUS": "-_", "KEY_EQUAL": "=+", "KEY_LEFTBRACE": "[{", "KEY_RIGHTBRACE": "]}",
    "KEY_BACKSLASH": "\\|", "KEY_SEMICOLON": ";:", "KEY_APOSTROPHE": "'\"",
    "KEY_GRAVE": "`~", "KEY_COMMA": ",<", "KEY_DOT": ".>", "KEY_SLASH": "/?",
    "KEY_SPACE": "  ",
    **{f"KEY_KP{d}": f"{d}{d}" for d in range(10)},
    "KEY_KPDOT": "..", "KEY_KPSLASH": "//", "KEY_KPASTERISK": "**",
    "KEY_KPMINUS": "--", "KEY_KPPLUS": "++",
}
KEYMAP_US: dict[int, tuple[str, str]] = {
    **{ecodes.ecodes[name]: (pair[0], pair[1]) for name, pair in _PAIRS.items()},
    **{ecodes.ecodes[f"KEY_{c}"]: (c.lower(), c) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
}
"""evdev code → (unshifted, shifted) character on a US keyboard."""
_LETTERS = frozenset(ecodes.ecodes[f"KEY_{c}"] for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


class ScannerTranslator:
    def __init__(
        self,
        terminators: frozenset[int] = DEFAULT_TERMINATORS,
        max_length: int = MAX_SCAN_LENGTH,
    ) -> None:
        self.terminators = terminators
        self.max_length = max_length
        self._chars: list[str] = []
        self._shift: set[int] = set()
        self._caps = False
        self.overflows = 0

    def feed(self, event: InputEvent) -> tuple[str, str] | None:
        if event.type != ecodes.EV_KEY:
            return None  # EV_MSC scancodes and EV_SYN reports carry nothing we need
        code, value = event.code, event.value
        if code in _SHIFTS:
            if value == KEY_UP:
                self._shift.discard(code)
            else:
                self._shift.add(code)
            return None
        if value != KEY_DOWN:
            return None
        if code == ecodes.KEY_CAPSLOCK:
            self._caps = not self._caps
            return None
        if code in self.terminators:
            text, self._chars = "".join(self._chars), []
            return (EVENT_SCAN, text) if text else None
        pair = KEYMAP_US.get(code)
        if pair is None:
            return None
        shifted = bool(self._shift) != (self._caps and code in _LETTERS)
        if len(self._chars) >= self.max_length:
            self.overflows += 1
            self._chars.clear()
        self._chars.append(pair[1] if shifted else pair[0])
        return None

    def translate(self, events: Iterable[InputEvent]) -> Iterator[tuple[str, str]]:
        for event in events:
            out = self.feed(event)
            if out is not None:
                yield out


_CHAR_TO_KEY: dict[str, tuple[int, bool]] = {}
_MAIN_BLOCK = {ecodes.ecodes[name] for name in _PAIRS if not name.startswith("KEY_KP")} | _LETTERS
for _code, (_plain, _shifted) in KEYMAP_US.items():
    if _code not in _MAIN_BLOCK:
        continue  # type characters with the main block, as scanners do
    _CHAR_TO_KEY.setdefault(_plain, (_code, False))
    _CHAR_TO_KEY.setdefault(_shifted, (_code, True))


def events_for_text(text: str, *, sec: int = 0, terminator: int = ecodes.KEY_ENTER
                    ) -> list[InputEvent]:
    """The events a US-layout scanner sends for ``text`` + Enter (for the simulator)."""
    events: list[InputEvent] = []

    def key(code: int, value: int) -> None:
        events.append(InputEvent(sec, len(events), ecodes.EV_KEY, code, value))
        events.append(InputEvent(sec, len(events), ecodes.EV_SYN, ecodes.SYN_REPORT, 0))

    for char in text:
        if char not in _CHAR_TO_KEY:
            raise ValueError(f"a US-layout scanner cannot type {char!r}")
        code, shifted = _CHAR_TO_KEY[char]
        if shifted:
            key(ecodes.KEY_LEFTSHIFT, KEY_DOWN)
        key(code, KEY_DOWN)
        key(code, KEY_UP)
        if shifted:
            key(ecodes.KEY_LEFTSHIFT, KEY_UP)
    key(terminator, KEY_DOWN)
    key(terminator, KEY_UP)
    return events
