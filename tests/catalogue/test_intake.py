"""Registration sheets to records: headers in six languages, normalised values, every error."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from gssc_match.catalogue import sheets
from gssc_match.catalogue.columns import HEADERS, RecordKind, columns_for, header_key
from gssc_match.catalogue.intake import Intake, IntakeOptions, read_records
from gssc_match.catalogue.loader import bundled_data, load_taxonomy
from gssc_match.catalogue.models import Need, Sme
from gssc_match.catalogue.sheets import ReadOptions
from gssc_match.catalogue.taxonomy import Taxonomy
from gssc_match.errors import CatalogueError

SME_HEADER = "Company name,Country,Cluster,Description,Offerings,Languages"
GOOD_ROW = "Acme Solar S.L.,ES,solar,Solar pumps for villages,Pumps,es"


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    loaded, problems = load_taxonomy(bundled_data() / "taxonomy.yaml")
    assert loaded is not None, problems
    return loaded


def write(tmp_path: Path, text: str, name: str = "smes.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def read(
    path: Path,
    taxonomy: Taxonomy,
    kind: RecordKind = RecordKind.SME,
    options: IntakeOptions | None = None,
) -> Intake:
    return read_records(path, path.name, kind, taxonomy, options or IntakeOptions())


def rendered(intake: Intake) -> list[str]:
    return [problem.render() for problem in intake.problems]


def only_sme(intake: Intake) -> Sme:
    assert not intake.errors, rendered(intake)
    assert len(intake.records) == 1
    record = intake.records[0].record
    assert isinstance(record, Sme)
    return record


def xlsx(tmp_path: Path, rows: list[list[object]], name: str = "smes.xlsx") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


# -- a good sheet ----------------------------------------------------------------------


def test_a_plain_csv_row_becomes_a_record(tmp_path: Path, taxonomy: Taxonomy) -> None:
    intake = read(write(tmp_path, f"{SME_HEADER}\n{GOOD_ROW}\n"), taxonomy)
    sme = only_sme(intake)
    assert sme == Sme(
        id="acme-solar",
        name="Acme Solar S.L.",
        country="ES",
        cluster="solar",
        description="Solar pumps for villages",
        offerings=["Pumps"],
        languages=["es"],
    )
    assert intake.records[0].row == 2 and intake.records[0].id_made


HEADERS_BY_LANGUAGE = {
    "en": "Company name,Country,Cluster,Description,Offerings,Languages",
    "es": "Nombre de la empresa,País,Clúster,Descripción,Productos y servicios,Idiomas",
    "pt": "Nome da empresa,País,Cluster,Descrição,Produtos e serviços,Línguas",
    "it": "Nome dell'azienda,Paese,Distretto,Descrizione,Prodotti e servizi,Lingue",
    "pl": "Nazwa firmy,Kraj,Klaster,Opis,Produkty i usługi,Języki",
    "vi": "Tên công ty,Quốc gia,Cụm ngành,Mô tả,Sản phẩm và dịch vụ,Ngôn ngữ",
}


@pytest.mark.parametrize("language", sorted(HEADERS_BY_LANGUAGE))
def test_headers_in_each_language(tmp_path: Path, taxonomy: Taxonomy, language: str) -> None:
    intake = read(write(tmp_path, f"{HEADERS_BY_LANGUAGE[language]}\n{GOOD_ROW}\n"), taxonomy)
    assert only_sme(intake).name == "Acme Solar S.L."


def test_headers_ignore_case_accents_spacing_and_notes(tmp_path: Path, taxonomy: Taxonomy) -> None:
    header = "  COMPANY   NAME ,pais,CLUSTER (see Help),descripcion,offerings*,LANGUAGES"
    assert only_sme(read(write(tmp_path, f"{header}\n{GOOD_ROW}\n"), taxonomy)).country == "ES"


def test_need_headers_and_values(tmp_path: Path, taxonomy: Taxonomy) -> None:
    text = (
        "País;Ciudad;Título;Descripción;Idioma;Prioridad;Presupuesto (EUR);Fuentes\n"
        "Cabo Verde;Praia;Água para todos;Precisamos de água;Português;Alta;90 000 €;"
        "https://a.example/1\n"
    )
    intake = read(write(tmp_path, text, "needs.csv"), taxonomy, RecordKind.NEED)
    assert not intake.errors, rendered(intake)
    need = intake.records[0].record
    assert need == Need(
        id="cv-praia-agua-para-todos",
        country="cape-verde",
        city="Praia",
        title="Água para todos",
        description="Precisamos de água",
        language="pt",
        priority="high",
        budget_eur=90000,
        sources=["https://a.example/1"],
    )


def test_no_two_columns_of_a_kind_share_an_alias() -> None:
    for kind in RecordKind:
        seen: dict[str, str] = {}
        for column in columns_for(kind):
            for name in {header_key(n) for n in (column.header, *column.aliases)}:
                assert seen.setdefault(name, column.key) == column.key, (kind, name)


def test_every_header_entry_names_a_field() -> None:
    keys = {column.key for kind in RecordKind for column in columns_for(kind)}
    assert set(HEADERS) <= keys


# -- normalisation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "code"),
    [("España", "ES"), ("Polska", "PL"), ("Italia", "IT"), ("es", "ES"), ("Spain", "ES"),
     ("ESP", "ES"), ("Deutschland", "DE"), ("Việt Nam", "VN"), ("  pl ", "PL"), ("NO", "NO")],
)  # fmt: skip
def test_country_names_and_codes(
    tmp_path: Path, taxonomy: Taxonomy, written: str, code: str
) -> None:
    row = GOOD_ROW.replace(",ES,", f",{written},")
    assert only_sme(read(write(tmp_path, f"{SME_HEADER}\n{row}\n"), taxonomy)).country == code


@pytest.mark.parametrize(
    ("written", "codes"),
    [("Spanish", ["es"]), ("Español; inglés", ["es", "en"]), ("pl, en", ["pl", "en"]),
     ("Tiếng Việt", ["vi"]), ("polski\nangielski", ["pl", "en"]), ("castellano", ["es"])],
)  # fmt: skip
def test_language_names(tmp_path: Path, taxonomy: Taxonomy, written: str, codes: list[str]) -> None:
    text = f'{SME_HEADER}\n{GOOD_ROW.removesuffix(",es")},"{written}"\n'
    assert only_sme(read(write(tmp_path, text), taxonomy)).languages == codes


@pytest.mark.parametrize(("written", "trl"), [("TRL 7", 7), ("7", 7), ("trl-9", 9), ("1", 1)])
def test_trl_as_people_write_it(tmp_path: Path, taxonomy: Taxonomy, written: str, trl: int) -> None:
    text = f"{SME_HEADER},TRL\n{GOOD_ROW},{written}\n"
    assert only_sme(read(write(tmp_path, text), taxonomy)).trl == trl


def test_list_cells_split_on_semicolons_or_lines(tmp_path: Path, taxonomy: Taxonomy) -> None:
    row = GOOD_ROW.replace(",Pumps,", ',"Pumps; Kits ;;Training",')
    text = f'{SME_HEADER},Tags,Markets\n{row},"PV, off-grid\nirrigation","Chile; Perú,Marruecos"\n'

    sme = only_sme(read(write(tmp_path, text), taxonomy))
    assert sme.offerings == ["Pumps", "Kits", "Training"]
    assert sme.tags == ["PV, off-grid", "irrigation"]  # a line break wins over ';' and ','
    assert sme.markets == ["CL", "PE", "MA"]


@pytest.mark.parametrize(
    ("written", "cluster"),
    [("solar", "solar"), ("Solar energy", "solar"), ("SOLARTYS", "solar"), (" Water ", "water")],
)
def test_cluster_by_id_name_or_organisation(
    tmp_path: Path, taxonomy: Taxonomy, written: str, cluster: str
) -> None:
    row = GOOD_ROW.replace(",solar,", f",{written},")
    assert only_sme(read(write(tmp_path, f"{SME_HEADER}\n{row}\n"), taxonomy)).cluster == cluster


@pytest.mark.parametrize(
    ("name", "made"),
    [("Acequia Solar Bombeo S.L.", "acequia-solar-bombeo"),
     ("Bałtyk NanoShield Sp. z o.o.", "baltyk-nanoshield"),
     ("Công ty TNHH Nước Sạch", "nuoc-sach"),
     ("Estense Energia S.r.l.", "estense-energia"),
     ("Łódź  Green   Tech GmbH", "lodz-green-tech"),
     ("A" * 30 + " " + "B" * 30, "a" * 30)],
)  # fmt: skip
def test_ids_from_names(tmp_path: Path, taxonomy: Taxonomy, name: str, made: str) -> None:
    row = GOOD_ROW.replace("Acme Solar S.L.", name)
    assert only_sme(read(write(tmp_path, f"{SME_HEADER}\n{row}\n"), taxonomy)).id == made


def test_a_given_id_is_kept_and_whitespace_trimmed(tmp_path: Path, taxonomy: Taxonomy) -> None:
    text = f"ID,{SME_HEADER}\n  my-id  ,{GOOD_ROW.replace('Acme', '  Acme')}  \n"
    intake = read(write(tmp_path, text), taxonomy)
    sme = only_sme(intake)
    assert (sme.id, sme.name, sme.languages) == ("my-id", "Acme Solar S.L.", ["es"])
    assert not intake.records[0].id_made


@pytest.mark.parametrize("word", ["high", "Alta", "wysoki", "cao", "ALTO"])
def test_priority_words(tmp_path: Path, taxonomy: Taxonomy, word: str) -> None:
    text = f"Country,City,Title,Description,Language,Priority\nChile,Lota,T,D,es,{word}\n"
    intake = read(write(tmp_path, text, "needs.csv"), taxonomy, RecordKind.NEED)
    assert not intake.errors, rendered(intake)
    assert intake.records[0].record.priority == "high"  # type: ignore[union-attr]


# -- errors, each with its exact message -----------------------------------------------

ERROR_CASES = {
    "unknown country": (
        GOOD_ROW.replace(",ES,", ",Spian,"),
        "smes.csv:row 2:column 'Country': 'Spian' is not a country; did you mean Spain (ES)?",
    ),
    "unknown country, no suggestion": (
        GOOD_ROW.replace(",ES,", ",Xq,"),
        "smes.csv:row 2:column 'Country': 'Xq' is not a country; write its name or ISO code, "
        "like ES or PL",
    ),
    "unknown language": (
        GOOD_ROW.replace(",es", ",Spnish"),
        "smes.csv:row 2:column 'Languages': 'Spnish' is not a language; did you mean Spanish (es)?",
    ),
    "unknown cluster": (
        GOOD_ROW.replace(",solar,", ",solr,"),
        "smes.csv:row 2:column 'Cluster': 'solr' is not a cluster; did you mean "
        "Solar energy (solar)?",
    ),
    "empty required cell": (
        GOOD_ROW.replace("Solar pumps for villages", ""),
        "smes.csv:row 2:column 'Description': must not be empty",
    ),
    "formula-like name": (
        GOOD_ROW.replace("Acme Solar S.L.", "=cmd|' /C calc'!A0"),
        "smes.csv:row 2:column 'Company name': must not start with =, +, - or @ "
        "(spreadsheets run it as a formula)",
    ),
    "control character": (
        GOOD_ROW.replace("Solar pumps", "Solar\x1b[31m pumps"),
        "smes.csv:row 2:column 'Description': holds the control character \\x1b; remove it",
    ),
}


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_error_messages(tmp_path: Path, taxonomy: Taxonomy, case: str) -> None:
    row, message = ERROR_CASES[case]
    intake = read(write(tmp_path, f"{SME_HEADER}\n{row}\n"), taxonomy)
    assert rendered(intake) == [message]
    assert intake.records == () and intake.failed_rows == (2,)


def test_trl_out_of_range(tmp_path: Path, taxonomy: Taxonomy) -> None:
    intake = read(write(tmp_path, f"{SME_HEADER},TRL\n{GOOD_ROW},TRL 12\n"), taxonomy)
    assert rendered(intake) == ["smes.csv:row 2:column 'TRL': must be at most 9"]


def test_list_item_too_long(tmp_path: Path, taxonomy: Taxonomy) -> None:
    row = GOOD_ROW.replace(",Pumps,", f",Pumps;{'x' * 201},")
    intake = read(write(tmp_path, f"{SME_HEADER}\n{row}\n"), taxonomy)
    expected = "smes.csv:row 2:column 'Offerings': item 2 must be at most 200 characters"
    assert rendered(intake) == [expected]


def test_bad_need_values(tmp_path: Path, taxonomy: Taxonomy) -> None:
    text = "Country,City,Title,Description,Language,Priority\nChle,Lota,T,D,es,urgentísimo\n"
    intake = read(write(tmp_path, text, "needs.csv"), taxonomy, RecordKind.NEED)
    assert rendered(intake) == [
        "needs.csv:row 2:column 'Country': 'Chle' is not a target country; did you mean "
        "Chile (chile)?",
        "needs.csv:row 2:column 'Priority': 'urgentísimo' is not a priority; choose one of: "
        "high, medium, low",
    ]


def test_unknown_missing_and_doubled_columns(tmp_path: Path, taxonomy: Taxonomy) -> None:
    text = "Company name,Country,País,Cluster,Descripton,Offerings,Fax\nA,ES,ES,solar,x,y,z\n"
    intake = read(write(tmp_path, text), taxonomy)
    assert rendered(intake) == [
        "smes.csv:row 1: no column 'Description'; it is required",
        "smes.csv:row 1: no column 'Languages'; it is required",
        "smes.csv:row 1:column 'País': fills 'Country' like column 'Country'; keep one (or --map)",
        "smes.csv:row 1:column 'Descripton': unknown column; did you mean 'Description'?",
        "smes.csv:row 1:column 'Fax': unknown column; name it in a --map file (or map it to "
        "'-' to leave it out)",
    ]


def test_values_under_no_header(tmp_path: Path, taxonomy: Taxonomy) -> None:
    intake = read(write(tmp_path, f"{SME_HEADER},\n{GOOD_ROW},stray\n"), taxonomy)
    assert rendered(intake) == [
        "smes.csv:row 1: column G has values but no header (first in row 2)"
    ]


def test_duplicate_ids_name_both_rows(tmp_path: Path, taxonomy: Taxonomy) -> None:
    text = (
        f"ID,{SME_HEADER}\n"
        f"a,{GOOD_ROW}\n"
        f",{GOOD_ROW}\n"
        f"a,{GOOD_ROW.replace('Acme', 'Other')}\n"
        f",{GOOD_ROW.replace('S.L.', 'SL')}\n"
    )
    intake = read(write(tmp_path, text), taxonomy)
    assert rendered(intake) == [
        "smes.csv:row 4:column 'ID': id 'a' is also used by row 2",
        "smes.csv:row 5:column 'Company name': makes the id 'acme-solar', like row 3; give one "
        "of them an ID",
    ]
    assert [item.row for item in intake.records] == [2, 3]


def test_every_row_is_checked(tmp_path: Path, taxonomy: Taxonomy) -> None:
    rows = [GOOD_ROW, GOOD_ROW.replace(",ES,", ",Spian,"), "", GOOD_ROW.replace("Acme", "B")]
    rows.append(GOOD_ROW.replace(",es", ",xx").replace("Acme", "C"))
    intake = read(write(tmp_path, SME_HEADER + "\n" + "\n".join(rows) + "\n"), taxonomy)
    assert intake.failed_rows == (3, 6)
    assert [item.row for item in intake.records] == [2, 5]
    assert intake.rows == 4  # the blank line is not a row


def test_empty_file(tmp_path: Path, taxonomy: Taxonomy) -> None:
    assert rendered(read(write(tmp_path, ""), taxonomy)) == ["smes.csv: has no rows"]


def test_rows_above_the_header_are_skipped_and_named(tmp_path: Path, taxonomy: Taxonomy) -> None:
    text = f"SME registration 2026\n\n{SME_HEADER}\n{GOOD_ROW}\n"
    intake = read(write(tmp_path, text), taxonomy)
    assert rendered(intake) == ["smes.csv:row 1: warning: row above the header row skipped"]
    assert intake.records[0].row == 4


# -- CSV dialects and encodings --------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters_are_detected(tmp_path: Path, taxonomy: Taxonomy, delimiter: str) -> None:
    text = f"{SME_HEADER}\n{GOOD_ROW}\n".replace(",", delimiter)
    assert only_sme(read(write(tmp_path, text), taxonomy)).offerings == ["Pumps"]


def test_delimiter_option(tmp_path: Path, taxonomy: Taxonomy) -> None:
    text = f"{SME_HEADER}\n{GOOD_ROW}\n".replace(",", "|")
    options = IntakeOptions(ReadOptions(delimiter="|"))
    assert only_sme(read(write(tmp_path, text), taxonomy, options=options)).country == "ES"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_bom_encodings(tmp_path: Path, taxonomy: Taxonomy, encoding: str) -> None:
    text = f"{SME_HEADER}\r\n{GOOD_ROW.replace('Acme', 'Açaí')}\r\n"
    assert only_sme(read(write(tmp_path, text, encoding=encoding), taxonomy)).name.startswith(
        "Açaí"
    )


def test_cr_line_ends(tmp_path: Path, taxonomy: Taxonomy) -> None:
    assert only_sme(read(write(tmp_path, f"{SME_HEADER}\r{GOOD_ROW}\r"), taxonomy))


def test_cp1252_bytes_name_the_row(tmp_path: Path, taxonomy: Taxonomy) -> None:
    text = f"{SME_HEADER}\n{GOOD_ROW}\n{GOOD_ROW.replace('Acme', 'Café')}\n"
    path = write(tmp_path, text, encoding="cp1252")
    assert rendered(read(path, taxonomy)) == [
        "smes.csv:row 3: byte 0xe9 cannot be read as utf-8-sig; save the file as 'CSV UTF-8', "
        "or name its encoding with --encoding (Excel on Windows writes cp1252)"
    ]
    options = IntakeOptions(ReadOptions(encoding="cp1252"))
    intake = read(path, taxonomy, options=options)
    assert [item.record.name for item in intake.records] == [  # type: ignore[union-attr]
        "Acme Solar S.L.",
        "Café Solar S.L.",
    ]


def test_a_multiline_cell_counts_as_one_row(tmp_path: Path, taxonomy: Taxonomy) -> None:
    row = GOOD_ROW.replace(",Pumps,", ',"a\nb\nc",')
    text = f'{SME_HEADER}\n{row}\n"Café",x\n'
    path = write(tmp_path, text, encoding="cp1252")
    assert rendered(read(path, taxonomy))[0].startswith("smes.csv:row 3: byte 0xe9")


def test_an_old_excel_file_is_named(tmp_path: Path, taxonomy: Taxonomy) -> None:
    path = tmp_path / "smes.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    assert rendered(read(path, taxonomy)) == [
        "smes.xls: is an old Excel 97-2003 workbook; save it as .xlsx or CSV"
    ]


def test_a_symlink_is_refused(tmp_path: Path, taxonomy: Taxonomy) -> None:
    link = tmp_path / "smes.csv"
    link.symlink_to("/etc/passwd")
    assert rendered(read(link, taxonomy)) == [
        "smes.csv: is a symbolic link; only regular files are read"
    ]


# -- XLSX: types, formulas, hidden and merged cells, sheets ----------------------------

XLSX_HEADER = SME_HEADER.split(",")
XLSX_ROW: list[object] = GOOD_ROW.split(",")


def test_a_good_xlsx(tmp_path: Path, taxonomy: Taxonomy) -> None:
    path = xlsx(tmp_path, [[*XLSX_HEADER, "TRL"], [*XLSX_ROW, 7]])
    assert only_sme(read(path, taxonomy)).trl == 7


def test_excel_types_where_text_was_expected(tmp_path: Path, taxonomy: Taxonomy) -> None:
    import datetime as dt

    row: list[object] = [1234, "ES", "solar", "d", dt.datetime(2024, 3, 4), "es", True]
    path = xlsx(tmp_path, [[*XLSX_HEADER, "Tags"], row])
    assert rendered(read(path, taxonomy)) == [
        "smes.xlsx:row 2:column 'Company name': the spreadsheet stored this as a number "
        "(1234), not as text; format the column as Text and type the value again",
        "smes.xlsx:row 2:column 'Offerings': the spreadsheet stored this as a date "
        "(2024-03-04T00:00:00), not as text; format the column as Text and type the value again",
        "smes.xlsx:row 2:column 'Tags': the spreadsheet stored this as a true/false value "
        "(TRUE), not as text; format the column as Text and type the value again",
    ]


def test_formulas_are_read_as_text_never_run(tmp_path: Path, taxonomy: Taxonomy) -> None:
    row = list(XLSX_ROW)
    row[0] = '=HYPERLINK("http://evil.example","Acme")'
    row[3] = "=1+2"
    path = xlsx(tmp_path, [XLSX_HEADER, row])
    assert rendered(read(path, taxonomy)) == [
        "smes.xlsx:row 2:column 'Company name': holds a formula "
        '(=HYPERLINK("http://evil.example","Acme")); formulas are not run: type the value itself',
        "smes.xlsx:row 2:column 'Description': holds a formula (=1+2); formulas are not run: "
        "type the value itself",
    ]


def test_hidden_rows_and_columns_are_skipped_and_named(tmp_path: Path, taxonomy: Taxonomy) -> None:
    path = xlsx(tmp_path, [[*XLSX_HEADER, "Fax"], XLSX_ROW, [*XLSX_ROW[:-1], "xx"]])
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None
    sheet.row_dimensions[3].hidden = True
    sheet.column_dimensions["G"].hidden = True
    book.save(path)
    intake = read(path, taxonomy)
    assert rendered(intake) == [
        "smes.xlsx: warning: hidden column G skipped; unhide it to import it",
        "smes.xlsx:row 3: warning: hidden row skipped; unhide it to import it",
    ]
    assert [item.row for item in intake.records] == [2]


def test_merged_cells_are_named(tmp_path: Path, taxonomy: Taxonomy) -> None:
    second = list(XLSX_ROW)
    second[0] = "Other"
    second[2] = None
    path = xlsx(tmp_path, [XLSX_HEADER, XLSX_ROW, second])
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None
    sheet.merge_cells("C2:C3")
    book.save(path)
    assert rendered(read(path, taxonomy)) == [
        "smes.xlsx:row 2: warning: cells C2:C3 are merged; only C2 is read (unmerge and fill "
        "each row)",
        "smes.xlsx:row 3:column 'Cluster': must not be empty",
    ]


def test_sheet_option_and_unknown_sheet(tmp_path: Path, taxonomy: Taxonomy) -> None:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "Notes"
    first.append(["Read me first"])
    data = book.create_sheet("Data")
    data.append(XLSX_HEADER)
    data.append(XLSX_ROW)
    path = tmp_path / "smes.xlsx"
    book.save(path)
    options = IntakeOptions(ReadOptions(sheet="data"))
    assert only_sme(read(path, taxonomy, options=options)).name == "Acme Solar S.L."
    missing = read(path, taxonomy, options=IntakeOptions(ReadOptions(sheet="SMEs")))
    assert rendered(missing) == ["smes.xlsx: no sheet named 'SMEs'; the sheets are 'Notes', 'Data'"]
    first_sheet = rendered(read(path, taxonomy))
    assert "smes.xlsx: the sheets are 'Notes', 'Data'; pick one: --sheet" in first_sheet


# -- hostile workbooks -----------------------------------------------------------------

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]>\n"
)


def rewrite(path: Path, member: str, change: object) -> None:
    """Rewrite one member of a workbook's ZIP with `change(bytes) -> bytes`."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == member:
                content = change(content)  # type: ignore[operator]
            target.writestr(item.filename, content)
    path.write_bytes(out.getvalue())


