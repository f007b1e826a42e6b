"""Key events → caller actions and sign-in keys (keypad caller) or ratings (evaluator
keypad). Pure."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from evdev import InputEvent, ecodes

from firmware_bridge.interfaces import CALLER_ACTIONS, EVENT_KEY, EVENT_RATING, caller_key

KEY_DOWN = 1
"""evdev key values: 0 up, 1 down, 2 autorepeat. Only a fresh press counts: a held key
must not call five tickets."""

DEFAULT_CALLER_KEYMAP: Mapping[str, str] = {
    "KEY_KP1": "next",
    "KEY_KP2": "recall",
    "KEY_KP3": "skip",
    "KEY_KP4": "transfer",
    "KEY_KP5": "hold",
    "KEY_KP6": "pause",
    "KEY_KP7": "resume",
    "KEY_KP8": "finish",
    "KEY_KPASTERISK": "login",
    "KEY_KPSLASH": "logout",
}
"""A numeric keypad as a caller: 1 next … 8 finish, * 登录 (sign in), / 退出 (sign out) (the
labels stuck on the keys)."""

DEFAULT_ENTRY_KEYMAP: Mapping[str, str] = {
    **{f"KEY_KP{n}": str(n) for n in range(10)},
    **{f"KEY_{n}": str(n) for n in range(10)},
    "KEY_KPENTER": "enter",
    "KEY_ENTER": "enter",
    "KEY_KPDOT": "clear",
    "KEY_BACKSPACE": "clear",
}
"""What a caller keypad's keys type in a sign-in (after 登录): the digits of the 工号 and the
PIN, Enter to confirm, ``.`` or Backspace to clear (on an empty field: to give up)."""

DEFAULT_EVALUATOR_KEYMAP: Mapping[str, int] = {
    **{f"KEY_KP{n}": n for n in range(1, 6)},
    **{f"KEY_{n}": n for n in range(1, 6)},
}
"""Five keys → rating 1 (非常不满意) … 5 (非常满意), from the keypad or the number row."""

Event = tuple[str, str]


def key_code(name: str) -> int:
    """The evdev code of a key name like ``KEY_KP1``; ValueError if there is no such key."""
    code = ecodes.ecodes.get(name)
    if code is None or not name.startswith(("KEY_", "BTN_")):
        raise ValueError(f"unknown key name {name!r} (expected e.g. KEY_KP1, KEY_F1)")
    return int(code)


def validate_caller_keymap(keymap: Mapping[str, str]) -> dict[str, str]:
    for name, action in keymap.items():
        key_code(name)
        if action not in CALLER_ACTIONS:
            raise ValueError(
                f"{name}: unknown action {action!r}; one of {', '.join(CALLER_ACTIONS)}"
            )
    return dict(keymap)


def validate_rating_keymap(keymap: Mapping[str, int]) -> dict[str, int]:
    for name, rating in keymap.items():
        key_code(name)
        if not 1 <= rating <= 5:
            raise ValueError(f"{name}: rating {rating} is not 1..5")
    return dict(keymap)


class KeyTranslator:
    """Maps key-down events through a table; everything else is ignored."""

    def __init__(self, kind: str, table: Mapping[int, str]) -> None:
        self.kind = kind
        self.table = dict(table)

    def feed(self, event: InputEvent) -> Event | None:
        if event.type != ecodes.EV_KEY or event.value != KEY_DOWN:
            return None
        value = self.table.get(event.code)
        return None if value is None else (self.kind, value)

    def translate(self, events: Iterable[InputEvent]) -> Iterator[Event]:
        for event in events:
            out = self.feed(event)
            if out is not None:
                yield out


def caller_translator(
    keymap: Mapping[str, str] = DEFAULT_CALLER_KEYMAP,
    entry_keys: Mapping[str, str] = DEFAULT_ENTRY_KEYMAP,
) -> KeyTranslator:
    """Each key's action and what it types in a sign-in, as one value (``caller_key``)."""
    actions = {key_code(k): v for k, v in keymap.items()}
    typed = {key_code(k): v for k, v in entry_keys.items()}
    table = {code: caller_key(actions.get(code), typed.get(code)) for code in {*actions, *typed}}
    return KeyTranslator(EVENT_KEY, table)


def evaluator_translator(keymap: Mapping[str, int] = DEFAULT_EVALUATOR_KEYMAP) -> KeyTranslator:
    return KeyTranslator(EVENT_RATING, {key_code(k): str(v) for k, v in keymap.items()})
