"""The organisers' path: a catalogue sheet opened and saved again in LibreOffice Calc imports
to the same records, and the template's drop-downs survive Calc. Skipped where `soffice` is
not installed (`apt-get install libreoffice-calc`).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from gssc_match.api import open_catalogue
from gssc_match.catalogue.columns import RecordKind
from gssc_match.catalogue.intake import read_records
from gssc_match.cli import app

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


def saved_by_calc(sheet: Path, tmp_path: Path) -> Path:
    """The workbook after Calc has opened it and saved it again as XLSX."""
    assert SOFFICE is not None
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path / "calc"),
            str(sheet),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return tmp_path / "calc" / sheet.name


@pytest.mark.parametrize(("which", "kind"), [("smes", RecordKind.SME), ("needs", RecordKind.NEED)])
def test_a_sheet_saved_by_calc_imports_to_the_same_records(
    tmp_path: Path, which: str, kind: RecordKind
) -> None:
    sheet = tmp_path / f"{which}.xlsx"
    result = CliRunner().invoke(app, ["export", "--catalogue", which, "--out", str(sheet)])
    assert result.exit_code == 0, result.output
    catalogue = open_catalogue()
    intake = read_records(saved_by_calc(sheet, tmp_path), sheet.name, kind, catalogue.taxonomy)
    assert not intake.errors, [p.render() for p in intake.errors]
    records = tuple(item.record for item in intake.records)
    assert records == (catalogue.smes if kind is RecordKind.SME else catalogue.needs)


def test_the_drop_downs_survive_calc(tmp_path: Path) -> None:
    sheet = tmp_path / "template.xlsx"
    assert CliRunner().invoke(app, ["template", "sme", "--out", str(sheet)]).exit_code == 0
    book = openpyxl.load_workbook(saved_by_calc(sheet, tmp_path))
    rules = book["SMEs"].data_validations.dataValidation
    assert {(str(rule.sqref)[0], rule.type) for rule in rules} == {
        ("C", "list"),
        ("D", "list"),
        ("J", "list"),
    }
    assert all(str(rule.formula1).startswith("Help!$") for rule in rules)
