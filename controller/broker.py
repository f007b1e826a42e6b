"""Mosquitto 2 configuration generated from the hall config: one user per node, least privilege.

A kiosk may ask for tickets but not call them or punch; a display may only read; the
controller alone writes state, notices and events. Passwords are random, kept one file per
node (mode 0600) for that node's service to read, and stored hashed (PBKDF2-SHA512, the
``$7$`` format of mosquitto_passwd) in the broker's password file.
"""

from __future__ import annotations

import base64
import hashlib
import os
import pwd
import secrets
import shutil
import socket
from dataclasses import dataclass
from pathlib import Path

from bus import topics
from bus.remote import MANAGER_USER
from config.schema import HallConfig, Node
from controller.authority import ROLE_COMMANDS

PBKDF2_ITERATIONS = 101  # mosquitto_passwd's default for $7$

MAX_PACKET_BYTES = 8 * 1024 * 1024
"""The largest MQTT packet the hall's broker takes (``max_packet_size``), 8 MiB.

Mosquitto has one limit for every listener and topic, so it must fit the largest
legitimate message: the retained, sealed face-template store on ``faces/templates``
(200 staff with 5 photos each: 1.9 MB; with 10 each: 3.7 MB), a month's statistics reply
(the sample hall, every day open: 0.75 MB; 200 staff at 60 windows: 2.1 MB), the catalog
(6 KB). 8 MiB leaves twice the room of the largest of these. ``max_packet_size`` rather than
the older ``message_size_limit``: Mosquitto 2 tells MQTT 5 clients the limit in the CONNACK,
checks the packet's length before reading it into memory, and disconnects a client that
sends more (DISCONNECT 0x95, packet too large); nothing of it reaches a subscriber.
A sender that checks its own messages (the controller's guard) should stay below
``MAX_PACKET_BYTES`` less the topic and properties, a few hundred bytes."""

MAX_QUEUED_MESSAGES = 100_000
"""QoS 1 messages Mosquitto queues for one client beyond those in flight (its default: 1,000).

Every command of every node reaches the controller over its one connection. With the default,
a node flooding faster than the controller reads (it answers each, if only ``rate_limited``)
filled that queue in a second, and Mosquitto then dropped messages to the controller
("Outgoing messages are being dropped for client controller"), other nodes' commands among
them: a kiosk's valid issue went unanswered. 100,000 keeps every message of a flood of that
size (``tests/integration/test_flood.py``) while the controller catches up."""
MAX_QUEUED_BYTES = 64 * 1024 * 1024
"""The same queue's bound in payload bytes, whichever of the two is reached first: 64 MiB.

What bounds the broker's memory on a Pi. A queued message costs Mosquitto its payload
(stored once, shared by its subscribers) and about 200 bytes of bookkeeping, so 100,000
small commands take some 30 MB; eight messages of ``MAX_PACKET_BYTES`` fill the bound. Only
the controller (it alone reads ``cmd/#``) can be flooded this way; a node's own queue holds
what the controller publishes for it. On a 2 GB Pi 4 the worst case (the controller's queue
full) stays under 100 MB with the broker itself."""
MAX_INFLIGHT_MESSAGES = 20
"""QoS 1 messages sent to one client and not yet acknowledged: Mosquitto's default, said
here so the three queue settings are read together. More in flight would not drain a flood
faster (the controller acknowledges each as paho reads it); the queue above holds the rest."""


def queue_limits() -> list[str]:
    """The ``mosquitto.conf`` lines bounding what the broker holds for each client."""
    return [
        f"max_queued_messages {MAX_QUEUED_MESSAGES}",
        f"max_queued_bytes {MAX_QUEUED_BYTES}",
        f"max_inflight_messages {MAX_INFLIGHT_MESSAGES}",
    ]


DEFAULT_BROKER_USER = "mosquitto"
"""The user Mosquitto drops to when started as root, unless the config names another."""

INSECURE_WARNING = (
    "不安全：匿名访问 / INSECURE: anonymous broker, anyone on the network can spoof the hall"
)
"""Said on every start of an anonymous development broker (``--insecure``)."""

# What each role may send to the controller (cmd/<node>/<area>/<verb>): the table the
# controller checks again (controller/authority.py).
_ROLE_COMMANDS = ROLE_COMMANDS


@dataclass(frozen=True, slots=True)
class BrokerFiles:
    config: Path
    password_file: Path
    acl_file: Path
    credentials_dir: Path


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(12)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, PBKDF2_ITERATIONS)
    b64 = base64.b64encode
    return f"$7${PBKDF2_ITERATIONS}${b64(salt).decode()}${b64(digest).decode()}"


