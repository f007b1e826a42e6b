"""The MQTT contract as data: one entry per channel, and the AsyncAPI 3 document made from it.

Each channel is a small frozen dataclass: its topic template (made by calling the function
of ``bus.topics`` that builds the real topic, so the two cannot drift), who publishes and
who subscribes, whether it is retained, its QoS, the message models (pydantic classes of
``bus.models``) and at least one example per model, constructed here and therefore
validated by the model itself. ``document()`` turns the registry into an AsyncAPI 3.0.0
document with the JSON Schema of every payload; ``hall contract`` writes it, and
``docs/contract/asyncapi.yaml`` is the checked-in copy that firmware and integration authors
read.

To add a channel, append a ``Channel`` to ``CHANNELS`` (``state_channels``: state, devices),
an ``EventChannel`` to ``EVENT_CHANNELS`` (``event_channels``: one per model of
``bus.models.events.EVENTS``) or a ``CommandChannel`` to ``COMMAND_CHANNELS``
(``command_channels``: one per model of ``bus.models.COMMANDS``); a typed reply goes in
``CommandChannel.replies`` with its examples in ``reply_examples``. The vocabulary
(roles, templates, the channel classes) is ``registry``; shared example payloads are
``examples``; ``asyncapi`` writes the document.
"""

from bus.contract.asyncapi import channels, document, render
from bus.contract.command_channels import COMMAND_CHANNELS
from bus.contract.event_channels import EVENT_CHANNELS
from bus.contract.registry import (
    BASES,
    PARAMETERS,
    Channel,
    CommandChannel,
    EventChannel,
    Example,
    Role,
    template,
)
from bus.contract.state_channels import CHANNELS, REPLY

__all__ = [
    "BASES",
    "CHANNELS",
    "COMMAND_CHANNELS",
    "EVENT_CHANNELS",
    "PARAMETERS",
    "REPLY",
    "Channel",
    "CommandChannel",
    "EventChannel",
    "Example",
    "Role",
    "channels",
    "document",
    "render",
    "template",
]