def with_doctype(xml: bytes, padding: int = 0) -> bytes:
    body = xml.split(b"?>", 1)[-1]
    comment = b"<!--" + b" " * padding + b"-->" if padding else b""
    return BILLION_LAUGHS.replace(b"\n<!DOCTYPE", b"\n" + comment + b"<!DOCTYPE") + body.replace(
        b"Acme Solar", b"&lol9;"
    )


def test_an_xml_bomb_is_refused_before_parsing(tmp_path: Path, taxonomy: Taxonomy) -> None:
    path = xlsx(tmp_path, [XLSX_HEADER, XLSX_ROW])
    rewrite(path, "xl/worksheets/sheet1.xml", with_doctype)
    assert rendered(read(path, taxonomy)) == [
        "smes.xlsx: 'xl/worksheets/sheet1.xml' declares XML entities (an XML bomb?); "
        "workbooks never need them"
    ]


def test_openpyxl_parses_through_defusedxml() -> None:
    assert openpyxl.DEFUSEDXML is True


def test_defusedxml_refuses_a_bomb_the_scan_misses(tmp_path: Path, taxonomy: Taxonomy) -> None:
    # A long comment pushes the DTD past the bytes the scan reads; openpyxl's parser
    # (through defusedxml) must still refuse it.
    path = xlsx(tmp_path, [XLSX_HEADER, XLSX_ROW])
    rewrite(path, "xl/worksheets/sheet1.xml", lambda xml: with_doctype(xml, padding=8000))
    assert rendered(read(path, taxonomy)) == [
        "smes.xlsx: declares XML entities (an XML bomb?); workbooks never need them"
    ]