def shared_acl(hall: HallConfig) -> list[str]:
    """The lines for every user, first in the file: each reads its own reply inboxes only
    (``reply/%u/#``), where the controller answers its commands."""
    return [f"pattern read {topics.own_replies_pattern(hall.hall_id)}"]


def controller_acl(hall: HallConfig, node_id: str = "controller") -> list[str]:
    """The controller's user: it reads everything under ``cmd/`` (well-formed commands and
    the malformed topics it answers too) and writes only what it publishes (retained views,
    notices, events, the beacon, face templates, replies and its own ``node/<id>/…``), so a
    request steering its reply elsewhere (``dev/…``, ``cmd/…``, another node's status) is
    refused by the broker as well as by the controller."""
    h = hall.hall_id
    root = topics.base(h)
    return [
        f"user {node_id}",
        f"topic read {root}/cmd/#",
        f"topic write {topics.all_replies(h)}",
        f"topic write {topics.all_states(h)}",
        f"topic write {topics.all_notices(h)}",
        f"topic write {topics.all_events(h)}",
        f"topic write {topics.time_beacon(h)}",
        f"topic write {topics.face_templates(h)}",
        # The devices' and nodes' states, whose changes it keeps (``controller/devices.py``).
        f"topic read {topics.all_device_states(h)}",
        f"topic read {topics.all_node_statuses(h)}",
        # Its status (and the counters it publishes beside it): never another node's.
        f"topic write {root}/node/{node_id}/#",
    ]


def console_acl(hall: HallConfig, node_id: str = "console") -> list[str]:
    """The console's user: every command under its own ``cmd/<node>/`` (each carries the
    signed-in user, whom the controller checks: ``controller/acting.py``), and read access to
    what its pages show: the retained views, notices, events, every node's status, the
    device states and the beacon. Its replies come by ``shared_acl``; no ``dev/…/press``,
    no face templates, no other node's inbox."""
    h = hall.hall_id
    return [
        f"user {node_id}",
        f"topic write {topics.node_status(h, node_id)}",
        f"topic write {topics.node_commands(h, node_id)}",
        f"topic read {topics.all_states(h)}",
        f"topic read {topics.all_notices(h)}",
        f"topic read {topics.all_events(h)}",
        f"topic read {topics.all_node_statuses(h)}",
        f"topic read {topics.all_device_states(h)}",
        f"topic read {topics.time_beacon(h)}",
    ]


def acl_for(hall: HallConfig, node: Node) -> list[str]:
    """The ACL lines of one node's user (exact topics from ``bus.topics``; wider filters here).

    A node writes only the commands of its role, each under its own ``cmd/<node>/`` (the
    controller takes the sender from there), and reads its replies by ``shared_acl``.
    """
    h = hall.hall_id
    if node.role == "controller":
        return controller_acl(hall, node.id)
    if node.role == "console":
        return console_acl(hall, node.id)
    lines = [
        f"user {node.id}",
        f"topic write {topics.node_status(h, node.id)}",
        f"topic read {topics.time_beacon(h)}",
        # Front ends show "connection lost" when the controller's last will says offline.
        f"topic read {topics.node_status(h, 'controller')}",
    ]
    if node.role in ("kiosk", "screen"):
        lines += [f"topic read {topics.all_states(h)}", f"topic read {topics.all_notices(h)}"]
    if node.role == "screen":
        lines.append(f"topic read {topics.all_events(h)}")
    if node.role in ("display", "evaluator", "caller") and node.window:
        lines.append(f"topic read {topics.window_state(h, node.window)}")
        lines.append(f"topic read {topics.all_notices(h)}")
    if node.role == "caller":
        lines.append(f"topic read {topics.queue_state(h)}")
    for command in _ROLE_COMMANDS.get(node.role, ()):
        area, verb = command.split("/")
        lines.append(f"topic write {topics.command(h, node.id, area, verb)}")
    if node.role == "terminal":
        # Face templates, sealed with the transport key; only the controller writes them.
        lines.append(f"topic read {topics.face_templates(h)}")
    if node.devices or node.role == "terminal":
        lines.append(f"topic readwrite {topics.all_device_topics(h, node.id)}")
        # The node's firmware bridge connects as the node but says online/offline apart.
        lines.append(f"topic write {topics.node_status(h, topics.bridge_status_id(node.id))}")
    return lines


def manager_acl(hall: HallConfig) -> list[str]:
    """The manager's user (the ``hall`` tools, the console): every command, as itself
    (``cmd/manager/…``), and read access to the whole hall."""
    h = hall.hall_id
    return [
        f"user {MANAGER_USER}",
        f"topic write {topics.node_commands(h, MANAGER_USER)}",
        f"topic read {topics.everything(h)}",
        f"topic write {topics.node_status(h, MANAGER_USER)}",
    ]


