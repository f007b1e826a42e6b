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
        "cancel_reason": ("取消原因", "Reason"),
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
        "slot_cancelled_because": ("大厅已取消：{reason}", "Cancelled by the hall: {reason}"),
        "booking_booked": ("待签到", "Booked"),
        "booking_checked_in": ("已签到", "Checked in"),
        "booking_forfeited": ("已失效", "Forfeited"),
        "booking_cancelled": ("已取消", "Cancelled"),
        "no_bookings": ("今日起两周内暂无预约", "No bookings in the next two weeks"),
        # The citizens' booking pages
        "book_title": ("网上预约", "Book an appointment"),
        "book_index_hint": (
            "预约到大厅办理的事项和时段，到场后凭预约码签到，优先取号。",
            "Book a service and a time at the hall: check in with the booking code when you "
            "come, and get a priority ticket.",
        ),
        "book_start": ("开始预约", "Book now"),
        "book_steps": ("预约步骤", "Steps"),
        "book_step_1": ("选择事项", "Service"),
        "book_step_2": ("选择日期", "Day"),
        "book_step_3": ("选择时段", "Time"),
        "book_step_4": ("完成预约", "Done"),
        "book_pick_service": ("请选择要办理的事项", "Choose the service"),
        "book_rules": (
            "预约须至少提前{days}天（按日历天计），只能预约工作日的办公时间；须填写手机号。",
            "Book at least {days} calendar days ahead, on a workday within hall hours; a mobile "
            "number is needed.",
        ),
        "book_cancel_link": ("取消已有预约", "Cancel a booking"),
        "book_pick_day": ("请选择日期", "Choose a day"),
        "book_lead_rule": (
            "须至少提前{days}天预约：最早可预约 {first}。",
            "Bookings must be made at least {days} days ahead: the first day is {first}.",
        ),
        "book_left_day": ("尚余 {n} 个名额", "{n} places left"),
        "book_day_full": ("当日已约满", "Fully booked"),
        "book_no_days": ("近期没有可预约的工作日", "No workdays to book soon"),
        "book_other_day": ("其他日期", "Another day"),
        "book_go": ("查看", "Show"),
        "book_pick_slot": ("请选择时段并填写手机号", "Choose a time and give your mobile number"),
        "book_not_booked": ("未预约成功：", "Not booked: "),
        "book_lead_banner": ("{rule}（最早可预约 {first}）", "{rule} (the first day is {first})"),
        "book_not_workday": (
            "该日不是工作日，大厅不办公，请另选日期。",
            "The hall is closed on that day: choose another.",
        ),
        "book_left_slot": ("剩余 {n}/{of}", "{n} of {of} left"),
        "book_slot_lead_time": ("须提前{days}天预约", "Book {days} days ahead"),
        "book_slot_full": ("已约满", "Full"),
        "book_slot_past": ("已过", "Past"),
        "book_mobile": ("手机号", "Mobile number"),
        "book_mobile_hint": (
            "如大厅因故取消该时段，将通过此号码通知您；号码仅显示为 138****5678 形式。",
            "If the hall has to cancel the slot it tells you on this number; it is shown only "
            "as 138****5678.",
        ),
        "book_confirm": ("确认预约", "Book"),
        "book_done_title": ("预约成功", "Booked"),
        "book_code": ("预约码", "Booking code"),
        "book_code_hint": (
            "到大厅后在自助取号机上扫描此二维码，或输入上面的预约码签到。",
            "At the hall, scan this QR code at the ticket kiosk, or type the code above.",
        ),
        "book_qr_label": ("预约码二维码：{code}", "QR code of booking {code}"),
        "book_service": ("事项", "Service"),
        "book_slot": ("时段", "Time"),
        "book_mobile_short": ("手机号", "Mobile"),
        "book_checkin_rule": (
            "请于时段开始前{before}分钟至开始后{after}分钟内签到，签到后优先取号；"
            "超过{after}分钟未签到视为自动放弃，需重新取号。",
            "Check in from {before} minutes before the start to {after} minutes after it: you "
            "get a priority ticket. Later, the booking is forfeited and you take a normal "
            "ticket.",
        ),
        "book_keep_code": (
            "请截图或记下预约码；取消预约时需要预约码和手机号。",
            "Keep the code (a screenshot will do): cancelling needs it and your mobile number.",
        ),
        "book_again": ("再预约一个", "Book another"),
        "book_cancel_title": ("取消预约", "Cancel a booking"),
        "book_cancel_hint": (
            "请输入预约码和预约时填写的手机号。",
            "Give the booking code and the mobile number you booked with.",
        ),
        "book_cancel_confirm": ("取消预约", "Cancel the booking"),
        "book_cancelled": ("已取消预约 {code}（{slot}）", "Booking {code} ({slot}) cancelled"),
        "book_not_cancelled": ("未取消：", "Not cancelled: "),
        "book_need_code": ("请填写预约码", "Give the booking code"),
        "book_need_slot": ("请选择一个时段", "Choose a time"),
    }
)
