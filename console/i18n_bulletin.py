"""The monthly bulletin's fixed texts (月通报, 001 督查通报制度 第五条(三)), Chinese first;
``console.i18n`` serves them with the rest (``tr``)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

BULLETIN_STRINGS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "bl_button": ("月通报 PDF", "Monthly bulletin PDF"),
        "bl_month": ("通报月份", "Bulletin month"),
        "bl_bad_month": ("月份格式应为 年-月", "The month is year-month"),
        "bl_unavailable": (
            "无法生成月通报：大厅控制器未应答或拒绝了查询",
            "No bulletin: the hall controller did not answer or refused",
        ),
        "bl_title": ("{year}年{month}月督查情况通报", "Supervision bulletin, {month_en}"),
        "bl_subtitle": (
            "日检查、周考勤、月通报、季考核",
            "Daily checks, weekly attendance, monthly bulletin, quarterly assessment",
        ),
        "bl_issuer": ("{hall} 大厅管理室", "{hall}, hall management office"),
        "bl_range": ("统计期间：{start} 至 {end}", "Period: {start} to {end}"),
        "bl_generated": ("生成时间：{at}（{tz}）", "Generated: {at} ({tz})"),
        "bl_through": (
            "本月尚未结束：考勤统计至 {day}",
            "The month is not over: attendance counted up to {day}",
        ),
        "bl_basis": (
            "依据《督查通报制度》第五条（三）书面通报按月通报：对各进驻窗口部门上月督查总体情况"
            "进行书面通报，通报情况及整改情况纳入年终考核。",
            "Under the supervision bulletin rules, art. 5 (3): a written bulletin each month "
            "on every department's supervision; the findings and their rectification count "
            "in the year-end assessment.",
        ),
        "bl_contents": ("目录", "Contents"),
        "bl_page": ("第 {n} 页 / 共 {total} 页", "Page {n} of {total}"),
        "bl_sec_queue": ("一、排队叫号情况", "1. Queue and calls"),
        "bl_sec_reviews": ("二、群众满意度与差评处理", "2. Satisfaction and bad reviews"),
        "bl_sec_attendance": ("三、各部门考勤情况", "3. Attendance by department"),
        "bl_sec_patrol": ("四、巡查发现问题", "4. Patrol findings"),
        "bl_summary": (
            "本月取号 {issued} 人次，办结 {served} 人次，过号 {skipped} 人次，转移 {transferred}"
            " 人次，过期 {expired} 人次；平均等候 {wait} 分钟，90% 的群众等候不超过 {p90} 分钟；"
            "高峰时段：{peaks}。",
            "{issued} tickets taken, {served} served, {skipped} skipped, {transferred} "
            "transferred, {expired} expired; mean wait {wait} min, 90% waited at most {p90} "
            "min; peak hours: {peaks}.",
        ),
        "bl_no_tickets": ("本月没有取号记录。", "No tickets were taken this month."),
        "bl_by_category": ("分类别统计", "By category"),
        "bl_satisfaction": (
            "评价 {rated} 次，满意率 {rate}；未评价 {not_rated} 次。差评工单：本月新增 {created}"
            " 件，本月办结 {closed} 件，月末未办结 {open} 件，其中超期 {overdue} 件。",
            "{rated} ratings, {rate} satisfied; {not_rated} not rated. Bad-review work orders:"
            " {created} new, {closed} closed this month, {open} open at the end, {overdue} of "
            "them overdue.",
        ),
        "bl_by_staff": ("窗口人员评价", "Ratings by staff"),
        "bl_no_orders": ("本月无差评工单。", "No bad-review work orders this month."),
        "bl_order_head": (
            "工单 {wo}  号票 {ticket}  {day}  {service}  {staff}  评价 {level}",
            "Order {wo}  ticket {ticket}  {day}  {service}  {staff}  rating {level}",
        ),
        "bl_order_state": (
            "状态：{status}；办理期限 {due}{overdue}",
            "Status: {status}; due {due}{overdue}",
        ),
        "bl_order_overdue": ("（超期）", " (overdue)"),
        "bl_order_open": ("未办结", "open"),
        "bl_order_closed": ("已办结 {at}", "closed {at}"),
        "bl_order_no_steps": ("尚未办理", "Nothing done yet"),
        "bl_grades": ("年度评价等次（{year}年）", "Review grades of {year}"),
        "bl_grade_line": (
            "{staff}：差评 {bad} 次，核实 {verified} 次，申诉成立 {upheld} 次{grade}",
            "{staff}: {bad} bad reviews, {verified} verified, {upheld} appeals upheld{grade}",
        ),
        "bl_unqualified": ("，年度评价不合格", "; unqualified for the year"),
        "bl_no_excellent": ("，不得评为优秀", "; barred from 优秀 (excellent)"),
        "bl_no_grades": ("本年度无差评记录。", "No bad reviews this year."),
        "bl_att_profile": ("考勤规则：{profile}", "Attendance profile: {profile}"),
        "bl_att_none": ("本月无考勤数据。", "No attendance data this month."),
        "bl_att_unavailable": ("考勤数据暂不可用。", "Attendance is unavailable."),
        "bl_col_department": ("部门", "Department"),
        "bl_col_staff": ("人数", "Staff"),
        "bl_col_late": ("迟到", "Late"),
        "bl_col_early": ("早退", "Early"),
        "bl_col_absent": ("旷工(天)", "Absent (days)"),
        "bl_col_converted": ("折算旷工", "Converted"),
        "bl_col_written_off": ("核销", "Written off"),
        "bl_col_leave": ("请假(天)", "Leave (days)"),
        "bl_col_deduction": ("扣分", "Points"),
        "bl_col_returned": ("退回原单位", "Returned"),
        "bl_att_people": ("扣分人员", "Staff with deductions"),
        "bl_att_person": (
            "{staff}（{department}）：迟到早退扣 {late_early} 分，代打卡扣 {proxy} 分，旷工扣"
            " {absence} 分，合计 {total} 分{returned}",
            "{staff} ({department}): late/early {late_early}, proxy punch {proxy}, absence "
            "{absence}, total {total} points{returned}",
        ),
        "bl_returned": ("，退回原单位", "; returned to their unit"),
        "bl_att_nobody": ("本月无人扣分。", "Nobody lost points this month."),
        "bl_no_patrol": ("本月无巡查记录。", "No patrol records this month."),
        "bl_col_category": ("问题类别", "Category"),
        "bl_col_count": ("次数", "Count"),
        "bl_no_department": ("未分部门", "No department"),
        "bl_footer": ("{hall} · {month} 月通报", "{hall} · bulletin {month}"),
    }
)
