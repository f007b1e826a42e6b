"""The ticket kiosk's view-model: department → item → one-time notice → ticket; check-in.

It renders the controller's catalogue and queue views and sends ``queue/issue`` and
``queue/checkin``; whether an item may be issued is decided by the controller (the kiosk
only shows the status the catalogue gives, with its reason). Print jobs go to this node's
printer through the bridge; a failed print never cancels the ticket.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any, Literal

from pydantic import ValidationError

from bus import topics
from bus.core import Incoming
from bus.models.devices import (
    DeviceState,
    DeviceStatus,
    GuidePrint,
    PrintJob,
    PrintResult,
    ScanEvent,
    TicketPrint,
)
from bus.models.queue import Checkin, Issue
from bus.models.replies import IssueResult
from bus.models.views import (
    CatalogData,
    CatalogView,
    CategoryEntry,
    ItemEntry,
    QueueData,
    QueueView,
)
from config.schema import HallConfig
from kiosk.i18n import STRINGS, tr
from kiosk.model_base import CommandResult, FrontEndModel

log = logging.getLogger(__name__)

IDLE_SECONDS = 60.0
"""Back to the start after this long without a touch (the next citizen finds the start)."""
PRINT_ANSWER_SECONDS = 15.0
"""A print job with no result by then is reported as "the printer does not answer"."""

Screen = Literal["home", "items", "guide", "issuing", "ticket", "refused", "checkin", "checking"]
PrintStatus = Literal["", "printing", "printed", "failed", "no_answer", "no_printer"]
CODE_MAX = 40


class KioskModel(FrontEndModel):
    role = "kiosk"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        node = self.hall.node(self.bus.node)
        kinds = {d.kind: d.name for d in (node.devices if node is not None else [])}
        self.printer: str | None = kinds.get("printer")
        self.scanner: str | None = kinds.get("scanner")
        self.catalog: CatalogData | None = None
        self.queue: QueueData | None = None
        self.screen: Screen = "home"
        self.category: str | None = None
        self.item: str | None = None
        self.ticket: IssueResult | None = None
        self.refusal: tuple[str, str] = ("", "")
        self.code = ""
        self.large_text = False
        self.printer_state: DeviceStatus | None = None
        self.print_status: PrintStatus = ""
        self.print_document = ""
        self.print_state: DeviceState | None = None
        """The printer's state in the last job's result."""
        self._print_job: PrintJob | None = None
        self._print_sent_at = 0.0
        self._last_touch = self.monotonic()

    # Subscriptions -----------------------------------------------------------------------

    def subscribe(self) -> None:
        hall_id = self.hall.hall_id
        self.bus.subscribe(topics.catalog_state(hall_id), self._on_catalog)
        self.bus.subscribe(topics.queue_state(hall_id), self._on_queue)
        if self.printer:
            node, name = self.bus.node, self.printer
            self.bus.subscribe(topics.device(hall_id, node, name, "state"), self._on_printer)
            self.bus.subscribe(topics.device(hall_id, node, name, "result"), self._on_result)
        if self.scanner:
            scan = topics.device(hall_id, self.bus.node, self.scanner, "scan")
            self.bus.subscribe(scan, self._on_scan)

    def _on_catalog(self, message: Incoming) -> None:
        self.catalog = self.parse_view(CatalogView, message)
        self.changed()

    def _on_queue(self, message: Incoming) -> None:
        self.queue = self.parse_view(QueueView, message)
        self.changed()

    def _on_printer(self, message: Incoming) -> None:
        self.printer_state = self.parse(DeviceStatus, message)
        self.changed()

    def _on_result(self, message: Incoming) -> None:
        result = self.parse(PrintResult, message)
        if result is None or self._print_job is None or result.job_id != self._print_job.job_id:
            return  # another job (or a result from before a restart)
        self.print_status = "printed" if result.ok else "failed"
        self.print_state = result.state
        self.changed()

    def _on_scan(self, message: Incoming) -> None:
        scan = self.parse(ScanEvent, message)
        if scan is None or self.screen in ("issuing", "checking"):
            return
        # A scanned booking code checks in from whatever screen the citizen is on.
        self.code = scan.text.strip()[:CODE_MAX]
        self.send_checkin()

    @property
    def ready(self) -> bool:
        return self.catalog is not None and self.queue is not None

    # What the screens show ---------------------------------------------------------------

    def categories(self) -> list[tuple[str, CategoryEntry]]:
        return list(self.catalog.categories.items()) if self.catalog is not None else []

    def items(self, category: str | None = None) -> list[tuple[str, ItemEntry]]:
        wanted = category or self.category
        if self.catalog is None:
            return []
        items = self.catalog.items.items()
        return [(code, item) for code, item in items if item.category == wanted]

    def item_data(self) -> ItemEntry | None:
        if self.item is None or self.catalog is None:
            return None
        return self.catalog.items.get(self.item)

    def waiting(self, category: str) -> int | None:
        cat = self.queue.categories.get(category) if self.queue is not None else None
        return cat.waiting if cat is not None else None

    def item_status_text(self, item: ItemEntry) -> str:
        """Why an item can or cannot be issued, in the chosen language."""
        status = item.status
        text = tr(f"status_{status}", self.lang)
        if status == "suspended" and item.notice:
            text = f"{text}：{item.notice}" if self.lang == "zh" else f"{text}: {item.notice}"
        elif status == "closed":
            cat = self.catalog.categories.get(item.category) if self.catalog is not None else None
            hours = tr(
                "closed_hours",
                self.lang,
                open=self.hall.hours.open.strftime("%H:%M"),
                last=cat.last_ticket if cat is not None else "",
            )
            text = f"{text}（{hours}）" if self.lang == "zh" else f"{text} ({hours})"
        elif item.suspension_start is not None and item.notice:
            start = item.suspension_start.astimezone(self.hall.tz)
            text = tr(
                "suspension_ahead", self.lang, start=f"{start:%m-%d %H:%M}", notice=item.notice
            )
        return text

    def printer_fault(self) -> str | None:
        """The printer's trouble in plain words with what to do, or None when it is fine."""
        if self.printer is None or self.printer_state is None:
            return None
        state = self.printer_state.state
        if not state.is_fault:
            return None  # near the end still prints: a matter for staff, not for citizens
        return self._printer_text(state)

    def _printer_text(self, state: DeviceState | None) -> str:
        """A printer state in plain words; one this kiosk has no words for is a fault."""
        key = f"printer_{(state or DeviceState.ERROR).value}"
        return tr(key if key in STRINGS else "printer_error", self.lang)

    # Touches -----------------------------------------------------------------------------

    def touched(self) -> None:
        self._last_touch = self.monotonic()

    def check_idle(self) -> None:
        """Called every second: back to the start after IDLE_SECONDS without a touch (not
        while waiting for the controller), and give up waiting for a silent printer."""
        now = self.monotonic()
        if self.print_status == "printing" and now - self._print_sent_at > PRINT_ANSWER_SECONDS:
            self.print_status = "no_answer"
            self.changed()
        if self.screen in ("home", "issuing", "checking"):
            return
        if now - self._last_touch >= IDLE_SECONDS:
            self.finish()

    def finish(self) -> None:
        """This citizen is done (完成, or walked away): the next one finds the default start."""
        self.lang = self.hall.language
        self.large_text = False
        self.go_home()

    def go_home(self) -> None:
        self.screen, self.category, self.item, self.ticket = "home", None, None, None
        self.code = ""
        self.print_status = ""
        self._print_job = None
        self.changed()

    def toggle_large_text(self) -> None:
        self.large_text = not self.large_text
        self.changed()

    def choose_category(self, prefix: str) -> None:
        self.category, self.screen = prefix, "items"
        self.changed()

    def choose_item(self, code: str) -> None:
        self.item, self.screen = code, "guide"
        self.changed()

    def back(self) -> None:
        if self.screen == "guide":
            self.screen = "items"
        elif self.screen == "refused" and self.item is not None:
            self.screen = "guide"
        else:
            self.go_home()
            return
        self.changed()

    def can_issue(self) -> bool:
        item = self.item_data()
        return item is not None and item.status == "open" and not self.lost

    def take_ticket(self, priority: bool = False) -> None:
        if self.item is None or self.screen == "issuing":
            return  # a second touch while the first is on its way takes no second ticket
        self.screen = "issuing"
        self.changed()
        issue = Issue(
            id=self.command_id(), service=self.item, priority=priority, node=self.bus.node
        )
        self.send(issue, self._issued)

    def _issued(self, outcome: CommandResult) -> None:
        """The reply to an issue or a check-in: the ticket screen (and print) or the reason."""
        if not outcome.ok:
            self._refused(outcome)
            return
        try:
            self.ticket = outcome.result_as(IssueResult)
        except ValidationError:
            log.warning("unreadable ticket in the controller's reply: %s", outcome.result)
            self._refused(CommandResult(False, code="no_answer"))
            return
        self.screen = "ticket"
        self.print_ticket()
        self.changed()

    def _refused(self, outcome: CommandResult) -> None:
        if outcome.code == "no_answer":
            self.refusal = (tr("no_answer", "zh"), tr("no_answer", "en"))
        else:
            self.refusal = (outcome.zh, outcome.en)
        self.screen = "refused"
        self.changed()

    # Check-in ----------------------------------------------------------------------------

    def open_checkin(self) -> None:
        self.screen, self.code = "checkin", ""
        self.changed()

    def type_key(self, key: str) -> None:
        if len(self.code) < CODE_MAX:
            self.code += key
            self.changed()

    def delete_key(self) -> None:
        self.code = self.code[:-1]
        self.changed()

    def clear_code(self) -> None:
        self.code = ""
        self.changed()

    def send_checkin(self) -> None:
        if not self.code or self.screen == "checking":
            return
        self.screen, self.item = "checking", None  # a refusal's "back" leads home
        self.changed()
        self.send(Checkin(id=self.command_id(), code=self.code), self._issued)

    # Printing ----------------------------------------------------------------------------

    def windows_text(self, numbers: list[int]) -> str:
        """``1、2、9、10号窗口`` / ``Windows 1, 2, 9, 10``: short enough for one line."""
        if self.lang == "zh":
            return "、".join(str(n) for n in numbers) + "号窗口"
        return "Windows " + ", ".join(str(n) for n in numbers)

    def ticket_job(self, ticket: IssueResult) -> PrintJob:
        """The print job of a ticket (RULES Q1)."""
        return ticket_job(self.hall, ticket)

    def guide_job(self) -> PrintJob | None:
        """The one-time notice of the chosen item (RULES Q13)."""
        item = self.item_data()
        if item is None:
            return None
        guide = item.guide
        data = GuidePrint(
            hall_name=self.hall.name,
            item_name=item.name,
            item_type=guide.type,
            materials=guide.materials,
            procedure=guide.procedure,
            promised_workdays=guide.time_limit_workdays,
            fees=guide.fees,
            legal_basis=(guide.legal_basis,) if guide.legal_basis else (),
            window_location=guide.location,
            enquiry_phone=guide.phone,
            printed_at=self.now(),
        )
        return PrintJob.of(uuid.uuid4().hex, data)

    def print_ticket(self) -> None:
        if self.ticket is not None:
            self._print(self.ticket_job(self.ticket))

    def print_guide(self) -> None:
        job = self.guide_job()
        if job is not None:
            self._print(job)

    def _print(self, job: PrintJob) -> None:
        self.print_document = job.document
        self.print_state = None
        if self.printer is None:
            self.print_status = "no_printer"
            self._print_job = None
            self.changed()
            return
        self._print_job = job
        self._print_sent_at = self.monotonic()
        self.print_status = "printing"
        topic = topics.device(self.hall.hall_id, self.bus.node, self.printer, "print")
        self.bus.publish(topic, job)
        self.changed()

    def reprint(self) -> None:
        if self.ticket is not None and self.screen == "ticket":
            self.print_ticket()

    def print_message(self) -> str:
        """What the ticket screen says about the print, in plain words."""
        guide = self.print_document == "guide"
        if self.print_status == "printing":
            return tr("guide_printing" if guide else "printing", self.lang)
        if self.print_status == "printed":
            return tr("guide_printed" if guide else "printed", self.lang)
        if self.print_status == "no_printer":
            return tr("no_printer", self.lang)
        if self.print_status == "no_answer":
            return tr("print_no_answer", self.lang)
        if self.print_status == "failed":
            fault = self._printer_text(self.print_state)
            sep = "。" if self.lang == "zh" else ". "
            return fault if guide else f"{fault}{sep}{tr('printer_keep_number', self.lang)}"
        return ""


def ticket_status_url(hall: HallConfig, ticket: IssueResult) -> str:
    """What the ticket's QR code says: its status page, ``<public_url>/t/<token>`` (a random
    token, never the number), or, in a hall without public pages, its own reference."""
    if not hall.public_url or not ticket.status_token:
        return f"servicehall:{hall.hall_id}/ticket/{ticket.key}"
    return f"{hall.public_url}/t/{ticket.status_token}"


def ticket_job(hall: HallConfig, ticket: IssueResult, job_id: str | None = None) -> PrintJob:
    """The print job of a ticket at ``hall`` (what a kiosk sends to its printer)."""
    data = TicketPrint(
        hall_name=hall.name,
        number=ticket.ticket,
        service=ticket.service_name,
        department=ticket.department_name or "",
        windows=tuple(f"{n}号窗口" for n in ticket.windows),
        ahead=ticket.ahead,
        estimated_wait_min=ticket.estimated_wait_minutes,
        issued_at=ticket.issued_at,
        status_url=ticket_status_url(hall, ticket),
    )
    return PrintJob.of(job_id or uuid.uuid4().hex, data)
