"""The ticket kiosk's widgets: they draw ``KioskModel`` and forward touches to it."""

from __future__ import annotations

from functools import partial
from typing import Any

from kivy.core.window import Window
from kivy.uix.gridlayout import GridLayout
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from kiosk.app import FrontEndApp
from kiosk.i18n import pick, tr
from kiosk.model_kiosk import KioskModel
from kiosk.widgets import (
    AMBER,
    BLUE,
    GREEN,
    GREY,
    INK,
    LIGHT_BLUE,
    PAPER,
    RED,
    WHITE,
    Text,
    TouchButton,
    hbox,
    hex_color,
    paint,
    vbox,
)

LARGE_TEXT = 1.4
"""适老化: the large-text mode's magnification."""


class KioskApp(FrontEndApp):
    background = PAPER
    model: KioskModel

    def build(self) -> Widget:
        root = super().build()
        # Any touch anywhere restarts the idle countdown.
        Window.bind(on_touch_down=lambda *_: self.model.touched())
        return root

    def tick(self) -> None:
        self.model.check_idle()

    def fs(self, k: float) -> float:
        """A font size of ``k`` units, larger in large-text mode."""
        return self.u * k * (LARGE_TEXT if self.model.large_text else 1.0)

    def t(self, key: str, **params: Any) -> str:
        return tr(key, self.model.lang, **params)

    # Frame: header, body, printer and notice banners --------------------------------------

    def build_view(self) -> Widget:
        m = self.model
        page = vbox()
        header = hbox(size_hint_y=None, height=self.u * 12, padding=self.u * 1.5, spacing=self.u)
        paint(header, BLUE)
        header.add_widget(
            Text(
                pick(m.lang, self.model.hall.name, m.hall.name_en),
                self.u * 4.5,
                WHITE,
                bold=True,
                shrink=True,
            )
        )
        large = self.t("large_text_off" if m.large_text else "large_text_on")
        for text, action, press, width in (
            (large, "large_text", m.toggle_large_text, 24),
            (self.t("lang_toggle"), "lang", m.toggle_lang, 19),
        ):
            header.add_widget(
                TouchButton(
                    text,
                    action,
                    press,
                    self.u * 3.6,
                    bg=hex_color("1565C0"),
                    size_hint_x=None,
                    width=self.u * width,
                )
            )
        page.add_widget(header)
        fault = m.printer_fault()
        if fault:
            page.add_widget(self._banner(fault, AMBER, INK))
        body = vbox(padding=self.u * 3, spacing=self.u * 2)
        getattr(self, f"_{m.screen}")(body)
        page.add_widget(body)
        for notice in m.visible_notices()[:2]:
            colon = "：" if m.lang == "zh" else ": "
            text = f"{self.t('notice')}{colon}{m.notice_text(notice)}"
            page.add_widget(self._banner(text, hex_color("FFF3CD"), hex_color("7A4B00")))
        return page

    def _banner(self, text: str, bg: Any, fg: Any) -> Widget:
        box = vbox(size_hint_y=None, padding=(self.u * 3, self.u * 1.5))
        paint(box, bg)
        label = Text(text, self.fs(3.4), fg, fit=True)
        box.add_widget(label)
        label.bind(height=lambda *_: setattr(box, "height", label.height + self.u * 3))
        return box

    def _title(self, body: Widget, text: str) -> None:
        body.add_widget(Text(text, self.fs(5.5), INK, bold=True, fit=True))

    # Screens -----------------------------------------------------------------------------

    def _home(self, body: Widget) -> None:
        m = self.model
        self._title(body, self.t("kiosk_title"))
        grid = GridLayout(cols=2, spacing=self.u * 2)
        for prefix, cat in m.categories():
            lines = [pick(m.lang, cat.name, cat.name_en)]
            waiting = m.waiting(prefix)
            if cat.status != "open":
                lines.append(self.t(f"status_{cat.status}"))
            elif waiting is not None:
                lines.append(self.t("waiting_n", n=waiting))
            bg = BLUE if cat.status == "open" else GREY
            grid.add_widget(
                TouchButton(
                    "\n".join(lines),
                    f"category:{prefix}",
                    partial(m.choose_category, prefix),
                    self.fs(4.6),
                    bg=bg,
                )
            )
        body.add_widget(grid)
        body.add_widget(
            TouchButton(
                self.t("checkin"),
                "checkin",
                m.open_checkin,
                self.fs(5),
                bg=GREEN,
                size_hint_y=None,
                height=self.u * 14,
            )
        )

    def _items(self, body: Widget) -> None:
        m = self.model
        cat = dict(m.categories()).get(m.category or "")
        name = pick(m.lang, cat.name, cat.name_en) if cat is not None else ""
        self._title(body, f"{name} · {self.t('choose_item')}")
        scroll = ScrollView(do_scroll_x=False, bar_width=self.u)
        box = vbox(spacing=self.u * 2, size_hint_y=None)
        box.bind(minimum_height=box.setter("height"))
        for code, item in m.items():
            name = pick(m.lang, item.name, item.name_en)
            text = f"{name}\n{m.item_status_text(item)}"
            bg = BLUE if item.status == "open" else (RED if item.status == "suspended" else GREY)
            box.add_widget(
                TouchButton(
                    text,
                    f"item:{code}",
                    partial(m.choose_item, code),
                    self.fs(4.4),
                    bg=bg,
                    min_height=self.fs(20),
                )
            )
        scroll.add_widget(box)
        body.add_widget(scroll)
        body.add_widget(self._back())

    def _back(self, action: Any = None, fill: bool = False) -> Widget:
        size = {"size_hint_y": 1} if fill else {"size_hint_y": None, "height": self.u * 12}
        return TouchButton(
            self.t("back"), "back", action or self.model.back, self.fs(4.4), bg=GREY, **size
        )

    def _guide(self, body: Widget) -> None:
        m = self.model
        item = m.item_data()
        if item is None:  # gone from the catalogue while on screen
            body.add_widget(self._back())
            return
        guide = item.guide
        self._title(body, pick(m.lang, item.name, item.name_en))
        scroll = ScrollView(do_scroll_x=False, bar_width=self.u)
        sheet = vbox(size_hint_y=None, spacing=self.u * 1.2, padding=self.u * 2.5)
        paint(sheet, WHITE, radius=self.u)
        sheet.bind(minimum_height=sheet.setter("height"))
        if item.status != "open":
            sheet.add_widget(Text(m.item_status_text(item), self.fs(4), RED, bold=True, fit=True))
        limit = guide.time_limit_workdays
        fields = [
            ("item_type", guide.type_zh),
            ("time_limit", self.t("workdays", n=limit) if limit else self.t("on_the_spot")),
        ]
        for key, value in fields:
            sheet.add_widget(Text(f"{self.t(key)}：{value}", self.fs(3.6), INK, fit=True))
        for key, entries in (("materials", guide.materials), ("procedure", guide.procedure)):
            if entries:
                sheet.add_widget(Text(f"{self.t(key)}：", self.fs(3.8), BLUE, bold=True, fit=True))
                for i, entry in enumerate(entries, 1):
                    # No ASCII space: Kivy wraps at spaces, which would strand the number.
                    sheet.add_widget(Text(f"\u3000{i}、{entry}", self.fs(3.6), INK, fit=True))
        for key, value in (
            ("fees", guide.fees),
            ("legal_basis", guide.legal_basis),
            ("location", guide.location),
            ("phone", guide.phone),
        ):
            if value:
                sheet.add_widget(Text(f"{self.t(key)}：{value}", self.fs(3.6), INK, fit=True))
        scroll.add_widget(sheet)
        body.add_widget(scroll)
        if m.print_status and m.print_document == "guide":
            body.add_widget(Text(m.print_message(), self.fs(3.6), BLUE, fit=True))
        ok = m.can_issue()
        body.add_widget(
            TouchButton(
                self.t("take_ticket"),
                "take",
                (lambda: m.take_ticket(False)) if ok else None,
                self.fs(6),
                bg=GREEN if ok else GREY,
                size_hint_y=None,
                height=self.u * 15,
            )
        )
        # Two lines of large text fit: the row grows with the text size (适老化).
        row = hbox(size_hint_y=None, height=self.fs(12.5), spacing=self.u * 2)
        row.add_widget(self._back(fill=True))
        row.add_widget(
            TouchButton(
                self.t("print_guide"),
                "print_guide",
                m.print_guide,
                self.fs(4),
                bg=hex_color("1565C0"),
            )
        )
        row.add_widget(
            TouchButton(
                self.t("take_priority"),
                "take_priority",
                (lambda: m.take_ticket(True)) if ok else None,
                self.fs(4),
                bg=hex_color("00796B") if ok else GREY,
            )
        )
        body.add_widget(row)
        body.add_widget(Text(self.t("priority_hint"), self.fs(3), GREY, fit=True))

    def _waiting(self, body: Widget, key: str) -> None:
        body.add_widget(Text(self.t(key), self.fs(6), BLUE, halign="center"))

    def _issuing(self, body: Widget) -> None:
        self._waiting(body, "issuing")

    def _checking(self, body: Widget) -> None:
        self._waiting(body, "checking")

    def _ticket(self, body: Widget) -> None:
        m = self.model
        ticket = m.ticket
        if ticket is None:
            return
        card = vbox(padding=self.u * 3, spacing=self.u)
        paint(card, WHITE, radius=self.u * 1.5)
        card.add_widget(Widget())  # spacers above and below keep the card's text centred
        if ticket.booking:
            card.add_widget(
                Text(self.t("checked_in"), self.fs(4), GREEN, halign="center", fit=True)
            )
        card.add_widget(
            Text(
                self.t("your_number"),
                self.fs(4.5),
                GREY,
                halign="center",
                size_hint_y=None,
                height=self.fs(7),
            )
        )
        card.add_widget(
            Text(
                ticket.ticket,
                self.u * 24,
                BLUE,
                halign="center",
                bold=True,
                size_hint_y=None,
                height=self.u * 28,
            )
        )
        service = pick(
            m.lang,
            ticket.service_name,
            (m.hall.item(ticket.service) or _NoName).name_en,
        )
        card.add_widget(Text(service, self.fs(5), INK, halign="center", bold=True, fit=True))
        rows = [
            ("ahead", self.t("people", n=ticket.ahead)),
            ("est_wait", self.t("minutes", n=ticket.estimated_wait_minutes)),
            ("go_to", m.windows_text(list(ticket.windows))),
        ]
        for key, value in rows:
            line = hbox(size_hint_y=None, height=self.fs(8))
            line.add_widget(Text(self.t(key), self.fs(4.2), GREY, size_hint_x=0.36, shrink=True))
            shown = Text(value, self.fs(4.6), INK, bold=True, fit=True, pos_hint={"center_y": 0.5})
            shown.bind(height=lambda w, h, row=line: setattr(row, "height", max(h, self.fs(8))))
            line.add_widget(shown)
            card.add_widget(line)
        card.add_widget(Text(self.t("listen"), self.fs(3.6), GREY, halign="center", fit=True))
        card.add_widget(Widget())
        body.add_widget(card)
        message = m.print_message()
        if message:
            bad = m.print_status in ("failed", "no_answer")
            body.add_widget(self._banner(message, AMBER if bad else LIGHT_BLUE, INK))
        row = hbox(size_hint_y=None, height=self.u * 14, spacing=self.u * 2)
        if m.print_status in ("failed", "no_answer"):
            row.add_widget(
                TouchButton(
                    self.t("reprint"), "reprint", m.reprint, self.fs(4.6), bg=hex_color("1565C0")
                )
            )
        row.add_widget(TouchButton(self.t("done"), "done", m.finish, self.fs(5), bg=GREEN))
        body.add_widget(row)

    def _refused(self, body: Widget) -> None:
        m = self.model
        self._title(body, self.t("refused_title"))
        zh, en = m.refusal
        body.add_widget(Text(zh if m.lang == "zh" else en, self.fs(5), RED, halign="center"))
        body.add_widget(self._back())

    def _checkin(self, body: Widget) -> None:
        m = self.model
        self._title(body, self.t("checkin_title"))
        code = Text(
            m.code or "—",
            self.fs(6),
            INK,
            halign="center",
            bold=True,
            size_hint_y=None,
            height=self.u * 13,
        )
        paint(code, WHITE, radius=self.u)
        body.add_widget(code)
        letters = sorted({prefix for prefix, _cat in m.categories()})
        keys = [*"123456789", "-", "0", *letters]
        pad = GridLayout(cols=4, spacing=self.u * 1.2)
        for key in keys:
            pad.add_widget(
                TouchButton(
                    key, f"key:{key}", partial(m.type_key, key), self.u * 6, bg=hex_color("1565C0")
                )
            )
        pad.add_widget(
            TouchButton(self.t("delete"), "key:delete", m.delete_key, self.fs(4), bg=GREY)
        )
        pad.add_widget(TouchButton(self.t("clear"), "key:clear", m.clear_code, self.fs(4), bg=GREY))
        body.add_widget(pad)
        row = hbox(size_hint_y=None, height=self.u * 14, spacing=self.u * 2)
        row.add_widget(self._back(m.go_home, fill=True))
        row.add_widget(
            TouchButton(
                self.t("checkin_send"),
                "checkin_send",
                m.send_checkin if m.code else None,
                self.fs(5),
                bg=GREEN,
            )
        )
        body.add_widget(row)


class _NoName:
    name_en = ""
