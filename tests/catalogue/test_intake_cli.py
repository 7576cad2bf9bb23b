"""`template` and `import` end to end: what is written, what is refused, exit codes."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from typer.testing import CliRunner, Result

from gssc_match.catalogue.validate import validate
from gssc_match.cli import app

HEADER = "ID,Company name,Country,Cluster,Description,Offerings,Languages\n"
ROW_A = "a-one,Alpha,ES,solar,Solar pumps,Pumps,es\n"
ROW_B = "b-two,Beta,PL,ict,Software,Apps,pl\n"
ROW_BAD = "c-three,Gamma,Spian,water,Water,Meters,es\n"


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def sheet(tmp_path: Path, *rows: str, name: str = "smes.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def test_import_writes_one_file_per_row(tmp_path: Path) -> None:
    out = tmp_path / "data" / "smes"
    result = run("import", "sme", str(sheet(tmp_path, ROW_A, ROW_B)), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote 2 SMEs to {out}\n"
    assert sorted(p.name for p in out.iterdir()) == ["a-one.yaml", "b-two.yaml"]
    assert validate(tmp_path / "data", [out]).ok


def test_one_bad_row_and_nothing_is_written(tmp_path: Path) -> None:
    path = sheet(tmp_path, ROW_A, ROW_BAD, ROW_B)
    out = tmp_path / "out"
    result = run("import", "sme", str(path), "--out", str(out))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}:row 3:column 'Country': 'Spian' is not a country; did you mean Spain (ES)?",
        "gssc-match: error: nothing written: 1 of 3 rows have problems; fix them, or use "
        "--skip-invalid to write the 2 valid ones",
    ]
    assert not out.exists()


def test_skip_invalid_writes_the_good_rows_and_lists_the_rest(tmp_path: Path) -> None:
    path = sheet(tmp_path, ROW_A, ROW_BAD, ROW_B)
    out = tmp_path / "out"
    result = run("import", "sme", str(path), "--out", str(out), "--skip-invalid")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1:] == [
        f"wrote 2 SMEs to {out}",
        "skipped 1 invalid row(s): 3",
    ]
    assert sorted(p.name for p in out.iterdir()) == ["a-one.yaml", "b-two.yaml"]


def test_a_sheet_level_problem_blocks_even_with_skip_invalid(tmp_path: Path) -> None:
    path = tmp_path / "smes.csv"
    path.write_text(HEADER.replace("\n", ",Fax\n") + ROW_A.replace("\n", ",1\n"), "utf-8")
    result = run("import", "sme", str(path), "--out", str(tmp_path / "out"), "--skip-invalid")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        "gssc-match: error: nothing written; fix the problems above"
    )
    assert not (tmp_path / "out").exists()


def test_no_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a-one.yaml").write_text("mine\n", encoding="utf-8")
    path = sheet(tmp_path, ROW_A, ROW_B)
    result = run("import", "sme", str(path), "--out", str(out))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{path}:row 2: '{out / 'a-one.yaml'}' already exists; use --force to replace it"
    )
    assert (out / "a-one.yaml").read_text(encoding="utf-8") == "mine\n"
    assert not (out / "b-two.yaml").exists()
    forced = run("import", "sme", str(path), "--out", str(out), "--force")
    assert forced.exit_code == 0, forced.output
    assert (out / "a-one.yaml").read_text(encoding="utf-8").startswith("id: a-one\n")


def test_needs_go_in_a_folder_per_country(tmp_path: Path) -> None:
    path = tmp_path / "needs.csv"
    path.write_text(
        "Country,City,Title,Description,Language,Priority\n"
        "Vietnam,Huế,Cảnh báo lũ,Cần hệ thống cảnh báo lũ sớm,vi,high\n"
        "Cabo Verde,Praia,Água,Precisamos de água,pt,baixa\n",
        encoding="utf-8",
    )
    out = tmp_path / "needs"
    result = run("import", "need", str(path), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*.yaml")) == [
        "cape-verde/cv-praia-agua.yaml",
        "vietnam/vn-hue-canh-bao-lu.yaml",
    ]


def test_template_then_import(tmp_path: Path) -> None:
    blank = tmp_path / "smes.xlsx"
    assert run("template", "sme", "--out", str(blank)).exit_code == 0
    again = run("template", "sme", "--out", str(blank))
    assert again.exit_code == 1
    assert f"'{blank}' already exists; use --force to replace it" in again.stderr
    book = openpyxl.load_workbook(blank)
    rows = [["", "Ñandú Solar SpA", "Chile", "Solar energy", "Solar kits", "Kits", "", "Español"]]
    for row in rows:
        book["SMEs"].append(row)
    book.save(blank)
    result = run("import", "sme", str(blank), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    written = (tmp_path / "out" / "nandu-solar.yaml").read_text(encoding="utf-8")
    assert written.splitlines()[:4] == [
        "id: nandu-solar",
        "name: Ñandú Solar SpA",
        "country: CL",
        "cluster: solar",
    ]


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("template", "sme", "--out", str(tmp_path / "x.ods")).exit_code == 2
    path = sheet(tmp_path, ROW_A)
    assert run("import", "sme", str(path), "--out", "o", "--delimiter", ";;").exit_code == 2
    assert run("import", "company", str(path), "--out", "o").exit_code == 2
    assert run("export", "--catalogue", "smes", "--out", str(tmp_path / "x.json")).exit_code == 2


def test_the_readme_example_catalogue_is_what_import_writes(tmp_path: Path) -> None:
    examples = Path(__file__).resolve().parents[2] / "examples" / "intake"
    out = tmp_path / "smes"
    result = run("import", "sme", str(examples / "new-smes.xlsx"), "--out", str(out))
    assert result.exit_code == 0, result.output
    committed = examples / "catalogue" / "smes"
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in committed.iterdir())
    for path in committed.iterdir():
        assert (out / path.name).read_bytes() == path.read_bytes(), path.name


def test_map_and_sheet_options(tmp_path: Path) -> None:
    import gssc_match

    book = openpyxl.Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Notes"
    data = book.create_sheet("Registrations")
    data.append(["Timestamp", "Firm", *HEADER.strip().split(",")[2:]])
    data.append(["2026-11-02 10:00", "Alpha", "ES", "solar", "Solar pumps", "Pumps", "es"])
    path = tmp_path / "form.xlsx"
    book.save(path)
    mapping = tmp_path / "map.yaml"
    mapping.write_text('Firm: name\nTimestamp: "-"\n', encoding="utf-8")
    out = tmp_path / "out"
    args = ["import", "sme", str(path), "--out", str(out), "--sheet", "Registrations"]
    result = run(*args, "--map", str(mapping))
    assert result.exit_code == 0, result.output
    assert (out / "alpha.yaml").read_text(encoding="utf-8").startswith("id: alpha\nname: Alpha\n")
    from gssc_match.catalogue.intake import read_records

    assert gssc_match.read_records is read_records  # the command's library entry point
    unmapped = run(*args, "--force")
    assert unmapped.exit_code == 1
    assert f"{path}:row 1:column 'Firm': unknown column;" in unmapped.stderr
