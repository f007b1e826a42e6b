"""Who signs which step of a write-off chain (A5): the signed-in user's role, never a role or
name the payload declares.

The seeds' chains name approvers by office (``config.attendance.ROLE_LABELS``); the console's
users have roles (``bus.models.users.UserRole``). A chief (首席代表) holds the department's
offices: the chief representative's step (城东) and the window lead's (衢江), for the staff of
their own department only. The hall manager (中心管理员) holds the centre's: the hall centre,
the centre's deputy and head, and records the department leader's signature (进驻单位主管
领导, who has no console account). Window staff, patrol and auditors sign nothing.

Pure: the caller gives the user as found in the store and the step the chain waits for.
"""

from __future__ import annotations

from dataclasses import dataclass

from attendance.requests import RequestRefused, check_role
from config.attendance import ROLE_LABELS
from config.attendance import USER_ROLE_STEPS as USER_STEPS

ROLE_WORDS = {
    "manager": "中心管理员 / hall manager",
    "chief": "首席代表 / chief representative",
    "staff": "窗口人员 / window staff",
    "patrol": "巡查员 / patrol",
    "auditor": "只读用户 / auditor",
}


@dataclass(frozen=True, slots=True)
class Signer:
    """The user signing, as the store knows them."""

    user: str
    role: str
    name: str
    """What the signature shows: the user's display name (else the user name)."""
    department: str | None = None


def _label(step: str) -> str:
    return ROLE_LABELS.get(step, step)


def _split(label: str) -> tuple[str, str]:
    zh, _, en = label.partition(" / ")
    return zh, en or zh


def signing_step(
    signer: Signer,
    asked: str | None,
    waiting: str | None,
    request_id: str,
    staff_department: str | None,
) -> str:
    """The step ``signer`` signs: ``asked`` if given and theirs, else the one ``waiting``.

    Raises :class:`RequestRefused` saying, in words, why this user may not sign here."""
    role_zh, role_en = _split(ROLE_WORDS.get(signer.role, signer.role))
    steps = USER_STEPS.get(signer.role, ())
    if not steps:
        raise RequestRefused(
            "not_an_approver",
            f"{role_zh}（{signer.user}）不能审批核销申请 / a {role_en} ({signer.user}) "
            "approves no write-off request",
        )
    if signer.role == "chief" and staff_department != signer.department:
        raise RequestRefused(
            "not_your_department",
            f"申请 {request_id} 不是本部门（{signer.department}）人员的，首席代表不能审批 / "
            f"{request_id} is not of your department ({signer.department}): a chief approves "
            "only their own department's staff",
        )
    theirs_zh = "、".join(_split(_label(s))[0] for s in steps)
    theirs_en = ", ".join(_split(_label(s))[1] for s in steps)
    if asked is not None:
        check_role(asked)
        if asked not in steps:
            asked_zh, asked_en = _split(_label(asked))
            raise RequestRefused(
                "approver_mismatch",
                f"您以{role_zh}身份登录，不能以“{asked_zh}”签批；您可签批：{theirs_zh} / "
                f"signed in as a {role_en}, you may not sign as {asked_en}; you sign: "
                f"{theirs_en}",
            )
        return asked
    if waiting is None:
        raise RequestRefused(
            "not_pending",
            f"申请 {request_id} 已审结，无待审批步骤 / {request_id} waits for no approval",
        )
    if waiting not in steps:
        waiting_zh, waiting_en = _split(_label(waiting))
        raise RequestRefused(
            "not_your_step",
            f"申请 {request_id} 正等待“{waiting_zh}”审批，不是{role_zh}的步骤 / "
            f"{request_id} waits for the {waiting_en}, not a {role_en}'s step",
        )
    return waiting


def waiting_for(signer_role: str, waiting: str | None) -> bool:
    """Whether a request whose chain waits at ``waiting`` is this user role's to sign."""
    return waiting is not None and waiting in USER_STEPS.get(signer_role, ())
