"""Layout-driven tables: any row type to CSV, JSON, Markdown and XLSX, safely."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import openpyxl
import pytest

from gssc_match.errors import OutputError
from gssc_match.outputs.export import ExportFormat, ExportRequest
from gssc_match.outputs.layout import Layout, SideSheet, TableRow
from gssc_match.outputs.tables import export_table, table_csv, table_json, table_markdown


@dataclass(frozen=True)
class Pair:
    name: str
    score: float | None
    tags: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "tags": list(self.tags)}


def _flat(row: TableRow) -> dict[str, object]:
    data = row.as_dict()
    return {**data, "tags": "; ".join(str(t) for t in data["tags"])}  # type: ignore[attr-defined]


LAYOUT = Layout(
    title="pairs",
    columns=("name", "score", "tags"),
    number_columns=frozenset({"score"}),
    markdown_columns=("name", "score"),
    cells=_flat,
    side_sheets=(SideSheet("unscored", ("name",), lambda r: r.as_dict()["score"] is None),),
)
ROWS = [Pair("=cmd|x", -0.25, ("a", "@b")), Pair("plain | pipe", None, ())]
ABOUT = {"tool": "t", "catalogue_fingerprint": "f", "generated": "2026-12-02"}


def test_csv_quotes_everything_and_neutralises_text_but_not_numbers() -> None:
    text = table_csv(ROWS, LAYOUT, ";", ",")
    assert text.startswith('"name";"score";"tags"\r\n')
    parsed = list(csv.reader(io.StringIO(table_csv(ROWS, LAYOUT, ";", ",")), delimiter=";"))
    assert parsed[0] == ["name", "score", "tags"]
    assert parsed[1] == ["'=cmd|x", "-0,25", "a; @b"]
    assert parsed[2] == ["plain | pipe", "", ""]


def test_json_keeps_each_rows_own_shape() -> None:
    document = json.loads(table_json(ROWS, ABOUT))
    assert document["about"] == ABOUT
    assert document["rows"][0]["tags"] == ["a", "@b"]


def test_markdown_escapes_pipes_and_shows_the_provenance() -> None:
    text = table_markdown(ROWS, ABOUT, LAYOUT)
    assert text.startswith("# Pairs\n\nt, catalogue `f`, 2026-12-02")
    assert "| plain \\| pipe |  |" in text


def test_xlsx_has_the_rows_the_side_sheets_and_about(tmp_path: Path) -> None:
    out = tmp_path / "p.xlsx"
    export_table(ROWS, ABOUT, ExportRequest(out, ExportFormat.XLSX), LAYOUT)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["pairs", "unscored", "about"]
    first = [c.value for c in book["pairs"][2]]
    assert first == ["=cmd|x", -0.25, "a; @b"] and book["pairs"]["A2"].data_type == "s"
    assert [c.value for c in book["unscored"]["A"]] == ["name", "plain | pipe"]


def test_same_inputs_same_bytes(tmp_path: Path) -> None:
    paths = [tmp_path / "a.xlsx", tmp_path / "b.xlsx"]
    for path in paths:
        export_table(ROWS, ABOUT, ExportRequest(path, ExportFormat.XLSX), LAYOUT)
    assert paths[0].read_bytes() == paths[1].read_bytes()


def test_an_existing_file_is_kept_without_force(tmp_path: Path) -> None:
    out = tmp_path / "p.csv"
    out.write_text("keep", encoding="utf-8")
    with pytest.raises(OutputError):
        export_table(ROWS, ABOUT, ExportRequest(out, ExportFormat.CSV), LAYOUT)
    assert out.read_text(encoding="utf-8") == "keep"
