"""The terminal's settings from the hall YAML, and the fingerprint bridge's event payload.

The camera device of a terminal node owns its options (STYLE 5), e.g.::

    - id: terminal-1
      role: terminal
      devices:
        - name: camera
          kind: camera
          port: sim            # or 0 (/dev/video0), /dev/video2, a video file, an image folder
          options:
            max_width: 640
            images: [/opt/demo/face.jpg]          # port: sim only
            liveness: {window_s: 5.0}
            recognition: {tolerance: 0.5, margin: 0.1}
        - {name: fingerprint, kind: fingerprint, port: sim}
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import Field, ValidationError

from attendance.recognition import BlinkSettings, RecognitionSettings
from config.base import StrictModel
from config.schema import DeviceConfig, HallConfig, Node


class LivenessOptions(StrictModel):
    """When a dip of the eye aspect ratio counts as a blink (``BlinkSettings``)."""

    window_s: float = Field(default=5.0, gt=0)
    """The blink must fall within the last this-many seconds of the person being seen."""
    closed_ratio: float = Field(default=0.75, gt=0, lt=1)
    """Eyes count as shut below this fraction of the person's open-eye ratio …"""
    min_drop: float = Field(default=0.05, ge=0)
    """… and at least this far below it (landmark jitter on a photo stays smaller)."""
    reopen_ratio: float = Field(default=0.90, gt=0, le=1)
    max_closed_s: float = Field(default=1.0, gt=0)
    """Longer with eyes shut is not a blink."""

    def settings(self) -> BlinkSettings:
        return BlinkSettings(**self.model_dump())


class MatchOptions(StrictModel):
    """Overrides of the tuned defaults in ``attendance.recognition.settings``."""

    tolerance: float | None = Field(default=None, gt=0, lt=2)
    margin: float | None = Field(default=None, ge=0, lt=2)
    detect_scale: float | None = Field(default=None, gt=0, le=1)

    def settings(self) -> RecognitionSettings:
        given = {k: v for k, v in self.model_dump().items() if v is not None}
        return RecognitionSettings(**given)


class CameraOptions(StrictModel):
    """``options:`` of a terminal's ``kind: camera`` device."""

    max_width: int = Field(default=640, ge=160)
    """Frames are shrunk to this width first (detection time grows with the pixels)."""
    images: list[str] = []
    """``port: sim``: still images shown in a loop (empty: nobody in front of the camera)."""
    liveness: LivenessOptions = LivenessOptions()
    recognition: MatchOptions = MatchOptions()


class TerminalConfigError(ValueError):
    """The hall config does not describe this node as a terminal."""


def terminal_node(hall: HallConfig, node_id: str) -> Node:
    node = hall.node(node_id)
    if node is None:
        known = ", ".join(n.id for n in hall.nodes if n.role == "terminal") or "none"
        raise TerminalConfigError(
            f"大厅配置中没有节点 {node_id} / node {node_id!r} is not in the hall config "
            f"(terminals: {known})"
        )
    if node.role != "terminal":
        raise TerminalConfigError(
            f"节点 {node_id} 不是考勤机 / node {node_id!r} has role {node.role}, not terminal"
        )
    return node


def device_of(node: Node, kind: str) -> DeviceConfig | None:
    return next((d for d in node.devices if d.kind == kind), None)


def camera_options(device: DeviceConfig | None) -> CameraOptions:
    if device is None:
        return CameraOptions()
    try:
        return CameraOptions.model_validate(device.options)
    except ValidationError as err:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in err.errors()
        )
        raise TerminalConfigError(
            f"摄像头选项有误 / devices[{device.name}].options: {problems}"
        ) from None


def finger_slot(payload: bytes) -> tuple[bool, int | None]:
    """``(is_finger_event, slot)`` from a ``dev/<node>/fingerprint/finger`` message.

    The bridge sends ``{"slot": N}`` for a matched finger and ``{"slot": null}`` for a
    finger the module does not know; anything else is not a finger event.
    """
    try:
        data: Any = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False, None
    if not isinstance(data, dict) or "slot" not in data:
        return False, None
    slot = data["slot"]
    if slot is None:
        return True, None
    if isinstance(slot, bool) or not isinstance(slot, int) or slot < 0:
        return False, None
    return True, slot
