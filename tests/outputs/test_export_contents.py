"""What organisers need in every export: need facts, websites, reasons, the filter in force,
an English title; contacts only when asked for; a sheet that reads and prints well."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner, Result

from gssc_match.cli import app
from gssc_match.outputs.rows import CONTACT_COLUMNS, HEADERS

EMAIL = "maria.camilleri@example.com"
SUFFIXES = (".csv", ".xlsx", ".json", ".md")
DESALINATION = "cv-sal-dessalinizacao"


def invoke(mini_path: Path, *args: str) -> Result:
    return CliRunner().invoke(app, [*args, "--data", str(mini_path)], env={"COLUMNS": "200"})


def exported(mini_path: Path, out: Path, *options: str) -> Path:
    result = invoke(mini_path, "export", "--out", str(out), *options)
    assert result.exit_code == 0, result.output
    return out


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def xlsx_rows(path: Path, sheet: int = 0) -> list[dict[str, Any]]:
    rows = list(openpyxl.load_workbook(path).worksheets[sheet].iter_rows(values_only=True))
    return [dict(zip([str(h) for h in rows[0]], values, strict=True)) for values in rows[1:]]


def text_of(path: Path) -> str:
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path)
        cells = [c for s in book.worksheets for r in s.iter_rows(values_only=True) for c in r]
        return "\n".join(str(c) for c in cells if c is not None)
    return path.read_text(encoding="utf-8-sig")


# -- need facts, websites, English titles ----------------------------------------------------


def test_csv_and_json_carry_what_organisers_need(tmp_path: Path, mini_path: Path) -> None:
    rows = csv_rows(exported(mini_path, tmp_path / "s.csv", "--need", DESALINATION))
    first = rows[0]
    assert first["need_priority"] == "high"
    assert first["need_budget_eur"] == "800000"
    assert first["need_title_en"] == "Drinking water for the island of Sal"
    assert first["need_description"].startswith("A ilha do Sal não tem rios nem aquíferos")
    assert first["sme_id"] == "brine-less"
    assert first["sme_website"] == "https://example.com/brineless"
    document = json.loads(
        exported(mini_path, tmp_path / "s.json", "--need", DESALINATION).read_text()
    )
    assert document["rows"][0]["need_budget_eur"] == 800000
    assert document["rows"][0]["need_title_en"] == first["need_title_en"]


def test_a_long_description_is_trimmed_at_a_word(tmp_path: Path, mini_path: Path) -> None:
    rows = csv_rows(exported(mini_path, tmp_path / "s.csv"))
    for row in rows:
        assert len(row["need_description"]) <= 302
    long = [r["need_description"] for r in rows if r["need_description"].endswith(" …")]
    assert long
    assert all(not d[:-2].endswith(" ") for d in long)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_every_format_shows_priority_budget_title_en_and_website(
    tmp_path: Path, mini_path: Path, suffix: str
) -> None:
    text = text_of(exported(mini_path, tmp_path / f"s{suffix}", "--need", DESALINATION))
    assert "Drinking water for the island of Sal" in text
    assert "high" in text
    assert re.search(r"800[,.]?000", text)
    assert "https://example.com/brineless" in text
    assert "A ilha do Sal" in text


# -- the filter in force -----------------------------------------------------------------------


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_every_export_states_the_filter(tmp_path: Path, mini_path: Path, suffix: str) -> None:
    text = text_of(exported(mini_path, tmp_path / f"s{suffix}", "--cluster", "water", "--top", "2"))
    assert "cluster water, top 2" in text


def test_no_good_match_under_a_cluster_says_the_filter_caused_it(
    tmp_path: Path, mini_path: Path
) -> None:
    rows = csv_rows(exported(mini_path, tmp_path / "s.csv", "--cluster", "water"))
    missing = [r for r in rows if r["no_good_match"] == "true"]
    assert missing
    for row in missing:
        assert "cluster 'water'" in row["why"]
        assert "filter" in row["why"]
        assert row["selection"] == "cluster water, top 5"
    table = invoke(mini_path, "rank", "--cluster", "water").stdout
    assert "among the SMEs of cluster 'water' (the filter in force)" in table


def test_without_a_filter_no_good_match_names_none(tmp_path: Path, mini_path: Path) -> None:
    rows = csv_rows(exported(mini_path, tmp_path / "s.csv"))
    [missing] = [r for r in rows if r["no_good_match"] == "true"]
    assert missing["why"].startswith("No good match: no SME is about this need")
    assert "cluster" not in missing["why"]
    assert missing["selection"] == "all needs and SMEs, top 5"


# -- Markdown ----------------------------------------------------------------------------------


def test_markdown_has_need_titles_and_a_reason_for_every_sme(
    tmp_path: Path, mini_path: Path
) -> None:
    text = exported(mini_path, tmp_path / "s.md", "--top", "9").read_text(encoding="utf-8")
    assert text.startswith("# Shortlist\n")
    assert "## Água potável para a ilha do Sal (Drinking water for the island of Sal)" in text
    table = [line for line in text.splitlines() if re.match(r"\| [0-9]+ \|", line)]
    assert table
    for line in table:
        why = line.rstrip(" |").rsplit(" | ", 1)[-1]
        assert why.strip()
    assert any("related (Water): Water losses ~ Desalination" in line for line in table)


def test_markdown_of_the_reverse_view_is_headed_for_the_sme(
    tmp_path: Path, mini_path: Path
) -> None:
    text = exported(mini_path, tmp_path / "s.md", "--sme", "brine-less").read_text(encoding="utf-8")
    assert text.startswith("# Needs for Brineless Desalination Ltd\n")
    assert "Shortlist" not in text
    assert "## 1. Água potável para a ilha do Sal" in text


def test_markdown_text_from_the_catalogue_cannot_inject_markup(
    tmp_path: Path, mini_copy: Path
) -> None:
    need = mini_copy / "needs" / "cape-verde" / f"{DESALINATION}.yaml"
    text = need.read_text(encoding="utf-8")
    hostile = "title: '<script>x</script> | *Água*'"
    need.write_text(text.replace("title: Água potável para a ilha do Sal", hostile), "utf-8")
    out = exported(mini_copy, tmp_path / "s.md", "--need", DESALINATION)
    shown = out.read_text(encoding="utf-8")
    assert "<script>" not in shown
    assert r"\<script\>x\</script\> \| \*Água\*" in shown


# -- XLSX reads and prints well -----------------------------------------------------------------


def test_xlsx_has_human_headers_and_print_setup(tmp_path: Path, mini_path: Path) -> None:
    out = exported(mini_path, tmp_path / "s.xlsx")
    sheet = openpyxl.load_workbook(out)["Shortlist"]
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["Need", "Need (English)", "City"]
    assert {"Score", "Why", "Priority", "Budget (EUR)", "Website", "Selection"} <= set(headers)
    assert all(c.font.bold for c in sheet[1])
    assert all(c.alignment.wrap_text for row in sheet.iter_rows() for c in row)
    assert sheet.freeze_panes == "A2"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.print_area is not None
    assert sheet.column_dimensions["A"].width >= 30


def test_xlsx_about_sheet_starts_with_the_selection(tmp_path: Path, mini_path: Path) -> None:
    out = exported(mini_path, tmp_path / "s.xlsx", "--country", "chile", "--top", "2")
    about = xlsx_rows(out, sheet=2)
    assert about[0] == {"Setting": "Selection", "Value": "country chile, top 2"}


def test_xlsx_of_the_reverse_view_is_a_sheet_of_needs(tmp_path: Path, mini_path: Path) -> None:
    out = exported(mini_path, tmp_path / "s.xlsx", "--sme", "brine-less")
    assert openpyxl.load_workbook(out).sheetnames == ["Needs", "No good match", "About"]


def test_every_column_has_a_human_header() -> None:
    from gssc_match.outputs.rows import COLUMNS

    assert set(HEADERS) == set(COLUMNS)


# -- contacts ------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_contacts_stay_out_of_exports_by_default(
    tmp_path: Path, mini_path: Path, suffix: str
) -> None:
    text = text_of(exported(mini_path, tmp_path / f"s{suffix}"))
    assert EMAIL not in text
    assert "Maria Camilleri" not in text
    assert not any(column in text for column in CONTACT_COLUMNS)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_with_contacts_exports_them(tmp_path: Path, mini_path: Path, suffix: str) -> None:
    text = text_of(exported(mini_path, tmp_path / f"s{suffix}", "--with-contacts"))
    assert EMAIL in text
    assert "Maria Camilleri" in text


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_rank_prints_contacts_only_when_asked(mini_path: Path, fmt: str) -> None:
    plain = invoke(mini_path, "rank", "--format", fmt)
    asked = invoke(mini_path, "rank", "--format", fmt, "--with-contacts")
    assert plain.exit_code == asked.exit_code == 0
    assert EMAIL not in plain.stdout
    assert EMAIL in asked.stdout


def test_contacts_are_never_in_the_terminal_table(mini_path: Path) -> None:
    assert EMAIL not in invoke(mini_path, "rank", "--explain").stdout
    refused = invoke(mini_path, "rank", "--with-contacts")
    assert refused.exit_code == 2
    assert "--format json or csv" in refused.stderr


# -- English titles in the terminal ----------------------------------------------------------


def test_the_table_shows_the_english_title_beside_the_original(mini_path: Path) -> None:
    forward = invoke(mini_path, "rank", "--need", DESALINATION).stdout
    assert "Água potável para a ilha do Sal (Drinking water for the island of Sal)" in forward
    reverse = invoke(mini_path, "rank", "--sme", "brine-less").stdout
    assert "Drinking water for the island of Sal" in " ".join(reverse.split())