def write_broker_config(
    hall: HallConfig,
    out: Path,
    *,
    port: int | None = None,
    bind: str = "127.0.0.1",
    persistence: bool = True,
    run_as: str | None = None,
) -> BrokerFiles:
    """Write mosquitto.conf, the password file, the ACL file and one secret per node."""
    out = out.resolve()
    creds = out / "credentials"
    creds.mkdir(parents=True, exist_ok=True)
    os.chmod(creds, 0o700)
    users = [n.id for n in hall.nodes]
    if "controller" not in users:
        users.append("controller")
    users.append(MANAGER_USER)
    password_lines = []
    for user in users:
        secret_file = creds / f"{user}.secret"
        if secret_file.exists():
            password = secret_file.read_text().strip()  # regenerating keeps the nodes' secrets
        else:
            password = secrets.token_urlsafe(18)
            fd = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(password + "\n")
        password_lines.append(f"{user}:{hash_password(password)}")
    password_file = out / "passwd"
    _write_private(password_file, "\n".join(password_lines) + "\n")

    acl: list[str] = [*shared_acl(hall), ""]
    nodes = list(hall.nodes)
    if hall.node("controller") is None:
        nodes.append(Node(id="controller", role="controller"))
    for node in nodes:
        acl += [*acl_for(hall, node), ""]
    acl += manager_acl(hall)
    acl_file = out / "acl"
    _write_private(acl_file, "\n".join(acl) + "\n")

    broker_user = run_as or DEFAULT_BROKER_USER
    for path in (password_file, acl_file):
        _give_to(path, broker_user)
    config = out / "mosquitto.conf"
    lines = [
        f"# Generated by `hall broker config` for {hall.hall_id}; edit the hall YAML instead.",
        "per_listener_settings false",
        "allow_anonymous false",
        f"password_file {password_file}",
        f"acl_file {acl_file}",
        f"listener {port or hall.broker.port} {bind}",
        "protocol mqtt",
        f"max_packet_size {MAX_PACKET_BYTES}",
        # A command's reply, event and views are small packets sent back to back: with
        # Nagle on, each waits for the previous one's delayed ACK (some 40 ms per click).
        "set_tcp_nodelay true",
        *queue_limits(),
    ]
    if run_as is not None:
        # Mosquitto started as root drops to this user before reading the files above.
        lines.append(f"user {run_as}")
    if persistence:
        # Mosquitto saves (at SIGTERM and every autosave) as the user it runs as: the
        # directory must be that user's, not root's, or every save fails.
        data = out / "data"
        data.mkdir(mode=0o700, exist_ok=True)
        _give_to(data, broker_user)
        lines += ["persistence true", f"persistence_location {data}/"]
    config.write_text("\n".join(lines) + "\n")
    return BrokerFiles(config, password_file, acl_file, creds)


def _write_private(path: Path, text: str) -> None:
    """Created 0600 from the first byte: never readable by others, not even for a moment."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its old mode through O_CREAT
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)


def _give_to(path: Path, user: str) -> None:
    """Mosquitto reads its password and ACL files and writes its persistence directory
    as its own user (when started as root); the files stay 0600."""
    if os.geteuid() != 0:
        return
    try:
        entry = pwd.getpwnam(user)
    except KeyError:
        return
    os.chown(path, entry.pw_uid, entry.pw_gid)


def write_dev_config(out: Path, port: int, bind: str = "127.0.0.1") -> Path:
    """An anonymous loopback broker for tests and ``--insecure`` development: anyone who
    reaches it may publish anything (a spoofed retained view persists until overwritten)."""
    out.mkdir(parents=True, exist_ok=True)
    config = out / "mosquitto-dev.conf"
    config.write_text(
        "# INSECURE development broker: no passwords, no ACL; loopback only.\n"
        f"listener {port} {bind}\nallow_anonymous true\npersistence false\n"
        f"max_packet_size {MAX_PACKET_BYTES}\nset_tcp_nodelay true\n"
    )
    return config


def dev_broker_user() -> str | None:
    """Who a development broker (``hall broker run``, the demo) runs as: whoever starts it.
    Started as root, Mosquitto would drop to ``mosquitto``, which may not even reach a
    config under a private directory; production runs as ``mosquitto`` (``run_as=None``)."""
    return pwd.getpwuid(os.geteuid()).pw_name if os.geteuid() == 0 else None


def mosquitto_binary() -> str:
    found = shutil.which("mosquitto") or (
        "/usr/sbin/mosquitto" if Path("/usr/sbin/mosquitto").exists() else None
    )
    if found is None:
        raise FileNotFoundError(
            "mosquitto is not installed: run `make demo` or `apt-get install mosquitto`"
        )
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
