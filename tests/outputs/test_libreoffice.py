"""The check organisers do by hand: a `;` export opens in LibreOffice Calc with numbers as numbers.

Calc is told to read the file as a Spanish user's would (locale 3082, es-ES: decimal comma),
converts it to XLSX, and openpyxl reads the cell types back. Skipped where `soffice` is not
installed (`apt-get install libreoffice-calc`).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from gssc_match.cli import app
from gssc_match.outputs.rows import NUMBER_COLUMNS

SOFFICE = shutil.which("soffice")
SPANISH = 3082  # LibreOffice's language id for es-ES
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


def calc_cells(csv_file: Path, tmp_path: Path) -> list[dict[str, object]]:
    """The CSV as Calc reads it with `;` between fields and quotes around them."""
    assert SOFFICE is not None
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            f"--infilter=CSV:59,34,76,1,,{SPANISH}",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path / "calc"),
            str(csv_file),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    book = openpyxl.load_workbook(tmp_path / "calc" / f"{csv_file.stem}.xlsx")
    sheet = book.active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, values, strict=False)) for values in rows[1:]]


def export_csv(mini_path: Path, out: Path, *options: str) -> Path:
    result = CliRunner().invoke(
        app, ["export", "--data", str(mini_path), "--out", str(out), "--delimiter", ";", *options]
    )
    assert result.exit_code == 0, result.output
    return out


def number_cells(rows: list[dict[str, object]]) -> list[object]:
    decimals = NUMBER_COLUMNS - {"rank"}
    return [row[c] for row in rows for c in decimals if row.get(c) not in (None, "")]


def test_a_semicolon_export_opens_with_numeric_scores(tmp_path: Path, mini_path: Path) -> None:
    rows = calc_cells(export_csv(mini_path, tmp_path / "shortlist.csv"), tmp_path)
    cells = number_cells(rows)
    assert cells
    assert all(isinstance(v, int | float) and not isinstance(v, bool) for v in cells), cells
    assert any(isinstance(v, float) and 0 < v < 1 for v in cells)


def test_dot_decimals_would_be_text_there(tmp_path: Path, mini_path: Path) -> None:
    """What the default fixes: the same file with `.` decimals is text to a Spanish Calc."""
    rows = calc_cells(export_csv(mini_path, tmp_path / "dots.csv", "--decimal", "."), tmp_path)
    assert any(isinstance(v, str) and "." in v for v in number_cells(rows))


PDFINFO, PDFTOTEXT = shutil.which("pdfinfo"), shutil.which("pdftotext")


@pytest.mark.skipif(PDFINFO is None or PDFTOTEXT is None, reason="poppler-utils is not installed")
def test_an_xlsx_prints_landscape_with_the_header_on_every_page(tmp_path: Path) -> None:
    """The print set-up as Calc applies it: landscape pages, header row repeated, no page
    holding only a sliver of columns. The bundled catalogue gives a shortlist of pages."""
    assert SOFFICE is not None and PDFINFO is not None and PDFTOTEXT is not None
    out = tmp_path / "shortlist.xlsx"
    result = CliRunner().invoke(app, ["export", "--country", "vietnam", "--out", str(out)])
    assert result.exit_code == 0, result.output
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
         "pdf", "--outdir", str(tmp_path), str(out)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = tmp_path / "shortlist.pdf"
    info = subprocess.run([PDFINFO, str(pdf)], check=True, capture_output=True, text=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())  # type: ignore[union-attr]
    assert width > height
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    sheet = openpyxl.load_workbook(out)["Shortlist"]
    names = {str(c.value) for c in next(sheet.iter_cols(min_col=8, max_col=8))[1:] if c.value}
    assert sheet.cell(1, 8).value == "SME" and names
    shortlist_pages = []
    for page in range(1, pages + 1):
        text = subprocess.run(
            [PDFTOTEXT, "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        if any(name in text for name in names):
            shortlist_pages.append(text)
    assert len(shortlist_pages) >= 2
    for text in shortlist_pages:
        assert "Need (English)" in text
        assert "Score" in text and "Why" in text  # the printed columns share one page width
