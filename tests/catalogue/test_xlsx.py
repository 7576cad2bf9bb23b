"""The fast XLSX reader gives exactly the `Sheet` that reading through openpyxl gives.

Each workbook is read both ways: `xlsx.read_xlsx` (which must not fall back) and
`sheets._read_with_openpyxl`, the old path. Workbooks come from openpyxl, from hand-written
XML for what openpyxl never writes (shared strings, rich text, shared formulas, rows and
cells without references, prefixed namespaces), from hypothesis, and from LibreOffice.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.comments import Comment
from openpyxl.worksheet.formula import ArrayFormula

from gssc_match.catalogue import sheets, xlsx
from gssc_match.catalogue.sheets import Cell, CellType, ReadOptions, Sheet, read_sheet

SOFFICE = shutil.which("soffice")
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
T, N, D, B, F, E = (
    CellType.TEXT,
    CellType.NUMBER,
    CellType.DATE,
    CellType.BOOL,
    CellType.FORMULA,
    CellType.ERROR,
)


def same(raw: bytes, sheet: str | None = None) -> Sheet:
    """The sheet read fast, after checking openpyxl's path reads exactly the same."""
    options = ReadOptions(sheet=sheet)
    fast = xlsx.read_xlsx(raw, "book.xlsx", options)
    slow = sheets._read_with_openpyxl(raw, "book.xlsx", options)
    assert fast == slow
    return fast


def grid(sheet: Sheet) -> dict[int, list[tuple[str, CellType] | None]]:
    """Row number to each cell's (text, type)."""
    return {
        row.number: [None if c is None else (c.text, c.type) for c in row.cells]
        for row in sheet.rows
    }


def messages(sheet: Sheet) -> list[str]:
    return [problem.render() for problem in sheet.problems]


