"""The console's page links, by role: one table, so a new page is one line here.

``base.html`` renders ``nav_links(role)``; a page's own route still checks who may (a link
missing here hides a page, it never opens one).
"""

from __future__ import annotations

from typing import NamedTuple


class NavLink(NamedTuple):
    href: str
    key: str  # the i18n key of its label
    roles: frozenset[str]


BACK_OFFICE = frozenset({"manager", "chief"})

NAV: tuple[NavLink, ...] = (
    NavLink("/caller", "caller", frozenset({"staff"})),
    NavLink("/hall", "hall", BACK_OFFICE),
    NavLink("/notices", "notices", BACK_OFFICE),
    NavLink("/windows", "windows_page", BACK_OFFICE),
    NavLink("/bookings", "bookings_page", BACK_OFFICE),
    NavLink("/patrol", "pt_nav", frozenset({"patrol"})),
    NavLink("/stats", "stats_page", BACK_OFFICE | {"patrol", "auditor"}),
    NavLink("/workorders", "wo_nav", BACK_OFFICE | {"auditor"}),
    NavLink("/patrol", "pt_nav", BACK_OFFICE | {"auditor"}),
    NavLink("/suspensions", "sp_nav", BACK_OFFICE | {"auditor"}),
    NavLink("/attendance", "att_nav", BACK_OFFICE | {"patrol", "auditor", "staff"}),
    NavLink("/attendance/requests", "ar_nav", BACK_OFFICE | {"patrol", "staff"}),
    NavLink("/devices", "dev_nav", BACK_OFFICE | {"auditor"}),
    NavLink("/audit", "audit_nav", frozenset({"manager", "auditor"})),
    NavLink("/users", "users_nav", frozenset({"manager"})),
)


def nav_links(role: str) -> list[tuple[str, str]]:
    """The (href, label key) pairs a user of ``role`` sees, in the bar's order."""
    return [(link.href, link.key) for link in NAV if role in link.roles]
