"""``hall report bulletin`` (月通报) on a replayed month: the PDF's text as poppler reads it
(Chinese headings, the month's served count equal to ``hall stats``, a work order's number and
steps, the departments' attendance as ``hall attendance report`` counts it), its pages as PNG,
its embedded font, the patrol's findings, and the English version. With
SERVICEHALL_SCREENSHOTS=1 the Chinese pages go to docs/screenshots/bulletin-page-N.png."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from config.loader import load_hall, resolve_hall_path
from tests.bulletin_month import MONTH, WORKORDER, fill_month
from tests.conftest import REPO

AT = "2026-12-01T09:30"
SHOTS = REPO / "docs" / "screenshots"
pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="poppler-utils (pdftotext, pdftoppm) is installed by scripts/ensure-system-packages.sh",
)


def hall_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hall.cli", *args, "--config", "chengdong"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def run(*argv: str) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=True)
    return done.stdout


@pytest.fixture(scope="module")
def month_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("bulletin") / "hall"
    fill_month(load_hall(resolve_hall_path("chengdong")), data)
    return data


def bulletin(data: Path, out: Path, *extra: str) -> Path:
    done = hall_cli("report", "bulletin", "--data-dir", str(data), "--month", MONTH,
                    "--at", AT, "--out", str(out), *extra)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF-")
    return out


def printed(*args: str) -> dict[str, Any]:
    done = hall_cli(*args)
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_the_bulletin_says_what_hall_stats_and_the_attendance_report_say(
    month_dir: Path, tmp_path: Path
) -> None:
    pdf = bulletin(month_dir, tmp_path / "b.pdf")
    text = run("pdftotext", "-layout", str(pdf), "-")
    flat = "".join(text.split())  # lines wrap anywhere in Chinese
    for heading in ("2026年11月督查情况通报", "城东区政务服务中心大厅管理室",
                    "一、排队叫号情况", "二、群众满意度与差评处理", "三、各部门考勤情况",
                    "四、巡查发现问题", "年度评价等次（2026年）"):  # fmt: skip
        assert heading in flat, heading
    stats = printed("stats", "--data-dir", str(month_dir), "--from", "2026-11-01",
                    "--to", "2026-11-30", "--today", "2026-12-01")["total"]  # fmt: skip
    assert stats["served"] == 77 and stats["issued"] == 80
    assert f"本月取号{stats['issued']}人次，办结{stats['served']}人次" in flat
    assert f"90%的群众等候不超过{stats['wait_p90_min']:g}分钟" in flat

    # The order worked to closure in the month, with each recorded step.
    assert f"工单{WORKORDER}号票B002" in flat
    order = flat[flat.index(WORKORDER) :]
    steps = ("回访核实（问题属实）：回访群众", "整改/解释说明：约谈", "答复：已电话答复", "办结")
    for step in steps:
        assert step in order[:400], step
    # The appeal upheld leaves 杨丽's count; the open order is overdue at the month's end.
    assert "S007杨丽：差评1次，核实0次，申诉成立1次，不得评为优秀" in flat
    assert "办理期限2026-11-27（超期）" in flat

    report = printed("attendance", "report", "--data-dir", str(month_dir), "--month", MONTH,
                     "--at", AT)["staff"]  # fmt: skip
    shebao = [p for p in report.values() if p["department"] == "shebao"]
    late = sum(p["totals"]["late"] for p in shebao)
    points = sum(p["deductions"]["total"] for p in shebao)
    row = re.search(r"社保医保\s+(\d+)\s+(\d+)\s+\d+\s+\d+\s+\d+\s+\d+\s+\d+\s+(\d+)", text)
    assert row is not None and row.groups() == (str(len(shebao)), str(late), f"{points:g}")
    assert re.search(r"不动产登记\s+2\s+0\s+1\s+0\s+0\s+1\s+1\s+2\s+0", text)  # sick leave, 核销

    # The patrol's findings per department × category (patrol/findings, patrol_counts).
    assert "本月无巡查记录" not in flat
    assert re.search(r"不动产登记\s+在岗/串岗/空岗\s+1\n", text)
    assert re.search(r"税务\s+在岗/串岗/空岗\s+1\n", text)
    assert re.search(r"税务\s+着装与工牌\s+1\n", text)
    assert re.search(r"总体\s+4\n", text)
    info = run("pdfinfo", str(pdf))
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert "A4" in info and pages >= 4
    assert "WenQuanYiMicroHei" in run("pdffonts", str(pdf))  # embedded (a subset), not named
    out = SHOTS if os.environ.get("SERVICEHALL_SCREENSHOTS") == "1" else tmp_path
    for old in out.glob("bulletin-page-*.png"):
        old.unlink()
    run("pdftoppm", "-png", "-r", "110", str(pdf), str(out / "bulletin-page"))
    shots = sorted(out.glob("bulletin-page-*.png"))
    assert len(shots) == pages
    for shot in shots:  # pdftoppm names them -1 or -01 by the count: keep one name
        number = int(shot.stem.rsplit("-", 1)[1])
        shot.rename(out / f"bulletin-page-{number}.png")
    assert all(p.stat().st_size > 10_000 for p in out.glob("bulletin-page-*.png"))


def test_the_english_bulletin_and_a_bad_month(month_dir: Path, tmp_path: Path) -> None:
    pdf = bulletin(month_dir, tmp_path / "en.pdf", "--lang", "en")
    text = run("pdftotext", str(pdf), "-")
    for heading in ("Supervision bulletin, November 2026", "1. Queue and calls",
                    "3. Attendance by department", "Dress and badge"):  # fmt: skip
        assert heading in text, heading
    assert WORKORDER in text
    wrong = hall_cli("report", "bulletin", "--data-dir", str(month_dir), "--month", "2026-13")
    assert wrong.returncode == 2 and "YYYY-MM" in wrong.stderr
