"""The users and staff pages' fixed texts (用户管理, 人员名册), Chinese first; ``console.i18n``
serves them with the rest (``tr``)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

USER_STRINGS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "users_page": ("用户管理", "Users"),
        "users_nav": ("用户", "Users"),
        "users_hint": (
            "管理台用户由大厅控制器保存；每项操作以您的身份执行并记入审计日志。密码至少 8 个字符，"
            "且不能与用户名相同；重置的密码只显示一次，请当面告知本人。",
            "Console users are held by the hall controller; every action is given as you and "
            "audited. A password needs at least 8 characters and must not be the user name; a "
            "reset password is shown once only: hand it to the person yourself.",
        ),
        "users_not_loaded": (
            "暂时无法取得用户列表（大厅控制器未应答）",
            "The users could not be loaded (the hall controller did not answer)",
        ),
        "users_add": ("添加用户", "Add a user"),
        "users_user": ("用户名", "User name"),
        "users_name": ("姓名", "Name"),
        "users_role": ("角色", "Role"),
        "users_department": ("部门", "Department"),
        "users_staff": ("员工", "Staff member"),
        "users_windows": ("可签到窗口", "Windows they may sign in at"),
        "users_state": ("状态", "State"),
        "users_enabled": ("启用", "enabled"),
        "users_disabled": ("已停用", "disabled"),
        "users_locked": ("锁定至 {at}", "locked until {at}"),
        "users_initial_password": ("初始密码", "Initial password"),
        "users_initial_hint": ("留空则自动生成", "leave empty to make one"),
        "users_none_dept": ("（无）", "(none)"),
        "users_none_staff": ("（不绑定）", "(none)"),
        "users_submit_add": ("添加", "Add"),
        "users_reset": ("重置密码", "Reset password"),
        "users_disable": ("停用", "Disable"),
        "users_enable": ("启用", "Enable"),
        "users_set_role": ("保存角色与窗口", "Save role and windows"),
        "users_edit": ("修改角色、部门与窗口", "Change role, department and windows"),
        "users_count": ("共 {n} 个用户", "{n} users"),
        "users_pick_user": ("请填写用户名", "Give the user name"),
        "users_pick_role": ("请选择角色", "Choose a role"),
        "users_password_once": (
            "新密码：{password}（只显示这一次）",
            "New password: {password} (shown this once only)",
        ),
        "done_users_add": ("已添加用户 {user}", "User {user} added"),
        "done_users_passwd": ("已重置 {user} 的密码", "Password of {user} reset"),
        "done_users_disable": (
            "已停用 {user}，其不能再登录",
            "{user} disabled: they can no longer sign in",
        ),
        "done_users_enable": ("已启用 {user}", "{user} enabled"),
        "done_users_set_role": ("已保存 {user} 的角色与窗口", "Role and windows of {user} saved"),
        "role_manager": ("中心管理员", "Hall manager"),
        "role_chief": ("首席代表", "Chief representative"),
        "role_staff": ("窗口人员", "Window staff"),
        "role_patrol": ("巡查员", "Patrol"),
        "role_auditor": ("只读", "Auditor (read-only)"),
    }
)
