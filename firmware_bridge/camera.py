"""Frames for the terminal: a camera by index, a video file, or still images (``port: sim``).

Every source gives RGB frames (OpenCV reads BGR; recognition wants RGB) with a time in
seconds on the source's own clock: ``time.monotonic()`` for a live camera, the position in
the file for a video, ``index / fps`` for still images. Liveness measures blinks on that
time, so a video file replays exactly as it was recorded, however fast it is read.

A camera that fails is a state (``DeviceState.OFFLINE``), not a crash: ``read`` returns
None and the node shows 摄像头故障 while fingerprint punching goes on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np
import numpy.typing as npt

from bus.models.devices import DeviceState

log = logging.getLogger(__name__)

RGB = npt.NDArray[np.uint8]
DEFAULT_MAX_WIDTH = 640
"""Frames wider than this are shrunk first: a terminal's face is large, detection is slow."""
OPEN_ATTEMPTS = 3
SIM_FPS = 10.0
_IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp"}


class CameraError(Exception):
    """A camera source that cannot be opened at all (bad index, unreadable file)."""


@dataclass(frozen=True, slots=True)
class Frame:
    rgb: RGB
    t: float
    """Seconds on the source's clock (monotonic for a device, file position for a video)."""


class Camera(Protocol):
    """What the terminal's face loop reads frames from."""

    finite: bool
    """True for a source that ends (a video file): its end is not a camera fault."""

    def open(self) -> None: ...
    def read(self) -> Frame | None:
        """The next frame, or None: end of a file, or a device that stopped answering."""
        ...

    def close(self) -> None: ...
    def state(self) -> DeviceState: ...


def shrink(frame: RGB, max_width: int | None) -> RGB:
    """``frame`` scaled down to ``max_width`` (never up)."""
    if max_width is None or frame.shape[1] <= max_width:
        return frame
    height = round(frame.shape[0] * max_width / frame.shape[1])
    return np.asarray(cv2.resize(frame, (max_width, height), interpolation=cv2.INTER_AREA))


class OpenCVCamera:
    """A V4L2 camera by index (``0``) or a video file, through ``cv2.VideoCapture``."""

    def __init__(self, source: int | str | Path, max_width: int | None = DEFAULT_MAX_WIDTH) -> None:
        self.source = source if isinstance(source, int) else str(source)
        self.is_file = not isinstance(source, int)
        self.finite = self.is_file
        """A file ends; a device that stops giving frames has failed."""
        self.max_width = max_width
        self._cap: cv2.VideoCapture | None = None
        self._state = DeviceState.OFFLINE

    def open(self) -> None:
        if self.is_file and not Path(str(self.source)).is_file():
            raise CameraError(f"找不到视频文件 / video file not found: {self.source}")
        for attempt in range(1, OPEN_ATTEMPTS + 1):
            cap = cv2.VideoCapture(self.source)
            if cap.isOpened():
                if not self.is_file:
                    # Recognition is slower than the camera: read the newest frame, not one
                    # queued a second ago (a blink must be timed as it happens).
                    cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)
                self._cap, self._state = cap, DeviceState.OK
                return
            cap.release()
            # The CameraError below is what the node reports; these are the details.
            log.debug(
                "camera %s did not open (attempt %d/%d)", self.source, attempt, OPEN_ATTEMPTS
            )
        raise CameraError(
            f"无法打开摄像头 / cannot open camera {self.source}: "
            "check the cable, /dev/video*, and that the service user is in group 'video'"
        )

    def read(self) -> Frame | None:
        if self._cap is None:
            return None
        ok, bgr = self._cap.read()
        if not ok or bgr is None:
            if not self.is_file:
                log.warning("camera %s stopped delivering frames", self.source)
                self._state = DeviceState.OFFLINE
            return None
        t = self._cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0 if self.is_file else time.monotonic()
        rgb = cv2.cvtColor(
            shrink(np.asarray(bgr, dtype=np.uint8), self.max_width), cv2.COLOR_BGR2RGB
        )
        return Frame(np.ascontiguousarray(rgb, dtype=np.uint8), t)

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None
        self._state = DeviceState.OFFLINE

    def state(self) -> DeviceState:
        return self._state


class StillImagesCamera:
    """Still images as frames at ``fps`` (the simulator, and a photo held to the camera).

    With no images at all it shows an empty grey scene: the node runs, nobody is there.
    """

    def __init__(
        self,
        images: Sequence[Path | str | RGB] = (),
        *,
        fps: float = SIM_FPS,
        loop: bool = False,
        max_width: int | None = DEFAULT_MAX_WIDTH,
    ) -> None:
        if fps <= 0:
            raise ValueError("fps must be > 0")
        self._sources = list(images)
        self.fps = fps
        self.loop = loop or not self._sources
        self.finite = not self.loop
        self.max_width = max_width
        self._frames: list[RGB] = []
        self._index = 0
        self._state = DeviceState.OFFLINE

    def open(self) -> None:
        frames = [shrink(_load_rgb(src), self.max_width) for src in self._sources]
        self._frames = frames or [np.full((240, 320, 3), 128, dtype=np.uint8)]
        self._index = 0
        self._state = DeviceState.OK

    def read(self) -> Frame | None:
        if not self._frames:
            return None
        if self._index >= len(self._frames) and not self.loop:
            return None
        frame = self._frames[self._index % len(self._frames)]
        t = self._index / self.fps
        self._index += 1
        return Frame(frame, t)

    def close(self) -> None:
        self._frames = []
        self._state = DeviceState.OFFLINE

    def state(self) -> DeviceState:
        return self._state


def _load_rgb(source: Path | str | RGB) -> RGB:
    if isinstance(source, np.ndarray):
        return source
    bgr = cv2.imread(str(source), cv2.IMREAD_COLOR)
    if bgr is None:
        raise CameraError(f"无法读取图片 / cannot read image {source}")
    return np.ascontiguousarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), dtype=np.uint8)


def camera_from_spec(
    spec: str | None, *, images: Sequence[str] = (), max_width: int | None = DEFAULT_MAX_WIDTH
) -> Camera:
    """``--camera`` / the device's ``port``: an index, a video file, an image, a folder of
    images, or ``sim`` (the ``images`` option, else an empty scene)."""
    if spec is None or spec == "sim":
        return StillImagesCamera(images, loop=True, max_width=max_width)
    if spec.isdigit():
        return OpenCVCamera(int(spec), max_width)
    path = Path(spec)
    if path.is_dir():
        stills = sorted(p for p in path.iterdir() if p.suffix.lower() in _IMAGE_SUFFIXES)
        return StillImagesCamera(stills, loop=True, max_width=max_width)
    if path.suffix.lower() in _IMAGE_SUFFIXES:
        return StillImagesCamera([path], loop=True, max_width=max_width)
    if spec.startswith("/dev/video"):
        return _device_path_camera(spec, max_width)
    return OpenCVCamera(path, max_width)


def _device_path_camera(spec: str, max_width: int | None) -> Camera:
    """``/dev/video0`` is a device, not a file: open it by its index."""
    suffix = spec.removeprefix("/dev/video")
    if not suffix.isdigit():
        raise CameraError(f"无法识别的摄像头 / unknown camera {spec}")
    return OpenCVCamera(int(suffix), max_width)
