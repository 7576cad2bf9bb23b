"""`gssc-match plan` end to end: screen formats, files, exit codes, and `validate`/`schema`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from icalendar import Calendar
from openpyxl import load_workbook
from typer.testing import CliRunner

from gssc_match.cli import app
from gssc_match.outputs.agenda import agenda_csv
from gssc_match.planning.agenda import Agenda, AgendaRow

from .missions import mission_data

ROOT = Path(__file__).parents[2]
MISSIONS = sorted((ROOT / "data" / "missions").glob("*.yaml"))
VIETNAM = ROOT / "data" / "missions" / "vietnam-2027-virtual.yaml"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def vietnam_json() -> dict[str, object]:
    code, out, _ = _run("plan", "--mission", str(VIETNAM), "--format", "json")
    assert code == 0
    data: dict[str, object] = json.loads(out)
    return data


def test_each_bundled_mission_plans_optimally() -> None:
    assert len(MISSIONS) == 3
    for mission in MISSIONS:
        code, out, _ = _run("plan", "--mission", str(mission), "--format", "json")
        assert code == 0
        plan = json.loads(out)["plan"]
        assert plan["status"] == "optimal"
        assert plan["meetings"] > 20


def test_json_rows_carry_what_the_issue_asks(vietnam_json: dict[str, object]) -> None:
    meetings = vietnam_json["meetings"]
    assert isinstance(meetings, list) and meetings
    first = meetings[0]
    for key in ("delegation", "need_ids", "sme_id", "sme_name", "start", "end", "sme_start"):
        assert first[key]
    assert first["start"].endswith("+07:00")
    assert first["sme_start"][-6:] in ("+01:00", "+02:00")  # Madrid, Rome, Warsaw, Prague
    assert isinstance(first["need_ids"], list) and first["why"]
    assert "shortfalls" in vietnam_json
    assert {"objective", "bound", "gap", "status"} <= set(vietnam_json["plan"])  # type: ignore[arg-type]


def test_the_table_shows_both_clocks() -> None:
    code, out, _ = _run("plan", "--mission", str(VIETNAM), "--who", "hue")
    assert code == 0
    times = re.findall(
        r"(\d\d):(\d\d) Ho Chi Minh / (\d\d):(\d\d) (?:Madrid|Rome|Warsaw|Prague)", out
    )
    assert len(times) == 3
    assert all(int(h) - int(eh) == 6 and m == em for h, m, eh, em in times)  # winter: 6 h apart
    assert "Huế City People's Committee (hue)" in out
    assert "Ca Mau" not in out  # only the asked participant's table


def test_same_mission_same_bytes() -> None:
    first = _run("plan", "--mission", str(VIETNAM), "--format", "csv")
    assert first == _run("plan", "--mission", str(VIETNAM), "--format", "csv")


def test_files_are_written_safely(
    tmp_path: Path, mini_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    mission = tmp_path / "mission.yaml"
    mission.write_text(yaml.safe_dump(mission_data("chile")), encoding="utf-8")
    base = ["plan", "--mission", str(mission), "--data", str(mini_path)]
    for suffix in ("csv", "xlsx", "json", "ics"):
        out = tmp_path / f"agenda.{suffix}"
        assert _run(*base, "--out", str(out))[0] == 0
        first = out.read_bytes()
        code, _, err = _run(*base, "--out", str(out))
        assert code == 1 and "already exists; use --force" in err
        assert out.read_bytes() == first  # kept
        assert _run(*base, "--out", str(out), "--force")[0] == 0
        assert out.read_bytes() == first  # same inputs, same bytes
    rows = list(csv.reader(io.StringIO((tmp_path / "agenda.csv").read_text("utf-8-sig"))))
    assert rows[0][:3] == ["day", "start", "end"] and len(rows) > 2


def test_xlsx_has_a_sheet_per_day_and_per_participant(tmp_path: Path) -> None:
    out = tmp_path / "agenda.xlsx"
    assert _run("plan", "--mission", str(VIETNAM), "--out", str(out))[0] == 0
    names = load_workbook(out).sheetnames
    assert names[:2] == ["2027-03-09", "2027-03-10"]
    assert {"hue", "vinh-long", "salobre-modular", "shortfalls", "about"} <= set(names)
    assert zipfile.ZipFile(out).testzip() is None


def test_calendars_for_everyone_and_for_each_participant(tmp_path: Path) -> None:
    out = tmp_path / "mission.ics"
    code, _, _ = _run("plan", "--mission", str(VIETNAM), "--out", str(out), "--per-participant")
    assert code == 0
    every = Calendar.from_ical(out.read_bytes())
    events = list(every.walk("VEVENT"))
    hue = list(Calendar.from_ical((tmp_path / "mission.hue.ics").read_bytes()).walk("VEVENT"))
    assert len(events) > len(hue) == 3
    assert all(e.decoded("dtend") - e.decoded("dtstart") == dt.timedelta(minutes=20) for e in hue)
    # sessions run 14:00-17:30 in Ho Chi Minh: 07:00-10:30 UTC
    for event in hue:
        start = event.decoded("dtstart").astimezone(dt.UTC)
        assert dt.time(7) <= start.time() and start.time() <= dt.time(10, 10)


def test_no_file_is_written_over_the_mission(tmp_path: Path) -> None:
    mission = tmp_path / "m.json"
    shutil.copy(VIETNAM, tmp_path / "m.yaml")
    shutil.copy(VIETNAM, mission)
    code, _, err = _run("plan", "--mission", str(mission), "--out", str(mission), "--force")
    assert code == 1
    assert "refusing to write over the input file" in err


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert _run("plan", "--mission", str(VIETNAM), "--gap", "2")[0] == 2
    assert _run("plan", "--mission", str(VIETNAM), "--out", str(tmp_path / "x.txt"))[0] == 2
    assert _run("plan")[0] == 2


def test_csv_cells_cannot_run_as_formulas() -> None:
    row = AgendaRow(
        "2027-03-09", "s", "e", "s", "e", "h", "h", "d", "=cmd|' /C calc'!A0", ("n",), "s",
        "@SUM(1)", "ES", "Europe/Madrid", 0.5, False, "-2+3",
    )  # fmt: skip
    text = agenda_csv(Agenda("t", "m", (row,), (), {}))
    assert "\"'=cmd" in text and "\"'@SUM" in text and '"\'-2+3"' in text


def test_validate_checks_the_bundled_missions() -> None:
    code, out, _ = _run("validate", *map(str, MISSIONS))
    assert code == 0, out
    assert out.endswith("3 files checked, 0 with problems\n")


def test_validate_cross_checks_a_mission_in_a_catalogue(mini_copy: Path) -> None:
    (mini_copy / "missions").mkdir()
    case = ROOT / "tests" / "planning" / "cases" / "need-of-another-country.yaml"
    shutil.copy(case, mini_copy / "missions" / case.name)
    code, out, _ = _run("validate", "--data", str(mini_copy))
    assert code == 1
    assert "need 'vn-hue-canh-bao-lu' is a need of vietnam, not of chile (reference)" in out


def test_validate_of_one_mission_file_reads_its_catalogue(
    mini_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (mini_copy / "missions").mkdir()
    shutil.copy(ROOT / "tests" / "planning" / "cases" / "unknown-ids.yaml", mini_copy / "missions")
    monkeypatch.chdir(mini_copy)
    code, out, _ = _run("validate", "--data", ".", "missions/unknown-ids.yaml")
    assert code == 1
    assert "missions/unknown-ids.yaml:12:43: error: unknown need 'cl-temuco-no-such-need'" in out
    assert out.endswith("1 file checked, 1 with problems (4 errors, 0 warnings)\n")


def test_schema_mission() -> None:
    code, out, _ = _run("schema", "mission")
    assert code == 0
    schema = json.loads(out)
    assert {"sessions", "delegations", "pins", "blocks", "timezone"} <= set(schema["properties"])