def test_a_zip_bomb_is_refused_from_the_directory(tmp_path: Path, taxonomy: Taxonomy) -> None:
    path = xlsx(tmp_path, [XLSX_HEADER, XLSX_ROW])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (8 * 1024 * 1024))
    assert path.stat().st_size < 100_000
    assert rendered(read(path, taxonomy)) == [
        "smes.xlsx: 'xl/media/padding.bin' is compressed 200:1 or more (a ZIP bomb?)"
    ]


def test_total_unpacked_size_is_capped(
    tmp_path: Path, taxonomy: Taxonomy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sheets, "MAX_UNZIPPED_BYTES", 2 * 1024 * 1024)
    path = xlsx(tmp_path, [XLSX_HEADER, XLSX_ROW])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/media/big.bin", b"\1" * (3 * 1024 * 1024))
    assert rendered(read(path, taxonomy)) == [
        "smes.xlsx: unpacks to 3 MiB; the limit is 2 MiB (a ZIP bomb?)"
    ]


def test_a_huge_sheet_is_refused_by_its_dimension(tmp_path: Path, taxonomy: Taxonomy) -> None:
    path = xlsx(tmp_path, [XLSX_HEADER, XLSX_ROW])
    rewrite(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b'<dimension ref="A1:F2"', b'<dimension ref="A1:F9000000"'),
    )
    assert rendered(read(path, taxonomy)) == [
        "smes.xlsx: 'xl/worksheets/sheet1.xml' declares more than 50,000 rows and 200 columns"
    ]


