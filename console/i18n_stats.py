"""The statistics page's fixed texts (统计, Q15), Chinese first; ``console.i18n`` serves them
with the rest (``tr``). The column names are also the export's headers."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

STATS_STRINGS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "stats_page": ("统计", "Statistics"),
        "stats_hint": (
            "按大厅日（{tz}）统计取号当日的号票：与 hall stats 同一算法，由大厅控制器计算。",
            "Tickets by the hall day they were taken ({tz}): computed by the hall controller, "
            "the same as hall stats.",
        ),
        "stats_from": ("开始日期", "From"),
        "stats_to": ("结束日期", "To"),
        "stats_show": ("查询", "Show"),
        "stats_today": ("今日", "Today"),
        "stats_yesterday": ("昨日", "Yesterday"),
        "stats_last_7": ("近7日", "Last 7 days"),
        "stats_export_csv": ("导出 CSV", "Download CSV"),
        "stats_export_xlsx": ("导出 Excel", "Download Excel"),
        "stats_range_one": ("{day}", "{day}"),
        "stats_range": ("{start} 至 {end}（{n} 天）", "{start} to {end} ({n} days)"),
        "stats_scope_range": ("{start} 至 {end}", "{start} to {end}"),
        "stats_bad_date": ("日期格式应为 年-月-日", "Dates are year-month-day"),
        "stats_backwards": ("结束日期早于开始日期", "The last day is before the first"),
        "stats_too_long": ("一次最多统计366天", "At most 366 days at a time"),
        "stats_unavailable": (
            "无法取得统计：大厅控制器未应答或拒绝了查询",
            "No statistics: the hall controller did not answer or refused",
        ),
        "stats_empty": ("该时段没有取号", "No tickets were taken in this range"),
        "stats_totals": ("总体", "Overall"),
        "stats_peak": ("高峰时段", "Peak hours"),
        "stats_workorders": ("差评工单", "Bad-review work orders"),
        "stats_wo_open": ("未办结 {n} 件（超期 {overdue} 件）", "{n} open ({overdue} overdue)"),
        "stats_wo_range": (
            "本期新增 {created} 件，办结 {closed} 件",
            "{created} opened, {closed} closed in range",
        ),
        "stats_by_category": ("按类别", "By category"),
        "stats_by_window": ("按窗口", "By window"),
        "stats_by_staff": ("按工作人员", "By staff"),
        "stats_by_hour": ("按时段（取号时间）", "By hour (when taken)"),
        "stats_chart_category": ("各类别取号、办结、过号、转移", "Per category"),
        "stats_chart_window": ("各窗口取号、办结、过号、转移", "Per window"),
        "stats_chart_hour": ("各时段取号、办结、过号、转移", "Per hour"),
        "stats_chart_heat": (
            "高峰时段：星期 × 时段取号量",
            "Peak hours: tickets by weekday × hour",
        ),
        "stats_hour": ("{h}时", "{h}:00"),
        "stats_weekday": ("周{d}", "{d}"),
        "stats_none_window": ("未叫号", "Never called"),
        "stats_none_staff": ("未署名", "Nobody named"),
        "stats_none_category": ("—", "—"),
        "stats_none_hour": ("—", "—"),
        "stats_none_weekday_hour": ("—", "—"),
        "stats_sheet": ("排队统计", "Queue statistics"),
        "stats_note": (
            "一张号票在各分组中只计一次：按最后办理它的类别、窗口和工作人员（转移的号计入转入的类别），"
            "按取号的时段；等候为取号至首次叫号，办理为（最后一次）叫号至办结；满意率为3分及以上的评价占比。",
            "A ticket counts once in each grouping: by the category, window and staff that last "
            "had it (a transferred ticket under the category it went to) and the hour it was "
            "taken; the wait is issue to first call, the service (last) call to finish; "
            "satisfaction is the share of ratings of 3 and up.",
        ),
        # Columns, and the export's headers
        "stats_col_scope": ("日期", "Date"),
        "stats_col_dimension": ("维度", "Dimension"),
        "stats_col_group": ("分组", "Group"),
        "stats_col_issued": ("取号", "Issued"),
        "stats_col_served": ("办结", "Served"),
        "stats_col_skipped": ("过号", "Skipped"),
        "stats_col_transferred": ("转移", "Transferred"),
        "stats_col_expired": ("过期", "Expired"),
        "stats_col_wait_mean_min": ("平均等候（分钟）", "Mean wait (min)"),
        "stats_col_wait_p90_min": ("等候P90（分钟）", "Wait p90 (min)"),
        "stats_col_service_mean_min": ("平均办理（分钟）", "Mean service (min)"),
        "stats_col_service_p90_min": ("办理P90（分钟）", "Service p90 (min)"),
        "stats_col_rated": ("已评价", "Rated"),
        "stats_col_not_rated": ("未评价", "Not rated"),
        "stats_col_satisfaction_rate": ("满意率", "Satisfaction"),
        "stats_dim_all": ("合计", "All"),
        "stats_dim_category": ("类别", "Category"),
        "stats_dim_window": ("窗口", "Window"),
        "stats_dim_staff": ("工作人员", "Staff"),
        "stats_dim_hour": ("时段", "Hour"),
        "stats_dim_weekday_hour": ("星期×时段", "Weekday × hour"),
    }
)
