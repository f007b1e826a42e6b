"""``hall sim …``: the serial device simulators, each on a pseudo-terminal at ``--link PATH``.

The driver (or any serial tool) then opens PATH as if it were ``/dev/ttyUSB0``. A simulator
runs until SIGINT/SIGTERM; commands come from stdin lines (and ``--script`` for the
caller); stdin reaching its end does not stop it, so the demo can run it in the background.

``hall bridge`` (the bridge process, ``firmware_bridge.bridge``) is registered here too.
"""

from __future__ import annotations

import argparse
import itertools
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

from config.cli import add_hall_argument

CALLER_HELP = """\
stdin / --script lines: a key (next recall skip transfer hold pause resume finish),
'rate N' (1..5), 'reboot', 'wait SECONDS' (script pacing), '# comment'."""
FINGER_HELP = """\
stdin lines: 'place N' (finger N on the sensor; the same N is the same finger), 'remove',
'list' (stored slots)."""


def register(sub: Any) -> None:
    _register_bridge(sub)
    p = sub.add_parser("sim", help="run a device simulator on a pseudo-terminal / 设备模拟器")
    kinds = p.add_subparsers(dest="sim_kind", metavar="DEVICE")
    kinds.required = True

    d = kinds.add_parser("display", help="window LED display board (PROTOCOL.md)")
    d.add_argument("--link", required=True, help="path where the pty's name is symlinked")
    d.add_argument("--lines", type=int, default=2, help="text lines on the board")
    d.add_argument("--columns", type=int, default=16, help="characters per line")
    d.set_defaults(handler=_run_display)

    c = kinds.add_parser(
        "caller", help="keypad caller / evaluator board (PROTOCOL.md)", epilog=CALLER_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    c.add_argument("--link", required=True, help="path where the pty's name is symlinked")
    c.add_argument("--script", help="file of commands to play after start (same as stdin)")
    c.add_argument("--evaluator", action="store_true", help="identify as an evaluator keypad")
    c.set_defaults(handler=_run_caller)

    f = kinds.add_parser(
        "fingerprint", help="R307/AS608 fingerprint module", epilog=FINGER_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    f.add_argument("--link", required=True, help="path where the pty's name is symlinked")
    f.add_argument("--capacity", type=int, default=1000, help="template slots (AS608: 300)")
    f.add_argument("--password", type=lambda s: int(s, 0), default=0, help="module password")
    f.set_defaults(handler=_run_fingerprint)


def _register_bridge(sub: Any) -> None:
    b = sub.add_parser(
        "bridge",
        help="run the firmware bridge of a node / 设备网桥",
        description=(
            "把节点的设备（打印机、叫号键盘、评价器、扫码枪、LED 窗口屏、指纹模块）接入消息总线 / "
            "Expose a node's devices (printer, keypads, scanner, LED display, fingerprint) "
            "as MQTT endpoints under hall/<hall>/dev/<node>/<device>/…"
        ),
    )
    add_hall_argument(b)
    b.add_argument(
        "--node", action="append", default=[],
        help="node id in the hall config (repeat for several nodes in one process)",
    )
    b.add_argument(
        "--all-sim", action="store_true",
        help="every node whose devices are all simulators (port: sim), in one process (demo)",
    )
    b.add_argument("--broker", default=None, help="mqtt://[user:pass@]host:port")
    b.add_argument(
        "--credentials-dir", default=None,
        help="a directory of <node>.secret files (`hall broker config`): each node served "
             "connects as its own MQTT user with its own secret (--all-sim, several --node)",
    )
    b.add_argument(
        "--preview-dir", default=None,
        help="where simulated printers write PNG previews (<dir>/<node>/); default "
             "$STATE_DIRECTORY/print-preview under systemd, else the device's preview_dir",
    )
    b.set_defaults(handler=_run_bridge)


def _run_bridge(args: argparse.Namespace) -> int:
    from pathlib import Path

    from config.loader import load_hall_or_exit
    from firmware_bridge.bridge.process import run_bridge

    hall = load_hall_or_exit(args.config)
    return run_bridge(
        hall, args.node, hall.broker_url(args.broker), all_sim=args.all_sim,
        preview_dir=Path(args.preview_dir) if args.preview_dir else None,
        credentials_dir=Path(args.credentials_dir) if args.credentials_dir else None,
    )


def _say(text: str) -> None:
    print(text, flush=True)


def _serve(
    close: Callable[[], None], command: Callable[[str], None], script: Iterable[str] = ()
) -> int:
    """Run until a signal; feed the script, then stdin, to ``command``."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    lines = itertools.chain(script, iter(sys.stdin.readline, ""))
    threading.Thread(
        target=_feed, args=(lines, command, stop), daemon=True, name="sim-stdin"
    ).start()
    try:
        stop.wait()
    finally:
        close()
    return 0


def _feed(lines: Iterable[str], command: Callable[[str], None], stop: threading.Event) -> None:
    """Each line to ``command``; a line it cannot use is answered with ``?`` and skipped
    (a typo must not end the rest of a script)."""
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            if line.startswith("wait "):
                stop.wait(float(line.split()[1]))
            else:
                command(line)
        except (ValueError, IndexError, KeyError) as exc:
            _say(f"? {line}: {exc}")


def _run_display(args: argparse.Namespace) -> int:
    import dataclasses

    from firmware_bridge.mcu.sim import DISPLAY_IDENTITY, McuDeviceSim

    identity = dataclasses.replace(DISPLAY_IDENTITY, lines=args.lines, columns=args.columns)
    sim = McuDeviceSim(args.link, identity, announce_on_start=True, on_change=_say).start()
    _say(f"display simulator on {sim.port.slave_name} (link {args.link})")

    def command(line: str) -> None:
        if line == "reboot":
            sim.reboot()
        else:
            raise ValueError("the display takes only 'reboot'")

    return _serve(sim.close, command)


def _run_caller(args: argparse.Namespace) -> int:
    import dataclasses

    from firmware_bridge.mcu.messages import DeviceType, KeyCode
    from firmware_bridge.mcu.sim import CALLER_IDENTITY, McuDeviceSim

    identity = CALLER_IDENTITY
    if args.evaluator:
        identity = dataclasses.replace(identity, device_type=DeviceType.EVALUATOR)
    sim = McuDeviceSim(args.link, identity, announce_on_start=True).start()
    _say(f"caller simulator on {sim.port.slave_name} (link {args.link})")

    def command(line: str) -> None:
        words = line.split()
        if words[0] == "rate":
            sim.rate(int(words[1]))
        elif words[0] == "reboot":
            sim.reboot()
        else:
            sim.press(KeyCode[words[0].upper()])
        _say(f"sent {line}")

    script: list[str] = []
    if args.script:
        with open(args.script, encoding="utf-8") as fh:
            script = fh.readlines()
    return _serve(sim.close, command, script)


def _run_fingerprint(args: argparse.Namespace) -> int:
    from firmware_bridge.fingerprint.sim import FingerprintModuleSim

    sim = FingerprintModuleSim(args.link, capacity=args.capacity, password=args.password)
    sim.start()
    _say(f"fingerprint module simulator on {sim.port.slave_name} (link {args.link})")

    def command(line: str) -> None:
        words = line.split()
        if words[0] == "place":
            sim.place_finger(int(words[1]))
            _say(f"finger {words[1]} on the sensor")
        elif words[0] == "remove":
            sim.remove_finger()
            _say("sensor empty")
        elif words[0] == "list":
            _say(" ".join(f"{slot}:{finger}" for slot, finger in sorted(sim.slots.items()))
                 or "(no templates)")
        else:
            raise ValueError("commands: place N, remove, list")

    return _serve(sim.close, command)
