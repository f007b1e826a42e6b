"""The schema of one hall's YAML file. Each field's docstring is its documentation.

The sample hall (RULES.md §6) is ``config/halls/chengdong.yaml``; ``hall config check FILE``
validates a file and explains every problem with the key path and a fix.
"""

from __future__ import annotations

import datetime as dt
import enum
import ipaddress
import urllib.parse
import zoneinfo
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from config.attendance import AttendanceSettings
from config.base import ClockTime, StrictModel

Code = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")]
Prefix = Annotated[str, Field(pattern=r"^[A-Z]{1,2}$")]


class ItemType(enum.StrEnum):
    """事项类型 (003 二(四)1(3))."""

    INSTANT = "instant"  # 即办件
    PROMISED = "promised"  # 承诺件: finished within N workdays
    JOINT = "joint"  # 联办件: several departments
    REPORTED = "reported"  # 上报件: decided by a higher authority

    @property
    def label_zh(self) -> str:
        return {"instant": "即办件", "promised": "承诺件", "joint": "联办件", "reported": "上报件"}[
            self.value
        ]


class CallStrategy(enum.StrEnum):
    """How a window picks among its categories (RULES.md Q4)."""

    FIFO = "fifo"
    ORDERED = "ordered"


class Guide(StrictModel):
    """一次性告知: the one-time notice a kiosk shows and prints for an item (Q13)."""

    materials: list[str] = []
    """Required materials, one per entry (申请材料)."""
    procedure: list[str] = []
    """Steps of the procedure (办理流程)."""
    fees: str = "不收费"
    """Fees and their basis (收费标准)."""
    legal_basis: str = ""
    """Legal basis (设定依据)."""
    location: str = ""
    """Where the item is handled; empty means the windows of its category."""
    phone: str = ""
    """Enquiry phone (咨询电话)."""


class Department(StrictModel):
    """进驻部门: a resident department."""

    code: Code
    """Short identifier used by categories and windows, e.g. ``shebao``."""
    name: str
    """Chinese name shown to citizens, e.g. 社保医保."""
    name_en: str = ""
    """English name for the English toggle."""
    phone: str = ""
    """Department enquiry phone, used when an item's guide names none."""


class Category(StrictModel):
    """A queue category: one ticket prefix and one number sequence per hall day (Q2)."""

    prefix: Prefix
    """Ticket prefix, e.g. ``A`` gives A001, A002 …"""
    name: str
    """Chinese name shown on kiosks and screens."""
    name_en: str = ""
    department: Code
    """Code of the department that owns this category."""
    last_ticket: ClockTime | None = None
    """Last time a ticket is issued (Q8); empty means the hall's ``hours.last_ticket``."""
    daily_cap: int | None = Field(default=None, ge=1)
    """每日最多可办理业务数量 (Q9); empty means no cap."""
    default_service_minutes: float = Field(default=10.0, gt=0)
    """Service time assumed for estimated waits before the day has observed any."""


class Item(StrictModel):
    """事项: a service item a citizen chooses at the kiosk."""

    code: Code
    """Service code used in commands, e.g. ``A01``."""
    name: str
    name_en: str = ""
    category: Prefix
    """Prefix of the queue category this item joins."""
    type: ItemType = ItemType.INSTANT
    time_limit_workdays: int | None = Field(default=None, ge=1)
    """Promised time limit in workdays (承诺时限); required for ``promised`` items."""
    guide: Guide = Guide()
    appointment_capacity: int | None = Field(default=None, ge=0)
    """Bookings per appointment slot for this item; empty means ``appointments.slot_capacity``."""


class Window(StrictModel):
    """窗口: a counter that serves a set of categories."""

    id: Code
    """Window identifier used in topics and commands, e.g. ``W03``."""
    number: int = Field(ge=1)
    """The number announced and shown: 请 A001 号到 3 号窗口办理."""
    department: Code | None = None
    """Owning department; empty for comprehensive windows (综合窗口)."""
    categories: list[Prefix] = Field(min_length=1)
    """Categories this window serves, in the order used by the ``ordered`` strategy."""
    strategy: CallStrategy | None = None
    """Call strategy; empty means ``queue.strategy``."""
    green_channel: bool = False
    """绿色通道: this window also takes priority tickets of every category first."""
    location: str = ""
    """Where the window is, e.g. 一楼东侧."""


