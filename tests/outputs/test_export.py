"""Export shortlists: every format reads back to the rows `rank --format json` shows, safely."""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import re
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner, Result

from gssc_match.about import about_run
from gssc_match.api import rank
from gssc_match.catalogue.loader import Catalogue
from gssc_match.catalogue.models import Sme
from gssc_match.cli import app
from gssc_match.matching.scoring import load_weights
from gssc_match.outputs import export as export_module
from gssc_match.outputs.export import ExportFormat, ExportRequest, export, format_for
from gssc_match.outputs.formats import FORMULA_START, neutralise
from gssc_match.outputs.rows import HEADERS, NUMBER_COLUMNS, output_columns
from gssc_match.selection import Selection

Rows = list[dict[str, Any]]
COLUMNS = output_columns()
COLUMN_OF = {heading: column for column, heading in HEADERS.items()}
INJECTION = '=HYPERLINK("http://x","y")'
NAMES_WITH_DIACRITICS = ("Huế", "Hội An", "Powódź Alarm", "e-Urząd", "Valparaíso")
TITLES_WITH_DIACRITICS = ("Hệ thống cảnh báo lũ sớm cho sông Hương", "Água potável")
OPTION_SETS = [
    [],
    ["--country", "VN", "--top", "2"],
    ["--cluster", "water", "--min-score", "0.2"],
    ["--need", "cv-sal-dessalinizacao", "--need", "vn-hoi-an-lantern-crafts", "--top", "3"],
    ["--sme", "brine-less", "--top", "4"],
]


def invoke(mini_path: Path, *args: str) -> Result:
    return CliRunner().invoke(app, [*args, "--data", str(mini_path)])


def rank_rows(mini_path: Path, options: list[str]) -> Rows:
    result = invoke(mini_path, "rank", "--format", "json", *options)
    assert result.exit_code == 0, result.output
    rows: Rows = json.loads(result.stdout)["rows"]
    assert rows
    return rows


def exported(mini_path: Path, out: Path, *options: str) -> Path:
    result = invoke(mini_path, "export", "--out", str(out), *options)
    assert result.exit_code == 0, result.output
    return out


# -- reading each format back ----------------------------------------------------------


def csv_value(column: str, text: str, decimal: str = ".") -> object:
    """A CSV cell as the JSON value it stands for."""
    if text == "":
        return None
    if column == "no_good_match":
        return {"true": True, "false": False}[text]
    if column == "rank":
        return int(text)
    if column in NUMBER_COLUMNS:
        assert "." not in text or decimal == ".", f"{column}: {text!r} has a decimal point"
        return float(text.replace(decimal, "."))
    return text


def read_csv(path: Path, delimiter: str = ",", decimal: str = ".") -> Rows:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        header = next(reader)
        assert tuple(header) == COLUMNS
        return [
            {c: csv_value(c, v, decimal) for c, v in zip(header, line, strict=True)}
            for line in reader
        ]


def sheet_records(path: Path, sheet: str) -> Rows:
    """A sheet's rows keyed by column name (the sheet shows human headings)."""
    book = openpyxl.load_workbook(path)
    rows = list(book[sheet].iter_rows(values_only=True))
    header = [COLUMN_OF.get(str(h), str(h)) for h in rows[0]]
    return [dict(zip(header, values, strict=True)) for values in rows[1:]]


def read_xlsx(path: Path) -> Rows:
    """The first sheet, in the column order of the other formats."""
    first = openpyxl.load_workbook(path).worksheets[0].title
    return [{c: record[c] for c in COLUMNS} for record in sheet_records(path, first)]


def comparable(rows: Rows) -> Rows:
    """Rows with empty text as None: a spreadsheet cell cannot hold an empty string."""
    return [{k: (None if v == "" else v) for k, v in row.items()} for row in rows]


# -- every format equals `rank --format json` ------------------------------------------


@pytest.mark.parametrize("options", OPTION_SETS, ids=lambda o: " ".join(o) or "default")
def test_csv_equals_rank_json(tmp_path: Path, mini_path: Path, options: list[str]) -> None:
    out = exported(mini_path, tmp_path / "s.csv", *options)
    assert comparable(read_csv(out)) == comparable(rank_rows(mini_path, options))


