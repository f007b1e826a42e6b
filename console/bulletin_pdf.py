"""The monthly bulletin as a printable A4 PDF (fpdf2): cover, queue, reviews, attendance,
patrol, page numbers; Chinese or English.

The charts are the statistics page's own SVG (``console.stats.charts``, ``console.charts``),
drawn by fpdf2's SVG support with their font family pointed at the embedded font. The font is
Debian's WenQuanYi Micro Hei (``fonts-wqy-microhei``), embedded as a subset of the glyphs used,
so the file opens the same on any office PC.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from html import escape
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from bus.models.patrol import PATROL_CATEGORY_LABELS
from bus.models.replies import StatsBlock, WorkorderEntry
from console.bulletin import Bulletin
from console.charts import FONT_FAMILY
from console.i18n import Lang, tr
from console.stats import charts, group_label, minutes, ordered, peak_heat_map, percent

FONT_FILE = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
"""Debian ``fonts-wqy-microhei`` (installed by ``scripts/ensure-system-packages.sh``)."""
FONT = "wqy"
MARGIN = 18.0
"""mm on each side: room for a binder's holes on the left of a printed page."""
TEXT_W = 210.0 - 2 * MARGIN
BLUE = (11, 87, 208)
INK = (27, 36, 48)
MUTED = (91, 103, 117)
HEAD_FILL = (232, 240, 254)
_TITLES = re.compile(r"<title>.*?</title>", re.S)


class BulletinPDF(FPDF):
    """A4 portrait with the hall's footer and ``第 n 页 / 共 N 页`` on every page."""

    def __init__(self, footer_text: str, lang: Lang) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = footer_text
        self.lang: Lang = lang
        if not FONT_FILE.is_file():
            raise FileNotFoundError(
                f"缺少中文字体 {FONT_FILE}（apt install fonts-wqy-microhei）/ missing CJK font"
            )
        # Micro Hei has no bold face; the chart titles ask for one, so bold is the same face.
        for style in ("", "B"):
            self.add_font(FONT, style, str(FONT_FILE))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=20)
        self.set_text_color(*INK)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT, size=8)
        self.set_text_color(*MUTED)
        self.cell(TEXT_W / 2, 6, self.footer_text, align="L")
        self.cell(TEXT_W / 2, 6, tr("bl_page", self.lang, n=self.page_no(), total="{nb}"),
                  align="R")  # fmt: skip
        self.set_text_color(*INK)


def render(b: Bulletin, lang: Lang) -> bytes:
    """The bulletin's PDF."""
    hall_name = b.hall.name_en if lang == "en" and b.hall.name_en else b.hall.name
    pdf = BulletinPDF(tr("bl_footer", lang, hall=hall_name, month=b.month), lang)
    pdf.set_title(title(b, lang))
    pdf.set_author(hall_name)
    pdf.set_creator("servicehall")
    pdf.set_creation_date(b.generated_at)
    cover(pdf, b, lang, hall_name)
    pdf.add_page()
    queue_section(pdf, b, lang)
    reviews_section(pdf, b, lang)
    attendance_section(pdf, b, lang)
    patrol_section(pdf, b, lang)
    return bytes(pdf.output())


def title(b: Bulletin, lang: Lang) -> str:
    first, _ = b.days
    return tr("bl_title", lang, year=first.year, month=first.month,
              month_en=first.strftime("%B %Y"))  # fmt: skip


# Building blocks ---------------------------------------------------------------------------


def heading(pdf: FPDF, text: str) -> None:
    if pdf.get_y() > 240:  # a heading never sits alone at the foot of a page
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font(FONT, size=14)
    pdf.set_text_color(*BLUE)
    pdf.cell(TEXT_W, 9, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*BLUE)
    pdf.line(MARGIN, pdf.get_y(), MARGIN + TEXT_W, pdf.get_y())
    pdf.set_text_color(*INK)
    pdf.ln(2)


def subheading(pdf: FPDF, text: str) -> None:
    if pdf.get_y() > 250:
        pdf.add_page()
    pdf.ln(1)
    pdf.set_font(FONT, size=11.5)
    pdf.cell(TEXT_W, 7, text, new_x="LMARGIN", new_y="NEXT")