class Hours(StrictModel):
    """Hall hours on workdays (Q8)."""

    open: ClockTime = dt.time(9, 0)
    close: ClockTime = dt.time(17, 0)
    last_ticket: ClockTime = dt.time(16, 30)
    """Default last-ticket time for every category."""
    open_on_rest_days: bool = False
    """True for halls that open on weekends and holidays too."""


class QueueSettings(StrictModel):
    """Queue behaviour (Q4–Q7)."""

    strategy: CallStrategy = CallStrategy.FIFO
    recall_limit: int = Field(default=3, ge=0)
    """How many times a window may re-announce its current ticket (重呼)."""
    rating_timeout_seconds: int = Field(default=120, ge=10)
    """After finish, how long the evaluator accepts a rating before it is recorded not rated."""
    workorder_due_workdays: int = Field(default=10, ge=1)
    """A bad-review work order is due this many workdays after the rating (Q7)."""


class AppointmentSettings(StrictModel):
    """预约服务 (Q12)."""

    lead_days: int = Field(default=3, ge=0)
    """The slot's date must be at least this many calendar days after the booking date."""
    checkin_before_minutes: int = Field(default=30, ge=0)
    checkin_after_minutes: int = Field(default=30, ge=0)
    """Later than this after the slot start, the booking is forfeited."""
    slot_minutes: int = Field(default=30, ge=5)
    slot_capacity: int = Field(default=4, ge=1)
    cancel_notice_hours: int = Field(default=8, ge=0)
    """The hall cancels a slot at least this many hours before it starts (002 四(七)7)."""
    max_active_per_mobile: int = Field(default=3, ge=1)
    """Bookings not yet used (booked, not checked in, forfeited or cancelled) one mobile number
    may hold at once; one more is refused in words."""


class ConsoleSettings(StrictModel):
    """The web console (``hall console``)."""

    wait_alarm_minutes: int = Field(default=30, ge=1)
    """The live hall colours a category red, and lists an alarm, once its longest-waiting
    ticket has waited this many minutes."""
    pause_alarm_minutes: int = Field(default=15, ge=1)
    """The live hall lists an alarm for a window paused (暂停服务) this many minutes."""
    public_requests_per_minute: int = Field(default=120, ge=1)
    """The citizens' listener (``--public-listen``): requests a minute one client may make,
    sustained (a status page with its stream and assets is about six)."""
    public_burst: int = Field(default=60, ge=1)
    """The citizens' listener: requests one client may make at once before it is limited."""
    trusted_proxies: list[str] = []
    """Addresses or networks of the hall's reverse proxies in front of the citizens' listener
    (``127.0.0.1``, ``10.0.0.0/24``): only from these is ``X-Forwarded-For`` believed, so
    every citizen behind the proxy is limited apart; from anyone else it is ignored."""

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        for address in value:
            try:
                ipaddress.ip_network(address, strict=False)
            except ValueError:
                raise ValueError(
                    f"{address!r} is not an IP address or network (e.g. 127.0.0.1, 10.0.0.0/24)"
                ) from None
        return value


class BrokerSettings(StrictModel):
    """The hall's Mosquitto."""

    host: str = "127.0.0.1"
    port: int = Field(default=1883, ge=1, le=65535)
    tls: bool = False
    ca_file: str | None = None
    """CA certificate for TLS; empty uses the system store."""


DeviceKind = Literal[
    "printer", "scanner", "display", "led", "keypad", "evaluator_keypad", "fingerprint", "camera"
]
NodeRole = Literal[
    "controller", "kiosk", "screen", "display", "evaluator", "caller", "terminal", "console"
]