def saved(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite(raw: bytes, member: str, change: object) -> bytes:
    """A workbook with one member replaced by `change(bytes) -> bytes`."""
    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == member:
                content = change(content)  # type: ignore[operator]
            target.writestr(item.filename, content)
    return out.getvalue()


# -- workbooks written by openpyxl ------------------------------------------------------


def every_kind() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Data"
    sheet.append(["text", "  ", 42, -7, 3.25, 1e20, 2.0, True, False])
    sheet.append([dt.datetime(2024, 3, 4, 5, 6, 7), dt.date(2024, 3, 4), dt.time(13, 45)])
    sheet.append(["=A1&B1", "=SUM(C1:D1)", None, None, "line one\nline two", "Zürich ≠ Zurich"])
    sheet["B4"] = ArrayFormula("B4:B5", "=C1:C2*2")
    formats = ["dd/mm/yyyy", "yyyy-mm-dd hh:mm", "h:mm:ss", "0.00%", "mm"]
    for column, fmt in zip("ABCDE", formats, strict=True):
        sheet[f"{column}6"] = 45000.75
        sheet[f"{column}6"].number_format = fmt
    sheet["F6"] = dt.timedelta(days=1, hours=2)
    sheet["A9"] = "after a gap of two rows"
    sheet["H9"] = "after a gap of columns"
    sheet["A10"] = "hidden row"
    sheet.row_dimensions[10].hidden = True
    sheet["O11"] = "in hidden column O"
    sheet["P11"] = "in hidden column P"
    sheet.column_dimensions.group("O", "P", hidden=True)
    sheet["G12"] = "merged top-left"
    sheet["H12"] = "lost to the merge"
    sheet.merge_cells("G12:H13")
    sheet.merge_cells("K1:L2")  # beyond the data: widens every row
    sheet["J14"].hyperlink = "https://example.org/sme"
    sheet["N15"].comment = Comment("a note on an empty cell", "tester")
    notes = book.create_sheet("Notes")
    notes.append(["Read me first"])
    return book


def test_every_kind_of_cell_written_by_openpyxl() -> None:
    sheet = same(saved(every_kind()))
    rows = grid(sheet)
    assert sheet.sheet_names == ("Data", "Notes")
    assert len(rows[1]) == 16  # up to P, where the last (hidden) value is
    assert rows[1][:9] == [
        ("text", T),
        None,
        ("42", N),
        ("-7", N),
        ("3.25", N),
        ("1e+20", N),
        ("2", N),
        ("TRUE", B),
        ("FALSE", B),
    ]
    assert rows[2][:3] == [("2024-03-04T05:06:07", D), ("2024-03-04T00:00:00", D), ("13:45:00", D)]
    assert rows[3][:2] == [("=A1&B1", F), ("=SUM(C1:D1)", F)]
    assert rows[3][4:6] == [("line one\nline two", T), ("Zürich ≠ Zurich", T)]
    assert rows[4][1] == ("=C1:C2*2", F)  # an array formula's text, not its object
    # Date and time formats make dates; a percentage stays a number.
    assert rows[6][:6] == [
        ("2023-03-15T18:00:00", D),
        ("2023-03-15T18:00:00", D),
        ("2023-03-15T18:00:00", D),
        ("45000.75", N),
        ("2023-03-15T18:00:00", D),
        ("1 day, 2:00:00", F),  # durations come back as timedelta, typed as before
    ]
    assert rows[9][0] == ("after a gap of two rows", T) and rows[9][7] is not None
    assert 10 not in rows and 11 not in rows  # hidden row; row 11 only in hidden columns
    assert rows[12][6:8] == [("merged top-left", T), None]
    assert rows[14][9] == ("https://example.org/sme", T)
    assert messages(sheet) == [
        "book.xlsx:row 10: warning: hidden row skipped; unhide it to import it",
        "book.xlsx: warning: hidden column O skipped; unhide it to import it",
        "book.xlsx: warning: hidden column P skipped; unhide it to import it",
        "book.xlsx:row 1: warning: cells K1:L2 are merged; only K1 is read (unmerge and fill "
        "each row)",
        "book.xlsx:row 12: warning: cells G12:H13 are merged; only G12 is read (unmerge and "
        "fill each row)",
    ]


def test_sheet_option_and_unknown_sheet() -> None:
    raw = saved(every_kind())
    assert grid(same(raw, "notes")) == {1: [("Read me first", T)]}
    missing = same(raw, "SMEs")
    assert messages(missing) == ["book.xlsx: no sheet named 'SMEs'; the sheets are 'Data', 'Notes'"]
    assert missing.sheet_names == ("Data", "Notes") and missing.rows == ()


def test_read_sheet_takes_the_fast_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "smes.xlsx"
    path.write_bytes(saved(every_kind()))
    expected = sheets._read_with_openpyxl(path.read_bytes(), "smes.xlsx", ReadOptions())

    def no_openpyxl(*_: object) -> Sheet:
        raise AssertionError("fell back to openpyxl")

    monkeypatch.setattr(sheets, "_read_with_openpyxl", no_openpyxl)
    assert read_sheet(path, "smes.xlsx") == expected


def test_date1904() -> None:
    book = openpyxl.Workbook()
    book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = dt.datetime(2024, 3, 4, 12)
    sheet["B1"] = 1000
    sheet["B1"].number_format = "yyyy-mm-dd"
    assert grid(same(saved(book))) == {1: [("2024-03-04T12:00:00", D), ("1906-09-27T00:00:00", D)]}


def test_limits_by_cells_and_by_merges() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = "x"
    sheet.merge_cells("B1:GZ1")  # column 208
    wide = same(saved(book))
    assert messages(wide) == [
        "book.xlsx: sheet 'Sheet' has 1 rows and 208 columns; the limit is 50,000 rows and "
        "200 columns"
    ]
    sheet.unmerge_cells("B1:GZ1")
    sheet["A60000"] = "far"
    raw = rewrite(
        saved(book), "xl/worksheets/sheet1.xml", lambda xml: re.sub(rb"<dimension[^>]*>", b"", xml)
    )
    assert messages(same(raw)) == [
        "book.xlsx: sheet 'Sheet' has 60,000 rows and 1 columns; the limit is 50,000 rows and "
        "200 columns"
    ]


# -- hand-written parts -----------------------------------------------------------------

STYLES = f"""<styleSheet xmlns="{MAIN}">
<numFmts count="3"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>
<numFmt numFmtId="165" formatCode="[h]:mm"/><numFmt numFmtId="166" formatCode="0.000"/></numFmts>
<cellXfs count="8"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/>
<xf numFmtId="166"/><xf numFmtId="22"/><xf numFmtId="21"/><xf numFmtId="10"/></cellXfs>
</styleSheet>"""


def package(
    worksheets: list[tuple[str, str]],
    strings: list[str] | None = None,
    date1904: bool = False,
    sheet_rels: dict[int, str] | None = None,
    extra: dict[str, str] | None = None,
    prefix: str = "",
) -> bytes:
    """An XLSX from worksheet bodies (what goes inside <worksheet>) and raw <si> bodies."""
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns{":" + prefix if prefix else ""}="{MAIN}" xmlns:r="{RELS}"'
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(worksheets) + 1)
    )
    if strings is not None:
        overrides += (
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        )
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"'
            f"/>{overrides}</Types>"
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<{p}workbook {xmlns}><{p}workbookPr date1904="{int(date1904)}"/><{p}sheets>'
            + "".join(
                f'<{p}sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>'
                for i, (name, _) in enumerate(worksheets, start=1)
            )
            + f"</{p}sheets></{p}workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(
                # Targets relative to xl/ and absolute, as different writers make them.
                f'<Relationship Id="rId{i}" Type="{RELS}/worksheet" Target="'
                + (f"worksheets/sheet{i}.xml" if i % 2 else f"/xl/worksheets/sheet{i}.xml")
                + '"/>'
                for i in range(1, len(worksheets) + 1)
            )
            + f'<Relationship Id="rIdS" Type="{RELS}/styles" Target="styles.xml"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": STYLES,
    }
    if strings is not None:
        items = "".join(f"<si>{item}</si>" for item in strings)
        parts["xl/sharedStrings.xml"] = f'<sst xmlns="{MAIN}">{items}</sst>'
    for i, (_, body) in enumerate(worksheets, start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = f"<{p}worksheet {xmlns}>{body}</{p}worksheet>"
    for i, rels in (sheet_rels or {}).items():
        parts[f"xl/worksheets/_rels/sheet{i}.xml.rels"] = (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rels}</Relationships>"
        )
    parts.update(extra or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


STRINGS = [
    "<t>plain</t>",
    '<r><rPr><b/><sz val="11"/></rPr><t>rich </t></r><r><t>text</t></r>',
    '<t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/>',
    '<t xml:space="preserve">   </t>',
    "<t>under_x005F_x0041_score</t>",
    "<t>lead </t><r><t>and run</t></r>",
    "<t/>",
]


def test_hand_written_cell_kinds() -> None:
    body = (
        "<sheetData>"
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        '<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c>'
        '<c r="F1" t="s"><v>5</v></c><c r="G1" t="s"><v>6</v></c><c r="H1" t="s"/></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><r><t>in</t></r><r><t>line</t></r></is></c>'
        '<c r="B2" t="str"><f>UPPER("x")</f><v>X</v></c><c r="C2" t="str"><v>cached</v></c>'
        '<c r="D2" t="e"><v>#DIV/0!</v></c><c r="E2" t="b"><v>1</v></c><c r="F2" t="b"><v>0</v></c>'
        '<c r="G2" t="d"><v>2024-03-04T10:20:30</v></c><c r="H2" t="d"><v>2024-03-04</v></c></row>'
        '<row r="3"><c r="A3"><v>12</v></c><c r="B3" t="n"><v>0.5</v></c><c r="C3" s="1"><v>45000'
        '</v></c><c r="D3" s="2"><v>45000.5</v></c><c r="E3" s="3"><v>1.25</v></c>'
        '<c r="F3" s="4"><v>1.5</v></c><c r="G3" s="5"><v>45000.25</v></c><c r="H3" s="6">'
        '<v>0.75</v></c><c r="I3" s="7"><v>0.25</v></c><c r="J3" s="1"><v>99999999</v></c></row>'
        '<row r="4"><c r="A4"><v>1</v></c><c r="B4"><f t="shared" ref="B4:B6" si="0">A4*2+$A$4</f>'
        '<v>3</v></c><c r="C4"><f t="array" ref="C4:C5">A4:A5*10</f><v>10</v></c>'
        '<c r="D4"><f t="dataTable" ref="D4:D5" dt2D="0" dtr="0" r1="A1"/></c></row>'
        '<row r="5"><c r="A5"><v>2</v></c><c r="B5"><f t="shared" si="0"/><v>6</v></c></row>'
        '<row r="6"><c r="A6"><v>3</v></c><c r="B6"><f t="shared" si="0"/><v>9</v></c></row>'
        # Rows and cells without `r`: counted on from the last ones.
        '<row><c><v>7</v></c><c t="inlineStr"><is><t>B7</t></is></c><c r="E7"><v>5</v></c>'
        "<c><v>6</v></c></row>"
        "</sheetData>"
    )
    sheet = same(package([("Kinds", body)], STRINGS))
    rows = grid(sheet)
    assert rows[1] == [
        ("plain", T),
        ("rich text", T),
        ("東京", T),  # the reading aid in <rPh> is not part of the text
        None,
        ("under_x0041_score", T),
        ("lead and run", T),
        None,
        None,
        None,
        None,
    ]
    assert rows[2][:8] == [
        ("inline", T),
        ('=UPPER("x")', F),
        ("cached", T),
        ("#DIV/0!", E),
        ("TRUE", B),
        ("FALSE", B),
        ("2024-03-04T10:20:30", D),
        ("2024-03-04", D),
    ]
    assert rows[3] == [
        ("12", N),
        ("0.5", N),
        ("2023-03-15T00:00:00", D),
        ("2023-03-15T12:00:00", D),
        ("1 day, 6:00:00", F),
        ("1.5", N),
        ("2023-03-15T06:00:00", D),
        ("18:00:00", D),
        ("0.25", N),
        ("#VALUE!", E),  # beyond the last date: openpyxl makes it an error value
    ]
    assert [rows[n][1] for n in (4, 5, 6)] == [
        ("=A4*2+$A$4", F),
        ("=A5*2+$A$4", F),
        ("=A6*2+$A$4", F),
    ]
    assert rows[4][2:4] == [("=A4:A5*10", F), ("=TABLE(,A1)", F)]
    assert rows[7][:6] == [("7", N), ("B7", T), None, None, ("5", N), ("6", N)]


def test_prefixed_namespace_and_date1904() -> None:
    body = (
        '<x:sheetData><x:row r="1"><x:c r="A1" s="1"><x:v>1</x:v></x:c><x:c r="B1" s="1">'
        "<x:v>0.5</x:v></x:c></x:row></x:sheetData>"
    )
    sheet = same(package([("Mac", body)], date1904=True, prefix="x"))
    assert grid(sheet) == {1: [("1904-01-02T00:00:00", D), ("12:00:00", D)]}


def test_hidden_merged_and_linked_cells() -> None:
    body = (
        '<cols><col min="2" max="3" width="9" hidden="1"/><col min="9" max="16384" hidden="true"'
        '/><col min="5" max="5" hidden="false"/></cols><sheetData>'
        '<row r="1" spans="1:8"><c r="A1" t="inlineStr"><is><t>a</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>hidden b</t></is></c>'
        '<c r="D1" t="inlineStr"><is><t>d</t></is></c><c r="E1" t="inlineStr"><is><t>e</t></is>'
        '</c></row><row r="2" hidden="1" ht="15" customHeight="1"><c r="A2" t="inlineStr"><is>'
        '<t>hidden row</t></is></c></row><row r="3" hidden="0"><c r="A3" t="inlineStr"><is><t>'
        'shown</t></is></c><c r="D3" s="0"/><c r="F3" t="inlineStr"><is><t xml:space="preserve">'
        "  </t></is></c></row>"
        '<row r="4"><c r="A4" t="inlineStr"><is><t>top-left</t></is></c><c r="D4" t="inlineStr">'
        '<is><t>merged away</t></is></c></row><row r="5"><c r="A5" t="inlineStr"><is><t>merged'
        " away too</t></is></c></row>"
        "</sheetData>"
        '<mergeCells count="2"><mergeCell ref="A4:D5"/><mergeCell ref="$F$6:$G$7"/></mergeCells>'
        '<hyperlinks><hyperlink ref="D3" r:id="rIdL"/><hyperlink ref="F3" r:id="rIdL"/>'
        '<hyperlink ref="G6" location="Notes!A1"/><hyperlink ref="A8:D8" location="Sheet2!B2" '
        'r:id="rIdL"/><hyperlink ref="H9" r:id="rIdL"/></hyperlinks>'
    )
    rels = (
        f'<Relationship Id="rIdL" Type="{RELS}/hyperlink" Target="https://example.org/a" '
        'TargetMode="External"/>'
    )
    sheet = same(package([("Links", body)], sheet_rels={1: rels}))
    rows = grid(sheet)
    assert rows[1] == [("a", T), None, None, ("d", T), ("e", T), None, None, None]
    assert 2 not in rows
    # An empty cell takes its hyperlink's target; a cell of spaces keeps them.
    assert rows[3][3] == ("https://example.org/a", T) and rows[3][5] is None
    assert rows[4][3] is None  # merged away
    assert 5 not in rows  # its only text was merged away
    # A link into a merged range goes to the range's top-left cell.
    assert rows[6][5] == ("Notes!A1", T)
    # A range's link fills each empty cell, target first (B and C are hidden).
    target = ("https://example.org/a", T)
    assert rows[8][:4] == [target, None, None, target]
    assert rows[9][7] == ("https://example.org/a", T)  # H9 is a new cell
    assert messages(sheet)[:3] == [
        "book.xlsx:row 2: warning: hidden row skipped; unhide it to import it",
        "book.xlsx: warning: hidden column B skipped; unhide it to import it",
        "book.xlsx: warning: hidden column C skipped; unhide it to import it",
    ]
    assert len(messages(sheet)) == 3 + (200 - 8) + 2  # I to GR, then the two merges


def test_overlapping_repeated_and_single_cell_merges() -> None:
    cells = "".join(
        f'<row r="{r}">'
        + "".join(f'<c r="{c}{r}" t="inlineStr"><is><t>{c}{r}</t></is></c>' for c in "ABCD")
        + "</row>"
        for r in range(1, 7)
    )
    merges = ["A1:B2", "A1:C1", "A1:A3", "A1:B2", "D4", "B5:C6", "$C$3:D4"]
    body = (
        f"<sheetData>{cells}</sheetData><mergeCells>"
        + "".join(f'<mergeCell ref="{ref}"/>' for ref in merges)
        + "</mergeCells>"
    )
    sheet = same(package([("M", body)]))
    rows = grid(sheet)
    assert rows[1] == [("A1", T), None, None, ("D1", T)]
    assert rows[3] == [None, ("B3", T), ("C3", T), None]
    assert rows[5] == [("A5", T), ("B5", T), None, ("D5", T)]
    # By top-left cell; ranges sharing one come in the order of openpyxl's set, once each.
    assert [m.split(": warning: ")[1].split(" are")[0] for m in messages(sheet)] == [
        "cells A1:A3",
        "cells A1:C1",
        "cells A1:B2",
        "cells C3:D4",
        "cells D4",
        "cells B5:C6",
    ]


def test_several_sheets_each_read_by_its_own_rules() -> None:
    first = '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData>'
    second = '<sheetData><row r="3"><c r="B3" t="s"><v>1</v></c></row></sheetData>'
    third = "<sheetData/>"
    raw = package([("One", first), ("Two", second), ("Three", third)], ["<t>1</t>", "<t>2</t>"])
    assert grid(same(raw)) == {1: [("1", T)]}
    assert grid(same(raw, "TWO")) == {3: [None, ("2", T)]}
    assert same(raw, "three").rows == ()
    assert same(raw).sheet_names == ("One", "Two", "Three")


# -- hostile and odd workbooks ----------------------------------------------------------

LAUGHS = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'


def padded(doctype: str, body: str) -> str:
    """A DTD pushed past the 4 KiB `sheets` scans, behind a long comment."""
    return '<?xml version="1.0"?><!--' + " " * 8000 + "-->" + doctype + body


def test_entities_are_refused_wherever_the_scan_misses_them() -> None:
    strings = f'<sst xmlns="{MAIN}"><si><t>&lol2;</t></si></sst>'
    body = '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData>'
    raw = package([("S", body)], [], extra={"xl/sharedStrings.xml": padded(LAUGHS, strings)})
    assert messages(same(raw)) == [
        "book.xlsx: declares XML entities (an XML bomb?); workbooks never need them"
    ]


def test_a_plain_doctype_is_read_as_openpyxl_reads_it() -> None:
    # No entities, so openpyxl's defused parser reads it; so must this one.
    body = f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
    part = padded("<!DOCTYPE worksheet>", body + "</sheetData></worksheet>")
    raw = package([("S", "")], extra={"xl/worksheets/sheet1.xml": part})
    assert grid(same(raw)) == {1: [("1", N)]}


def test_parts_it_does_not_read_are_left_to_openpyxl(tmp_path: Path) -> None:
    # docProps/core.xml is parsed by openpyxl only: a bomb there is openpyxl's to refuse.
    core = padded(LAUGHS, '<cp:coreProperties xmlns:cp="urn:x">&lol2;</cp:coreProperties>')
    raw = package([("S", "<sheetData/>")], extra={"docProps/core.xml": core})
    with pytest.raises(xlsx.Unsupported):
        xlsx.read_xlsx(raw, "book.xlsx", ReadOptions())
    path = tmp_path / "book.xlsx"
    path.write_bytes(raw)
    assert messages(read_sheet(path, "book.xlsx")) == [
        "book.xlsx: declares XML entities (an XML bomb?); workbooks never need them"
    ]


@pytest.mark.parametrize(
    "cell",
    [
        '<c r="a1"><v>1</v></c>',  # lower-case reference: openpyxl takes it
        '<c r="A1" s="9"><v>1</v></c>',  # a style that does not exist: openpyxl fails
        '<c r="A1" t="s"><v>5</v></c>',  # a shared string that does not exist
        '<c r="A1"><v>abc</v></c>',  # not a number
    ],
)
def test_what_it_does_not_know_falls_back(tmp_path: Path, cell: str) -> None:
    raw = package([("S", f'<sheetData><row r="1">{cell}</row></sheetData>')], [])
    with pytest.raises(xlsx.Unsupported):
        xlsx.read_xlsx(raw, "book.xlsx", ReadOptions())
    path = tmp_path / "book.xlsx"
    path.write_bytes(raw)
    expected = sheets._read_with_openpyxl(raw, "book.xlsx", ReadOptions())
    assert read_sheet(path, "book.xlsx") == expected


def test_a_fault_in_another_sheet_fails_the_workbook_as_in_openpyxl(tmp_path: Path) -> None:
    good = '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData>'
    bad = '<sheetData><row r="1"><c r="A1" t="s"><v>9</v></c></row></sheetData>'
    raw = package([("Good", good), ("Bad", bad)], ["<t>fine</t>"])
    with pytest.raises(xlsx.Unsupported):
        xlsx.read_xlsx(raw, "book.xlsx", ReadOptions())
    path = tmp_path / "book.xlsx"
    path.write_bytes(raw)
    assert messages(read_sheet(path, "book.xlsx")) == [
        "book.xlsx: is not a readable XLSX workbook (list index out of range)"
    ]


# -- what the fast reader copies from openpyxl ------------------------------------------


def test_the_copied_constants_are_openpyxls() -> None:
    from openpyxl.cell import cell
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
    from openpyxl.xml import constants

    assert xlsx.SHEET_MAIN_NS == constants.SHEET_MAIN_NS
    assert xlsx.REL_NS == constants.REL_NS
    assert xlsx.COMMENTS_NS == constants.COMMENTS_NS
    assert xlsx.SHARED_STRINGS == constants.SHARED_STRINGS
    assert xlsx.ARC_CONTENT_TYPES == constants.ARC_CONTENT_TYPES
    assert xlsx.ARC_STYLE == constants.ARC_STYLE
    assert xlsx._WORKBOOK_TYPES == (constants.XLTM, constants.XLTX, constants.XLSM, constants.XLSX)
    assert xlsx.ERROR_CODES == cell.ERROR_CODES
    assert xlsx.ILLEGAL_CHARACTERS_RE.pattern == cell.ILLEGAL_CHARACTERS_RE.pattern
    dates = {n for n, code in BUILTIN_FORMATS.items() if is_date_format(code)}
    durations = {n for n, code in BUILTIN_FORMATS.items() if is_timedelta_format(code)}
    assert (dates, durations) == (xlsx.BUILTIN_DATES, xlsx.BUILTIN_DURATIONS)


def test_column_letters_are_openpyxls() -> None:
    from openpyxl.utils import get_column_letter

    for number in range(1, 18279):
        assert sheets._letter(number - 1) == get_column_letter(number)
        assert xlsx._column(get_column_letter(number)) == number


FORMAT_PARTS = st.sampled_from(
    [
        "d",
        "dd",
        "m",
        "mm",
        "mmm",
        "yy",
        "yyyy",
        "h",
        "hh",
        "s",
        "ss",
        "[h]",
        "[hh]",
        "[mm]",
        "[ss]",
        ":",
        "/",
        "-",
        ".",
        "0",
        "#",
        ",",
        "%",
        "@",
        "E+",
        ";",
        '"h"',
        '"day"',
        "\\d",
        "_d",
        "[$-409]",
        "[Red]",
        "[$€-2]",
        "AM/PM",
        " ",
        "General",
        ".0",
        ".00",
    ]
)


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(FORMAT_PARTS, max_size=8))
def test_date_formats_as_openpyxl_tells_them(parts: list[str]) -> None:
    from openpyxl.styles.numbers import is_date_format, is_timedelta_format

    code = "".join(parts)
    assert xlsx.is_date_format(code) == is_date_format(code)
    assert xlsx.is_timedelta_format(code) == is_timedelta_format(code)


