"""Retained state, node status, the time beacon, notices, face templates, devices, replies."""

from __future__ import annotations

from bus import topics
from bus.contract.examples import (
    _CATALOG_VIEW,
    _DAY,
    _NOW,
    _QUEUE_VIEW,
    _REPLY_INVALID,
    _REPLY_OK,
    _REPLY_REFUSED,
    _WINDOW_PAUSED,
    _WINDOW_VIEW,
    _at,
)
from bus.contract.registry import Channel, Example, Role, template
from bus.models import devices, diagnostics, faces, notices, state, views
from bus.models.base import (
    Reply,
)
from config.schema import ItemType

_FRONT_ENDS = (Role.KIOSK, Role.SCREEN, Role.DISPLAY, Role.EVALUATOR, Role.CALLER)

CHANNELS: list[Channel] = [
    Channel(
        id="node.status",
        address=template(topics.node_status),
        publishers=(Role.ANY,),
        subscribers=(Role.ANY,),
        messages=(state.NodeStatus,),
        examples=(
            Example(state.NodeStatus(state="online", role="kiosk", at=_NOW), "on connect"),
            Example(state.NodeStatus(state="offline", role="controller"), "the last will"),
        ),
        retained=True,
        description=(
            "Each node says `online` when it connects and leaves `offline` as its last will. "
            "A firmware bridge beside a node's app says it apart, as `<node>.bridge`. Front "
            "ends watch `node/controller/status` and show 'connection lost' while it is "
            "offline."
        ),
    ),
    Channel(
        id="node.diagnostics",
        address=template(topics.node_diagnostics),
        publishers=(Role.CONTROLLER,),
        subscribers=(Role.CONSOLE,),
        messages=(diagnostics.ControllerDiagnostics,),
        examples=(
            diagnostics.ControllerDiagnostics(
                at=_NOW,
                started=_at(7, 58),
                counters=diagnostics.RefusalCounts(bad_json=3, invalid=12, rate_limited=2874),
                rate_limited=[
                    diagnostics.RateLimitedSender(
                        sender="kiosk-2", refused=2874, since=_at(9, 12), last=_NOW
                    )
                ],
            ),
        ),
        retained=True,
        description=(
            "The controller's count of refused messages by kind since it started (`bad_topic`, "
            "`too_large`, `too_deep`, `bad_encoding`, `bad_json`, `unknown_command`, `invalid`, "
            "`forbidden`, `rate_limited`, `internal`, …) and the nodes it is refusing "
            "`rate_limited` (over 20 commands a second, bursts of 40), shown for a minute after "
            "their last refusal. Republished at most every 5 s while it changes: the manager's "
            "alarms show a node that floods the hall."
        ),
    ),
    Channel(
        id="time",
        address=template(topics.time_beacon),
        publishers=(Role.CONTROLLER,),
        subscribers=(Role.ANY,),
        messages=(state.TimeBeacon,),
        examples=(state.TimeBeacon(now=_NOW, hall_day=_DAY, timezone="Asia/Shanghai"),),
        retained=True,
        qos=0,
        description=(
            "The hall's clock, every few seconds: nodes compare theirs against it (a Pi has "
            "no real-time clock)."
        ),
    ),
    Channel(
        id="state.catalog",
        address=template(topics.catalog_state),
        publishers=(Role.CONTROLLER,),
        subscribers=(Role.KIOSK, Role.SCREEN, Role.CONSOLE),
        messages=(views.CatalogView,),
        examples=(_CATALOG_VIEW,),
        retained=True,
        description=(
            "The service catalogue: categories and items, guide texts, open / closed / "
            "suspended / full, daily caps left. Republished on every change and whenever the "
            "controller (re)connects."
        ),
    ),
    Channel(
        id="state.queue",
        address=template(topics.queue_state),
        publishers=(Role.CONTROLLER,),
        subscribers=(Role.KIOSK, Role.SCREEN, Role.CALLER, Role.CONSOLE),
        messages=(views.QueueView,),
        examples=(_QUEUE_VIEW,),
        retained=True,
        description="Waiting per category, estimated waits and the tickets being called now.",
    ),
    Channel(
        id="state.window",
        address=template(topics.window_state),
        publishers=(Role.CONTROLLER,),
        subscribers=(
            Role.DISPLAY,
            Role.EVALUATOR,
            Role.CALLER,
            Role.BRIDGE,
            Role.KIOSK,
            Role.SCREEN,
            Role.CONSOLE,
        ),
        messages=(views.WindowView,),
        examples=(_WINDOW_VIEW, Example(_WINDOW_PAUSED, "paused: 暂停服务, the evaluator stopped")),
        retained=True,
        description=(
            "One window: its current ticket, staff on duty, paused or closed (暂停服务), what "
            "its evaluator shows. An LED display's firmware bridge renders it itself."
        ),
    ),
    Channel(
        id="notice",
        address=template(topics.notice),
        publishers=(Role.CONTROLLER,),
        subscribers=_FRONT_ENDS,
        messages=(notices.Notice,),
        examples=(
            notices.Notice(
                notice_id="n-20261124-01",
                text="今日下午14:00至15:00系统维护，暂停办理不动产业务",
                text_en="Real estate services pause 14:00-15:00 today for maintenance",
                targets=["screens", "kiosks"],
                start=_at(9, 0),
                until=_at(15, 0),
                priority="high",
                created_at=_at(8, 50),
            ),
        ),
        retained=True,
        empty="The notice was revoked or has ended: the retained notice is cleared.",
        description=(
            "A notice pushed by the hall manager (`cmd/notice/push`); each node shows those "
            "whose `targets` name it (`all`, `screens`, `kiosks`, `window:<id>`)."
        ),
    ),
    Channel(
        id="faces.templates",
        address=template(topics.face_templates),
        publishers=(Role.CONTROLLER,),
        subscribers=(Role.TERMINAL,),
        messages=(faces.TemplatesMessage,),
        examples=(faces.TemplatesMessage(revision=12, at=_NOW, blob="c2VhbGVkLXRlbXBsYXRlcw=="),),
        retained=True,
        description=(
            "The face template store, sealed with the transport key (AES-GCM). Not under "
            "`state/`, so that readers of `state/#` do not download it."
        ),
    ),
    Channel(
        id="dev.state",
        address=template(topics.device, leaf="state"),
        publishers=(Role.BRIDGE,),
        subscribers=(Role.KIOSK, Role.TERMINAL, Role.CONSOLE),
        messages=(devices.DeviceStatus,),
        examples=(
            devices.DeviceStatus(
                state=devices.DeviceState.PAPER_OUT, detail="缺纸 / out of paper", since=_NOW
            ),
            devices.DeviceStatus(state=devices.DeviceState.OK, since=_at(8, 45)),
        ),
        retained=True,
        description=(
            "A device's state: `ok`, `paper_near_end`, `paper_out`, `cover_open`, `offline`, "
            "`error`. A fault is a state the node shows, never a crash."
        ),
    ),
    Channel(
        id="dev.print",
        address=template(topics.device, leaf="print"),
        publishers=(Role.KIOSK,),
        subscribers=(Role.BRIDGE,),
        messages=(devices.PrintJob,),
        examples=(
            devices.PrintJob.of(
                "A013-1",
                devices.TicketPrint(
                    hall_name="城东区政务服务中心",
                    number="A013",
                    service="社保卡补换",
                    department="社保医保",
                    windows=("1号窗口", "2号窗口"),
                    ahead=7,
                    estimated_wait_min=14,
                    issued_at=_NOW,
                    status_url="https://zwfw.example.gov.cn/chengdong/t/q3W8xZp2LmN5vR7t",
                ),
            ),
            Example(
                devices.PrintJob.of(
                    "g-7f3a",
                    devices.GuidePrint(
                        hall_name="城东区政务服务中心",
                        item_name="养老保险待遇申领",
                        item_type=ItemType.PROMISED,
                        materials=("居民身份证原件", "社会保障卡"),
                        procedure=("窗口受理", "审核", "办结"),
                        promised_workdays=5,
                        fees="不收费",
                        legal_basis=("《社会保险法》",),
                        window_location="1号窗口",
                        enquiry_phone="0000-12333",
                        printed_at=_NOW,
                    ),
                ),
                "a one-time notice (一次性告知单); item_type in the hall's vocabulary",
            ),
        ),
        description=(
            "A ticket or a one-time notice (一次性告知, `guide`) to print. The ticket is "
            "already committed: a failed print never cancels it."
        ),
    ),
    Channel(
        id="dev.result",
        address=template(topics.device, leaf="result"),
        publishers=(Role.BRIDGE,),
        subscribers=(Role.KIOSK,),
        messages=(devices.PrintResult,),
        examples=(
            devices.PrintResult(job_id="A013-1", ok=True, state=devices.DeviceState.OK),
            Example(
                devices.PrintResult(
                    job_id="A014-1",
                    ok=False,
                    state=devices.DeviceState.PAPER_OUT,
                    detail="缺纸 / out of paper",
                ),
                "failed: the kiosk offers a reprint",
            ),
        ),
        description="The outcome of a print job, by `job_id`.",
    ),
    Channel(
        id="dev.key",
        address=template(topics.device, leaf="key"),
        publishers=(Role.BRIDGE,),
        subscribers=(Role.EVALUATOR, Role.CALLER),
        messages=(devices.KeyEvent,),
        examples=(
            devices.KeyEvent(action="next"),
            Example(devices.KeyEvent(action="rating", value="5"), "an evaluator's rating key"),
        ),
        description=(
            "A key pressed on a keypad, mapped to its action. The bridge itself sends the "
            "command (`queue/call`, `queue/rate`, …) as its node; the front end only shows it."
        ),
    ),
    Channel(
        id="dev.scan",
        address=template(topics.device, leaf="scan"),
        publishers=(Role.BRIDGE,),
        subscribers=(Role.KIOSK,),
        messages=(devices.ScanEvent,),
        examples=(devices.ScanEvent(text="B7K2Q9"),),
        description="A scanned booking code or QR text.",
    ),
    Channel(
        id="dev.finger",
        address=template(topics.device, leaf="finger"),
        publishers=(Role.BRIDGE,),
        subscribers=(Role.TERMINAL,),
        messages=(devices.FingerEvent,),
        examples=(
            devices.FingerEvent(slot=17),
            Example(devices.FingerEvent(slot=None), "a finger the module does not know"),
        ),
        description="A finger on the sensor, once per touch.",
    ),
    Channel(
        id="dev.show",
        address=template(topics.device, leaf="show"),
        publishers=(Role.DISPLAY, Role.CALLER),
        subscribers=(Role.BRIDGE,),
        messages=(devices.ShowText,),
        examples=(devices.ShowText(lines=["1号窗口", "请A012号"], brightness=8),),
        description=(
            "Lines for an LED window display, sent by the node it belongs to (its own "
            "credentials). The bridge otherwise renders `state/window/<w>` by itself."
        ),
    ),
    Channel(
        id="dev.press",
        address=template(topics.device, leaf="press"),
        publishers=(Role.ANY,),
        subscribers=(Role.BRIDGE,),
        messages=(devices.SimPress,),
        examples=(
            devices.SimPress(key="next"),
            devices.SimPress(rating=5),
            devices.SimPress(scan="B7K2Q9"),
        ),
        description=(
            "Presses a key of a *simulated* keypad or scanner (`port: sim` only), as the "
            "hardware would: the demo and manual tests use it with the node's credentials."
        ),
    ),
]
"""Retained state, events and device topics; commands are in ``COMMAND_CHANNELS``."""

REPLY = Channel(
    id="reply",
    address=template(topics.reply_inbox),
    publishers=(Role.CONTROLLER,),
    subscribers=(Role.ANY,),
    messages=(Reply, type(_REPLY_OK)),
    examples=(
        Example(_REPLY_OK, "applied"),
        Example(_REPLY_REFUSED, "refused by the hall's rules"),
        Example(_REPLY_INVALID, "not a valid command: nothing changed"),
    ),
    description=(
        "The reply to a command, on the MQTT 5 response topic the command named, with the "
        "command's correlation data. The controller answers only under the sender's own "
        "`reply/<node>/` (which only that node may read): a command naming no response topic "
        "is answered on `reply/<node>/default`; one naming a topic anywhere else is not "
        "applied and is answered there with `bad_response_topic`. `ok: true` carries "
        "`result`, `ok: false` carries `error` (`code`, `message`). A payload that is not "
        "JSON, or not a valid command, is still answered; a command the sender may not send, "
        "or not for the window, node or device it names, is answered `forbidden`."
    ),
)
"""Where replies arrive; each command's operation points here."""