class DeviceConfig(StrictModel):
    """A device owned by a node's firmware bridge."""

    name: Code
    """Device name in topics: ``dev/<node>/<name>/…``."""
    kind: DeviceKind
    port: str = "sim"
    """``sim`` for the simulator, else the driver's address (``usb:0416:5011``, ``/dev/ttyS0``)."""
    options: dict[str, Any] = {}
    """Driver options; each driver validates its own."""


class Node(StrictModel):
    """A process on the hall network with its own MQTT identity."""

    id: Code
    role: NodeRole
    window: Code | None = None
    """The window a display, evaluator or caller belongs to."""
    devices: list[DeviceConfig] = []


class Staff(StrictModel):
    """窗口工作人员: staff known to the hall (punches from others are refused)."""

    id: Code
    name: str
    department: Code | None = None
    staff_number: str = ""
    """工号 shown on the evaluator."""
    fingerprint_slot: int | None = Field(default=None, ge=0)


class HallConfig(StrictModel):
    """One hall: everything the controller and the nodes need to know."""

    hall_id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")]
    """Identifier used in every topic: ``hall/<hall_id>/…``."""
    name: str
    """Chinese name, e.g. 城东区政务服务中心."""
    name_en: str = ""
    timezone: str = "Asia/Shanghai"
    language: Literal["zh", "en"] = "zh"
    """Language the front ends start in; the other is one touch away."""
    hours: Hours = Hours()
    departments: list[Department] = Field(min_length=1)
    categories: list[Category] = Field(min_length=1)
    items: list[Item] = Field(min_length=1)
    windows: list[Window] = Field(min_length=1)
    queue: QueueSettings = QueueSettings()
    appointments: AppointmentSettings = AppointmentSettings()
    broker: BrokerSettings = BrokerSettings()
    console: ConsoleSettings = ConsoleSettings()
    nodes: list[Node] = []
    staff: list[Staff] = []
    attendance: AttendanceSettings = AttendanceSettings()
    public_url: str = ""
    """Where citizens reach the hall's public pages (the console's ``--public-listen``
    behind the hall's reverse proxy), e.g. ``https://zwfw.example.gov.cn/chengdong``: a
    ticket's QR code is ``<public_url>/t/<token>``, its status page. Empty prints the hall's
    own ticket reference instead (a hall without public pages)."""

    def broker_url(self, override: str | None = None) -> str:
        """``--broker`` if given, else the broker of this hall config."""
        if override:
            return override
        b = self.broker
        if not b.tls:
            return f"mqtt://{b.host}:{b.port}"
        ca = f"?ca={urllib.parse.quote(b.ca_file)}" if b.ca_file else ""
        return f"mqtts://{b.host}:{b.port}{ca}"

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        if not value:
            return value
        url = urllib.parse.urlsplit(value)
        if url.scheme not in ("https", "http") or not url.hostname:
            raise ValueError(
                f"{value!r} is not a web address; give one like "
                "https://zwfw.example.gov.cn/chengdong"
            )
        if url.query or url.fragment:
            raise ValueError(f"{value!r}: no ?query or #fragment (the pages go under its path)")
        return value.rstrip("/")

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}; use an IANA name like Asia/Shanghai"
            ) from None
        return value

    # Lookups used everywhere; cheap enough to compute on demand for a hall of this size.
    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def item(self, code: str) -> Item | None:
        return next((i for i in self.items if i.code == code), None)

    def category(self, prefix: str) -> Category | None:
        return next((c for c in self.categories if c.prefix == prefix), None)

    def window(self, window_id: str) -> Window | None:
        return next((w for w in self.windows if w.id == window_id), None)

    def department(self, code: str) -> Department | None:
        return next((d for d in self.departments if d.code == code), None)

    def node(self, node_id: str) -> Node | None:
        return next((n for n in self.nodes if n.id == node_id), None)

    def staff_member(self, staff_id: str) -> Staff | None:
        return next((s for s in self.staff if s.id == staff_id), None)

    def windows_for(self, prefix: str) -> list[Window]:
        return [w for w in self.windows if prefix in w.categories]