@settings(max_examples=300, deadline=None)
@given(
    value=st.one_of(
        st.integers(-800_000, 3_000_000),
        st.floats(-800_000, 3_000_000, allow_nan=False),
        st.floats(0, 2, allow_nan=False),
        st.sampled_from([0, 0.5, 59, 60, 61, 1e20, -1e20, 2958465.9999999]),
    ),
    mac=st.booleans(),
    duration=st.booleans(),
)
def test_serial_numbers_as_openpyxl_reads_them(value: float, mac: bool, duration: bool) -> None:
    from openpyxl.utils.datetime import from_excel

    epoch = xlsx.MAC_EPOCH if mac else xlsx.WINDOWS_EPOCH
    try:
        expected: object = from_excel(value, epoch, timedelta=duration)
    except (OverflowError, ValueError) as exc:
        expected = type(exc)
    try:
        got: object = xlsx.from_excel(value, epoch, duration)
    except (OverflowError, ValueError) as exc:
        got = type(exc)
    assert got == expected


# -- properties -------------------------------------------------------------------------

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Cn")), max_size=12)
VALUES = st.one_of(
    st.none(),
    TEXT,
    st.sampled_from(["  ", "=1+2", "=A1", "#N/A", "TRUE", "0123", "3-4"]),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.datetimes(dt.datetime(1901, 1, 1), dt.datetime(2099, 12, 31)),
    st.dates(dt.date(1901, 1, 1), dt.date(2099, 12, 31)),
    st.times(),
)
GRIDS = st.lists(st.lists(VALUES, max_size=6), max_size=6)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(
    values=GRIDS,
    hidden_rows=st.sets(st.integers(1, 6), max_size=2),
    hidden_columns=st.sets(st.sampled_from("ABCDEFG"), max_size=2),
    merges=st.lists(st.tuples(st.integers(1, 6), st.integers(1, 6)), max_size=2),
    number_format=st.sampled_from(["General", "dd/mm/yy", "0.00", "[h]:mm:ss", "h:mm AM/PM"]),
)
def test_any_small_openpyxl_grid(
    values: list[list[object]],
    hidden_rows: set[int],
    hidden_columns: set[str],
    merges: list[tuple[int, int]],
    number_format: str,
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row, items in enumerate(values, start=1):
        for col, value in enumerate(items, start=1):
            cell = sheet.cell(row=row, column=col, value=value)  # type: ignore[call-overload]
            if isinstance(value, int | float) and not isinstance(value, bool) and col == 2:
                cell.number_format = number_format
    for row in hidden_rows:
        sheet.row_dimensions[row].hidden = True
    for column in hidden_columns:
        sheet.column_dimensions[column].hidden = True
    for row, col in merges:
        sheet.merge_cells(start_row=row, start_column=col, end_row=row + 1, end_column=col + 1)
    same(saved(book))


KINDS = st.one_of(
    st.tuples(st.just("s"), st.integers(0, len(STRINGS) - 1)),
    st.tuples(st.just("inlineStr"), TEXT),
    st.tuples(st.just("n"), st.integers(-99999, 99999)),
    st.tuples(st.just("n"), st.floats(-1e6, 1e6, allow_nan=False)),
    st.tuples(st.just("b"), st.sampled_from(["0", "1"])),
    st.tuples(st.just("e"), st.sampled_from(["#N/A", "#REF!"])),
    st.tuples(st.just("str"), TEXT),
    st.tuples(st.just("f"), st.sampled_from(["A1+1", "SUM(A1:B2)", ""])),
    st.tuples(st.just("date"), st.integers(1, 80000)),
    st.tuples(st.just("empty"), st.none()),
)


def xml_cell(kind: str, value: object, ref: str | None) -> str:
    from xml.sax.saxutils import escape

    where = f' r="{ref}"' if ref else ""
    text = escape(str(value))
    if kind == "inlineStr":
        return f'<c{where} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    if kind == "f":
        return f"<c{where}><f>{text}</f><v>0</v></c>"
    if kind == "date":
        return f'<c{where} s="{1 + int(value) % 7}"><v>{value}</v></c>'  # type: ignore[call-overload]
    if kind == "empty":
        return f'<c{where} s="1"/>'
    return f'<c{where} t="{kind}"><v>{text}</v></c>'


@SETTINGS
@given(
    cells=st.lists(st.lists(st.tuples(KINDS, st.booleans(), st.integers(0, 2)), max_size=6)),
    row_gaps=st.lists(st.integers(0, 2), min_size=8, max_size=8),
)
def test_any_small_hand_written_grid(
    cells: list[list[tuple[tuple[str, object], bool, int]]], row_gaps: list[int]
) -> None:
    rows, number = [], 0
    for items, gap in zip(cells, row_gaps, strict=False):
        number += 1 + gap
        column, xml = 0, []
        for (kind, value), with_ref, skip in items:
            column += 1 + skip
            letters = openpyxl.utils.get_column_letter(column)
            # Without `r` a cell is placed after the one before it; skipped columns need one.
            ref = f"{letters}{number}" if with_ref or skip else None
            xml.append(xml_cell(kind, value, ref))
        rows.append(
            f'<row r="{number}">{"".join(xml)}</row>' if gap else f"<row>{''.join(xml)}</row>"
        )
    same(package([("Grid", f"<sheetData>{''.join(rows)}</sheetData>")], STRINGS))


def fast_or_fallback(raw: bytes) -> bool:
    """Whether the fast reader read it; when it does, it must agree with openpyxl."""
    try:
        fast = xlsx.read_xlsx(raw, "book.xlsx", ReadOptions())
    except xlsx.Unsupported:
        return False
    assert fast == sheets._read_with_openpyxl(raw, "book.xlsx", ReadOptions())
    return True


FLAGS = st.sampled_from(["1", "0", "true", "false", "f", "", "yes"])
REFS = st.builds(
    lambda c1, r1, w, h: f"{'ABCDEFG'[c1]}{r1}:{'ABCDEFGHIJ'[c1 + w]}{r1 + h}",
    st.integers(0, 6),
    st.integers(1, 6),
    st.integers(0, 3),
    st.integers(0, 2),
)


@SETTINGS
@given(
    filled=st.sets(st.tuples(st.integers(1, 8), st.integers(0, 8)), max_size=25),
    hidden_rows=st.dictionaries(st.integers(1, 8), FLAGS, max_size=3),
    hidden_columns=st.lists(st.tuples(st.integers(1, 9), st.integers(0, 3), FLAGS), max_size=3),
    merges=st.lists(REFS, max_size=3),
    links=st.lists(st.tuples(st.one_of(REFS, st.sampled_from(["A1", "C3", "J9"])), FLAGS)),
)
def test_random_hidden_merged_and_linked_cells(
    filled: set[tuple[int, int]],
    hidden_rows: dict[int, str],
    hidden_columns: list[tuple[int, int, str]],
    merges: list[str],
    links: list[tuple[str, str]],
) -> None:
    cols = "".join(
        f'<col min="{first}" max="{first + more}" hidden="{flag}"/>'
        for first, more, flag in hidden_columns
    )
    rows = []
    for number in range(1, 9):
        cells = "".join(
            f'<c r="{"ABCDEFGHI"[col]}{number}" t="inlineStr"><is><t>{col}</t></is></c>'
            if (number + col) % 3
            else f'<c r="{"ABCDEFGHI"[col]}{number}" s="1"/>'  # styled, empty
            for n, col in sorted(filled)
            if n == number
        )
        hidden = f' hidden="{hidden_rows[number]}"' if number in hidden_rows else ""
        rows.append(f'<row r="{number}"{hidden}>{cells}</row>')
    body = (cols and f"<cols>{cols}</cols>") + f"<sheetData>{''.join(rows)}</sheetData>"
    if merges:
        body += "<mergeCells>" + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
        body += "</mergeCells>"
    if links:
        body += "<hyperlinks>" + "".join(
            f'<hyperlink ref="{ref}" location="{"=x" if flag == "1" else "Here!A1"}"/>'
            for ref, flag in links
        )
        body += "</hyperlinks>"
    fast_or_fallback(package([("R", body)]))


# -- LibreOffice ------------------------------------------------------------------------


def calc(source: Path, tmp_path: Path, *infilter: str) -> bytes:
    """`source` converted to XLSX by LibreOffice Calc."""
    assert SOFFICE is not None
    profile = (tmp_path / "lo-profile").as_uri()
    outdir = tmp_path / "calc"
    command = [SOFFICE, f"-env:UserInstallation={profile}", "--headless", *infilter]
    command += ["--convert-to", "xlsx", "--outdir", str(outdir), str(source)]
    subprocess.run(command, check=True, capture_output=True, timeout=180)
    return (outdir / f"{source.stem}.xlsx").read_bytes()


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_a_csv_converted_by_libreoffice(tmp_path: Path) -> None:
    csv_file = tmp_path / "smes.csv"
    csv_file.write_text(
        "Company name,Country,Founded,Share,Active,Website\n"
        "Acme Solar S.L.,ES,2019-05-04,0.25,TRUE,https://acme.example\n"
        "Zürich Wärme AG,CH,2020-01-31,1.5,FALSE,\n"
        ",,,,,\n"
        "Ōsaka Kōgyō,JP,12/03/2021,42,TRUE,http://x.example\n",
        encoding="utf-8",
    )
    # Comma, double quote, UTF-8 (76), from line 1.
    raw = calc(csv_file, tmp_path, "--infilter=CSV:44,34,76,1")
    assert b"sharedStrings" in raw  # LibreOffice writes shared strings, unlike openpyxl
    rows = grid(same(raw))
    assert sorted(rows) == [1, 2, 3, 5]
    assert rows[1][0] == ("Company name", T)
    assert rows[2][0] == ("Acme Solar S.L.", T) and rows[2][3] == ("0.25", N)
    assert rows[2][2] == ("2019-05-04T00:00:00", D)
    assert rows[3][0] == ("Zürich Wärme AG", T)
    assert rows[5][0] == ("Ōsaka Kōgyō", T)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_a_workbook_saved_again_by_libreoffice(tmp_path: Path) -> None:
    source = tmp_path / "rich.xlsx"
    source.write_bytes(saved(every_kind()))
    raw = calc(source, tmp_path)
    assert b"xl/comments" in raw  # and its own row attributes, styles and shared strings
    sheet = same(raw)
    rows = grid(sheet)
    assert rows[1][:9] == [
        ("text", T),
        None,
        ("42", N),
        ("-7", N),
        ("3.25", N),
        ("1e+20", N),
        ("2", N),
        ("=TRUE()", F),  # Calc stores booleans as formulas
        ("=FALSE()", F),
    ]
    assert rows[12][6] == ("merged top-left", T)
    assert len(messages(sheet)) == 5


def test_cells_are_plain_values() -> None:
    # The fast reader builds the same frozen cells `sheets` defines.
    sheet = same(package([("S", '<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>')]))
    assert sheet.rows[0].cells == (Cell("1", CellType.NUMBER),)


def test_a_workbook_without_worksheets_is_refused_with_a_message() -> None:
    """Both paths say so (openpyxl's once raised IndexError: a traceback on bad input)."""
    raw = saved(openpyxl.Workbook())
    raw = rewrite(raw, "xl/workbook.xml", lambda b: re.sub(rb"<sheets>.*</sheets>", b"", b))
    raw = rewrite(
        raw,
        "xl/_rels/workbook.xml.rels",
        lambda b: re.sub(rb"<Relationship[^>]*worksheet[^>]*/>", b"", b),
    )
    result = read_sheet_bytes(raw)
    assert not result.rows
    assert messages(result) == [
        "book.xlsx: the workbook holds no worksheet (only chart sheets, or none at all)"
    ]


def read_sheet_bytes(raw: bytes) -> Sheet:
    return sheets._read_xlsx(raw, "book.xlsx", ReadOptions())