def para(pdf: FPDF, text: str, size: float = 10.5, muted: bool = False) -> None:
    pdf.set_font(FONT, size=size)
    if muted:
        pdf.set_text_color(*MUTED)
    pdf.multi_cell(TEXT_W, size * 0.55, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.ln(1)


def table(
    pdf: FPDF,
    head: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    words: int = 1,
) -> None:
    """A table with its header repeated on each page it runs over; the first ``words``
    columns left-aligned, the numbers after them right-aligned."""
    pdf.set_font(FONT, size=9)
    pdf.set_fill_color(255, 255, 255)  # the body unfilled, whatever was filled before
    align = ["LEFT"] * words + ["RIGHT"] * (len(head) - words)
    with pdf.table(
        col_widths=tuple(widths), width=TEXT_W, text_align=tuple(align), line_height=5.6,
        headings_style=FontFace(emphasis=None, fill_color=HEAD_FILL, color=INK),
        borders_layout="HORIZONTAL_LINES", first_row_as_headings=True, repeat_headings=1,
    ) as t:  # fmt: skip
        for line in (head, *rows):
            row = t.row()
            for text in line:
                row.cell(text)
    pdf.ln(2)


def chart(pdf: FPDF, svg: str, width_mm: float) -> None:
    """An SVG chart of the pages, at ``width_mm`` and its own proportions, on one page."""
    found = re.search(r'viewBox="0 0 (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)"', svg)
    ratio = float(found.group(2)) / float(found.group(1)) if found else 0.5
    height = width_mm * ratio
    if pdf.get_y() + height > pdf.h - 22:
        pdf.add_page()
    # The page's font stack names fonts the PDF does not have: the embedded one draws the text.
    svg = svg.replace(f'font-family="{escape(FONT_FAMILY, quote=True)}"', f'font-family="{FONT}"')
    svg = _TITLES.sub("", svg)  # tooltips: nothing to show on paper
    pdf.image(io.BytesIO(svg.encode("utf-8")), x=MARGIN, y=pdf.get_y(), w=width_mm)
    pdf.set_y(pdf.get_y() + height + 3)


# Sections ----------------------------------------------------------------------------------


def cover(pdf: BulletinPDF, b: Bulletin, lang: Lang, hall_name: str) -> None:
    first, last = b.days
    pdf.add_page()
    pdf.set_y(62)
    pdf.set_font(FONT, size=15)
    pdf.set_text_color(*MUTED)
    pdf.cell(TEXT_W, 10, hall_name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(FONT, size=24)
    pdf.set_text_color(*BLUE)
    pdf.multi_cell(TEXT_W, 13, title(b, lang), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(FONT, size=11)
    pdf.set_text_color(*MUTED)
    pdf.cell(TEXT_W, 7, tr("bl_subtitle", lang), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*BLUE)
    pdf.set_line_width(0.6)
    pdf.line(MARGIN + 40, pdf.get_y() + 6, MARGIN + TEXT_W - 40, pdf.get_y() + 6)
    pdf.set_line_width(0.2)
    pdf.ln(16)
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, size=11.5)
    at = b.generated_at.astimezone(b.hall.tz).strftime("%Y-%m-%d %H:%M")
    lines = [
        tr("bl_issuer", lang, hall=hall_name),
        tr("bl_range", lang, start=first.isoformat(), end=last.isoformat()),
        tr("bl_generated", lang, at=at, tz=b.hall.timezone),
    ]
    if b.attendance is not None and b.attendance.through is not None:
        lines.append(tr("bl_through", lang, day=b.attendance.through.isoformat()))
    for line in lines:
        pdf.cell(TEXT_W, 8, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(14)
    pdf.set_x(MARGIN + 12)
    pdf.set_font(FONT, size=10)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(TEXT_W - 24, 5.6, tr("bl_basis", lang), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, size=12)
    pdf.cell(TEXT_W, 8, tr("bl_contents", lang), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=10.5)
    for key in ("bl_sec_queue", "bl_sec_reviews", "bl_sec_attendance", "bl_sec_patrol"):
        pdf.set_x(MARGIN + 55)
        pdf.cell(TEXT_W - 110, 7, tr(key, lang), new_x="LMARGIN", new_y="NEXT")


def queue_section(pdf: FPDF, b: Bulletin, lang: Lang) -> None:
    block: StatsBlock = b.stats.total
    heading(pdf, tr("bl_sec_queue", lang))
    if block.issued == 0:
        para(pdf, tr("bl_no_tickets", lang))
    peaks = "、".join(tr("stats_hour", lang, h=h) for h in block.peak_hours) or "—"
    para(pdf, tr("bl_summary", lang, issued=block.issued, served=block.served,
                 skipped=block.skipped, transferred=block.transferred, expired=block.expired,
                 wait=minutes(block.wait_mean_min), p90=minutes(block.wait_p90_min),
                 peaks=peaks if lang == "zh" else peaks.replace("、", ", ")))  # fmt: skip
    svgs = charts(b.hall, block, lang)
    chart(pdf, svgs["category"], TEXT_W)
    subheading(pdf, tr("bl_by_category", lang))
    keys = ordered(b.hall, "category", list(block.by_category))
    cols = ("issued", "served", "skipped", "transferred", "wait_mean_min", "wait_p90_min")
    head = [tr("stats_dim_category", lang)] + [tr(f"stats_col_{c}", lang) for c in cols]
    rows = []
    for k in keys:
        g = block.by_category[k]
        rows.append([group_label(b.hall, "category", k, lang)]
                    + [str(getattr(g, c)) if not c.endswith("_min")
                       else minutes(getattr(g, c)) for c in cols])  # fmt: skip
    rows.append([tr("stats_totals", lang)]
                + [str(getattr(block, c)) if not c.endswith("_min")
                   else minutes(getattr(block, c)) for c in cols])  # fmt: skip
    table(pdf, head, rows, (46, 16, 16, 16, 16, 32, 32))
    # The heat map carries its own title (as on the page).
    chart(pdf, peak_heat_map(block, lang), 100)


def reviews_section(pdf: FPDF, b: Bulletin, lang: Lang) -> None:
    block = b.stats.total
    heading(pdf, tr("bl_sec_reviews", lang))
    orders = b.orders()
    _first, last = b.days
    open_at_end = [
        o
        for o in orders
        if o.status == "open"
        or (o.closed_at is not None and o.closed_at.astimezone(b.hall.tz).date() > last)
    ]
    para(pdf, tr("bl_satisfaction", lang, rated=block.rated, rate=percent(block.satisfaction_rate),
                 not_rated=block.not_rated, created=b.stats.workorders.created_in_range,
                 closed=b.stats.workorders.closed_in_range, open=len(open_at_end),
                 overdue=sum(o.due < last for o in open_at_end)))  # fmt: skip
    staff_keys = [k for k in ordered(b.hall, "staff", list(block.by_staff))
                  if block.by_staff[k].rated or block.by_staff[k].not_rated]  # fmt: skip
    if staff_keys:
        subheading(pdf, tr("bl_by_staff", lang))
        cols = ("served", "rated", "not_rated", "satisfaction_rate")
        head = [tr("stats_dim_staff", lang)] + [tr(f"stats_col_{c}", lang) for c in cols]
        rows = []
        for k in staff_keys:
            g = block.by_staff[k]
            rows.append([group_label(b.hall, "staff", k, lang), str(g.served), str(g.rated),
                         str(g.not_rated), percent(g.satisfaction_rate)])  # fmt: skip
        table(pdf, head, rows, (62, 26, 26, 26, 34))
    subheading(pdf, tr("stats_workorders", lang))
    if not orders:
        para(pdf, tr("bl_no_orders", lang), muted=True)
    for order in orders:
        work_order(pdf, b, order, lang)
    grades(pdf, b, lang)


def _staff(b: Bulletin, staff: str | None, lang: Lang) -> str:
    return group_label(b.hall, "staff", staff or "-", lang)


def work_order(pdf: FPDF, b: Bulletin, o: WorkorderEntry, lang: Lang) -> None:
    """One order: what was rated, its state and due day, then each recorded step."""
    if pdf.get_y() > 245:
        pdf.add_page()
    item = b.hall.item(o.service)
    service = (item.name_en if lang == "en" and item.name_en else item.name) if item else ""
    pdf.set_fill_color(*HEAD_FILL)
    pdf.set_font(FONT, size=10)
    head = tr("bl_order_head", lang, wo=o.workorder, ticket=o.ticket, day=o.day.isoformat(),
              service=f"{o.service} {service}".strip(), staff=_staff(b, o.staff, lang),
              level=tr(f"wo_level_{o.level}", lang))  # fmt: skip
    pdf.multi_cell(TEXT_W, 6, head, fill=True, new_x="LMARGIN", new_y="NEXT")
    tz = b.hall.tz
    status = (tr("bl_order_closed", lang, at=o.closed_at.astimezone(tz).strftime("%Y-%m-%d"))
              if o.closed_at is not None else tr("bl_order_open", lang))  # fmt: skip
    overdue = tr("bl_order_overdue", lang) if o.overdue else ""
    pdf.set_font(FONT, size=9)
    state = tr("bl_order_state", lang, status=status, due=o.due.isoformat(), overdue=overdue)
    semi, colon = ("；", "：") if lang == "zh" else ("; ", ": ")
    if o.appeal != "none":
        state += f"{semi}{tr('wo_appeal', lang)}{colon}{tr(f'wo_appeal_{o.appeal}', lang)}"
    pdf.set_x(MARGIN + 4)
    pdf.multi_cell(TEXT_W - 4, 5, state, new_x="LMARGIN", new_y="NEXT")
    if not o.steps:
        pdf.set_x(MARGIN + 4)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(TEXT_W - 4, 5, tr("bl_order_no_steps", lang), new_x="LMARGIN",
                       new_y="NEXT")  # fmt: skip
        pdf.set_text_color(*INK)
    for step in o.steps:
        name = tr(f"wo_step_{step.step}", lang)
        if step.step == "verify" and step.verified is not None:
            found = tr("wo_justified" if step.verified else "wo_not_justified", lang)
            name += f"（{found}）" if lang == "zh" else f" ({found})"
        by = f" · {step.by}" if step.by else ""
        at = step.at.astimezone(tz).strftime("%m-%d %H:%M")
        note = f"{colon}{step.note}" if step.note else ""
        pdf.set_x(MARGIN + 4)
        pdf.multi_cell(TEXT_W - 4, 5, f"{at}{by}  {name}{note}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def grades(pdf: FPDF, b: Bulletin, lang: Lang) -> None:
    """Q7's grades of the year (不合格 after two verified bad reviews; no 优秀 after any)."""
    found = b.stats.review_grades
    subheading(pdf, tr("bl_grades", lang, year=found.year))
    if not found.staff:
        para(pdf, tr("bl_no_grades", lang), muted=True)
        return
    pdf.set_font(FONT, size=9.5)
    for staff, g in found.staff.items():
        grade = (tr("bl_unqualified", lang) if g.unqualified
                 else tr("bl_no_excellent", lang) if g.excellent_barred else "")  # fmt: skip
        line = tr("bl_grade_line", lang, staff=_staff(b, staff, lang), bad=g.bad_reviews,
                  verified=g.verified, upheld=g.appeals_upheld, grade=grade)  # fmt: skip
        pdf.multi_cell(TEXT_W, 5.4, f"• {line}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def department_name(b: Bulletin, code: str, lang: Lang) -> str:
    if not code:
        return tr("bl_no_department", lang)
    d = b.hall.department(code)
    if d is None:
        return code
    return d.name_en if lang == "en" and d.name_en else d.name


def attendance_section(pdf: FPDF, b: Bulletin, lang: Lang) -> None:
    heading(pdf, tr("bl_sec_attendance", lang))
    report = b.attendance
    if report is None:
        para(pdf, tr("bl_att_unavailable", lang), muted=True)
        return
    if report.through is not None:
        para(pdf, tr("bl_through", lang, day=report.through.isoformat()), muted=True)
    para(pdf, tr("bl_att_profile", lang, profile=report.profile), size=9.5, muted=True)
    rows = b.departments()
    if not rows:
        para(pdf, tr("bl_att_none", lang), muted=True)
        return
    cols = ("staff", "late", "early", "absent", "converted", "written_off", "leave",
            "deduction", "returned")  # fmt: skip
    head = [tr("bl_col_department", lang)] + [tr(f"bl_col_{c}", lang) for c in cols]
    lines = [
        [department_name(b, r.department, lang), str(r.staff), str(r.late), str(r.early),
         str(r.absent_days), str(r.converted), str(r.written_off), str(r.leave_days),
         f"{r.deduction:g}", str(r.returned)]
        for r in rows
    ]  # fmt: skip
    table(pdf, head, lines, (34, 12, 12, 12, 17, 17, 13, 17, 14, 26))
    subheading(pdf, tr("bl_att_people", lang))
    people = [(k, p) for k, p in report.staff.items() if p.deductions.total]
    if not people:
        para(pdf, tr("bl_att_nobody", lang), muted=True)
    pdf.set_font(FONT, size=9)
    for staff_id, p in people:
        d = p.deductions
        line = tr("bl_att_person", lang, staff=f"{staff_id} {p.name}".strip(),
                  department=department_name(b, p.department, lang), late_early=f"{d.late_early:g}",
                  proxy=f"{d.proxy_punch:g}", absence=f"{d.absence:g}", total=f"{d.total:g}",
                  returned=tr("bl_returned", lang) if d.returned_to_unit else "")  # fmt: skip
        pdf.multi_cell(TEXT_W, 5, f"• {line}", new_x="LMARGIN", new_y="NEXT")


def patrol_section(pdf: FPDF, b: Bulletin, lang: Lang) -> None:
    """Patrol findings per department × category (``patrol/findings``)."""
    heading(pdf, tr("bl_sec_patrol", lang))
    counts = [c for c in b.patrol if c.count]
    if not counts:
        para(pdf, tr("bl_no_patrol", lang), muted=True)
        return

    def label(code: str) -> str:
        names = PATROL_CATEGORY_LABELS.get(code)
        return code if names is None else names[0] if lang == "zh" else names[1]

    # In the order patrol_counts gives: departments by code (none last), the seed's categories.
    rows = [[department_name(b, c.department or "", lang), label(c.category), str(c.count)]
            for c in counts]  # fmt: skip
    rows.append([tr("stats_totals", lang), "", str(sum(c.count for c in counts))])
    head = [tr("bl_col_department", lang), tr("bl_col_category", lang), tr("bl_col_count", lang)]
    table(pdf, head, rows, (60, 84, 30), words=2)
