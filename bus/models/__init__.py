"""The hall's MQTT messages as typed, versioned models, validated at the edge.

A command is ``{"v": 1, "id": "<unique>", ...fields}`` on ``cmd/<area>/<verb>``; its reply is
``{"v": 1, "id": "<same>", "ok": true, "result": {...}}`` or ``{"v": 1, "id": "<same>", "ok":
false, "error": {"code": "...", "message": "..."}}`` on the request's response topic.
"""

from bus.models import (  # noqa: F401  (registers commands)
    attendance,
    audit,
    devices,
    notices,
    patrol,
    queue,
    state,
    suspensions,
    users,
)
from bus.models.base import (
    COMMANDS,
    Command,
    ErrorBody,
    Message,
    Reply,
    command_model,
    parse_command,
)

__all__ = [
    "COMMANDS",
    "Command",
    "ErrorBody",
    "Message",
    "Reply",
    "command_model",
    "parse_command",
]
