"""Regenerate docs/screenshots: every front end with the sample hall, in the states that matter.

    .venv/bin/python -m tests.ui.screenshots [--out docs/screenshots]

Starts its own Xvfb, Mosquitto and controller (hall clock at a Tuesday 09:30), sets up a
morning (tickets, calls, a suspension, notices, a paused window, a finished ticket waiting for
its rating) and saves each front end's screen. The first-frame shots use the real
``hall … --screenshot``; the others are taken by the UI test runner after touches.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from config.loader import load_hall, resolve_hall_path
from tests.conftest import REPO, start_mosquitto
from tests.integration.harness import ControllerThread, ManualClock, Node
from tests.ui.bridge_double import FakeBridge
from tests.ui.conftest import TUESDAY_0930, start_xvfb


class Shooter:
    def __init__(self, out: Path, tmp: Path, display: str, broker_url: str) -> None:
        self.out = out
        self.tmp = tmp
        self.broker_url = broker_url
        self.env = {**os.environ, "DISPLAY": display, "KIVY_HOME": str(tmp / "kivy")}
        self.env.pop("NOTIFY_SOCKET", None)

    def cli(self, name: str, *args: str) -> None:
        """``hall <front end> --screenshot``: the first settled frame with live data."""
        cmd = [
            sys.executable,
            "-m",
            "hall.cli",
            *args,
            "--config",
            "chengdong",
            "--broker",
            self.broker_url,
            "--screenshot",
            str(self.out / f"{name}.png"),
        ]
        subprocess.run(cmd, cwd=REPO, env=self.env, check=True, capture_output=True, timeout=60)
        print(f"{name}.png")

    def driven(
        self, front_end: str, steps: list[dict[str, Any]], *args: str, broker: str = ""
    ) -> None:
        """The UI runner: touches, then ``{"shot": name}`` steps save the screen."""
        for step in steps:
            if "shot" in step:
                step["shot"] = str(self.out / f"{step['shot']}.png")
        result_file = self.tmp / f"{front_end}.json"
        cmd = [
            sys.executable,
            "-m",
            "tests.ui.runner",
            "--front-end",
            front_end,
            "--broker",
            broker or self.broker_url,
            "--steps",
            json.dumps(steps),
            "--out",
            str(result_file),
            *args,
        ]
        subprocess.run(cmd, cwd=REPO, env=self.env, capture_output=True, timeout=90)
        result = json.loads(result_file.read_text())
        if not result["ok"]:
            raise SystemExit(f"{front_end}: {result['error']}")
        print(", ".join(Path(s["shot"]).name for s in steps if "shot" in s))


def morning(node: Node, clock: ManualClock) -> None:
    """A few tickets, calls at four windows, a suspension, notices, a logged-in staff."""

    def ok(area: str, verb: str, **fields: Any) -> None:
        reply = node.send(area, verb, **fields)
        assert reply.ok, reply.error

    staffed = (("S001", "W01"), ("S002", "W02"), ("S003", "W03"), ("S005", "W05"), ("S007", "W07"))
    for staff, window in staffed:
        ok("queue", "login", window=window, staff=staff)
    for service in ("A01", "A02", "A01", "B01", "B02", "C01", "E01", "E02", "A03", "B01", "D02"):
        ok("queue", "issue", service=service)
    for window in ("W01", "W03", "W05", "W07", "W02"):
        clock.advance(seconds=40)  # calls a little apart, as at a real counter
        ok("queue", "call", window=window)
    ok("queue", "suspend", service="A02", notice="医保系统升级，今日暂停受理，请改日办理")
    ok(
        "notice",
        "push",
        text="今日不动产登记窗口延时服务至17:30，请有序排队取号",
        text_en="Real estate windows open until 17:30 today",
        targets=["all"],
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--out", default=str(REPO / "docs" / "screenshots"))
    args = p.parse_args(argv)
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    hall = load_hall(resolve_hall_path("chengdong"))
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        xvfb, display = start_xvfb()
        broker = start_mosquitto(tmp)
        clock = ManualClock(TUESDAY_0930)
        controller = ControllerThread(hall, tmp / "data", broker.url, clock)
        controller.start()
        node = Node(hall, broker.url)
        bridge = FakeBridge(broker.url)
        try:
            morning(node, clock)
            # The test controller runs no beacon loop: tell the nodes the hall time once.
            controller.call(controller.controller.publish_time)
            shoot(Shooter(out, tmp, display, broker.url), node)
        finally:
            bridge.close()
            node.close()
            controller.stop()
            broker.process.terminate()
            broker.process.wait(10)
            xvfb.terminate()
            xvfb.wait(10)
    return 0


def shoot(s: Shooter, node: Node) -> None:
    s.cli("kiosk_home", "kiosk", "--node", "kiosk-2")
    s.driven("kiosk", [
        {"wait": "ready"},
        {"touch": "category:A"}, {"shot": "kiosk_items_suspended"},
        {"touch": "back"}, {"touch": "category:B"}, {"touch": "item:B01"},
        {"shot": "kiosk_guide"},
        {"touch": "take"}, {"text": "打印机缺纸"}, {"shot": "kiosk_printer_fault"},
        {"touch": "reprint"}, {"text": "请取走号票"}, {"shot": "kiosk_ticket"},
        {"touch": "done"}, {"touch": "large_text"}, {"touch": "category:A"},
        {"touch": "item:A01"}, {"shot": "kiosk_large_text"},
        {"touch": "back"}, {"touch": "back"},
        {"touch": "lang"}, {"touch": "checkin"}, {"type": "B01-2026"},
        {"shot": "kiosk_checkin_english"},
    ], "--node", "kiosk-1")  # fmt: skip
    s.cli("screen_calls", "screen", "--node", "screen-1", "--no-voice")
    s.cli("display_serving", "display", "--window", "W01")
    for verb, fields in (("finish", {"window": "W01"}), ("pause", {"window": "W03"})):
        assert node.send("queue", verb, **fields).ok
    s.cli("display_paused", "display", "--window", "W03")
    s.cli("evaluator_rating", "evaluator", "--window", "W01")
    s.cli("evaluator_stopped", "evaluator", "--window", "W03")
    s.driven(
        "evaluator",
        [
            {"wait": "ready"},
            {"touch": "rate:5"},
            {"text": "感谢您的评价！"},
            {"shot": "evaluator_thanks"},
        ],
        "--window",
        "W01",
    )
    urgent = node.send(
        "notice",
        "push",
        text="消防演练：请听从工作人员指引，有序从东门离开大厅",
        targets=["screens"],
        priority="urgent",
    )
    assert urgent.ok and urgent.result is not None
    s.cli("screen_urgent_notice", "screen", "--node", "screen-1", "--no-voice")
    node.send("notice", "revoke", notice_id=urgent.result.model_dump(mode="json")["notice_id"])
    # Nothing listens on port 9: the broker is unreachable, the overlay says so.
    s.driven(
        "display",
        [{"text": "连接中断"}, {"shot": "display_connection_lost"}],
        "--window",
        "W05",
        broker="mqtt://127.0.0.1:9",
    )


if __name__ == "__main__":
    sys.exit(main())
