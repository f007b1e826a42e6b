"""Sub-commands of `hall` that the controller package owns: controller, notice, broker, demo."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from config.cli import add_hall_argument

if TYPE_CHECKING:
    import datetime as dt

    from bus.models.base import Command

    Sub = argparse._SubParsersAction[argparse.ArgumentParser]


def _hall_args(p: argparse.ArgumentParser) -> None:
    add_hall_argument(p)
    p.add_argument(
        "--broker",
        default=None,
        help="mqtt://[user:pass@]host:port (default: from the hall config)",
    )


def register(sub: Sub) -> None:
    p = sub.add_parser("controller", help="run the hall controller / 运行大厅控制器")
    _hall_args(p)
    p.add_argument("--data-dir", required=True, help="where the database lives")
    p.add_argument(
        "--db-url",
        default=None,
        help="SQLAlchemy URL (e.g. postgresql+psycopg://…) instead of SQLite",
    )
    p.add_argument(
        "--clock-start",
        default=None,
        help="demos and drills only: the hall clock starts at this ISO time and runs forward",
    )
    p.add_argument(
        "--faces-dir", default=None, help="face template store (default: DATA_DIR/faces)"
    )
    p.add_argument(
        "--faces-transport-key",
        default=None,
        help="key sealing templates for terminals (default /etc/servicehall/faces-transport.key)",
    )
    p.set_defaults(handler=_run_controller)

    notice = sub.add_parser("notice", help="hall notices / 公告").add_subparsers(
        dest="notice_command", metavar="ACTION", required=True
    )
    push = notice.add_parser("push", help="push a notice to screens and kiosks / 发布公告")
    _hall_args(push)
    push.add_argument("--text", required=True)
    push.add_argument("--text-en", default="")
    push.add_argument(
        "--target",
        action="append",
        default=None,
        help="all | screens | kiosks | window:W03 (repeatable; default all)",
    )
    push.add_argument(
        "--start", default=None, help="ISO time, or HH:MM on the hall's day (default now)"
    )
    push.add_argument("--until", default=None, help="ISO time, or HH:MM on the hall's day")
    push.add_argument("--priority", choices=["normal", "high", "urgent"], default="normal")
    push.set_defaults(handler=_notice_push)
    revoke = notice.add_parser("revoke", help="revoke a notice everywhere / 撤回公告")
    _hall_args(revoke)
    revoke.add_argument("notice_id")
    revoke.set_defaults(handler=_notice_revoke)
    listing = notice.add_parser(
        "list", help="notices in force, scheduled, ended today / 生效中、未开始、今日已结束的公告"
    )
    _hall_args(listing)
    listing.set_defaults(handler=_notice_list)

    broker = sub.add_parser("broker", help="the hall's Mosquitto / 消息服务器").add_subparsers(
        dest="broker_command", metavar="ACTION", required=True
    )
    cfg = broker.add_parser("config", help="write mosquitto.conf, passwords and ACLs for a hall")
    add_hall_argument(cfg)
    cfg.add_argument("--out", required=True)
    cfg.add_argument("--port", type=int, default=None)
    cfg.add_argument("--bind", default="127.0.0.1")
    cfg.set_defaults(handler=_broker_config)
    run = broker.add_parser(
        "run", help="start a private Mosquitto for development (per-node passwords and ACLs)"
    )
    add_hall_argument(run)
    run.add_argument("--dir", default="var/broker", help="where its config lives")
    run.add_argument("--port", type=int, default=None, help="default: the hall config's port")
    _insecure_argument(run)
    run.set_defaults(handler=_broker_run)

    demo = sub.add_parser("demo", help="a simulated hall on this machine / 演示")
    add_hall_argument(demo)
    demo.add_argument("--data-dir", default="var/demo")
    demo.add_argument(
        "--rate", type=float, default=1.0, help="speed factor of the simulated citizens"
    )
    demo.add_argument(
        "--duration", type=float, default=None, help="seconds to run (default: until Ctrl-C)"
    )
    demo.add_argument(
        "--with-screens",
        action="store_true",
        help="also open the hall screen, a kiosk, a window display and an evaluator",
    )
    demo.add_argument(
        "--clock-start",
        default=None,
        help="the hall clock starts at this ISO time instead of today's opening (the data "
        "directory is kept: the morning of a slot booked on an earlier run)",
    )
    _insecure_argument(demo)
    demo.set_defaults(handler=_demo)


def _insecure_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--insecure",
        action="store_true",
        help="an anonymous broker without ACLs, as before (anyone on the network can spoof "
        "the hall's state; said on every start)",
    )


def _load(args: argparse.Namespace) -> Any:
    from config.loader import load_hall_or_exit

    return load_hall_or_exit(args.config)


def _run_controller(args: argparse.Namespace) -> int:
    import datetime as dt

    from hall.compose import run_controller

    start = dt.datetime.fromisoformat(args.clock_start) if args.clock_start else None
    from pathlib import Path

    faces = Path(args.faces_dir) if args.faces_dir else None
    key = Path(args.faces_transport_key) if args.faces_transport_key else None
    return run_controller(_load(args), args.data_dir, args.broker, args.db_url, start, faces, key)


def _send(args: argparse.Namespace, build: Callable[[str], Command]) -> int:
    """Build the command with a fresh id, send it, print its typed result as JSON."""
    from bus.models.replies import COMMAND_RESULTS
    from bus.remote import ask

    answer = ask(_load(args), build, args.broker, invalid=2, no_answer=1, refused=1)
    if isinstance(answer, int):
        return answer
    command, reply = answer
    result = reply.result_as(COMMAND_RESULTS[(command.area, command.verb)])
    print(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
    return 0


def _time_arg(value: str | None, hall: Any) -> dt.datetime | dt.time | None:
    """ISO time, or HH:MM: that time on the hall's day by the hall's clock, which the
    controller resolves (this machine's date may not be the hall's day: ``--clock-start``)."""
    import datetime as dt

    if value is None:
        return None
    if len(value) <= 5 and ":" in value:
        return dt.time.fromisoformat(value)
    return dt.datetime.fromisoformat(value)


def _notice_push(args: argparse.Namespace) -> int:
    hall = _load(args)
    try:
        start, until = _time_arg(args.start, hall), _time_arg(args.until, hall)
    except ValueError as exc:
        print(
            f"时间格式应为 ISO 8601 或 HH:MM / a time must be ISO 8601 or HH:MM: {exc}",
            file=sys.stderr,
        )
        return 2
    from bus.models.notices import PushNotice

    return _send(
        args,
        lambda command_id: PushNotice(
            id=command_id,
            text=args.text,
            text_en=args.text_en,
            targets=args.target or ["all"],
            start=start,
            until=until,
            priority=args.priority,
        ),
    )


def _notice_revoke(args: argparse.Namespace) -> int:
    from bus.models.notices import RevokeNotice

    return _send(args, lambda command_id: RevokeNotice(id=command_id, notice_id=args.notice_id))


def _notice_list(args: argparse.Namespace) -> int:
    from bus.models.notices import ListNotices

    return _send(args, lambda command_id: ListNotices(id=command_id))


def _broker_config(args: argparse.Namespace) -> int:
    from pathlib import Path

    from controller.broker import write_broker_config

    files = write_broker_config(_load(args), Path(args.out), port=args.port, bind=args.bind)
    print(
        f"mosquitto config: {files.config}\npasswords: {files.password_file}\n"
        f"ACL: {files.acl_file}\nnode secrets: {files.credentials_dir}/<node>.secret"
    )
    return 0


def _broker_run(args: argparse.Namespace) -> int:
    import os
    from pathlib import Path

    from controller.broker import (
        INSECURE_WARNING,
        dev_broker_user,
        mosquitto_binary,
        write_broker_config,
        write_dev_config,
    )

    hall = _load(args)
    port = args.port or hall.broker.port
    out = Path(args.dir)
    if args.insecure:
        print(INSECURE_WARNING, file=sys.stderr, flush=True)
        conf = write_dev_config(out, port)
        print(f"mosquitto on 127.0.0.1:{port} ({conf})", flush=True)
    else:
        files = write_broker_config(hall, out, port=port, run_as=dev_broker_user())
        conf = files.config
        creds = files.credentials_dir
        print(
            f"mosquitto on 127.0.0.1:{port} ({conf}), one user per node\n"
            f"node secrets: {creds}/<node>.secret; run a node with "
            f"SERVICEHALL_MQTT_SECRET={creds}/<node>.secret (the `hall` tools: manager.secret)",
            flush=True,
        )
    os.execv(mosquitto_binary(), ["mosquitto", "-c", str(conf)])
    return 0  # not reached


def _demo(args: argparse.Namespace) -> int:
    import datetime as dt

    from hall.demo import run_demo

    hall = _load(args)
    start = dt.datetime.fromisoformat(args.clock_start) if args.clock_start else None
    if start is not None and start.tzinfo is None:
        start = start.replace(tzinfo=hall.tz)
    return int(
        run_demo(
            hall,
            args.data_dir,
            rate=args.rate,
            duration=args.duration,
            screens=args.with_screens,
            insecure=args.insecure,
            clock_start=start,
        )
    )
