"""The patrol page's fixed texts (巡查记录, seed 001 巡查制度), Chinese first; ``console.i18n``
serves them with the rest (``tr``). The seven categories' names are ``PATROL_CATEGORY_LABELS``
of the contract."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

PATROL_STRINGS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "pt_nav": ("巡查", "Patrol"),
        "pt_page": ("巡查记录", "Patrol log"),
        "pt_hint": (
            "巡查发现的问题按窗口或工作人员登记，由所属部门首席代表处理并注明处理情况；"
            "每月按部门、类别汇总，纳入督查通报。",
            "Each finding of a round is recorded against a window or a staff member; the "
            "department's chief representative handles it and says how; each month's findings "
            "are counted per department and category for the bulletin.",
        ),
        "pt_new": ("登记巡查发现", "Record a finding"),
        "pt_category": ("类别", "Category"),
        "pt_pick_category": ("请选择类别", "Choose a category"),
        "pt_window": ("窗口", "Window"),
        "pt_staff": ("工作人员", "Staff member"),
        "pt_none": ("（不指定）", "(none)"),
        "pt_note": ("情况说明", "What was seen"),
        "pt_note_hint": (
            "如：09:40 三号窗口空岗，未摆放暂停服务牌",
            "e.g. 09:40 window 3 empty, no pause sign",
        ),
        "pt_photo": ("照片（可选）", "Photo (optional)"),
        "pt_photo_hint": (
            "照片在本机缩小至 {kib} KiB 以内后上传，只保存在本大厅的服务器上。",
            "The photo is scaled down to at most {kib} KiB here before it is sent, and kept "
            "on this hall's own server only.",
        ),
        "pt_photo_preview": ("照片预览", "Photo preview"),
        "pt_record": ("登记", "Record"),
        "pt_month": ("月份", "Month"),
        "pt_show": ("查看", "Show"),
        "pt_findings": ("{month} 巡查发现（{n} 条）", "Findings of {month} ({n})"),
        "pt_findings_dept": (
            "{month} {department}的巡查发现（{n} 条）",
            "Findings of {month}, {department} ({n})",
        ),
        "pt_no_findings": ("本月暂无巡查发现", "No findings this month"),
        "pt_not_loaded": (
            "暂时无法取得巡查记录（大厅控制器未应答）",
            "The patrol log could not be loaded (the hall controller did not answer)",
        ),
        "pt_counts": ("按部门、类别汇总", "Counts per department and category"),
        "pt_department": ("部门", "Department"),
        "pt_total": ("合计", "Total"),
        "pt_no_department": ("未归属部门", "No department"),
        "pt_recorded": ("{at} · {who} 登记", "{at} · recorded by {who}"),
        "pt_open": ("待处理", "Open"),
        "pt_handled": ("已处理", "Handled"),
        "pt_handled_by": ("{at} · {who} 处理：{note}", "{at} · handled by {who}: {note}"),
        "pt_handle_note": ("处理情况（如：已提醒纠正）", "How it was handled (e.g. reminded)"),
        "pt_handle": ("标记已处理", "Mark handled"),
        "pt_photo_alt": ("巡查照片 {id}", "Patrol photo {id}"),
        "pt_pick_who": (
            "请选择窗口或工作人员（至少一项）",
            "Choose a window or a staff member (at least one)",
        ),
        "pt_no_note": ("请填写情况说明", "Say what was seen"),
        "pt_no_handle_note": ("请填写处理情况", "Say how it was handled"),
        "pt_bad_month": ("月份格式应为 YYYY-MM", "The month is YYYY-MM"),
        "pt_bad_category": ("没有该类别", "No such category"),
        "pt_photo_unreadable": ("照片无法读取", "The photo could not be read"),
        "done_pt_record": (
            "已登记巡查发现 {id}（{category}，{department}）",
            "Recorded {id} ({category}, {department})",
        ),
        "done_pt_handle": ("巡查发现 {id} 已标记处理", "{id} marked handled"),
    }
)