def test_a_huge_sheet_without_dimension_is_refused(tmp_path: Path, taxonomy: Taxonomy) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(XLSX_HEADER)
    sheet.cell(row=60_000, column=1, value="far away")
    path = tmp_path / "smes.xlsx"
    book.save(path)
    rewrite(path, "xl/worksheets/sheet1.xml", lambda xml: re.sub(rb"<dimension[^>]*>", b"", xml))
    assert rendered(read(path, taxonomy)) == [
        "smes.xlsx: sheet 'Sheet' has 60,000 rows and 6 columns; the limit is 50,000 rows and "
        "200 columns"
    ]


def test_a_huge_cell_is_refused(tmp_path: Path, taxonomy: Taxonomy) -> None:
    row = GOOD_ROW.replace("Solar pumps for villages", "x" * 40_000)
    assert rendered(read(write(tmp_path, f"{SME_HEADER}\n{row}\n"), taxonomy)) == [
        "smes.csv:row 2:column 'Description': holds 40,000 characters; a cell may hold at "
        "most 32,767"
    ]
    row = GOOD_ROW.replace("Solar pumps for villages", "x" * 30_000)
    assert rendered(read(write(tmp_path, f"{SME_HEADER}\n{row}\n"), taxonomy)) == [
        "smes.csv:row 2:column 'Description': must be at most 20,000 characters"
    ]


