"""Runs one front end (the same app `hall kiosk` builds) and drives it with real touches.

Kivy allows one App per process, so each UI test starts this runner in a subprocess:

    python -m tests.ui.runner --front-end kiosk --node kiosk-1 --broker URL \
        --steps '[{"touch": "category:A"}, ...]' --out result.json

Steps run in order on Kivy's clock, each waiting (with a deadline) until it can happen:

- ``{"wait": "ready"}``: live data arrived and the connection is up
- ``{"touch": "item:A01"}``: a touch down/up through the window on the enabled button with
  that action, once it is on screen
- ``{"type": "A01-2026"}``: one touch per character on the keypad (``key:<char>``)
- ``{"text": "A001"}``: a label on screen shows this text
- ``{"attr": "screen", "value": "ticket"}``: a view-model attribute has this value
- ``{"record": "ticket"}``: store a view-model attribute in the result
- ``{"shot": "file.png"}``: save the screen (after the next frame)

The result file holds ``ok``, ``error``, ``records`` and ``texts`` (every label at the end);
``<out>.step`` holds the number of steps done so far, so a test can act between steps.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

STEP_TIMEOUT = 20.0
POLL_SECONDS = 0.05


def _labels(root: Any) -> list[str]:
    from kivy.uix.label import Label

    return [w.text for w in root.walk(restrict=True) if isinstance(w, Label) and w.text]


class Driver:
    def __init__(self, app: Any, steps: list[dict[str, Any]], out: Path) -> None:
        self.app = app
        self.steps = steps
        self.out = out
        self.index = 0
        self.started = time.monotonic()
        self.records: dict[str, Any] = {}
        self.pending_keys: list[str] = []
        self.done = False
        self.shot_armed = False

    def poll(self, _dt: float) -> None:
        if self.done:
            return
        if self.index >= len(self.steps):
            self.finish(None)
            return
        step = self.steps[self.index]
        try:
            if self.attempt(step):
                self.index += 1
                self.started = time.monotonic()
                # Progress for the test, which may act between steps (call, pause, …).
                self.out.with_suffix(".step").write_text(str(self.index))
            elif time.monotonic() - self.started > step.get("timeout", STEP_TIMEOUT):
                self.finish(f"step {self.index} {step} not possible within the deadline")
        except Exception as exc:  # reported in the result file, where the test reads it
            self.finish(f"step {self.index} {step} raised {type(exc).__name__}: {exc}")

    def attempt(self, step: dict[str, Any]) -> bool:
        model = self.app.model
        root = self.app.root
        if "wait" in step:
            return bool(model.ready and not model.lost)
        if "touch" in step:
            return self.touch(step["touch"])
        if "type" in step:
            if not self.pending_keys:
                self.pending_keys = [f"key:{ch}" for ch in step["type"]]
            if self.touch(self.pending_keys[0]):  # one key per poll: each touch is redrawn
                self.pending_keys.pop(0)
            return not self.pending_keys
        if "text" in step:
            return any(step["text"] in text for text in _labels(root))
        if "attr" in step:
            return bool(getattr(model, step["attr"]) == step["value"])
        if "record" in step:
            value = getattr(model, step["record"])
            value = value() if callable(value) else value
            # A typed message (the issued ticket) is recorded as its JSON form.
            dump = getattr(value, "model_dump", None)
            self.records[step["record"]] = dump(mode="json") if callable(dump) else value
            return True
        if "shot" in step:
            if not self.shot_armed:  # the last touch is drawn on the next frame: wait for it
                self.shot_armed = True
                return False
            self.shot_armed = False
            Path(step["shot"]).parent.mkdir(parents=True, exist_ok=True)
            self.app.root_layout.export_to_png(step["shot"])
            return True
        raise ValueError(f"unknown step {step}")

    def touch(self, action: str) -> bool:
        from kivy.tests.common import UnitTestTouch

        from kiosk.widgets import find_actions

        button = find_actions(self.app.root).get(action)
        if button is None:
            return False
        x, y = button.to_window(*button.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        touch.touch_up()
        return True

    def finish(self, error: str | None) -> None:
        self.done = True
        result = {
            "ok": error is None,
            "error": error,
            "records": self.records,
            "texts": _labels(self.app.root) if self.app.root is not None else [],
        }
        self.out.write_text(json.dumps(result, ensure_ascii=False, default=str))
        self.app.stop()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--front-end", required=True)
    p.add_argument("--config", default="chengdong")
    p.add_argument("--node", default=None)
    p.add_argument("--window", default=None)
    p.add_argument("--broker", required=True)
    p.add_argument("--steps", required=True, help="JSON list of steps")
    p.add_argument("--out", required=True)
    p.add_argument("--player", default=None, help="voice player command for the hall screen")
    args = p.parse_args(argv)

    from kiosk.run import SIZES, build_app, load, node_for
    from uikit import env

    hall = load(args.config)
    node = node_for(hall, args.front_end, args.node, args.window)
    env.prepare(SIZES[args.front_end])
    voice = None
    if args.player:
        from kiosk.voice import Announcer

        voice = Announcer(player=args.player.split())
    app = build_app(args.front_end, hall, node, args.broker, window=args.window, voice=voice)
    driver = Driver(app, json.loads(args.steps), Path(args.out))

    from kivy.clock import Clock

    Clock.schedule_interval(driver.poll, POLL_SECONDS)
    try:
        app.run()
    finally:
        if voice is not None:
            voice.close()
    if not driver.done:
        driver.finish("the app stopped before the steps were done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
