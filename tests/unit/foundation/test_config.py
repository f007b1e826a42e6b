"""The hall config: the sample hall loads, and a broken file is explained, not just refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from config.loader import ConfigError, load_hall, resolve_hall_path
from config.schema import HallConfig
from tests.conftest import REPO

SAMPLE = resolve_hall_path("chengdong")


def _write(tmp_path: Path, old: str, new: str) -> Path:
    text = SAMPLE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "hall.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_sample_hall_matches_rules_section_6(hall: HallConfig) -> None:
    """RULES §6: categories A–E and Z, W09/W10 comprehensive, W10 green channel, B capped at 120."""
    assert hall.hall_id == "chengdong"
    assert [c.prefix for c in hall.categories] == ["A", "B", "C", "D", "E", "Z"]
    category_b, w10, a03 = hall.category("B"), hall.window("W10"), hall.item("A03")
    assert category_b is not None and w10 is not None and a03 is not None
    assert category_b.daily_cap == 120
    assert [w.id for w in hall.windows_for("A")] == ["W01", "W02", "W09", "W10"]
    assert w10.green_channel
    assert a03.time_limit_workdays == 5
    assert hall.hours.last_ticket.isoformat() == "16:30:00"
    assert hall.timezone == "Asia/Shanghai"
    assert all(d.port == "sim" for n in hall.nodes for d in n.devices)
    assert {"kiosk-1", "kiosk-2", "screen-1", "terminal-1", "controller"} <= {
        n.id for n in hall.nodes
    }


@pytest.mark.parametrize("preset", ["wushen", "qujiang", "yanjin"])
def test_presets_load_with_their_attendance_profile(preset: str) -> None:
    hall = load_hall(resolve_hall_path(preset))
    assert hall.hall_id == preset
    assert hall.attendance.profile == preset


def test_misspelt_key_names_file_line_path_and_suggestion(tmp_path: Path) -> None:
    path = _write(tmp_path, "\nwindows:\n", "\nwindowz:\n")
    with pytest.raises(ConfigError) as err:
        load_hall(path)
    text = str(err.value)
    assert str(path) in text
    assert "windowz: unknown key" in text
    assert "did you mean 'windows'?" in text
    line = next(p.line for p in err.value.problems if p.path == "windowz")
    assert line is not None
    assert path.read_text(encoding="utf-8").splitlines()[line - 1].startswith("windowz:")


def test_nested_misspelt_key_gets_path_with_index(tmp_path: Path) -> None:
    path = _write(tmp_path, "daily_cap: 120", "daily_capp: 120")
    with pytest.raises(ConfigError) as err:
        load_hall(path)
    (problem,) = err.value.problems
    assert problem.path == "categories[1].daily_capp"
    assert problem.hint == "did you mean 'daily_cap'?"


def test_unknown_reference_is_refused_with_known_values(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "{id: W05, number: 5, department: qiye, categories: [C]",
        "{id: W05, number: 5, department: qiye, categories: [Q]",
    )
    with pytest.raises(ConfigError) as err:
        load_hall(path)
    paths = {p.path: p for p in err.value.problems}
    assert "windows[4].categories[0]" in paths
    assert "unknown category 'Q'" in paths["windows[4].categories[0]"].message


def test_bad_yaml_reports_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("hall_id: x\nname: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_hall(path)
    assert err.value.problems[0].line is not None
    assert "not valid YAML" in err.value.problems[0].message


def test_config_check_cli_exit_status(tmp_path: Path) -> None:
    """`hall config check` exits 0 on the sample and 2 on a misspelt key, naming it on stderr."""
    hall_cmd = [sys.executable, "-m", "hall.cli", "config", "check"]
    ok = subprocess.run([*hall_cmd, str(SAMPLE)], capture_output=True, text=True, cwd=REPO)
    assert ok.returncode == 0, ok.stderr
    bad = _write(tmp_path, "\nwindows:\n", "\nwindowz:\n")
    res = subprocess.run([*hall_cmd, str(bad)], capture_output=True, text=True, cwd=REPO)
    assert res.returncode == 2
    assert f"{bad}:" in res.stderr and "did you mean 'windows'?" in res.stderr


def test_every_hall_command_refuses_a_misspelt_hall_id_with_a_suggestion() -> None:
    """`hall … --config chengdon` exits 2 and names the shipped hall it probably meant."""
    for command in (
        ["notice", "list"],
        ["queue", "replay", "--script", "/dev/null"],
        ["bridge", "--node", "kiosk-1"],
    ):
        res = subprocess.run(
            [sys.executable, "-m", "hall.cli", *command, "--config", "chengdon"],
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=60,
        )
        assert res.returncode == 2, (command, res.stderr)
        assert "did you mean 'chengdong'?" in res.stderr
