"""The hall screen's voice: the call event's line, spoken offline and never overlapping.

espeak-ng's Mandarin voice (``-v cmn``) writes each line to a WAV file; a player command
(``aplay``, sox's ``play``) plays it. One worker thread takes the lines in order from a queue,
so two calls in quick succession are both heard, one after the other, and the UI thread never
waits for a sound. A recall is announced again, like a call. The words are the controller's
(the event's ``announcement``, "请A零零一号到三号窗口办理"): the screen speaks them as they are.
"""

from __future__ import annotations

import logging
import queue
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

log = logging.getLogger(__name__)

SYNTH_TIMEOUT = 20.0
PLAY_TIMEOUT = 60.0
PLAYERS = (("aplay", "-q", "{file}"), ("play", "-q", "{file}"))
"""ALSA's aplay where it is installed, else sox's play."""
ESPEAK = ("espeak-ng", "-v", "cmn", "-s", "150")

Synth = Callable[[str, Path], None]
Player = Callable[[Path], None]


def espeak_synth(text: str, wav: Path) -> None:
    """Mandarin speech into ``wav`` with espeak-ng (offline, in Debian)."""
    subprocess.run(
        [*ESPEAK, "-w", str(wav), text],
        check=True,
        timeout=SYNTH_TIMEOUT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def command_player(command: Sequence[str]) -> Player:
    """Play with an external command; ``{file}`` in it is the WAV (else it is appended)."""
    args = list(command)

    def play(wav: Path) -> None:
        argv = [a.replace("{file}", str(wav)) for a in args]
        if not any("{file}" in a for a in args):
            argv.append(str(wav))
        subprocess.run(
            argv,
            check=True,
            timeout=PLAY_TIMEOUT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    return play


def default_player() -> tuple[str, ...]:
    return next((p for p in PLAYERS if shutil.which(p[0])), PLAYERS[0])


class Announcer:
    """Speaks queued lines one at a time on its own thread."""

    def __init__(
        self,
        player: Player | Sequence[str] | None = None,
        synth: Synth = espeak_synth,
        repeat: int = 1,
    ) -> None:
        if player is None:
            player = default_player()
        self._play = player if callable(player) else command_player(player)
        self._synth = synth
        self.repeat = max(1, repeat)
        """How many times each line is said (halls often say a call twice)."""
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._dir = Path(tempfile.mkdtemp(prefix="servicehall-voice-"))
        self._warned: set[str] = set()
        self._thread = threading.Thread(target=self._run, name="announcer", daemon=True)
        self._thread.start()

    def say(self, text: str) -> None:
        """Queue one line (a call's or a recall's announcement); returns at once."""
        self._lines.put(text)

    def close(self, timeout: float = 5.0) -> None:
        """Finish what is queued (up to ``timeout``) and stop the worker."""
        self._lines.put(None)
        self._thread.join(timeout)
        shutil.rmtree(self._dir, ignore_errors=True)

    def _run(self) -> None:
        count = 0
        while True:
            text = self._lines.get()
            if text is None:
                return
            count += 1
            wav = self._dir / f"line-{count}.wav"
            try:
                self._synth(text, wav)
                for _ in range(self.repeat):
                    self._play(wav)
            except Exception as exc:
                # No sound is a state to report, not a reason to stop the screen; and the
                # worker must outlive any one line (a NUL in the text is a ValueError).
                self._warn(type(exc).__name__, f"announcement {text!r} not played: {exc}")
            finally:
                wav.unlink(missing_ok=True)

    def _warn(self, kind: str, message: str) -> None:
        if kind not in self._warned:
            self._warned.add(kind)
            log.warning("%s (check the speaker, the player command and espeak-ng)", message)
        else:
            log.debug(message)
