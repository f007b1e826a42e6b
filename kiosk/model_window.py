"""View-models of the two screens at a window: the LCD window display and the evaluator.

Both render the controller's retained ``state/window/<w>``. Whether a rating is open, for
which ticket and until when is the controller's decision (``evaluator`` in the view); the
evaluator only shows it and sends the citizen's touch with the ticket it showed (Q6).
"""

from __future__ import annotations

from typing import Any, Literal

from bus import topics
from bus.core import Incoming
from bus.models.devices import KeyEvent
from bus.models.notices import Notice
from bus.models.queue import Rate
from bus.models.views import (
    EvaluatorRating,
    EvaluatorStopped,
    StaffOnDuty,
    WindowData,
    WindowStatus,
    WindowView,
)
from kiosk.i18n import tr
from kiosk.model_base import CommandResult, FrontEndModel

THANKS_SECONDS = 6.0
"""How long the thank-you (or a refusal) stays before the evaluator returns to its card."""

LEVELS = (5, 4, 3, 2, 1)
"""Rating buttons, best first as on the halls' evaluators (Q6)."""


class WindowModel(FrontEndModel):
    """What both window screens share: the window's retained view."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.window is None:
            raise ValueError("a window display or evaluator needs its window")
        self.view: WindowData | None = None

    def subscribe(self) -> None:
        assert self.window is not None
        self.bus.subscribe(topics.window_state(self.hall.hall_id, self.window), self._on_window)

    def _on_window(self, message: Incoming) -> None:
        self.view = self.parse_view(WindowView, message)
        self.on_view()
        self.changed()

    def on_view(self) -> None:
        """Hook for subclasses when a new view arrives."""

    @property
    def ready(self) -> bool:
        return self.view is not None

    @property
    def status(self) -> WindowStatus:
        """Serving, paused, closed or unstaffed: the view's one answer (serving until heard)."""
        return self.view.status if self.view is not None else WindowStatus.SERVING

    @property
    def paused(self) -> bool:
        """Not serving: paused by staff, temporarily closed or nobody signed in (Q5, Q11)."""
        return not self.status.serving

    def window_number(self) -> int | None:
        if self.view is not None:
            return self.view.number
        cfg = self.hall.window(self.window or "")
        return cfg.number if cfg is not None else None

    def department(self) -> str:
        v = self.view
        dept = self.hall.department(v.department or "") if v is not None else None
        if self.lang == "en":
            return dept.name_en if dept is not None and dept.name_en else "Comprehensive window"
        return v.department_name if v is not None else ""

    def staff(self) -> StaffOnDuty | None:
        return self.view.staff if self.view is not None else None

    def window_notices(self) -> list[Notice]:
        return self.visible_notices()


NOT_SERVING_TEXT: dict[WindowStatus, tuple[str, str]] = {
    WindowStatus.PAUSED: ("paused", "paused_hint"),
    WindowStatus.CLOSED: ("closed_window", "closed_hint"),
    WindowStatus.UNSTAFFED: ("unstaffed", "unstaffed_hint"),
}
"""The LCD's title and hint (``kiosk.i18n`` keys) for each way of not serving."""


class DisplayModel(WindowModel):
    """窗口屏 (LCD): window number, department, current ticket, 暂停服务."""

    role = "display"

    def not_serving_text(self) -> tuple[str, str]:
        """Title and hint of a window that does not serve: which of paused, closed, unstaffed."""
        title, hint = NOT_SERVING_TEXT.get(self.status, NOT_SERVING_TEXT[WindowStatus.PAUSED])
        closure = self.view.closure if self.view is not None else None
        if self.status is WindowStatus.CLOSED and closure is not None:
            # The closure's reason, as the LED board shows it (窗口关闭：<reason>, Q11).
            reason = closure.reason.strip()
            if reason:
                title_text = tr("closed_window_reason", self.lang, reason=reason)
            else:
                title_text = tr(title, self.lang)
            if closure.until is not None:
                until = closure.until.astimezone(self.hall.tz).strftime("%H:%M")
                return title_text, tr("closed_until_hint", self.lang, until=until)
            return title_text, tr(hint, self.lang)
        return tr(title, self.lang), tr(hint, self.lang)

    def current_ticket(self) -> str | None:
        current = self.view.current if self.view is not None else None
        return current.ticket if current is not None else None

    def current_service(self) -> str:
        current = self.view.current if self.view is not None else None
        if current is None:
            return ""
        if self.lang == "en":
            item = self.hall.item(current.service)
            if item is not None and item.name_en:
                return item.name_en
        return current.service_name


