"""Records to YAML files like the bundled ones; every file loads back to an equal record."""

from __future__ import annotations

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
from gssc_match.catalogue.yamlsafe import load_text
from gssc_match.errors import OutputError
from gssc_match.outputs.yamlfiles import check_targets, plan_files, record_yaml, write_files

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


# What a YAML file can hold (the intake refuses the rest with a message first).
line_text = st.text(
    st.characters(
        exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters="\ufeff\ufffe\uffff"
    ),
    min_size=1,
    max_size=60,
)
free_text = st.text(
    st.characters(
        exclude_categories=("Cs", "Cc", "Zl", "Zp"),
        include_characters="\n\t ",
        exclude_characters="\ufeff\ufffe\uffff",
    ),
    min_size=1,
    max_size=400,
)


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
    assert Sme.model_validate(loads_back(record_yaml(sme))) == sme


def test_text_no_yaml_file_may_hold_is_refused() -> None:
    # The intake refuses control characters first; the writer still never writes a bad file.
    with pytest.raises(OutputError, match="cannot write 'acme' as YAML that loads back"):
        record_yaml(SME.model_copy(update={"description": "bell \x07"}))


def test_the_whole_bundled_catalogue_loads_back(tmp_path: Path) -> None:
    catalogue = open_catalogue()
    root = tmp_path / "catalogue"
    shutil.copy(bundled_data() / "taxonomy.yaml", tmp_path / "taxonomy.yaml")
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