@pytest.mark.parametrize("options", OPTION_SETS, ids=lambda o: " ".join(o) or "default")
def test_xlsx_equals_rank_json(tmp_path: Path, mini_path: Path, options: list[str]) -> None:
    out = exported(mini_path, tmp_path / "s.xlsx", *options)
    assert read_xlsx(out) == comparable(rank_rows(mini_path, options))


@pytest.mark.parametrize("options", OPTION_SETS, ids=lambda o: " ".join(o) or "default")
def test_json_equals_rank_json(tmp_path: Path, mini_path: Path, options: list[str]) -> None:
    out = exported(mini_path, tmp_path / "s.json", *options)
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["rows"] == rank_rows(mini_path, options)


def test_json_export_carries_the_same_provenance_as_rank(tmp_path: Path, mini_path: Path) -> None:
    out = exported(mini_path, tmp_path / "s.json", "--top", "2")
    about = json.loads(out.read_text(encoding="utf-8"))["about"]
    shown = json.loads(invoke(mini_path, "rank", "--format", "json", "--top", "2").stdout)
    assert about.pop("generated")
    assert about == shown["about"]


def test_markdown_shows_every_row(tmp_path: Path, mini_path: Path) -> None:
    out = exported(mini_path, tmp_path / "s.md")
    text = out.read_text(encoding="utf-8")
    table = [line for line in text.splitlines() if re.match(r"\| [0-9]+ \|", line)]
    rows = rank_rows(mini_path, [])
    matched = [r for r in rows if r["sme_id"]]
    assert len(table) == len(matched)
    for line, row in zip(table, matched, strict=True):
        assert line.startswith(f"| {row['rank']} | ")
        assert f"`{row['sme_id']}`" in line
    for row in rows:
        assert f"`{row['need_id']}`" in text
    assert "No good match" in text


def test_xlsx_lists_needs_without_a_good_match(tmp_path: Path, mini_path: Path) -> None:
    out = exported(mini_path, tmp_path / "s.xlsx")
    missing = sheet_records(out, "No good match")
    assert [r["need_id"] for r in missing] == ["vn-hoi-an-lantern-crafts"]
    about = {r["Setting"]: r["Value"] for r in sheet_records(out, "About")}
    assert str(about["catalogue_fingerprint"]).startswith("sha256:")


def test_labels_and_reasons_reach_every_export(tmp_path: Path, mini_path: Path) -> None:
    labels = load_weights().labels
    rows = rank_rows(mini_path, [])
    for row in rows:
        if row["no_good_match"]:
            assert row["label"] is None and row["reason"]
        else:
            assert row["label"] == labels.label(row["score"])
    assert {r["label"] for r in rows} - {None}
    assert [r["label"] for r in read_csv(exported(mini_path, tmp_path / "s.csv"))] == [
        r["label"] for r in rows
    ]
    records = read_xlsx(exported(mini_path, tmp_path / "s.xlsx"))
    assert [r["label"] for r in records] == [r["label"] for r in rows]
    assert [r["reason"] for r in records] == [r["reason"] or None for r in rows]
    missing = sheet_records(tmp_path / "s.xlsx", "No good match")
    reasons = [r["reason"] for r in rows if r["no_good_match"]]
    assert [r["why"] for r in missing] == [f"No good match: {reason}." for reason in reasons]
    markdown = exported(mini_path, tmp_path / "s.md").read_text(encoding="utf-8")
    assert "| Label |" in markdown
    assert any(f"| {label} |" in markdown for label in ("strong", "good", "partial"))


def test_xlsx_numbers_are_numbers(tmp_path: Path, mini_path: Path) -> None:
    out = exported(mini_path, tmp_path / "s.xlsx")
    sheet = openpyxl.load_workbook(out)["Shortlist"]
    header = [COLUMN_OF[str(c.value)] for c in sheet[1]]
    first = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert first["rank"].data_type == "n"
    assert first["score"].data_type == "n"
    assert first["no_good_match"].data_type == "b"
    assert first["need_id"].data_type == "s"


# -- text survives ---------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json", ".md"])
def test_diacritics_survive_every_format(tmp_path: Path, mini_path: Path, suffix: str) -> None:
    out = exported(mini_path, tmp_path / f"s{suffix}", "--top", "1")
    if suffix == ".csv":
        text = json.dumps(read_csv(out), ensure_ascii=False)
    elif suffix == ".xlsx":
        text = json.dumps(read_xlsx(out), ensure_ascii=False)
    else:
        text = out.read_text(encoding="utf-8")
    shown = NAMES_WITH_DIACRITICS + (() if suffix == ".md" else TITLES_WITH_DIACRITICS)
    for word in shown:
        assert word in text