def test_a_damaged_workbook(tmp_path: Path, taxonomy: Taxonomy) -> None:
    path = tmp_path / "smes.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"garbage" * 10)
    assert rendered(read(path, taxonomy)) == [
        "smes.xlsx: is not a readable XLSX workbook (damaged ZIP archive)"
    ]


# -- --map -----------------------------------------------------------------------------


def test_map_file_names_other_headers(tmp_path: Path, taxonomy: Taxonomy) -> None:
    mapping = write(tmp_path, "Firm: name\nHome: Country\nTimestamp: '-'\n", "map.yaml")
    text = "Timestamp,Firm,Home,Cluster,Description,Offerings,Languages\n2026-01-01," + GOOD_ROW
    intake = read(write(tmp_path, text + "\n"), taxonomy, options=IntakeOptions(mapping=mapping))
    assert only_sme(intake).name == "Acme Solar S.L."


def test_map_file_errors_have_lines(tmp_path: Path, taxonomy: Taxonomy) -> None:
    mapping = write(tmp_path, "Firm: nmae\nOther: [a, b]\n", "map.yaml")
    with pytest.raises(CatalogueError) as caught:
        read(write(tmp_path, f"{SME_HEADER}\n"), taxonomy, options=IntakeOptions(mapping=mapping))
    assert [p.render() for p in caught.value.problems] == [
        f"{mapping}:1:7: error: unknown field 'nmae'; did you mean 'name'? (schema)",
        f"{mapping}:2:8: error: 'Other' must map to one field name (schema)",
    ]


