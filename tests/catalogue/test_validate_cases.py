"""Data-driven `validate` cases: every file under tests/cases/ beside the lines it must produce.

A case is all the YAML files in one folder that share a stem (usually one file; two for
`duplicate-id.yaml` + `duplicate-id.yml`) plus `<stem>.expected`, which holds the exact
problem lines printed for those files alone: `{path}` stands for the `.yaml` file and `{dir}`
for its folder, both as written relative to tests/cases/. The summary line is checked
separately. Good cases (tests/cases/good/) must print no problem at all.

The cases use their own small taxonomy (tests/cases/taxonomy.yaml), so that their output
does not change when the bundled catalogue grows.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from gssc_match.catalogue import yamlsafe
from gssc_match.catalogue.models import Need, Sme
from gssc_match.catalogue.schema import parse_record
from gssc_match.cli import app

CASES = Path(__file__).parents[1] / "cases"
SUFFIXES = (".yaml", ".yml")
SUMMARY = re.compile(r"^\d+ files? checked, (\d+) with problems( \(\d+ errors?, \d+ warnings?\))?$")
# Parser messages differ between libyaml and the pure-Python parser; the expected lines
# are written for libyaml, the loader used whenever it is installed.
C_LOADER = yamlsafe.Loader is getattr(yaml, "CSafeLoader", None)


def _cases(kind: str) -> list[tuple[Path, ...]]:
    groups: dict[Path, list[Path]] = defaultdict(list)
    for path in sorted((CASES / kind).rglob("*")):
        if path.suffix in SUFFIXES:
            groups[path.with_suffix("")].append(path)
    return [tuple(files) for _, files in sorted(groups.items())]


def _case_id(files: tuple[Path, ...]) -> str:
    return str(files[0].with_suffix("").relative_to(CASES))


def _run(files: tuple[Path, ...], monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[str]]:
    """`gssc-match validate --data . FILES` from tests/cases/; exit code and output lines."""
    monkeypatch.chdir(CASES)
    relative = [str(f.relative_to(CASES)) for f in files]
    result = CliRunner().invoke(app, ["validate", "--data", ".", *relative])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout.splitlines()


BAD = _cases("bad")
GOOD = _cases("good")


def test_every_bad_case_has_expected_lines() -> None:
    missing = [_case_id(files) for files in BAD if not files[0].with_suffix(".expected").exists()]
    assert not missing
    orphans = [
        str(e.relative_to(CASES))
        for e in (CASES / "bad").rglob("*.expected")
        if not any(e.with_suffix(s).exists() for s in SUFFIXES)
    ]
    assert not orphans


def test_case_files_stay_small() -> None:
    assert all(f.stat().st_size < 100_000 for files in BAD + GOOD for f in files)


@pytest.mark.parametrize("files", BAD, ids=_case_id)
def test_bad_case(files: tuple[Path, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    code, lines = _run(files, monkeypatch)
    *problems, summary = lines
    primary = files[0].with_suffix(".yaml").relative_to(CASES)
    template = files[0].with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    expected = [t.format(path=primary, dir=primary.parent) for t in template]
    if C_LOADER or not any("(syntax)" in line for line in expected):
        assert problems == expected
    else:
        assert len(problems) == len(expected)
    assert code == (1 if any(": error: " in line for line in expected) else 0)
    match = SUMMARY.match(summary)
    assert match, summary
    assert match.group(1) == "1"


@pytest.mark.parametrize("files", BAD, ids=_case_id)
def test_bad_case_fails_under_strict(
    files: tuple[Path, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(CASES)
    relative = [str(f.relative_to(CASES)) for f in files]
    result = CliRunner().invoke(app, ["validate", "--strict", "--data", ".", *relative])
    assert result.exit_code == 1
    assert ": warning: " not in result.stdout


@pytest.mark.parametrize("files", GOOD, ids=_case_id)
def test_good_case(files: tuple[Path, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    code, lines = _run(files, monkeypatch)
    count = f"{len(files)} file{'s' * (len(files) != 1)}"
    assert lines == [f"{count} checked, 0 with problems"]
    assert code == 0


TRAPS = ["NO", "01234", "12:30", "+4712345678", "1.10", "1_000", "off"]


def _record(relative: str, model: type[Sme] | type[Need]) -> Sme | Need:
    path = CASES / relative
    document, problems = yamlsafe.load_file(path, relative)
    assert document is not None
    assert problems == []
    record, problems = parse_record(document, model)
    assert problems == []
    assert record is not None
    return record


def test_literal_traps_survive_in_an_sme() -> None:
    sme = _record("good/smes/literal-traps.yaml", Sme)
    assert isinstance(sme, Sme)
    assert (sme.name, sme.country, sme.markets) == ("NO", "NO", ["NO", "CL"])
    assert sme.tags == TRAPS
    assert sme.offerings == ["yes", "0x1F", "2024-01-01", ".inf"]


def test_literal_traps_survive_in_a_need() -> None:
    need = _record("good/needs/chile/literal-traps.yaml", Need)
    assert isinstance(need, Need)
    assert (need.city, need.title) == ("NO", "12:30")
    assert need.tags == ["01234", "+4712345678", "1.10", "1_000", "off", "~tilde"]
    assert need.budget_eur == 1234  # a whole number field reads 01234 as decimal, not octal
