"""Preparing the process for Kivy before Kivy is imported.

Kivy reads the command line, writes ``~/.kivy`` and configures logging at import time; a
kiosk under systemd (``ProtectHome=yes``) and a test run must do none of that. Everything
here runs before the first ``import kivy``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

FONT_CANDIDATES: Sequence[str] = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)
"""A CJK font from Debian (``fonts-wqy-microhei``); SERVICEHALL_FONT overrides."""


def kivy_home() -> Path:
    """systemd's StateDirectory if there is one, else a private temporary directory."""
    state = os.environ.get("STATE_DIRECTORY", "").split(":")[0]
    if state:
        return Path(state) / "kivy"
    return Path(tempfile.gettempdir()) / f"servicehall-kivy-{os.getuid()}"


def prepare(size: tuple[int, int], fullscreen: bool = False) -> None:
    """Environment and Kivy config for one front end window of ``size`` pixels."""
    os.environ["KIVY_NO_ARGS"] = "1"  # our argparse owns the command line
    os.environ.setdefault("KIVY_HOME", str(kivy_home()))
    os.environ["KIVY_LOG_MODE"] = "PYTHON"  # leave the root logger to us
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    Path(os.environ["KIVY_HOME"]).mkdir(parents=True, exist_ok=True, mode=0o700)

    from kivy.config import Config

    Config.set("graphics", "width", str(size[0]))
    Config.set("graphics", "height", str(size[1]))
    Config.set("graphics", "fullscreen", "auto" if fullscreen else "0")
    Config.set("graphics", "resizable", "0")
    Config.set("kivy", "exit_on_escape", "0")
    # A kiosk is touched, not clicked: no red multi-touch emulation dots on right-click.
    Config.set("input", "mouse", "mouse,disable_multitouch")
    register_font()


def find_font() -> str | None:
    override = os.environ.get("SERVICEHALL_FONT")
    if override and Path(override).is_file():
        return override
    return next((f for f in FONT_CANDIDATES if Path(f).is_file()), None)


def register_font() -> None:
    """Make the CJK font Kivy's default, so every label renders Chinese."""
    font = find_font()
    if font is None:
        raise SystemExit(
            "no CJK font found: install fonts-wqy-microhei or set SERVICEHALL_FONT=/path/font.ttc"
        )
    from kivy.core.text import DEFAULT_FONT, LabelBase

    LabelBase.register(DEFAULT_FONT, fn_regular=font)
