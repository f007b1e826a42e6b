"""Config schemas and factories of the evdev input drivers (registry: evdev_*)."""

from __future__ import annotations

from typing import Any

from evdev import ecodes
from pydantic import Field, field_validator

from config.base import StrictModel
from firmware_bridge.inputs.hotplug import DeviceMatch
from firmware_bridge.inputs.keys import (
    DEFAULT_CALLER_KEYMAP,
    DEFAULT_EVALUATOR_KEYMAP,
    caller_translator,
    evaluator_translator,
    key_code,
    validate_caller_keymap,
    validate_rating_keymap,
)
from firmware_bridge.inputs.scanner import MAX_SCAN_LENGTH, ScannerTranslator
from firmware_bridge.inputs.source import EvdevKeySource, SimKeySource, Translator

SIM_PORT = "sim"
AUTO_PORT = "auto"


class EvdevOptions(StrictModel):
    port: str = AUTO_PORT
    """`auto` finds the device by name/vendor/product; a path (/dev/input/by-id/…) fixes it;
    `sim` uses the in-process simulator."""
    name: str | None = None
    """Part of the device name as the kernel reports it (see `evtest`), case-insensitive."""
    vendor: int | None = Field(None, ge=0, le=0xFFFF)
    """USB vendor id, e.g. 0x1a86."""
    product: int | None = Field(None, ge=0, le=0xFFFF)
    """USB product id."""
    grab: bool = True
    """Take the device exclusively so its keystrokes never reach the kiosk UI."""

    def match(self) -> DeviceMatch:
        path = None if self.port in (AUTO_PORT, SIM_PORT) else self.port
        return DeviceMatch(self.name, self.vendor, self.product, path)


class CallerKeypadOptions(EvdevOptions):
    """A USB keypad used as a window caller."""

    keymap: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_CALLER_KEYMAP))
    """Key name (KEY_KP1, KEY_F1, …) → action: next, recall, skip, transfer, hold, pause,
    resume, finish, login, logout. Whatever it maps, the digits, Enter and ``.``/Backspace
    type the staff number and PIN after 登录 (``DEFAULT_ENTRY_KEYMAP``)."""

    @field_validator("keymap")
    @classmethod
    def _known_keys_and_actions(cls, value: dict[str, str]) -> dict[str, str]:
        return validate_caller_keymap(value)


class EvaluatorKeypadOptions(EvdevOptions):
    """A five-key evaluator keypad (好差评)."""

    keymap: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_EVALUATOR_KEYMAP))
    """Key name → rating 1 (非常不满意) … 5 (非常满意)."""

    @field_validator("keymap")
    @classmethod
    def _known_keys_and_ratings(cls, value: dict[str, int]) -> dict[str, int]:
        return validate_rating_keymap(value)


class ScannerOptions(EvdevOptions):
    """A barcode/QR scanner in USB keyboard mode (US layout, Enter suffix)."""

    terminators: list[str] = Field(default_factory=lambda: ["KEY_ENTER", "KEY_KPENTER"])
    """Keys that end a code; add KEY_TAB for scanners configured with a Tab suffix."""
    max_length: int = Field(MAX_SCAN_LENGTH, gt=0)
    """Longest accepted code; longer input is dropped as a stuck key."""

    @field_validator("terminators")
    @classmethod
    def _known_keys(cls, value: list[str]) -> list[str]:
        for name in value:
            key_code(name)
        return value


def _source(opts: EvdevOptions, translator: Translator) -> EvdevKeySource | SimKeySource:
    if opts.port == SIM_PORT:
        return SimKeySource(translator)
    return EvdevKeySource(translator, opts.match(), grab=opts.grab)


def keypad_from_config(options: dict[str, Any]) -> EvdevKeySource | SimKeySource:
    opts = CallerKeypadOptions.model_validate(options)
    return _source(opts, caller_translator(opts.keymap))


def evaluator_from_config(options: dict[str, Any]) -> EvdevKeySource | SimKeySource:
    opts = EvaluatorKeypadOptions.model_validate(options)
    return _source(opts, evaluator_translator(opts.keymap))


def scanner_from_config(options: dict[str, Any]) -> EvdevKeySource | SimKeySource:
    opts = ScannerOptions.model_validate(options)
    terminators = frozenset(ecodes.ecodes[name] for name in opts.terminators)
    return _source(opts, ScannerTranslator(terminators, opts.max_length))
