"""Registration sheets going out: the template, its Help sheet and drop-downs, the round trip."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from gssc_match.api import open_catalogue
from gssc_match.catalogue.columns import RecordKind, columns_for
from gssc_match.catalogue.intake import read_records
from gssc_match.catalogue.loader import Catalogue, load_catalogue
from gssc_match.catalogue.models import Need, Sme
from gssc_match.cli import app
from gssc_match.outputs.template import SheetFormat, catalogue_sheet, template


@pytest.fixture(scope="module")
def bundled() -> Catalogue:
    return open_catalogue()


def workbook(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


@pytest.mark.parametrize("kind", list(RecordKind))
def test_xlsx_template_has_a_column_per_field_and_a_help_sheet(
    bundled: Catalogue, kind: RecordKind
) -> None:
    book = workbook(template(kind, SheetFormat.XLSX, bundled.taxonomy))
    assert book.sheetnames == [{"sme": "SMEs", "need": "Needs"}[kind], "Help"]
    data, help_sheet = book.worksheets
    headers = [cell.value for cell in data[1]]
    assert headers == [column.header for column in columns_for(kind)]
    assert data.max_row == 1
    explained = [row[0].value for row in help_sheet.iter_rows(min_row=2) if row[0].value]
    assert explained == headers
    required = {row[0].value: row[1].value for row in help_sheet.iter_rows(min_row=2)}
    assert {h for h, r in required.items() if r == "yes"} == {
        c.header for c in columns_for(kind) if c.required
    }


def test_the_help_sheet_lists_the_allowed_values(bundled: Catalogue) -> None:
    help_sheet = workbook(template(RecordKind.SME, SheetFormat.XLSX, bundled.taxonomy))["Help"]
    columns = {
        help_sheet.cell(row=1, column=c).value: [
            help_sheet.cell(row=r, column=c).value for r in range(2, help_sheet.max_row + 1)
        ]
        for c in range(5, help_sheet.max_column + 1)
    }
    assert [v for v in columns["Clusters"] if v] == sorted(bundled.taxonomy.clusters)
    assert [v for v in columns["TRL"] if v] == [str(n) for n in range(1, 10)]
    assert "ES" in columns["Countries (ISO)"] and "pl" in columns["Languages (ISO)"]


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (RecordKind.SME, {"C": "Countries (ISO)", "D": "Clusters", "J": "TRL"}),
        (
            RecordKind.NEED,
            {"B": "Target countries", "G": "Languages (ISO)", "I": "Priority"},
        ),
    ],
)
def test_drop_downs_are_real_data_validations(
    bundled: Catalogue, kind: RecordKind, expected: dict[str, str]
) -> None:
    book = workbook(template(kind, SheetFormat.XLSX, bundled.taxonomy))
    data, help_sheet = book.worksheets
    validations = data.data_validations.dataValidation
    by_column = {str(v.sqref)[0]: v for v in validations}
    assert set(by_column) == set(expected)
    titles = {help_sheet.cell(row=1, column=c).value: c for c in range(1, 20)}
    for letter, title in expected.items():
        rule = by_column[letter]
        assert rule.type == "list"
        assert str(rule.sqref) == f"{letter}2:{letter}5000"
        column_letter = openpyxl.utils.get_column_letter(titles[title])
        assert rule.formula1.startswith(f"='Help'!${column_letter}$2:${column_letter}$")


def test_csv_template_is_a_header_with_a_bom(bundled: Catalogue) -> None:
    content = template(RecordKind.SME, SheetFormat.CSV, bundled.taxonomy)
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows == [[column.header for column in columns_for(RecordKind.SME)]]


@pytest.mark.parametrize("fmt", list(SheetFormat))
def test_same_inputs_same_bytes(bundled: Catalogue, fmt: SheetFormat) -> None:
    first = catalogue_sheet(RecordKind.SME, bundled.smes, fmt, bundled.taxonomy)
    assert first == catalogue_sheet(RecordKind.SME, bundled.smes, fmt, bundled.taxonomy)


def test_formula_like_text_goes_out_inert_and_comes_back_unchanged(
    bundled: Catalogue, tmp_path: Path
) -> None:
    sme = Sme(
        id="inert", name="Inert", country="ES", cluster="solar",
        description="=1+2 is text here", offerings=["-30% energy", "@home"],
        tags=["+PV"], languages=["es"],
    )  # fmt: skip
    for fmt in SheetFormat:
        path = tmp_path / f"s.{fmt}"
        path.write_bytes(catalogue_sheet(RecordKind.SME, [sme], fmt, bundled.taxonomy))
        intake = read_records(path, path.name, RecordKind.SME, bundled.taxonomy)
        assert [item.record for item in intake.records] == [sme], intake.problems
    text = (tmp_path / "s.csv").read_text(encoding="utf-8-sig")
    assert '"\'=1+2 is text here"' in text and '"\'-30% energy\n@home"' in text
    cell = workbook((tmp_path / "s.xlsx").read_bytes()).worksheets[0]["E2"]
    assert cell.data_type == "s" and cell.quotePrefix


# -- the round trip of the whole bundled catalogue, through the command line -----------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("which", ["smes", "needs"])
def test_an_unedited_export_imports_to_the_same_records(
    bundled: Catalogue, tmp_path: Path, fmt: str, which: str
) -> None:
    sheet = tmp_path / f"{which}.{fmt}"
    runner = CliRunner()
    exported = runner.invoke(app, ["export", "--catalogue", which, "--out", str(sheet)])
    assert exported.exit_code == 0, exported.output
    kind = "sme" if which == "smes" else "need"
    out = tmp_path / "catalogue" / which
    imported = runner.invoke(app, ["import", kind, str(sheet), "--out", str(out)])
    assert imported.exit_code == 0, imported.output
    loaded, checked = load_catalogue(tmp_path / "catalogue")
    assert loaded is not None and not checked.errors, checked.errors
    records: tuple[Sme, ...] | tuple[Need, ...] = loaded.smes if which == "smes" else loaded.needs
    assert records == (bundled.smes if which == "smes" else bundled.needs)


def test_a_semicolon_export_imports_too(bundled: Catalogue, tmp_path: Path) -> None:
    sheet = tmp_path / "smes.csv"
    runner = CliRunner()
    args = ["export", "--catalogue", "smes", "--out", str(sheet), "--delimiter", ";"]
    assert runner.invoke(app, args).exit_code == 0
    assert sheet.read_bytes().startswith(b'\xef\xbb\xbf"ID";"Company name";')
    intake = read_records(sheet, sheet.name, RecordKind.SME, bundled.taxonomy)
    assert tuple(item.record for item in intake.records) == bundled.smes


@pytest.mark.parametrize("with_contacts", [True, False])
def test_contacts_only_when_asked(mini_path: Path, tmp_path: Path, with_contacts: bool) -> None:
    mini = open_catalogue(mini_path)
    assert any(sme.contact for sme in mini.smes)
    sheet = tmp_path / "smes.xlsx"
    args = ["export", "--catalogue", "smes", "--data", str(mini_path), "--out", str(sheet)]
    result = CliRunner().invoke(app, args + (["--with-contacts"] if with_contacts else []))
    assert result.exit_code == 0, result.output
    headers = [cell.value for cell in workbook(sheet.read_bytes()).worksheets[0][1]]
    assert ("Contact email" in headers) is with_contacts
    intake = read_records(sheet, sheet.name, RecordKind.SME, mini.taxonomy)
    expected = [s if with_contacts else s.model_copy(update={"contact": None}) for s in mini.smes]
    assert [item.record for item in intake.records] == expected
