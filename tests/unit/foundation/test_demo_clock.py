"""Where `hall demo` starts the hall clock."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

from config.schema import HallConfig
from hall.demo import Demo

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_the_demo_opens_on_the_hall_day_not_the_machines_day(
    hall: HallConfig, tmp_path: Path
) -> None:
    """17:30 UTC on Monday is 01:30 on Tuesday in the hall: the demo starts Tuesday 09:00,
    not at Monday's opening sixteen hours in the past (a machine on UTC said Monday)."""
    demo = Demo(hall, tmp_path, rate=1.0)
    monday_evening_utc = dt.datetime(2026, 11, 23, 17, 30, tzinfo=dt.UTC)
    assert demo.opening(monday_evening_utc) == dt.datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI)


def test_on_a_rest_day_the_demo_opens_on_the_next_workday(
    hall: HallConfig, tmp_path: Path
) -> None:
    demo = Demo(hall, tmp_path, rate=1.0)
    saturday = dt.datetime(2026, 11, 28, 15, 0, tzinfo=SHANGHAI)
    assert demo.opening(saturday) == dt.datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI)
