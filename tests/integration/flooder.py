"""A node flooding the controller, as its own process (its own interpreter, as a misbehaving
kiosk would be): ``python -m tests.integration.flooder <broker-url> <hall> <node> <at-least>
<stop-file> [rate]``. It sends as fast as it can (or ``rate`` a second) until it has sent
``at-least`` messages and the stop file exists, waits for the answers, and prints one JSON
line: what it sent, how many answers of each code it got, and how many it did not get.
A message the broker refuses (its ACL: PUBACK reason code ≥ 0x80) is answered by that code,
counted as ``puback_0x87`` and so on; the URL may carry the node's user and password."""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from bus import topics

ANSWER_TIMEOUT_S = 60.0


class Flooder:
    """A raw paho client sending as ``node``, and counting the answers by correlation."""

    def __init__(self, url: str, hall_id: str, node: str) -> None:
        self.hall_id = hall_id
        self.node = node
        self.inbox = topics.reply_inbox(hall_id, node, "flood")
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=f"{node}-flooder", protocol=mqtt.MQTTv5
        )
        self.client.max_inflight_messages_set(1000)
        self.client.max_queued_messages_set(0)
        self.answers: dict[bytes, str] = {}
        self._correlation: dict[int, bytes] = {}
        self._early: dict[int, int] = {}
        """PUBACK reason codes that came before ``publish()`` returned its mid."""
        self.sent = 0
        self.seconds = 0.0
        self._lock = threading.Lock()
        subscribed = threading.Event()
        self.client.on_message = self._on_message
        self.client.on_subscribe = lambda *_a: subscribed.set()
        self.client.on_publish = self._on_publish
        address = url.removeprefix("mqtt://")
        if "@" in address:
            credentials, address = address.rsplit("@", 1)
            user, password = credentials.split(":", 1)
            self.client.username_pw_set(user, password)
        host, port = address.rsplit(":", 1)
        self.client.connect(host, int(port))
        self.client.loop_start()
        self.client.subscribe(self.inbox, qos=1)
        if not subscribed.wait(10):
            raise SystemExit("flooder: no SUBACK")

    def _on_message(self, _c: object, _u: object, message: mqtt.MQTTMessage) -> None:
        correlation = getattr(message.properties, "CorrelationData", b"")
        code = json.loads(message.payload)["error"]["code"]
        with self._lock:
            self.answers[correlation] = code

    def _on_publish(self, _c: object, _u: object, mid: int, reason: object, _p: object) -> None:
        code = getattr(reason, "value", 0)
        with self._lock:
            correlation = self._correlation.pop(mid, None)
            if correlation is None:
                self._early[mid] = code
            elif code >= 0x80:
                self.answers[correlation] = f"puback_{code:#04x}"

    @staticmethod
    def qos(n: int) -> int:
        """QoS 1, as a node's requests are; one in ten QoS 0 (no window of 20 in flight)."""
        return 0 if n % 10 == 5 else 1

    def answered(self) -> int:
        with self._lock:
            return len(self.answers)

    def flood(self, at_least: int, stop: Path, rate: float = 0.0) -> None:
        """Mostly well-formed issues for a service that does not exist; one in ten not
        JSON, one in ten nested 3,000 deep, one in ten on a topic outside the grammar."""
        good = topics.command(self.hall_id, self.node, "queue", "issue")
        bad_topic = f"{topics.base(self.hall_id)}/cmd/{self.node}/queue"
        n = 0
        started = time.monotonic()
        while n < at_least or not stop.exists():
            if rate and n % 50 == 0:
                ahead = started + n / rate - time.monotonic()
                if ahead > 0:
                    time.sleep(ahead)
            topic, payload = good, json.dumps({"v": 1, "id": f"f{n}", "service": "X99"})
            if n % 10 == 3:
                payload = "not json"
            elif n % 10 == 6:
                payload = "[" * 3000
            elif n % 10 == 9:
                topic = bad_topic
            props = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
            props.ResponseTopic = self.inbox
            correlation = f"{n}".encode()
            props.CorrelationData = correlation
            info = self.client.publish(topic, payload, qos=self.qos(n), properties=props)
            if self.qos(n):
                with self._lock:  # the PUBACK may have come before publish() returned
                    code = self._early.pop(info.mid, None)
                    if code is None:
                        self._correlation[info.mid] = correlation
                    elif code >= 0x80:
                        self.answers[correlation] = f"puback_{code:#04x}"
            n += 1
            self.sent = n
        self.seconds = time.monotonic() - started

    def wait_for_answers(self) -> None:
        deadline = time.monotonic() + ANSWER_TIMEOUT_S
        while self.answered() < self.sent and time.monotonic() < deadline:
            time.sleep(0.05)

    def report(self) -> dict[str, object]:
        codes: dict[str, int] = {}
        with self._lock:
            for code in self.answers.values():
                codes[code] = codes.get(code, 0) + 1
            missing = self.sent - len(self.answers)
        return {
            "sent": self.sent,
            "seconds": round(self.seconds, 2),
            "codes": codes,
            "missing": missing,
        }

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def main(argv: list[str]) -> int:
    url, hall_id, node, at_least, stop, *rate = argv
    flooder = Flooder(url, hall_id, node)
    print("ready", flush=True)
    flooder.flood(int(at_least), Path(stop), float(rate[0]) if rate else 0.0)
    flooder.wait_for_answers()
    print(json.dumps(flooder.report()), flush=True)
    flooder.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
