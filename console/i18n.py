"""The console's fixed texts, Chinese first, English one click away (``?lang=en``, a cookie).

Names that come with the data (categories, items, windows) carry their own ``name_en``;
the controller's refusals come in both languages (``"中文 / English"``) and are split here.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Literal

from console.i18n_att_requests import ATT_REQUEST_STRINGS
from console.i18n_attendance import ATTENDANCE_STRINGS
from console.i18n_audit import AUDIT_STRINGS
from console.i18n_booking import BOOKING_STRINGS
from console.i18n_bulletin import BULLETIN_STRINGS
from console.i18n_patrol import PATROL_STRINGS
from console.i18n_stats import STATS_STRINGS
from console.i18n_suspensions import SUSPENSION_STRINGS
from console.i18n_users import USER_STRINGS
from console.i18n_workorders import WORKORDER_STRINGS

Lang = Literal["zh", "en"]

STRINGS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "console": ("政务服务中心管理台", "Service hall console"),
        "lost": ("连接中断", "Connection lost"),
        "lost_hint": (
            "正在重新连接，页面内容可能不是最新的",
            "Reconnecting; what this page shows may be out of date",
        ),
        "controller_lost": (
            "与大厅控制器的连接中断：操作暂不可用",
            "The hall controller is unreachable: actions are unavailable",
        ),
        "lang_toggle": ("English", "中文"),
        "logout": ("退出登录", "Sign out"),
        "login_title": ("登录", "Sign in"),
        "user": ("用户名", "User name"),
        "password": ("密码", "Password"),
        "login": ("登录", "Sign in"),
        "login_failed": ("用户名或密码错误", "Wrong user name or password"),
        "login_throttled": (
            "登录失败次数过多，请 {minutes} 分钟后再试",
            "Too many failed sign-ins; try again in {minutes} minutes",
        ),
        "login_unavailable": (
            "无法验证登录：大厅控制器未应答",
            "Cannot check the sign-in: the hall controller did not answer",
        ),
        "expired": (
            "登录已失效（已退出、超时或管理台已重启），请重新登录",
            "Your session has ended (signed out, timed out, console restarted); sign in again",
        ),
        "notices": ("公告", "Notices"),
        "no_notices": ("暂无公告", "No notices"),
        "notice_compose": ("发布公告", "New notice"),
        "notice_text": ("公告内容", "Text"),
        "notice_text_en": ("英文内容（可选）", "English text (optional)"),
        "notice_targets": ("发布范围", "Shown on"),
        "target_all": ("全部", "Everywhere"),
        "target_screens": ("大厅屏", "Hall screens"),
        "target_kiosks": ("取号机", "Kiosks"),
        "notice_priority": ("优先级", "Priority"),
        "priority_normal": ("普通", "Normal"),
        "priority_high": ("重要", "High"),
        "priority_urgent": ("紧急（整屏）", "Urgent (whole screen)"),
        "notice_start": ("开始", "Starts"),
        "notice_until": ("结束", "Ends"),
        "notice_clock": (
            "按大厅时间：{day} {time}（{tz}）；日期留空即大厅当日，开始留空即立即生效",
            "In the hall's time: {day} {time} ({tz}); an empty date is the hall's day, "
            "an empty start is now",
        ),
        "notice_push": ("发布", "Push"),
        "notice_preview": ("大厅屏预览", "As the hall screen shows it"),
        "notice_preview_hint": (
            "与大厅屏滚动公告相同的文字", "The same text as the screen's ticker"
        ),
        "notice_preview_empty": ("（输入公告内容后在此预览）", "(type the text to preview it)"),
        "notice_in_force": ("生效中", "In force"),
        "notice_scheduled": ("未开始", "Scheduled"),
        "notice_ended": ("已结束（管理台启动以来）", "Ended (since the console started)"),
        "notice_id": ("编号", "No."),
        "notice_revoke": ("撤回", "Revoke"),
        "notice_needs_text": ("请填写公告内容", "Type the notice's text first"),
        "bad_start": ("开始时间无效", "The start time is not a time"),
        "bad_until": ("结束时间无效", "The end time is not a time"),
        "done_notice_push": ("已发布公告 {id}", "Notice {id} pushed"),
        "done_notice_revoke": ("已撤回公告 {id}", "Notice {id} revoked"),
        "forbidden": ("无权访问此页面", "You may not open this page"),
        "csrf": ("页面已过期，请刷新后重试", "This page has expired; reload it and try again"),
        "choose_window": ("请选择窗口", "Choose a window"),
        # Caller
        "caller": ("窗口叫号", "Window caller"),
        "window_n": ("{n}号窗口", "Window {n}"),
        "current": ("当前办理", "Now serving"),
        "no_current": ("当前无人办理", "Nobody at the window"),
        "service": ("事项", "Service"),
        "issued_at": ("取号时间", "Issued"),
        "waited": ("等候时长", "Waited"),
        "serving_for": ("办理时长", "Serving for"),
        "recalls": ("重呼 {n}/{max}", "Recalled {n}/{max}"),
        "held": ("挂起的号", "Held tickets"),
        "skipped": ("今日过号", "Skipped today"),
        "waiting_list": ("等候队列", "Waiting"),
        "waiting_n": ("等候 {n} 人", "{n} waiting"),
        "not_loaded": (
            "（今日号票未能从控制器载入：只列出管理台启动后所见）",
            "(the day's tickets could not be loaded from the controller: only those seen "
            "since the console started are listed)",
        ),
        "nobody_waiting": ("暂无等候", "Nobody waiting"),
        "today": ("今日", "Today"),
        "served_n": ("已办结 {n} 件", "{n} served"),
        "rating_mean": ("评价均分 {mean}（{n} 次）", "Mean rating {mean} ({n})"),
        "no_ratings": ("暂无评价", "No ratings yet"),
        "staff_on_duty": ("在岗人员", "On duty"),
        "not_signed_in": ("本窗口尚未登录", "Nobody signed in at this window"),
        "sign_in_here": ("在本窗口登录", "Sign in at this window"),
        "sign_out_here": ("窗口签退", "Sign out of the window"),
        "act_call": ("呼叫", "Call next"),
        "act_recall": ("重呼", "Recall"),
        "act_skip": ("过号", "Skip"),
        "act_transfer": ("转移", "Transfer"),
        "act_hold": ("挂起", "Hold"),
        "act_resume_ticket": ("回呼", "Resume held"),
        "act_finish": ("办结", "Finish"),
        "act_pause": ("暂停", "Pause"),
        "act_resume": ("恢复", "Resume"),
        "act_reactivate": ("恢复排队", "Back to the queue"),
        "transfer_to": ("转移到事项", "Transfer to service"),
        "pick_service": ("请先选择要转移到的事项", "Choose the service to transfer to first"),
        "pick_ticket": ("请选择要恢复排队的号", "Choose the ticket to put back"),
        "choose": ("— 请选择 —", "— choose —"),
        "answer": ("控制器答复", "The controller's answer"),
        "sending": ("正在发送…", "Sending…"),
        "done_call": ("已呼叫 {ticket}", "Called {ticket}"),
        "done_call_empty": ("暂无等候的号", "Nobody is waiting"),
        "done_recall": ("已重呼 {ticket}（还可重呼 {left} 次）", "Recalled {ticket} ({left} left)"),
        "done_skip": ("{ticket} 已过号", "{ticket} skipped"),
        "done_finish": ("{ticket} 已办结", "{ticket} finished"),
        "done_hold": ("{ticket} 已挂起", "{ticket} held"),
        "done_resume_ticket": ("已回呼 {ticket}", "Resumed {ticket}"),
        "done_pause": ("窗口已暂停服务", "The window is paused"),
        "done_resume": ("窗口已恢复服务", "The window serves again"),
        "done_transfer": (
            "{ticket} 已转到 {service}，前面 {ahead} 人",
            "{ticket} moved to {service}, {ahead} ahead",
        ),
        "done_reactivate": (
            "{ticket} 已恢复排队，前面 {ahead} 人", "{ticket} waits again, {ahead} ahead"
        ),
        "done_login": ("{name} 已在本窗口登录", "{name} signed in at this window"),
        "done_logout": ("已签退，窗口暂停服务", "Signed out; the window is paused"),
        "no_answer": (
            "控制器未应答，操作未执行", "The controller did not answer; nothing was done"
        ),
        "refused": ("未执行：{message}", "Not done: {message}"),
        # Windows and items
        "windows_page": ("窗口与事项", "Windows and items"),
        "windows_hint": (
            "关闭窗口与停办事项由大厅控制器核准（Q10、Q11）；时间为大厅时间，{day} {time}（{tz}）",
            "The hall controller decides every closure and suspension (Q10, Q11); "
            "times are the hall's, {day} {time} ({tz})",
        ),
        "items": ("服务事项", "Service items"),
        "item": ("事项", "Item"),
        "close_reason": ("关闭原因", "Reason"),
        "close_until": ("至（可选）", "Until"),
        "close_window": ("关闭", "Close"),
        "open_window": ("开放", "Open"),
        "close_needs_reason": ("请填写关闭原因", "Give the reason for the closure"),
        "done_close_window": ("{window} 已临时关闭：{reason}", "{window} is closed: {reason}"),
        "done_open_window": ("{window} 已重新开放", "{window} is open again"),
        "suspend_notice": ("停办告示", "Notice"),
        "suspend_notice_hint": ("停办告示（留空用默认）", "Notice (empty: the default)"),
        "suspend_end": ("恢复（可选）", "Ends"),
        "suspend": ("停办", "Suspend"),
        "unsuspend": ("恢复", "Resume"),
        "done_suspend": ("{service} 已临时停办：{notice}", "{service} is suspended: {notice}"),
        "done_unsuspend": ("{service} 已恢复办理", "{service} is offered again"),
        "cap_left": ("剩余/限额", "Left / cap"),
        "no_cap": ("不限", "No cap"),
        "item_open": ("可办理", "Open"),
        "item_closed": ("已停止取号", "Closed"),
        "item_full": ("今日已满", "Full today"),
        "item_suspended": ("临时停办", "Suspended"),
        "until_hhmm": ("至 {time}", "until {time}"),
        "from_hhmm": ("{time} 起", "from {time}"),
        "none_here": ("没有可管理的窗口或事项", "Nothing here to manage"),
        # Hall
        "hall": ("大厅总览", "Live hall"),
        "categories": ("排队情况", "Queues"),
        "category": ("类别", "Category"),
        "waiting": ("等候人数", "Waiting"),
        "longest_wait": ("最长等候", "Longest wait"),
        "estimated": ("预计等候", "Estimated"),
        "windows": ("窗口", "Windows"),
        "window": ("窗口", "Window"),
        "status": ("状态", "Status"),
        "status_serving": ("服务中", "Serving"),
        "status_paused": ("暂停服务", "Paused"),
        "status_closed": ("临时关闭", "Closed"),
        "status_unstaffed": ("无人登录", "Nobody signed in"),
        "staff": ("工作人员", "Staff"),
        "nodes": ("设备与节点", "Nodes and devices"),
        "node": ("节点", "Node"),
        "online": ("在线", "Online"),
        "offline": ("离线", "Offline"),
        "unknown": ("未上报", "Not heard"),
        "device": ("设备", "Device"),
        "alarms": ("告警", "Alarms"),
        "no_alarms": ("当前无告警", "No alarms"),
        "alarm_wait": (
            "{category} 最长等候 {minutes} 分钟，超过 {limit} 分钟",
            "{category}: longest wait {minutes} min, over {limit} min",
        ),
        "alarm_device": ("{node} 的 {device}：{state}", "{node} {device}: {state}"),
        "alarm_node": ("{node} 离线", "{node} is offline"),
        "alarm_paused": (
            "{window}号窗口暂停服务已 {minutes} 分钟（{since} 起），超过 {limit} 分钟",
            "Window {window} paused for {minutes} min (since {since}), over {limit} min",
        ),
        "alarm_bad_review": (
            "{at} {window}号窗口收到差评：{ticket}，{level} 分（已生成差评工单）",
            "{at} bad review at window {window}: {ticket}, level {level} (work order opened)",
        ),
        "counters": ("今日统计", "Today"),
        "issued_n": ("取号", "Issued"),
        "finished_n": ("办结", "Served"),
        "skipped_n": ("过号", "Skipped"),
        "transferred_n": ("转移", "Transferred"),
        "wait_mean": ("平均等候", "Mean wait"),
        "service_mean": ("平均办理", "Mean service"),
        "satisfaction": ("满意率", "Satisfaction"),
        "rated_of": ("{n} 次评价", "{n} rated"),
        "minutes": ("{n} 分钟", "{n} min"),
        "dev_ok": ("正常", "OK"),
        "dev_paper_near_end": ("纸将用尽", "Paper low"),
        "dev_paper_out": ("缺纸", "Paper out"),
        "dev_cover_open": ("机盖打开", "Cover open"),
        "dev_offline": ("离线", "Offline"),
        "dev_error": ("故障", "Error"),
        "dev_unsynced": ("时钟未同步", "Clock not synchronised"),
        # The citizens' pages (``--public-listen``) ----------------------------------------
        "pub_title": ("叫号进度", "Queue status"),
        "pub_no_ticket": ("未找到该号票", "Ticket not found"),
        "pub_no_ticket_hint": (
            "请核对号票上的二维码；号票仅当天有效。",
            "Check the QR code on your ticket; a ticket is valid on its day only.",
        ),
        "pub_no_page": ("页面不存在", "Page not found"),
        "pub_index_hint": (
            "扫描号票上的二维码，查看您的叫号进度。",
            "Scan the QR code on your ticket to see your place in the queue.",
        ),
        "pub_your_ticket": ("您的号码", "Your number"),
        "pub_issued_at": ("取号时间", "Taken at"),
        "pub_counting": ("正在获取排队信息…", "Getting the queue…"),
        "pub_ahead": ("前面还有 {n} 人", "{n} ahead of you"),
        "pub_wait": ("预计等候约 {n} 分钟", "Estimated wait: about {n} min"),
        "pub_wait_soon": ("即将轮到您", "Almost your turn"),
        "pub_waiting_hint": (
            "请留意大厅叫号；叫到您时，本页会显示请您前往的窗口。",
            "Listen for the call; when you are called, this page shows your window.",
        ),
        "pub_called": ("请到 {n} 号窗口办理", "Please go to window {n}"),
        "pub_called_hint": (
            "已叫到您的号，请尽快前往；未到窗口将被过号。",
            "Your number has been called: please go now, or it may be skipped.",
        ),
        "pub_held": ("您的号已挂起", "Your ticket is on hold"),
        "pub_held_hint": (
            "补齐材料后请回到 {n} 号窗口，工作人员会继续为您办理。",
            "When you have the documents, go back to window {n}: the staff will go on.",
        ),
        "pub_skipped": ("已过号", "Your number was skipped"),
        "pub_skipped_hint": (
            "请到 {n} 号窗口或咨询台，请工作人员为您恢复排队；"
            "恢复后按原取号时间排队，无需重新取号。",
            "Go to window {n} or the information desk and ask the staff to put your ticket "
            "back in the queue: it keeps its place by the time you took it, no new ticket "
            "needed.",
        ),
        "pub_skipped_hint_any": (
            "请到窗口或咨询台，请工作人员为您恢复排队；"
            "恢复后按原取号时间排队，无需重新取号。",
            "Go to a window or the information desk and ask the staff to put your ticket "
            "back in the queue: it keeps its place by the time you took it, no new ticket "
            "needed.",
        ),
        "pub_done": ("已办理完毕", "Served"),
        "pub_done_hint": (
            "感谢您的耐心等候，欢迎在窗口的评价器上对本次服务作出评价。",
            "Thank you for waiting; please rate the service on the window's evaluator.",
        ),
        "pub_expired": ("号票已过期", "This ticket has expired"),
        "pub_expired_hint": (
            "号票仅当天有效，如需办理请重新取号。",
            "A ticket is valid on its day only; please take a new one.",
        ),
        "pub_stale": (
            "暂时无法连接大厅系统，显示的信息可能不是最新的",
            "The hall system is unreachable just now: this page may be out of date",
        ),
        "pub_unavailable": ("暂时无法查询", "Cannot look it up just now"),
        "pub_unavailable_hint": (
            "暂时无法连接大厅系统，请稍后刷新页面。",
            "The hall system is unreachable; refresh the page in a moment.",
        ),
        "pub_privacy": (
            "本页只显示您本人的号票，不显示其他人的任何信息。",
            "This page shows your own ticket only, nothing about anyone else.",
        ),
        "pub_too_many": ("访问过于频繁", "Too many requests"),
        "pub_too_many_hint": (
            "请稍等片刻再刷新页面。",
            "Please wait a moment before refreshing the page.",
        ),
        **BOOKING_STRINGS,
        **BULLETIN_STRINGS,
        **STATS_STRINGS,
        **WORKORDER_STRINGS,
        **AUDIT_STRINGS,
        **USER_STRINGS,
        **PATROL_STRINGS,
        **ATT_REQUEST_STRINGS,
        **SUSPENSION_STRINGS,
        **ATTENDANCE_STRINGS,
    }
)


def tr(key: str, lang: Lang, **fields: Any) -> str:
    """The text of ``key`` in ``lang``, with ``{fields}`` filled in; an unknown key shows itself."""
    pair = STRINGS.get(key)
    if pair is None:
        return key
    text = pair[0] if lang == "zh" else pair[1]
    return text.format(**fields) if fields else text


def split_message(message: str, message_en: str | None = None) -> tuple[str, str]:
    """The controller's ``"中文 / English"`` refusal as (zh, en)."""
    zh, _, en = message.partition(" / ")
    return zh, message_en or en or zh


def pick_lang(query: str | None, cookie: str | None, default: str) -> Lang:
    """``?lang=`` first, then the cookie, then the hall's language."""
    for value in (query, cookie, default):
        if value == "zh":
            return "zh"
        if value == "en":
            return "en"
    return "zh"
