"""Records to YAML files like the bundled ones; every file loads back to an equal record."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from gssc_match.api import open_catalogue
from gssc_match.catalogue.intake import Imported
from gssc_match.catalogue.loader import bundled_data, load_catalogue
from gssc_match.catalogue.models import Need, Sme
from gssc_match.catalogue.sheets import bad_character
from gssc_match.catalogue.yamlsafe import load_text
from gssc_match.errors import OutputError
from gssc_match.outputs.yamlfiles import (
    PlannedFile,
    check_targets,
    plan_files,
    record_yaml,
    write_files,
)

SME = Sme(
    id="acme",
    name="Acme: Solar #1",
    country="NO",
    cluster="solar",
    description="One paragraph " * 20 + "end.",
    offerings=["- dash first", "plain", "yes"],
    tags=["01234", "12:30", "PV, off-grid"],
    languages=["es", "en"],
    markets=["NO", "ES"],
    trl=7,
)


def loads_back(text: str) -> dict[str, object]:
    document, problems = load_text(text, "x.yaml")
    assert document is not None and not problems, problems
    return document.data


def test_layout_like_the_bundled_files() -> None:
    text = record_yaml(SME)
    lines = text.splitlines()
    assert [line.split(":")[0] for line in lines if line[:1].isalpha()] == [
        "id", "name", "country", "cluster", "description", "offerings", "tags", "languages",
        "markets", "trl",
    ]  # fmt: skip
    assert 'name: "Acme: Solar #1"' in lines
    assert 'country: "NO"' in lines
    assert "description: >-" in lines
    assert all(len(line) <= 84 for line in lines)
    assert '  - "- dash first"' in lines and '  - "yes"' in lines and '  - "01234"' in lines
    assert 'markets: ["NO", ES]' in lines and "languages: [es, en]" in lines
    assert "trl: 7" in lines and "website" not in text
    assert Sme.model_validate(loads_back(text)) == SME


def test_need_tags_are_a_flow_list_and_sources_a_block() -> None:
    need = Need(
        id="n", country="chile", city="Lota", title="T", description="Line one.\n\nLine two.",
        language="es", tags=["a, b", "c"], priority="high", sources=["https://a.example/x"],
    )  # fmt: skip
    text = record_yaml(need)
    assert 'tags: ["a, b", c]' in text
    assert "sources:\n  - https://a.example/x\n" in text
    assert "description: |-\n  Line one.\n\n  Line two.\n" in text  # line breaks kept
    assert Need.model_validate(loads_back(text)) == need


# Any text a cell may hold (control characters, NEL, LS, PS and BOM are refused by the
# intake, exactly as the loader refuses them; see test_intake): tabs and line ends included.
_ALLOWED = st.characters(
    exclude_categories=("Cs", "Cc", "Zl", "Zp"),
    include_characters="\t\n\r",
    exclude_characters="\ufeff\ufffe\uffff",
)
line_text = st.text(_ALLOWED, min_size=1, max_size=60)
free_text = st.text(_ALLOWED, min_size=1, max_size=400)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=line_text, description=free_text, tags=st.lists(line_text, max_size=4))
def test_any_valid_record_loads_back_equal(name: str, description: str, tags: list[str]) -> None:
    try:
        sme = Sme(
            id="x", name=name, country="ES", cluster="solar", description=description,
            offerings=["o"], tags=tags, languages=["es"],
        )  # fmt: skip
    except ValidationError:
        assume(False)
        return
    assert not any(bad_character(text) for text in (name, description, *tags))
    assert Sme.model_validate(loads_back(record_yaml(sme))) == sme


def test_text_with_line_breaks_and_quotes_loads_back() -> None:
    odd = 'a "quoted" \\ back\\slash\r\n  indented\n\n# not a comment\n- not a list'
    sme = SME.model_copy(update={"description": odd, "name": "'single' & \"double\""})
    assert Sme.model_validate(loads_back(record_yaml(sme))) == sme


def test_the_whole_bundled_catalogue_loads_back(tmp_path: Path) -> None:
    catalogue = open_catalogue()
    root = tmp_path / "catalogue"
    smes = [Imported(n, sme) for n, sme in enumerate(catalogue.smes, start=2)]
    needs = [Imported(n, need) for n, need in enumerate(catalogue.needs, start=2)]
    write_files(plan_files(smes, root / "smes"), root / "smes")
    write_files(plan_files(needs, root / "needs"), root / "needs")
    shutil.copy(bundled_data() / "taxonomy.yaml", root / "taxonomy.yaml")
    loaded, checked = load_catalogue(root)
    assert loaded is not None and not checked.errors, checked.errors
    assert loaded.smes == catalogue.smes
    assert loaded.needs == catalogue.needs


def test_existing_files_are_kept_without_force(tmp_path: Path) -> None:
    planned = plan_files([Imported(2, SME)], tmp_path)
    (tmp_path / "acme.yaml").write_text("old", encoding="utf-8")
    problems = check_targets(planned, "smes.csv", force=False)
    assert [p.render() for p in problems] == [
        f"smes.csv:row 2: '{tmp_path / 'acme.yaml'}' already exists; use --force to replace it"
    ]
    assert check_targets(planned, "smes.csv", force=True) == []
    input_file = tmp_path / "acme.yaml"
    protected = check_targets(planned, "smes.csv", force=True, protected=(input_file,))
    assert [p.message for p in protected] == [
        f"refusing to write over the input file '{input_file}'"
    ]


def _three(out: Path) -> list[PlannedFile]:
    records = [SME.model_copy(update={"id": f"sme-{i}"}) for i in range(3)]
    return plan_files([Imported(i + 2, r) for i, r in enumerate(records)], out)


@pytest.mark.parametrize("existing", [False, True])
def test_a_batch_appears_whole_with_the_umask(tmp_path: Path, existing: bool) -> None:
    out = tmp_path / "smes"
    if existing:
        out.mkdir()
        (out / "other.yaml").write_text("kept\n", encoding="utf-8")
    old = os.umask(0o022)
    try:
        write_files(_three(out), out)
    finally:
        os.umask(old)
    names = sorted(p.name for p in out.iterdir())
    assert names == (["other.yaml"] if existing else []) + [f"sme-{i}.yaml" for i in range(3)]
    assert {(p.stat().st_mode & 0o777) for p in out.glob("sme-*.yaml")} == {0o644}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["smes"]  # no staging left


@pytest.mark.parametrize("existing", [False, True])
def test_a_failed_batch_leaves_nothing_behind(
    tmp_path: Path, existing: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "smes"
    if existing:
        out.mkdir()

    def full_disk() -> None:
        raise OSError(28, "No space left on device", "smes")

    monkeypatch.setattr(os, "sync", full_disk)
    with pytest.raises(OutputError, match="cannot write 'smes': No space left on device"):
        write_files(_three(out), out)
    assert sorted(p.name for p in tmp_path.rglob("*")) == (["smes"] if existing else [])
