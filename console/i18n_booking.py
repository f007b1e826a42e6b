"""The booking pages' fixed texts (Q12), Chinese first: the staff console's bookings page
(预约管理) and the citizens' booking pages (网上预约). ``console.i18n`` serves them with the
rest (``tr``)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

BOOKING_STRINGS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        # The staff console's bookings page
        "bookings_page": ("预约管理", "Bookings"),
        "bookings_hint": (
            "今日起两周的预约，按时段列出；大厅时间 {time}（{tz}）。取消时段须至少提前{n}小时。",
            "Bookings of today and the next two weeks by slot; hall time {time} ({tz}). A slot "
            "is cancelled at least {n} hours ahead.",
        ),
        "cancel_slot_title": ("取消预约时段", "Cancel a slot"),
        "cancel_slot_hint": (
            "取消后该时段的预约全部作废、不再接受预约，并列出须通知的群众；"
            "须至少提前{n}小时告知（衢江区 四(七)7）。",
            "Every booking of the slot is cancelled and it takes no more; the citizens to tell "
            "are listed. At least {n} hours ahead (002 四(七)7).",
        ),
        "slot_date": ("日期", "Date"),
        "slot_start": ("时段开始", "Slot starts"),
        "cancel_reason_hint": ("如：系统升级", "e.g. system upgrade"),
        "cancel_slot": ("取消该时段", "Cancel the slot"),
        "pick_slot_service": ("请先选择事项", "Choose the service first"),
        "bad_slot": ("请填写时段的日期和开始时间", "Give the slot's date and start time"),
        "done_cancel_slot": (
            "已取消 {service} {day} {time} 的预约时段，须通知 {n} 人（见下表）",
            "Cancelled {service} {day} {time}: {n} to tell (listed below)",
        ),
        "notify_title": (
            "须通知的群众（大厅取消的预约）",
            "Citizens to tell (slots the hall cancelled)",
        ),
        "notify_whole": (
            "手机号完整显示，仅供中心管理员通知群众使用。",
            "Mobile numbers in full: for the hall manager to tell the citizens, nothing else.",
        ),
        "notify_masked": (
            "手机号部分隐藏；完整号码仅中心管理员可见。",
            "Mobile numbers masked; only the hall manager sees them in full.",
        ),
        "notify_none": ("暂无须通知的群众", "Nobody to tell"),
        "bookings_not_loaded": (
            "未能从大厅控制器取得预约，请稍后刷新",
            "The bookings could not be loaded from the hall controller; reload in a moment",
        ),
        "booking_code": ("预约码", "Booking code"),
        "slot": ("时段", "Slot"),
        "mobile": ("手机号", "Mobile"),
        "bookings_by_slot": ("预约（按时段）", "Bookings by slot"),
        "booked_n": ("已约", "Booked"),
        "bookings": ("预约", "Bookings"),
        "slot_cancelled_by_hall": ("大厅已取消", "Cancelled by the hall"),
        "booking_booked": ("待签到", "Booked"),
        "booking_checked_in": ("已签到", "Checked in"),
        "booking_forfeited": ("已失效", "Forfeited"),
        "booking_cancelled": ("已取消", "Cancelled"),
        "no_bookings": ("今日起两周内暂无预约", "No bookings in the next two weeks"),
    }
)
