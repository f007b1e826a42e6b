"""What the terminal's screen shows, as plain data: the Kivy screen and the headless printer
both render this, and tests read it without a window.

One screen state at a time: the prompt for the face in front of the camera (请眨眼 while
waiting for a blink), the last punch result for ``RESULT_SECONDS``, and always the
connection badge with the number of punches waiting in the outbox.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from terminal.desk import PunchResult
from terminal.faces import PROMPTS, FaceOutcome, FaceStatus

RESULT_SECONDS = 4.0
"""How long a punch result stays on screen before the prompt returns."""


@dataclass(frozen=True, slots=True)
class ScreenState:
    prompt: str = PROMPTS[FaceStatus.IDLE]
    face: FaceStatus = FaceStatus.IDLE
    result: PunchResult | None = None
    result_until: float = 0.0
    said_until: float = 0.0
    """While a ``say`` message is up (0: none): the camera's prompts wait until then."""
    online: bool = False
    pending: int = 0
    camera_ok: bool = True
    clock_note: str = ""
    """Why the clock is not trusted ('' when it is)."""

    @property
    def status_line(self) -> str:
        """The badge at the bottom: online, or offline with the outbox count."""
        if self.online and not self.pending:
            return "在线 / online"
        if self.online:
            return f"在线，正在上传 {self.pending} 条 / online, sending {self.pending}"
        return f"离线，待上传 {self.pending} 条 / offline, {self.pending} punches waiting"

    @property
    def camera_line(self) -> str:
        return "" if self.camera_ok else "摄像头故障，请使用指纹 / camera fault: use fingerprint"


Listener = Callable[[ScreenState], None]


class TerminalView:
    """Holds the screen state and tells listeners (the screen, the printer) when it changes."""

    def __init__(self) -> None:
        self.state = ScreenState()
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)
        listener(self.state)

    def _set(self, state: ScreenState) -> None:
        if state != self.state:
            self.state = state
            for listener in list(self._listeners):
                listener(state)

    def face(self, outcome: FaceOutcome) -> None:
        if outcome.status is FaceStatus.LIVE:
            return  # the punch result follows at once
        if self.state.said_until:
            # A ``say`` message is up: keep it readable; its end brings this prompt back.
            self._set(replace(self.state, face=outcome.status))
            return
        self._set(replace(self.state, face=outcome.status, prompt=outcome.prompt))

    def say(self, prompt: str, now: float) -> None:
        """A prompt that is not about the camera (e.g. a finger the module does not know),
        shown for ``RESULT_SECONDS`` and then replaced by the camera's prompt again."""
        self._set(replace(self.state, prompt=prompt, said_until=now + RESULT_SECONDS))

    def punched(self, result: PunchResult, now: float) -> None:
        self._set(
            replace(
                self.state,
                result=result,
                result_until=now + RESULT_SECONDS,
                prompt=PROMPTS[self.state.face],
                said_until=0.0,
            )
        )

    def tick(self, now: float) -> None:
        """Take an old result and an old message off the screen."""
        state = self.state
        if state.result is not None and now >= state.result_until:
            state = replace(state, result=None)
        if state.said_until and now >= state.said_until:
            state = replace(state, prompt=PROMPTS[state.face], said_until=0.0)
        self._set(state)

    def connection(self, online: bool) -> None:
        self._set(replace(self.state, online=online))

    def pending(self, count: int) -> None:
        self._set(replace(self.state, pending=count))

    def camera(self, ok: bool) -> None:
        self._set(replace(self.state, camera_ok=ok))

    def clock(self, note: str) -> None:
        self._set(replace(self.state, clock_note=note))