def test_cells_refuse_exactly_what_yaml_files_refuse() -> None:
    from gssc_match.catalogue import yamlsafe

    for code in range(0x10000):
        char = chr(code)
        in_yaml = bool(yamlsafe._BAD_CHARS.search(char))
        assert (sheets.bad_character(char) is not None) == in_yaml, hex(code)


def test_limits_and_odd_files(
    tmp_path: Path, taxonomy: Taxonomy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sheets, "MAX_FILE_BYTES", 1000)
    big = write(tmp_path, SME_HEADER + "\n" + "x," * 600 + "\n", "big.csv")
    assert rendered(read(big, taxonomy)) == ["big.csv: file is larger than 0 MiB; split it"]
    monkeypatch.setattr(sheets, "MAX_FILE_BYTES", 32 * 1024 * 1024)
    monkeypatch.setattr(sheets, "MAX_ROWS", 3)
    many = write(tmp_path, SME_HEADER + "\n" + (GOOD_ROW + "\n") * 3, "many.csv")
    assert rendered(read(many, taxonomy)) == ["many.csv: has more than 3 rows; split it"]
    monkeypatch.setattr(sheets, "MAX_COLUMNS", 4)
    wide = write(tmp_path, SME_HEADER + "\n", "wide.csv")
    assert rendered(read(wide, taxonomy)) == ["wide.csv: has 6 columns; at most 4 are read"]
    fake = write(tmp_path, "not a zip", "fake.xlsx")
    assert rendered(read(fake, taxonomy)) == [
        "fake.xlsx: is not an XLSX workbook (no ZIP signature)"
    ]
    options = IntakeOptions(ReadOptions(encoding="klingon"))
    plain = write(tmp_path, SME_HEADER + "\n", "plain.csv")
    assert rendered(read(plain, taxonomy, options=options)) == [
        "plain.csv: unknown encoding 'klingon'"
    ]


