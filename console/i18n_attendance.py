"""The attendance month view's fixed texts (考勤, A1–A8) and the calendar's overrides (A6),
Chinese first; ``console.i18n`` serves them with the rest (``tr``). The keys start with
``am_`` (attendance month) so the write-off pages' own table can sit beside this one."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

ATTENDANCE_STRINGS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "att_nav": ("考勤", "Attendance"),
        "am_page": ("考勤月报", "Monthly attendance"),
        "am_calendar_page": ("工作日调整", "Workday overrides"),
        "am_hint": (
            "按大厅时间（{tz}）、考勤方案 {profile} 判定，与 hall attendance report 同一算法，"
            "由大厅控制器计算。本月截至 {through} 已判定，此后的日期为“未判定”。",
            "Judged in hall time ({tz}) by attendance profile {profile}, the same as hall "
            "attendance report, by the hall controller. Days up to {through} are judged; later "
            "days are “not judged yet”.",
        ),
        "am_hint_done": (
            "按大厅时间（{tz}）、考勤方案 {profile} 判定，与 hall attendance report 同一算法，"
            "由大厅控制器计算。",
            "Judged in hall time ({tz}) by attendance profile {profile}, the same as hall "
            "attendance report, by the hall controller.",
        ),
        "am_month": ("月份", "Month"),
        "am_show": ("查询", "Show"),
        "am_person": ("人员", "Staff member"),
        "am_department": ("部门", "Department"),
        "am_all": ("全大厅", "Whole hall"),
        "am_view_staff": ("个人月历", "Staff calendar"),
        "am_view_dept": ("部门考勤表", "Department table"),
        "am_prev": ("上月", "Previous month"),
        "am_next": ("下月", "Next month"),
        "am_bad_month": ("月份格式应为 年-月", "The month is year-month"),
        "am_bad_staff": ("没有该工作人员", "No such staff member"),
        "am_bad_department": ("没有该部门", "No such department"),
        "am_unavailable": (
            "无法取得考勤：大厅控制器未应答或拒绝了查询",
            "No attendance: the hall controller did not answer or refused",
        ),
        "am_staff_title": ("{id} {name}（{dept}）{month} 考勤", "{id} {name} ({dept}), {month}"),
        "am_dept_title": ("{dept} {month} 考勤", "{dept}, {month}"),
        "am_legend": ("图例", "Legend"),
        "am_weekday_0": ("一", "Mon"),
        "am_weekday_1": ("二", "Tue"),
        "am_weekday_2": ("三", "Wed"),
        "am_weekday_3": ("四", "Thu"),
        "am_weekday_4": ("五", "Fri"),
        "am_weekday_5": ("六", "Sat"),
        "am_weekday_6": ("日", "Sun"),
        # The day's colour, in words (the legend and each day).
        "am_status_normal": ("正常", "Normal"),
        "am_status_late": ("迟到", "Late"),
        "am_status_early": ("早退", "Left early"),
        "am_status_late_early": ("迟到、早退", "Late, left early"),
        "am_status_absent": ("旷工", "Absent"),
        "am_status_leave": ("请假 / 出差 / 已核销", "Leave / trip / written off"),
        "am_status_rest": ("休息日 / 节假日", "Rest day / holiday"),
        "am_status_pending": ("未判定", "Not judged yet"),
        "am_late_n": ("迟到 {n} 分钟", "Late {n} min"),
        "am_early_n": ("早退 {n} 分钟", "Left {n} min early"),
        "am_rest": ("休息日", "Rest day"),
        "am_holiday": ("节假日", "Holiday"),
        "am_rest_override": ("休息（调整）", "Closed (override)"),
        "am_workday_override": ("调整为工作日", "Workday (override)"),
        "am_adjusted_workday": ("调休上班", "Adjusted workday"),
        "am_leave": ("已核销", "Written off"),
        # Flags: the day's and its punches'.
        "am_flag_missing_sign_in": ("未签到", "No sign-in"),
        "am_flag_missing_sign_out": ("未签退", "No sign-out"),
        "am_flag_excused_sign_in": ("签到已核销", "Sign-in written off"),
        "am_flag_excused_sign_out": ("签退已核销", "Sign-out written off"),
        "am_flag_calendar_fallback": (
            "无法定日历数据，按周一至周五",
            "No statutory calendar: Monday–Friday assumed",
        ),
        "am_flag_clock_not_synced": ("时钟未同步", "Clock not synced"),
        "am_flag_clock_skew": ("时钟偏差", "Clock off"),
        # Write-off kinds (核销).
        "am_kind_sick": ("病假", "Sick leave"),
        "am_kind_personal": ("事假", "Personal leave"),
        "am_kind_marriage": ("婚假", "Marriage leave"),
        "am_kind_maternity": ("产假", "Maternity leave"),
        "am_kind_bereavement": ("丧假", "Bereavement leave"),
        "am_kind_annual": ("年休假", "Annual leave"),
        "am_kind_family_visit": ("探亲假", "Family-visit leave"),
        "am_kind_business_trip": ("出差", "Business trip"),
        "am_kind_official": ("公务外出", "Official business"),
        "am_kind_punch_correction": ("补卡", "Punch correction"),
        "am_kind_device_failure": ("设备故障登记", "Device failure registered"),
        # Totals and the report (A8, 第十条).
        "am_totals": ("本月合计", "Month totals"),
        "am_report": ("月度考勤汇总", "Monthly summary"),
        "am_col_staff": ("人员", "Staff"),
        "am_col_workdays": ("应出勤天数", "Workdays"),
        "am_col_late": ("迟到次数", "Late"),
        "am_col_early": ("早退次数", "Early"),
        "am_col_absent_days": ("旷工天数", "Absent days"),
        "am_col_converted_absences": ("迟到早退折算旷工", "Converted absences"),
        "am_col_leave_days": ("请假天数", "Leave days"),
        "am_th_late": ("迟到", "Late"),
        "am_th_early": ("早退", "Early"),
        "am_th_absent": ("旷工", "Absent"),
        "am_th_leave": ("请假", "Leave"),
        "am_col_points": ("扣分合计", "Points deducted"),
        "am_col_returned": ("退回原单位", "Returned to unit"),
        "am_yes": ("是", "Yes"),
        "am_no": ("否", "No"),
        "am_sign_in": ("签到", "In"),
        "am_sign_out": ("签退", "Out"),
        "am_no_staff": ("该部门没有工作人员", "Nobody in this department"),
        "am_counted_through": ("已判定至 {day}", "Judged through {day}"),
        # The calendar's overrides (A6).
        "am_cal_hint": (
            "工作日按国务院公布的法定节假日和调休（chinesecalendar）计算；中心管理员可将某日调整为"
            "休息日或工作日（排队和考勤同时生效），清除后恢复法定日历。",
            "Workdays follow the State Council's holidays and adjusted workdays "
            "(chinesecalendar); the hall manager may make a date a holiday or a workday (for the "
            "queue and attendance alike); clearing it returns to the statutory calendar.",
        ),
        "am_cal_date": ("日期", "Date"),
        "am_cal_kind": ("调整为", "Made"),
        "am_cal_statutory": ("法定日历", "Statutory calendar"),
        "am_cal_source": ("来源", "Set by"),
        "am_cal_set_at": ("设置时间", "Set at"),
        "am_cal_holiday": ("休息日", "Holiday"),
        "am_cal_workday": ("工作日", "Workday"),
        "am_cal_no_data": ("无数据", "No data"),
        "am_cal_manager": ("中心管理员", "Hall manager"),
        "am_cal_config": ("大厅配置", "Hall config"),
        "am_cal_replaced": ("（被管理员调整覆盖）", "(replaced by the manager's)"),
        "am_cal_none": ("没有调整的日期", "No date is overridden"),
        "am_cal_add": ("添加调整", "Add an override"),
        "am_cal_save": ("保存", "Save"),
        "am_cal_clear": ("清除", "Clear"),
        "am_cal_readonly": ("只有中心管理员可以调整工作日", "Only the hall manager sets overrides"),
        "am_cal_bad_date": ("日期格式应为 年-月-日", "The date is year-month-day"),
        "am_cal_bad_kind": ("请选择休息日或工作日", "Choose holiday or workday"),
        "am_cal_done_holiday": ("已将 {day} 调整为休息日", "{day} is now a holiday"),
        "am_cal_done_workday": ("已将 {day} 调整为工作日", "{day} is now a workday"),
        "am_cal_done_clear": (
            "已清除 {day} 的调整：按法定日历为{kind}",
            "{day} cleared: a {kind} by the statutory calendar",
        ),
        "am_cal_unavailable": (
            "无法取得调整列表：大厅控制器未应答",
            "No overrides: the hall controller did not answer",
        ),
    }
)