EvaluatorState = Literal["stopped", "rating", "sending", "thanks", "refused", "idle"]


class EvaluatorModel(WindowModel):
    """评价器: staff on duty, five rating buttons after a finished ticket, 停止服务 when paused."""

    role = "evaluator"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        node = self.hall.node(self.bus.node)
        self.keypad = next(
            (d.name for d in (node.devices if node else []) if d.kind == "evaluator_keypad"), None
        )
        """Physical rating keys beside the screen; their bridge sends the rating itself."""
        self._sending: str | None = None
        self._rated: str | None = None
        """The ticket this evaluator has just rated (thanked until the view moves on)."""
        self._message_until = 0.0
        self.refusal: tuple[str, str] | None = None

    def subscribe(self) -> None:
        super().subscribe()
        if self.keypad is not None:
            key = topics.device(self.hall.hall_id, self.bus.node, self.keypad, "key")
            self.bus.subscribe(key, self._on_key)

    def _on_key(self, message: Incoming) -> None:
        """A rating key was pressed: the bridge sends ``queue/rate``; the screen says thanks."""
        key = self.parse(KeyEvent, message)
        ticket = self.rating_ticket()
        if key is None or key.action != "rating" or self.state != "rating" or ticket is None:
            return
        self._rated, self.refusal = ticket, None
        self._message_until = self.monotonic() + THANKS_SECONDS
        self.changed()

    def rating_ticket(self) -> str | None:
        card = self.view.evaluator if self.view is not None else None
        return card.ticket if isinstance(card, EvaluatorRating) else None

    @property
    def state(self) -> EvaluatorState:
        card = self.view.evaluator if self.view is not None else None
        if isinstance(card, EvaluatorStopped) or (self.paused and self.rating_ticket() is None):
            return "stopped"
        if self._sending is not None:
            return "sending"
        if self.monotonic() < self._message_until:
            return "refused" if self.refusal is not None else "thanks"
        ticket = self.rating_ticket()
        if ticket is not None and ticket != self._rated:
            return "rating"
        return "idle"

    def message(self) -> str:
        if self.refusal is not None:
            return self.refusal[0] if self.lang == "zh" else self.refusal[1]
        return tr("thanks", self.lang)

    def rate(self, level: int) -> None:
        """The citizen touched a rating button: send it with the ticket shown."""
        ticket = self.rating_ticket()
        if self.state != "rating" or ticket is None or level not in LEVELS:
            return
        assert self.window is not None
        self._sending = ticket
        self.changed()
        rate = Rate(id=self.command_id(), window=self.window, level=level, ticket=ticket)
        self.send(rate, self._rated_reply)

    def _rated_reply(self, outcome: CommandResult) -> None:
        ticket, self._sending = self._sending, None
        self._message_until = self.monotonic() + THANKS_SECONDS
        if outcome.ok:
            self._rated, self.refusal = ticket, None
        elif outcome.code == "no_answer":
            # Not recorded: after the message the buttons come back to try again.
            self.refusal = (tr("no_answer", "zh"), tr("no_answer", "en"))
        else:
            self._rated = ticket  # already rated or timed out: the buttons go away
            self.refusal = (outcome.zh, outcome.en)
        self.changed()

    def tick(self) -> None:
        """Called every second: ends the thank-you after THANKS_SECONDS."""
        if self._message_until and self.monotonic() >= self._message_until:
            self._message_until = 0.0
            self.refusal = None
            self.changed()