def test_csv_has_a_bom_and_quotes_every_field(tmp_path: Path, mini_path: Path) -> None:
    raw = exported(mini_path, tmp_path / "s.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = raw[3:].split(b"\r\n")[0].decode("utf-8")
    assert header == ",".join(f'"{c}"' for c in COLUMNS)


def test_csv_with_a_semicolon(tmp_path: Path, mini_path: Path) -> None:
    out = exported(mini_path, tmp_path / "s.csv", "--delimiter", ";")
    first = out.read_text(encoding="utf-8-sig").splitlines()[0]
    assert first == ";".join(f'"{c}"' for c in COLUMNS)
    assert comparable(read_csv(out, ";", ",")) == comparable(rank_rows(mini_path, []))


def test_a_semicolon_brings_a_decimal_comma(tmp_path: Path, mini_path: Path) -> None:
    out = exported(mini_path, tmp_path / "s.csv", "--delimiter", ";")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    scores = [r["score"] for r in rows if r["score"]]
    assert scores and all(re.fullmatch(r"[01](,[0-9]+)?", s) for s in scores)


@pytest.mark.parametrize(
    ("options", "delimiter", "decimal"),
    [
        ([], ",", "."),
        (["--delimiter", "\t", "--decimal", ","], "\t", ","),
        (["--delimiter", ";", "--decimal", "."], ";", "."),
    ],
)
def test_decimal_option(
    tmp_path: Path, mini_path: Path, options: list[str], delimiter: str, decimal: str
) -> None:
    out = exported(mini_path, tmp_path / "s.csv", *options)
    assert comparable(read_csv(out, delimiter, decimal)) == comparable(rank_rows(mini_path, []))


@pytest.mark.parametrize("options", [["--decimal", ";"], ["--decimal", ",", "--delimiter", ","]])
def test_a_decimal_mark_that_cannot_work_is_a_usage_error(
    tmp_path: Path, mini_path: Path, options: list[str]
) -> None:
    out = tmp_path / "s.csv"
    result = invoke(mini_path, "export", "--out", str(out), *options)
    assert result.exit_code == 2, result.output
    assert "--decimal" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("delimiter", ["", ";;", '"', "\n"])
def test_a_bad_delimiter_is_a_usage_error(tmp_path: Path, mini_path: Path, delimiter: str) -> None:
    out = tmp_path / "s.csv"
    result = invoke(mini_path, "export", "--out", str(out), "--delimiter", delimiter)
    assert result.exit_code == 2
    assert not out.exists()


# -- formulas stay inert ---------------------------------------------------------------


@pytest.fixture
def hostile(mini: Catalogue) -> Catalogue:
    """The test catalogue plus an SME named like a formula (the validator would refuse it)."""
    [sal] = [n for n in mini.needs if n.id == "cv-sal-dessalinizacao"]
    sme = Sme.model_construct(
        id="zz-formula",
        name=INJECTION,
        country="PT",
        cluster="water",
        description=sal.description,
        offerings=[sal.title],
        tags=list(sal.tags),
        languages=["pt"],
        markets=["CV"],
        trl=None,
        website=None,
    )
    smes = tuple(sorted((*mini.smes, sme), key=lambda s: s.id))
    return dataclasses.replace(mini, smes=smes)


def export_hostile(catalogue: Catalogue, path: Path, fmt: ExportFormat) -> None:
    weights = load_weights()
    selection = Selection(need_ids=("cv-sal-dessalinizacao",), top=3)
    result = rank(catalogue, selection, weights)
    assert INJECTION in [r.sme_name for r in result.rows]
    export(result.rows, about_run(catalogue, weights, selection), ExportRequest(path, fmt))


def test_a_formula_name_is_inert_in_csv(tmp_path: Path, hostile: Catalogue) -> None:
    out = tmp_path / "s.csv"
    export_hostile(hostile, out, ExportFormat.CSV)
    raw = out.read_text(encoding="utf-8-sig")
    assert '"\'=HYPERLINK(""http://x"",""y"")"' in raw
    names = [r["sme_name"] for r in read_csv(out)]
    assert "'" + INJECTION in names
    assert INJECTION not in names


def test_a_formula_name_is_inert_in_xlsx(tmp_path: Path, hostile: Catalogue) -> None:
    out = tmp_path / "s.xlsx"
    export_hostile(hostile, out, ExportFormat.XLSX)
    sheet = openpyxl.load_workbook(out)["Shortlist"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == INJECTION]
    assert len(cells) == 1
    assert cells[0].data_type == "s"
    with zipfile.ZipFile(out) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in xml
    [cell] = re.findall(r"<c [^>]*><is><t>=HYPERLINK[^<]*</t></is></c>", xml)
    assert 't="inlineStr"' in cell  # text, not a formula


def test_a_formula_name_is_plain_text_in_json(tmp_path: Path, hostile: Catalogue) -> None:
    out = tmp_path / "s.json"
    export_hostile(hostile, out, ExportFormat.JSON)
    names = [r["sme_name"] for r in json.loads(out.read_text(encoding="utf-8"))["rows"]]
    assert INJECTION in names


@pytest.mark.parametrize("start", FORMULA_START)
def test_neutralise_every_formula_start(start: str) -> None:
    assert neutralise(start + "1+2") == "'" + start + "1+2"


@pytest.mark.parametrize("text", ["Água", "1+2", "a=b", "", "'quoted"])
def test_neutralise_leaves_plain_text_alone(text: str) -> None:
    assert neutralise(text) == text


# -- never lose a file -----------------------------------------------------------------


def test_an_existing_file_is_kept_without_force(tmp_path: Path, mini_path: Path) -> None:
    out = tmp_path / "s.csv"
    out.write_text("last week's shortlist", encoding="utf-8")
    result = invoke(mini_path, "export", "--out", str(out))
    assert result.exit_code == 1
    assert "--force" in result.stderr
    assert out.read_text(encoding="utf-8") == "last week's shortlist"


def test_force_replaces_an_existing_file(tmp_path: Path, mini_path: Path) -> None:
    out = tmp_path / "s.csv"
    out.write_text("last week's shortlist", encoding="utf-8")
    exported(mini_path, out, "--force")
    assert comparable(read_csv(out)) == comparable(rank_rows(mini_path, []))


@pytest.mark.parametrize(
    "target", ["smes/brine-less.yaml", "needs/chile/cl-temuco-residuos-organicos.yaml"]
)
@pytest.mark.parametrize("extra", [[], ["--force"], ["--format", "csv", "--force"]])
def test_an_input_file_is_never_a_target(mini_copy: Path, target: str, extra: list[str]) -> None:
    out = mini_copy / target
    before = out.read_bytes()
    result = invoke(mini_copy, "export", "--out", str(out), "--format", "json", *extra)
    assert result.exit_code in (1, 2)
    assert out.read_bytes() == before


@pytest.mark.parametrize("name", ["taxonomy.yaml", "judgments.yaml"])
def test_taxonomy_and_judgments_are_protected(mini_copy: Path, name: str) -> None:
    out = mini_copy / name
    before = out.read_bytes()
    result = invoke(mini_copy, "export", "--out", str(out), "--format", "csv", "--force")
    assert result.exit_code == 1
    assert "input file" in result.stderr
    assert out.read_bytes() == before


def test_a_link_to_an_input_file_is_protected(tmp_path: Path, mini_copy: Path) -> None:
    victim = mini_copy / "smes" / "brine-less.yaml"
    before = victim.read_bytes()
    link = tmp_path / "shortlist.csv"
    link.symlink_to(victim)
    result = invoke(mini_copy, "export", "--out", str(link), "--force")
    assert result.exit_code == 1
    assert victim.read_bytes() == before


def test_the_weights_file_is_protected(tmp_path: Path, mini_path: Path) -> None:
    from gssc_match.matching.scoring import DEFAULT_WEIGHTS

    weights = tmp_path / "weights.yaml"
    weights.write_bytes(DEFAULT_WEIGHTS.read_bytes())
    before = weights.read_bytes()
    result = invoke(
        mini_path,
        "export",
        "-o",
        str(weights),
        "--format",
        "csv",
        "--force",
        "--weights",
        str(weights),
    )
    assert result.exit_code == 1
    assert weights.read_bytes() == before


def test_a_missing_folder_is_a_clear_error(tmp_path: Path, mini_path: Path) -> None:
    result = invoke(mini_path, "export", "--out", str(tmp_path / "nowhere" / "s.csv"))
    assert result.exit_code == 1
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_a_failed_rename_keeps_the_old_file_and_no_temporary(
    tmp_path: Path, mini_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "s.csv"
    out.write_text("old", encoding="utf-8")

    def fail(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("gssc_match.outputs.export.os.replace", fail)
    result = invoke(mini_path, "export", "--out", str(out), "--force")
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr
    assert out.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.csv"]


def test_an_interrupted_write_keeps_the_old_file_and_no_temporary(
    tmp_path: Path, mini: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "s.json"
    out.write_text("old", encoding="utf-8")

    def interrupt(_: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("gssc_match.outputs.export.os.fsync", interrupt)
    rows = rank(mini, Selection(top=1)).rows
    with pytest.raises(KeyboardInterrupt):
        export(rows, {}, ExportRequest(out, ExportFormat.JSON, force=True))
    assert out.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]


def test_a_failing_renderer_touches_nothing(
    tmp_path: Path, mini_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "s.xlsx"
    out.write_text("old", encoding="utf-8")

    def broken(*_: object) -> bytes:
        raise RuntimeError("renderer failed")

    monkeypatch.setitem(export_module.RENDERERS, ExportFormat.XLSX, broken)
    result = invoke(mini_path, "export", "--out", str(out), "--force")
    assert result.exit_code != 0
    assert out.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.xlsx"]


# -- formats and reproducibility -------------------------------------------------------


def test_an_unknown_suffix_is_a_usage_error(tmp_path: Path, mini_path: Path) -> None:
    out = tmp_path / "s.txt"
    result = invoke(mini_path, "export", "--out", str(out))
    assert result.exit_code == 2
    assert "--format" in result.stderr
    assert not out.exists()


def test_format_overrides_the_suffix(tmp_path: Path, mini_path: Path) -> None:
    out = exported(mini_path, tmp_path / "s.txt", "--format", "csv")
    assert comparable(read_csv(out)) == comparable(rank_rows(mini_path, []))


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("a.csv", ExportFormat.CSV),
        ("a.CSV", ExportFormat.CSV),
        ("a.xlsx", ExportFormat.XLSX),
        ("a.json", ExportFormat.JSON),
        ("a.md", ExportFormat.MD),
        ("a.markdown", ExportFormat.MD),
    ],
)
def test_format_from_suffix(name: str, fmt: ExportFormat) -> None:
    assert format_for(Path(name), None) is fmt


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json", ".md"])
def test_same_inputs_give_the_same_bytes(
    tmp_path: Path, mini_path: Path, suffix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = exported(mini_path, tmp_path / f"a{suffix}").read_bytes()
    second = exported(mini_path, tmp_path / f"b{suffix}").read_bytes()
    assert first == second
    if suffix == ".json":
        assert json.loads(first)["about"]["generated"] == "2023-11-14"


def test_export_reports_what_it_wrote(tmp_path: Path, mini_path: Path) -> None:
    out = tmp_path / "s.csv"
    result = invoke(mini_path, "export", "--out", str(out), "--top", "1")
    assert f"wrote {len(rank_rows(mini_path, ['--top', '1']))} rows" in result.stderr
    assert result.stdout == ""


def test_csv_to_stdout_equals_the_csv_file(tmp_path: Path, mini_path: Path) -> None:
    """`rank --format csv` and `export` build the same text (only the BOM differs)."""
    shown = invoke(mini_path, "rank", "--format", "csv").stdout
    written = exported(mini_path, tmp_path / "s.csv").read_text(encoding="utf-8-sig")
    assert shown == written


# -- permissions -----------------------------------------------------------------------


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json", ".md"])
def test_a_new_export_honours_the_umask(
    tmp_path: Path, mini_path: Path, suffix: str, umask: int
) -> None:
    previous = os.umask(umask)
    try:
        out = exported(mini_path, tmp_path / f"s{suffix}", "--top", "1")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


def test_force_gives_umask_permissions_not_0600(
    tmp_path: Path, mini_path: Path, umask_022: None
) -> None:
    out = tmp_path / "s.csv"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o644)
    exported(mini_path, out, "--force", "--top", "1")
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
