"""The window display (LCD) and the evaluator: two small screens at one window."""

from __future__ import annotations

from functools import partial

from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from kiosk.app import FrontEndApp
from kiosk.i18n import tr
from kiosk.model_window import LEVELS, DisplayModel, EvaluatorModel
from kiosk.widgets import (
    BLUE,
    GREY,
    INK,
    PAPER,
    RED,
    WHITE,
    YELLOW,
    Text,
    TouchButton,
    hbox,
    hex_color,
    paint,
    vbox,
)

LEVEL_COLORS = {
    5: hex_color("1B7F3B"),
    4: hex_color("43A047"),
    3: hex_color("F9A825"),
    2: hex_color("EF6C00"),
    1: hex_color("C62828"),
}


class DisplayApp(FrontEndApp):
    """窗口屏: readable from across the hall, so few words and very large."""

    background = hex_color("0A1A33")
    model: DisplayModel

    def build_view(self) -> Widget:
        m = self.model
        u = self.u
        lang = m.lang
        page = vbox()
        head = hbox(size_hint_y=None, height=u * 20, padding=(u * 4, u * 1.5), spacing=u * 3)
        paint(head, hex_color("0B4F9C"))
        head.add_widget(
            Text(
                tr("window_n", lang, n=m.window_number()),
                u * 11,
                WHITE,
                bold=True,
                size_hint_x=0.45,
            )
        )
        head.add_widget(Text(m.department(), u * 7.5, WHITE, halign="right", shrink=True))
        page.add_widget(head)
        body = vbox(padding=u * 4, spacing=u * 2)
        if m.paused:
            paint(body, hex_color("8E1111"))
            title, hint = m.not_serving_text()
            body.add_widget(Text(title, u * 22, YELLOW, halign="center", bold=True))
            body.add_widget(Text(hint, u * 6, WHITE, halign="center", size_hint_y=0.3))
        else:
            ticket = m.current_ticket()
            if ticket is None:
                body.add_widget(Text(tr("idle", lang), u * 16, WHITE, halign="center", bold=True))
            else:
                body.add_widget(
                    Text(
                        tr("serving", lang),
                        u * 6.5,
                        hex_color("9FB3D1"),
                        halign="center",
                        size_hint_y=0.25,
                    )
                )
                body.add_widget(Text(ticket, u * 30, YELLOW, halign="center", bold=True))
                body.add_widget(
                    Text(
                        m.current_service(),
                        u * 6.5,
                        WHITE,
                        halign="center",
                        size_hint_y=0.25,
                        shrink=True,
                    )
                )
        page.add_widget(body)
        notices = m.window_notices()
        if notices:
            strip = vbox(size_hint_y=None, height=u * 10, padding=(u * 3, u))
            paint(strip, hex_color("08264A"))
            strip.add_widget(Text(m.notice_text(notices[0]), u * 4.5, YELLOW, shorten=False))
            page.add_widget(strip)
        return page


class EvaluatorApp(FrontEndApp):
    """评价器: the staff member's card and the five rating buttons (Q6)."""

    background = PAPER
    model: EvaluatorModel

    def tick(self) -> None:
        self.model.tick()

    def build_view(self) -> Widget:
        m = self.model
        u = self.u
        lang = m.lang
        if m.state == "stopped":
            return self._stopped()
        page = hbox(padding=u * 3, spacing=u * 3)
        page.add_widget(self._card())
        right = vbox(spacing=u * 2)
        top = hbox(size_hint_y=None, height=u * 9)
        top.add_widget(Text(tr("window_n", lang, n=m.window_number()), u * 5, BLUE, bold=True))
        top.add_widget(
            TouchButton(
                tr("lang_toggle", lang),
                "lang",
                m.toggle_lang,
                u * 3.4,
                bg=hex_color("1565C0"),
                size_hint_x=0.35,
            )
        )
        right.add_widget(top)
        state = m.state
        if state == "rating":
            right.add_widget(
                Text(
                    tr("rate_prompt", lang, ticket=m.rating_ticket()),
                    u * 5,
                    INK,
                    bold=True,
                    size_hint_y=None,
                    height=u * 12,
                )
            )
            buttons = GridLayout(cols=1, spacing=u * 1.5)
            for level in LEVELS:
                text = f"{level}   {tr(f'rate_{level}', lang)}"
                buttons.add_widget(
                    TouchButton(
                        text,
                        f"rate:{level}",
                        partial(m.rate, level),
                        u * 5.5,
                        bg=LEVEL_COLORS[level],
                    )
                )
            right.add_widget(buttons)
        else:
            key = {"sending": "rating_sending", "idle": "rate_idle"}.get(state)
            text = tr(key, lang) if key else m.message()
            color = RED if state == "refused" else (BLUE if state == "thanks" else INK)
            right.add_widget(
                Text(
                    text,
                    u * (8 if state == "thanks" else 6),
                    color,
                    halign="center",
                    bold=state == "thanks",
                )
            )
        page.add_widget(right)
        return page

    def _card(self) -> Widget:
        m = self.model
        u = self.u
        staff = m.staff()
        card = vbox(size_hint_x=0.36, padding=u * 2.5, spacing=u * 1.5)
        paint(card, WHITE, radius=u * 1.5)
        photo = vbox(size_hint_y=0.55)
        paint(photo, hex_color("DCE8F7"), radius=u)
        initial = staff.name[:1] if staff else "—"
        photo.add_widget(Text(initial, u * 20, hex_color("7A95B8"), halign="center", bold=True))
        card.add_widget(photo)
        if staff is None:
            card.add_widget(Text(tr("no_staff", m.lang), u * 5, GREY, halign="center"))
            return card
        card.add_widget(
            Text(staff.name, u * 7.5, INK, halign="center", bold=True, size_hint_y=0.18)
        )
        card.add_widget(
            Text(
                tr("staff_number", m.lang, n=staff.staff_number),
                u * 4.2,
                GREY,
                halign="center",
                size_hint_y=0.12,
            )
        )
        card.add_widget(
            Text(m.department(), u * 4.2, GREY, halign="center", size_hint_y=0.12, shrink=True)
        )
        return card

    def _stopped(self) -> Widget:
        u = self.u
        box = vbox(padding=u * 6)
        paint(box, hex_color("8E1111"))
        box.add_widget(
            Text(tr("stopped", self.model.lang), u * 22, YELLOW, halign="center", bold=True)
        )
        staff = self.model.staff()
        if staff is not None:
            number = tr("staff_number", self.model.lang, n=staff.staff_number)
            line = f"{staff.name}  {number}"
            box.add_widget(Text(line, u * 5, WHITE, halign="center", size_hint_y=0.3))
        return box
