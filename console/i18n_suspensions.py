"""The suspension filing page's fixed texts (业务临时停办登记备案, Q10), Chinese first;
``console.i18n`` serves them with the rest (``tr``)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

SUSPENSION_STRINGS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "sp_page": ("业务临时停办登记", "Service suspension filings"),
        "sp_nav": ("停办登记", "Suspensions"),
        "sp_hint": (
            "进驻部门如有临时停办业务，应提前5个工作日填写《业务临时停办登记备案表》报大厅管理室"
            "备案；停办通知须至少提前4个工作日公告（按法定节假日和调休计算工作日，由大厅控制器"
            "计算）。批准后通知即推送到大厅屏和取号机，停办期间取号机不出该业务的号。",
            "A department files a planned suspension at least 5 workdays ahead; the public "
            "notice must go out at least 4 workdays ahead (holidays and adjusted workdays "
            "counted by the hall controller). On approval the notice goes to the hall screens "
            "and kiosks at once; while suspended, the kiosks issue no ticket for the service.",
        ),
        "sp_earliest": (
            "今日 {day} 报备，最早可于 {earliest} 起停办",
            "Filed today ({day}), a suspension may start on {earliest} at the earliest",
        ),
        "sp_form": ("业务临时停办登记备案表", "Suspension filing form"),
        "sp_department": ("申请单位", "Department"),
        "sp_services": ("停办事项", "Services suspended"),
        "sp_windows": ("窗口位置编号", "Windows"),
        "sp_reason": ("停办事由及具体内容", "Reason and details"),
        "sp_document": ("证明文件文号", "Document number"),
        "sp_start": ("停办开始", "From"),
        "sp_end": ("恢复办理", "Until"),
        "sp_measures": (
            "保障措施（咨询人员及电话、宣传告知）",
            "Measures (who answers questions, phone, publicity)",
        ),
        "sp_emergency": ("紧急停办（立即生效，无需提前报备）", "Emergency (at once, no lead time)"),
        "sp_submit": ("提交备案", "File"),
        "sp_list": ("停办登记", "Filings"),
        "sp_none": ("没有停办登记", "No filings"),
        "sp_not_loaded": (
            "暂时无法取得停办登记（大厅控制器未应答）",
            "The filings could not be loaded (the hall controller did not answer)",
        ),
        "sp_status": ("状态", "Status"),
        "sp_decision": ("审批", "Decision"),
        "sp_period": ("停办时间", "Period"),
        "sp_filed": ("{by} 于 {at} 报备", "filed by {by} at {at}"),
        "sp_decided": ("{by} 于 {at} 审批", "decided by {by} at {at}"),
        "sp_notice_sent": ("已推送公告 {notice}", "notice {notice} pushed"),
        "sp_emergency_tag": ("紧急停办", "Emergency"),
        "sp_decision_note": ("审批意见", "Decision note"),
        "sp_approve": ("批准", "Approve"),
        "sp_reject": ("驳回", "Reject"),
        "sp_reject_note": ("驳回理由（必填）", "Why rejected (required)"),
        "sp_pick_department": ("请选择申请单位", "Choose the department"),
        "sp_pick_services": ("请选择停办事项", "Choose the services suspended"),
        "sp_need_reason": ("请填写停办事由", "Give the reason"),
        "sp_need_document": ("请填写证明文件文号", "Give the document number"),
        "sp_need_times": ("请填写停办起止时间", "Give the start and end"),
        "sp_end_before_start": ("恢复时间须晚于停办开始", "The end must be after the start"),
        "sp_bad_decision": ("请选择批准或驳回", "Choose approve or reject"),
        "sp_done_filed": ("已备案 {n}，待中心审批", "Filed {n}: awaiting the hall's approval"),
        "sp_done_emergency": (
            "已紧急停办 {n}，通知已推送",
            "Emergency suspension {n} in force; notice pushed",
        ),
        "sp_done_approved": (
            "已批准 {n}，通知 {notice} 已推送到大厅屏和取号机",
            "Approved {n}: notice {notice} pushed to the hall screens and kiosks",
        ),
        "sp_done_rejected": ("已驳回 {n}", "Rejected {n}"),
    }
)