def test_a_zip_with_thousands_of_entries(
    tmp_path: Path, taxonomy: Taxonomy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sheets, "MAX_ZIP_ENTRIES", 20)
    path = xlsx(tmp_path, [XLSX_HEADER, XLSX_ROW])
    with zipfile.ZipFile(path, "a") as archive:
        for i in range(20):
            archive.writestr(f"xl/media/{i}.bin", b"x")
    assert rendered(read(path, taxonomy)) == [
        "smes.xlsx: holds 29 files; an XLSX workbook has a few dozen"
    ]


def test_an_error_value_cell(tmp_path: Path, taxonomy: Taxonomy) -> None:
    path = xlsx(tmp_path, [XLSX_HEADER, XLSX_ROW])
    rewrite(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(
            rb'<c r="D2" t="inlineStr"><is><t>[^<]*</t></is></c>',
            b'<c r="D2" t="e"><v>#N/A</v></c>',
            xml,
        ),
    )
    assert rendered(read(path, taxonomy)) == [
        "smes.xlsx:row 2:column 'Description': holds the error value #N/A"
    ]


def test_a_header_without_rows(tmp_path: Path, taxonomy: Taxonomy) -> None:
    intake = read(write(tmp_path, f"{SME_HEADER}\n"), taxonomy)
    assert rendered(intake) == ["smes.csv:row 1: warning: no rows below the header row"]
    assert intake.records == () and not intake.errors


def test_contact_and_english_title_columns(tmp_path: Path, taxonomy: Taxonomy) -> None:
    text = f"{SME_HEADER},Persona de contacto,E-mail\n{GOOD_ROW},Ana Nowak,ana@example.com\n"
    sme = only_sme(read(write(tmp_path, text), taxonomy))
    assert sme.contact is not None
    assert (sme.contact.name, sme.contact.email) == ("Ana Nowak", "ana@example.com")
    half = read(write(tmp_path, f"{SME_HEADER},Contact name\n{GOOD_ROW},Ana Nowak\n"), taxonomy)
    assert rendered(half) == [
        "smes.csv:row 2: needs a value for 'Contact email', which has no column"
    ]
    need = (
        "País,Ciudad,Título,Título en inglés,Descripción,Idioma,Prioridad\n"
        "Chile,Lota,Agua,Water,D,es,alta\n"
    )
    intake = read(write(tmp_path, need, "needs.csv"), taxonomy, RecordKind.NEED)
    assert intake.records[0].record.title_en == "Water"  # type: ignore[union-attr]
