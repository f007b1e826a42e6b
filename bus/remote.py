"""Sending one command to the controller from a command-line tool and waiting for its reply."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable

from pydantic import ValidationError

from bus import topics
from bus.client import PahoBus
from bus.core import RequestTimeout
from bus.models.base import Command, Reply
from config.schema import HallConfig

MANAGER_USER = "manager"
"""The MQTT user of the `hall` command-line tools (notices, stats, overrides)."""

CONNECT_TIMEOUT = 5.0
REPLY_TIMEOUT = 10.0


def command_id() -> str:
    """A fresh id for a command a command-line tool sends (``cli-<hex>``)."""
    return f"cli-{uuid.uuid4().hex}"


def invalid_arguments(exc: ValidationError) -> str:
    """A command the arguments could not build, where and what: never the value typed (a
    password's, say)."""
    errors = exc.errors(include_url=False, include_context=False, include_input=False)
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or '<command>'}: {e['msg']}" for e in errors
    )
    return f"参数无效 / invalid arguments: {problems}"


def send_command(hall: HallConfig, command: Command, broker_url: str | None = None) -> Reply:
    """One request/reply round trip; raises RequestTimeout when nothing answers.

    The command, built with its id (``command_id()``), goes as it is on the
    ``cmd/<node>/<area>/<verb>`` of its model: a wrong field fails where it is built.
    """
    # The hall manager's identity: with a secured broker, $SERVICEHALL_MQTT_SECRET names the
    # manager's secret file (credentials/manager.secret from `hall broker config`).
    bus = PahoBus(hall.hall_id, MANAGER_USER, hall.broker_url(broker_url), role="cli")
    bus.start()
    try:
        if not bus.wait_connected(CONNECT_TIMEOUT):
            raise RequestTimeout(f"cannot reach the broker at {hall.broker_url(broker_url)}")
        topic = topics.command(hall.hall_id, bus.node, command.area, command.verb)
        future = bus.request(topic, command, REPLY_TIMEOUT)
        message = future.result(REPLY_TIMEOUT + 1)
        return Reply.model_validate_json(message.payload)
    finally:
        bus.stop()


def ask(
    hall: HallConfig,
    build: Callable[[str], Command],
    broker_url: str | None = None,
    *,
    invalid: int,
    no_answer: int,
    refused: int,
    refusal: str = "{code}: {message}",
) -> tuple[Command, Reply] | int:
    """Build a command with a fresh id, send it, and return it with its reply, or print why
    not to stderr and return the exit code: ``invalid`` when the arguments do not build the
    command (``invalid_arguments``), ``no_answer`` when nothing answers, ``refused`` when the
    controller refuses (``refusal`` formatted with the error's ``code`` and ``message``).
    """
    try:
        command = build(command_id())
    except ValidationError as exc:
        print(invalid_arguments(exc), file=sys.stderr)
        return invalid
    try:
        reply = send_command(hall, command, broker_url)
    except RequestTimeout as exc:
        print(f"控制器无应答 / the controller did not answer: {exc}", file=sys.stderr)
        return no_answer
    if reply.error is not None:
        print(refusal.format(code=reply.error.code, message=reply.error.message), file=sys.stderr)
        return refused
    return command, reply
