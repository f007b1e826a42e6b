"""The work-order page's fixed texts (好差评工单, Q7), Chinese first; ``console.i18n`` serves
them with the rest (``tr``)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

WORKORDER_STRINGS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "wo_page": ("差评工单", "Bad-review work orders"),
        "wo_nav": ("差评工单", "Work orders"),
        "wo_level_1": ("1 非常不满意", "1 very dissatisfied"),
        "wo_level_2": ("2 不满意", "2 dissatisfied"),
        "wo_hint": (
            "评价为“不满意”或“非常不满意”自动生成差评工单，须在{n}个工作日内回访核实、整改或"
            "解释说明并答复（按法定节假日和调休计算工作日，由大厅控制器计算）。经核实的差评一年"
            "内满两次，该工作人员年度考核为不合格；申诉成立的差评不计入。",
            "A rating of 2 or 1 opens a work order: call back, rectify or explain, and reply "
            "within {n} workdays (holidays and adjusted workdays counted by the hall "
            "controller). Two verified bad reviews in a year make the staff member unqualified "
            "for the year; a rating whose appeal is upheld does not count.",
        ),
        "wo_status": ("状态", "Status"),
        "wo_status_all": ("全部", "All"),
        "wo_status_open": ("办理中", "Open"),
        "wo_status_closed": ("已办结", "Closed"),
        "wo_from": ("评价日期自", "Rated from"),
        "wo_to": ("至", "to"),
        "wo_bad_status": ("没有该状态", "No such status"),
        "wo_not_loaded": (
            "暂时无法取得工单（大厅控制器未应答）",
            "The work orders could not be loaded (the hall controller did not answer)",
        ),
        "wo_none": ("没有符合条件的差评工单", "No work orders match"),
        "wo_counted": (
            "剩余工作日按大厅日 {day} 计算，共 {n} 张工单",
            "Workdays left counted from the hall day {day}; {n} work orders",
        ),
        "wo_rated_at": ("评价于 {at}", "rated {at}"),
        "wo_due": ("办结期限", "Due"),
        "wo_left_n": ("剩 {n} 个工作日", "{n} workdays left"),
        "wo_left_one": ("剩 1 个工作日", "1 workday left"),
        "wo_due_today": ("今天到期", "Due today"),
        "wo_overdue_n": ("已逾期 {n} 个工作日", "Overdue by {n} workdays"),
        "wo_overdue_one": ("已逾期 1 个工作日", "Overdue by 1 workday"),
        "wo_overdue": ("已逾期", "Overdue"),
        "wo_closed_in_time": ("已按期办结", "Closed in time"),
        "wo_closed_late": ("逾期办结", "Closed late"),
        "wo_finding": ("回访核实", "Call-back"),
        "wo_not_called_back": ("尚未回访", "Not called back yet"),
        "wo_justified": ("问题属实", "Justified"),
        "wo_not_justified": ("问题不属实", "Not justified"),
        "wo_appeal": ("申诉复核", "Appeal"),
        "wo_appeal_none": ("未申诉", "None"),
        "wo_appeal_pending": ("已申诉，待中心决定", "Appealed, awaiting the hall centre"),
        "wo_appeal_upheld": ("申诉成立", "Upheld"),
        "wo_appeal_rejected": ("申诉不成立", "Rejected"),
        "wo_counts": ("计入不合格次数", "Counts toward unqualified"),
        "wo_counts_yes": ("是", "Yes"),
        "wo_counts_no": ("否", "No"),
        "wo_step_verify": ("回访核实", "Call back"),
        "wo_step_rectify": ("整改 / 解释说明", "Rectify / explain"),
        "wo_step_reply": ("答复", "Reply"),
        "wo_step_appeal": ("申诉复核", "Appeal"),
        "wo_step_appeal_upheld": ("申诉成立", "Appeal upheld"),
        "wo_step_appeal_rejected": ("申诉不成立", "Appeal rejected"),
        "wo_step_close": ("办结", "Closed"),
        "wo_by_hall": ("大厅系统", "the hall's tools"),
        "wo_verify_note": ("群众怎么说（回访情况）", "What the citizen said"),
        "wo_rectify_note": (
            "整改措施；不属实时写解释说明",
            "The rectification; if not justified, the explanation",
        ),
        "wo_reply_note": ("答复群众的内容", "The reply to the citizen"),
        "wo_appeal_note": (
            "申诉理由：误评或恶意差评的依据",
            "Why the rating is mistaken or malicious",
        ),
        "wo_appeal_submit": ("提出申诉", "Appeal"),
        "wo_appeal_reason": ("申诉理由", "Appeal reason"),
        "wo_decision": ("中心决定", "Decision"),
        "wo_decide": ("中心决定", "Decide the appeal"),
        "wo_decision_note": ("决定理由", "Reasons for the decision"),
        "wo_decide_submit": ("决定", "Decide"),
        "wo_record": ("记录", "Record"),
        "wo_close": ("办结工单", "Close the work order"),
        "wo_pick_order": ("请选择工单", "Choose a work order"),
        "wo_bad_step": (
            "请选择要记录的步骤（申诉：成立或不成立）",
            "Choose the step to record (an appeal: upheld or rejected)",
        ),
        "wo_pick_finding": ("请选择回访结果：问题属实或不属实", "Choose the call-back's finding"),
        "done_wo_verify": ("已记录回访核实：{finding}", "Call-back recorded: {finding}"),
        "done_wo_rectify": ("已记录整改 / 解释说明", "Rectification / explanation recorded"),
        "done_wo_reply": ("已记录答复", "Reply recorded"),
        "done_wo_appeal": ("已提出申诉，等待中心决定", "Appealed: the hall centre decides"),
        "done_wo_appeal_upheld": (
            "申诉成立：该差评不计入工作人员的不合格次数",
            "Appeal upheld: the rating no longer counts toward unqualified",
        ),
        "done_wo_appeal_rejected": (
            "申诉不成立：该差评照常计入",
            "Appeal rejected: the rating counts as before",
        ),
        "done_wo_close": ("工单 {ticket} 已办结{late}", "Work order {ticket} closed{late}"),
        "wo_late_suffix": ("（逾期）", " (late)"),
        "wo_grades": ("{year}年度差评与考核", "Bad reviews and grades, {year}"),
        "wo_grades_hint": (
            "全年统计（与 hall stats 相同）：经核实的差评满两次为不合格，有差评不得评为优秀；"
            "申诉成立的差评不计入。",
            "The whole year (as hall stats counts): two verified bad reviews make a staff "
            "member unqualified, any bars excellent; upheld appeals do not count.",
        ),
        "wo_staff": ("工作人员", "Staff"),
        "wo_bad_reviews": ("差评", "Bad reviews"),
        "wo_verified_n": ("经核实", "Verified"),
        "wo_upheld_n": ("申诉成立", "Appeals upheld"),
        "wo_grade": ("考核", "Grade"),
        "wo_unqualified": ("不合格", "Unqualified"),
        "wo_no_excellent": ("不得评为优秀", "Cannot be excellent"),
        "wo_no_effect": ("不受影响", "Not affected"),
        "wo_no_staff": ("（未登录人员）", "(nobody signed in)"),
        "alarm_workorder_overdue": (
            "差评工单逾期：{ticket}（{window}，{staff}）应于 {due} 前办结",
            "Work order overdue: {ticket} ({window}, {staff}) was due {due}",
        ),
    }
)
