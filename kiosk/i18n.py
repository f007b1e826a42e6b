"""The front ends' fixed strings, Chinese first, English one touch away.

Names that come with the data (categories, items) carry their own ``name_en``; guide texts
(materials, procedure) exist only in Chinese and are shown as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Literal

Lang = Literal["zh", "en"]

STRINGS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        # Shared
        "lost": ("连接中断", "Connection lost"),
        "lost_hint": (
            "正在重新连接，请稍候；如长时间未恢复，请联系工作人员",
            "Reconnecting; if this lasts, please ask a member of staff",
        ),
        "waiting_data": ("正在载入…", "Loading…"),
        "lang_toggle": ("English", "中文"),
        "back": ("返回", "Back"),
        "home": ("首页", "Home"),
        "notice": ("公告", "Notice"),
        "minutes": ("{n} 分钟", "{n} min"),
        "people": ("{n} 人", "{n}"),
        "window_n": ("{n}号窗口", "Window {n}"),
        # Kiosk
        "kiosk_title": ("请选择办理部门", "Choose a department"),
        "large_text_on": ("大字模式", "Large text"),
        "large_text_off": ("标准字号", "Normal text"),
        "checkin": ("预约签到", "Appointment check-in"),
        "waiting_n": ("等候 {n} 人", "{n} waiting"),
        "choose_item": ("请选择办理事项", "Choose a service"),
        "status_open": ("可取号", "Open"),
        "status_closed": ("今日已停止取号", "Closed for today"),
        "status_full": ("今日号源已满", "All tickets taken today"),
        "status_suspended": ("暂停办理", "Suspended"),
        "suspension_ahead": ("{start} 起暂停办理：{notice}", "Suspended from {start}: {notice}"),
        "closed_hours": ("取号时间 {open}–{last}", "Tickets {open}–{last}"),
        "materials": ("申请材料", "Documents"),
        "procedure": ("办理流程", "Procedure"),
        "item_type": ("事项类型", "Type"),
        "time_limit": ("承诺时限", "Time limit"),
        "on_the_spot": ("当场办结", "Settled on the spot"),
        "workdays": ("{n} 个工作日", "{n} workdays"),
        "fees": ("收费标准", "Fees"),
        "legal_basis": ("设定依据", "Legal basis"),
        "location": ("办理地点", "Where"),
        "phone": ("咨询电话", "Enquiries"),
        "take_ticket": ("取号", "Take a ticket"),
        "take_priority": ("绿色通道取号", "Priority ticket"),
        "priority_hint": (
            "军人、老、弱、病、残、孕可选绿色通道，请向导办人员出示相关证明",
            "For service members, the elderly, ill, disabled and pregnant: show proof to the guide",
        ),
        "print_guide": ("打印告知单", "Print this notice"),
        "issuing": ("正在取号，请稍候…", "Taking your ticket…"),
        "your_number": ("您的号码", "Your number"),
        "ahead": ("前面等候", "People ahead"),
        "est_wait": ("预计等候", "Estimated wait"),
        "go_to": ("办理窗口", "Go to"),
        "listen": (
            "请留意语音叫号和窗口显示屏",
            "Listen for your number and watch the window displays",
        ),
        "done": ("完成", "Done"),
        "reprint": ("重新打印", "Print again"),
        "printing": ("正在打印号票…", "Printing your ticket…"),
        "printed": ("请取走号票", "Please take your ticket"),
        "guide_printing": ("正在打印告知单…", "Printing the notice…"),
        "guide_printed": ("请取走告知单", "Please take the notice"),
        "print_no_answer": (
            "打印机无应答。请记住屏幕上的号码等候叫号，或联系工作人员",
            "The printer does not answer. Note the number on screen and wait, or ask staff",
        ),
        "no_printer": ("本机不打印号票，请记住您的号码", "No printer here: note your number"),
        "printer_keep_number": (
            "号码已取好，请记住屏幕上的号码等候叫号",
            "Your ticket is valid: note the number on screen and wait to be called",
        ),
        "refused_title": ("暂时无法办理", "Cannot do that now"),
        "no_answer": (
            "系统暂时无应答，请稍后再试或联系工作人员",
            "The system did not answer; try again or ask a member of staff",
        ),
        "checkin_title": ("请输入或扫描预约码", "Type or scan your booking code"),
        "checkin_send": ("签到取号", "Check in"),
        "checking": ("正在签到，请稍候…", "Checking in…"),
        "clear": ("清除", "Clear"),
        "delete": ("退格", "Delete"),
        "checked_in": ("签到成功，已为您优先取号", "Checked in: you have a priority ticket"),
        # Printer states: plain words and what to do.
        "printer_paper_out": (
            "打印机缺纸，请联系工作人员更换纸卷",
            "The printer is out of paper; please ask staff to load a roll",
        ),
        "printer_paper_near_end": ("打印纸即将用完", "The printer paper is running low"),
        "printer_cover_open": (
            "打印机盖未关好，请联系工作人员",
            "The printer cover is open; please ask staff",
        ),
        "printer_offline": (
            "打印机未连接，请联系工作人员",
            "The printer is not connected; please ask staff",
        ),
        "printer_error": (
            "打印机故障，请联系工作人员",
            "The printer has a fault; please ask staff",
        ),
        # Hall screen
        "calls": ("叫号", "Now calling"),
        "no_calls": ("暂无叫号", "No calls yet"),
        "category": ("业务", "Service"),
        "waiting": ("等候", "Waiting"),
        "est": ("预计等候", "Est. wait"),
        "windows": ("窗口", "Windows"),
        # Window display and evaluator
        "idle": ("欢迎办理", "Welcome"),
        "serving": ("正在办理", "Now serving"),
        "paused": ("暂停服务", "Paused"),
        "paused_hint": ("工作人员暂时离开，请稍候", "Staff will be back shortly"),
        "closed_window": ("窗口关闭", "Window closed"),
        "closed_window_reason": ("窗口关闭：{reason}", "Window closed: {reason}"),
        "closed_hint": ("请到其他窗口办理，或留意叫号", "Please use another window"),
        "closed_until_hint": (
            "预计 {until} 恢复，请到其他窗口办理",
            "Back at about {until}; please use another window",
        ),
        "unstaffed": ("无人值守", "Unstaffed"),
        "unstaffed_hint": (
            "本窗口暂无工作人员，请留意叫号",
            "Nobody at this window; please listen for your call",
        ),
        "stopped": ("停止服务", "Service stopped"),
        "staff_number": ("工号 {n}", "Staff no. {n}"),
        "no_staff": ("暂无工作人员", "No staff logged in"),
        "rate_prompt": (
            "请您对本次服务（{ticket}）进行评价",
            "Please rate this service ({ticket})",
        ),
        "rate_idle": ("欢迎您对我们的服务进行监督", "Your opinion of our service matters"),
        "thanks": ("感谢您的评价！", "Thank you for your rating!"),
        "rate_5": ("非常满意", "Very satisfied"),
        "rate_4": ("满意", "Satisfied"),
        "rate_3": ("基本满意", "Fairly satisfied"),
        "rate_2": ("不满意", "Dissatisfied"),
        "rate_1": ("非常不满意", "Very dissatisfied"),
        "rating_sending": ("正在提交…", "Sending…"),
    }
)


def tr(key: str, lang: Lang, **params: Any) -> str:
    """The string for ``key`` in ``lang``; an unknown key shows itself rather than crashing."""
    zh, en = STRINGS.get(key, (key, key))
    text = zh if lang == "zh" else en
    return text.format(**params) if params else text


def pick(lang: Lang, zh: str, en: str | None) -> str:
    """A data name in the chosen language, falling back to Chinese when there is no English."""
    return en if lang == "en" and en else zh


def split_message(message: str, message_en: str | None = None) -> tuple[str, str]:
    """The controller's ``"中文 / English"`` error text as (zh, en)."""
    zh, _, en = message.partition(" / ")
    return zh, message_en or en or zh
