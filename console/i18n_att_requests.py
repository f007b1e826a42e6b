"""The write-off requests page's fixed texts (请假与核销申请, RULES A4/A5), Chinese first;
``console.i18n`` serves them with the rest (``tr``)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

ATT_REQUEST_STRINGS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "ar_page": ("请假与核销申请", "Leave and write-off requests"),
        "ar_nav": ("请假申请", "Leave requests"),
        "ar_hint": (
            "请假、出差、公假和补卡须经审批后才核销考勤；审批人按登录身份签批：首席代表签本部门"
            "人员的首席代表（窗口负责人）一级，中心管理员签中心及进驻单位主管领导一级。紧急请假"
            "以大厅控制器收到申请的时间为报告时间，须在当天 {by} 前提交。",
            "Leave, business trips, official business and punch corrections write off "
            "attendance once approved. Approvers sign as whom they signed in as: a chief the "
            "chief representative's (window lead's) step for their department's staff, the hall "
            "manager the centre's and the department leader's. Emergency leave counts as "
            "reported when the hall controller receives it: by {by} on the day.",
        ),
        "ar_new": ("提交申请", "New request"),
        "ar_staff": ("申请人", "Staff member"),
        "ar_kind": ("类别", "Kind"),
        "ar_start": ("开始", "Start"),
        "ar_end": ("结束", "End"),
        "ar_end_hint": (
            "补卡只填开始（打卡时间）",
            "A punch correction: the start (the punch) only",
        ),
        "ar_reason": ("事由", "Reason"),
        "ar_substitute": ("顶岗人员", "Substitute"),
        "ar_no_substitute": ("（不指定）", "(none)"),
        "ar_emergency": ("紧急请假（当天报告）", "Emergency leave (reported today)"),
        "ar_submit": ("提交", "Submit"),
        "ar_device": ("登记设备故障", "Register a device failure"),
        "ar_device_hint": (
            "考勤机故障期间无法打卡的人员由巡查员登记，经中心审批后按正常出勤核销。",
            "The patrol lists who could not punch while a terminal was down; once the hall "
            "centre approves, their punches in that time are written off.",
        ),
        "ar_device_staff": ("受影响人员", "Staff affected"),
        "ar_device_submit": ("登记", "Register"),
        "ar_waiting": ("待我审批", "Waiting for me"),
        "ar_waiting_none": ("没有待您审批的申请", "Nothing waits for your approval"),
        "ar_mine": ("我的申请", "My requests"),
        "ar_mine_none": ("您还没有提交申请", "You have filed no request"),
        "ar_others_chief": ("本部门的申请", "My department's requests"),
        "ar_others_manager": ("全部申请", "All requests"),
        "ar_others_patrol": ("设备故障登记", "Device failure registrations"),
        "ar_others_none": ("没有申请", "No requests"),
        "ar_not_loaded": (
            "暂时无法取得申请（大厅控制器未应答）",
            "The requests could not be loaded (the hall controller did not answer)",
        ),
        "ar_note": ("意见", "Note"),
        "ar_approve": ("同意", "Approve"),
        "ar_reject": ("不同意", "Reject"),
        "ar_chain": ("审批流程", "Approval chain"),
        "ar_days": ("{days} 个工作日", "{days} workdays"),
        "ar_days_one": ("1 个工作日", "1 workday"),
        "ar_listed": ("登记人员", "Listed"),
        "ar_emergency_tag": ("紧急", "emergency"),
        "ar_reported": ("报告于 {at}", "reported {at}"),
        "ar_filed": ("提交于 {at}", "filed {at}"),
        "ar_signed_yes": ("同意", "approved"),
        "ar_signed_no": ("不同意", "rejected"),
        "ar_status_pending": ("待审批", "Pending"),
        "ar_status_approved": ("已批准", "Approved"),
        "ar_status_rejected": ("未批准", "Not approved"),
        "ar_waits_for": ("待 {role} 审批", "awaiting the {role}"),
        "ar_kind_sick": ("病假", "Sick leave"),
        "ar_kind_personal": ("事假", "Personal leave"),
        "ar_kind_marriage": ("婚假", "Marriage leave"),
        "ar_kind_maternity": ("产假", "Maternity leave"),
        "ar_kind_bereavement": ("丧假", "Bereavement leave"),
        "ar_kind_annual": ("年休假", "Annual leave"),
        "ar_kind_family_visit": ("探亲假", "Family-visit leave"),
        "ar_kind_business_trip": ("因公出差", "Business trip"),
        "ar_kind_official": ("公假", "Official business"),
        "ar_kind_punch_correction": ("补卡", "Punch correction"),
        "ar_kind_device_failure": ("设备故障", "Device failure"),
        "ar_bad_time": ("请填写开始和结束时间", "Give the start and the end"),
        "ar_bad_kind": ("请选择申请类别", "Choose the kind of request"),
        "ar_pick_staff": ("请选择申请人", "Choose the staff member"),
        "ar_pick_device_staff": ("请选择受影响的人员", "Choose the staff affected"),
        "ar_bad_decision": ("请选择同意或不同意", "Choose approve or reject"),
        "done_ar_request": (
            "已提交申请 {id}（{kind}），{next}",
            "Request {id} ({kind}) filed, {next}",
        ),
        "done_ar_device": (
            "已登记设备故障 {id}（{n} 人），{next}",
            "Device failure {id} registered ({n} staff), {next}",
        ),
        "done_ar_signed": (
            "已同意 {id}（{role}），{next}",
            "{id} approved as the {role}, {next}",
        ),
        "done_ar_approved": (
            "{id} 已批准，考勤按{kind}核销",
            "{id} approved: written off as {kind}",
        ),
        "done_ar_rejected": ("已不同意 {id}，申请未批准", "{id} rejected: not approved"),
    }
)
