"""`taxonomy gaps`: uncovered terms found, grouped across stems and languages, placed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from gssc_match.catalogue.gaps import RecordText, find_gaps
from gssc_match.catalogue.loader import Catalogue
from gssc_match.cli import app

HYDROGEN = [
    RecordText(
        "sme",
        "h2-en",
        "smes/h2-en.yaml",
        ("hydrogen",),
        ("Green hydrogen for buses: we build hydrogen refuelling stations.",),
    ),
    RecordText(
        "need",
        "h2-es",
        "needs/chile/h2-es.yaml",
        (),
        ("Buses a hidrógeno", "Queremos hidrógenos verdes para los buses de la comuna."),
    ),
    RecordText(
        "need",
        "h2-it",
        "needs/chile/h2-it.yaml",
        (),
        ("Autobus a idrogeno", "Il comune vuole autobus a idrogeno e una stazione."),
    ),
    RecordText(
        "sme",
        "pump",
        "smes/pump.yaml",
        ("bombeo solar",),
        ("Bombeo solar para pozos rurales.",),
    ),
]


def _gap_with(term: str, catalogue: Catalogue) -> tuple[str, ...]:
    report = find_gaps(HYDROGEN, catalogue.taxonomy, top=50)
    for gap in report.gaps:
        if term in (gap.term, *gap.variants):
            return (gap.term, *gap.variants)
    raise AssertionError(f"no gap names {term!r}: {[g.term for g in report.gaps]}")


def test_an_uncovered_term_is_found_across_languages_and_grouped(mini: Catalogue) -> None:
    spellings = _gap_with("hydrogen", mini)
    assert {"hidrógeno", "idrogeno"} <= set(spellings)  # cognates, by their folded spelling
    assert "hidrógenos" in spellings  # an inflection, by its stem


def test_a_gap_names_its_records_and_files(mini: Catalogue) -> None:
    report = find_gaps(HYDROGEN, mini.taxonomy, top=50)
    gap = next(g for g in report.gaps if g.term in ("hydrogen", "idrogeno", "hidrógeno"))
    assert gap.smes == ("h2-en",)
    assert gap.needs == ("h2-es", "h2-it")
    assert gap.files == ("needs/chile/h2-es.yaml", "needs/chile/h2-it.yaml", "smes/h2-en.yaml")
    assert gap.records == 3


def test_covered_and_generic_words_are_not_gaps(mini: Catalogue) -> None:
    report = find_gaps(HYDROGEN, mini.taxonomy, top=50)
    spellings = {s for g in report.gaps for s in (g.term, *g.variants)}
    assert not spellings & {"bombeo", "bombeo solar", "solar"}  # a concept's phrase
    assert not spellings & {"comuna", "comune", "the", "para"}  # generic words, stopwords
    assert "buses" in spellings  # used by two records, covered by nothing


def test_records_without_any_concept_are_named(mini: Catalogue) -> None:
    report = find_gaps(HYDROGEN, mini.taxonomy, top=50)
    assert report.uncovered_records == ("h2-en", "h2-es", "h2-it")
    assert report.records == 4


def test_a_word_of_one_concepts_phrase_suggests_that_concept(mini: Catalogue) -> None:
    records = [
        RecordText("sme", f"s{i}", f"smes/s{i}.yaml", (), (text,))
        for i, text in enumerate(
            [
                "Reverse osmosis desalination with solar pumping.",
                "Osmosis membranes for desalination plants.",
                "Membranes and osmosis spares for desalination.",
            ]
        )
    ]
    report = find_gaps(records, mini.taxonomy, top=50)
    suggested = {g.term: g.suggestion for g in report.gaps}
    assert "osmosis" in suggested
    suggestion = suggested["osmosis"]
    assert suggestion is not None
    assert suggestion.concept_id == "desalination"


def test_a_word_only_named_beside_a_concept_gets_no_suggestion(mini: Catalogue) -> None:
    """What records are about is not what a gap is: 'turbidimeter', always beside
    desalination, is no synonym of it (such suggestions lowered nDCG on both sets)."""
    records = [
        RecordText("sme", f"s{i}", f"smes/s{i}.yaml", (), (text,))
        for i, text in enumerate(
            [
                "Desalination plants with a turbidimeter on every line.",
                "Turbidimeter kits for desalination operators.",
                "Desalination audits: each turbidimeter calibrated.",
                "Turbidimeter spares and desalination advice.",
            ]
        )
    ]
    # Other records about another theme, so that the word is not one of every record.
    records += [
        RecordText("need", f"n{i}", f"needs/chile/n{i}.yaml", (), (f"Bombeo solar {i}.",))
        for i in range(16)
    ]
    report = find_gaps(records, mini.taxonomy, top=50)
    suggested = {g.term: g.suggestion for g in report.gaps}
    assert "turbidimeter" in suggested
    assert suggested["turbidimeter"] is None


def test_the_order_is_deterministic(mini: Catalogue) -> None:
    first = find_gaps(HYDROGEN, mini.taxonomy, top=50)
    again = find_gaps(list(reversed(HYDROGEN)), mini.taxonomy, top=50)
    assert [g.term for g in first.gaps] == [g.term for g in again.gaps]


def test_cli_json_lists_gaps_with_files(mini_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["taxonomy", "gaps", "--data", str(mini_path), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["records"] == 15
    assert document["gaps"]
    assert all(gap["files"] and gap["smes"] + gap["needs"] for gap in document["gaps"])


def test_cli_text_top_limits_the_list(mini_path: Path) -> None:
    result = CliRunner().invoke(app, ["taxonomy", "gaps", "--data", str(mini_path), "--top", "2"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("2 uncovered terms of 15 records, most used first")
    assert " 1. " in result.stdout and " 2. " in result.stdout and " 3. " not in result.stdout


def test_cli_refuses_a_broken_catalogue(mini_copy: Path) -> None:
    broken = mini_copy / "smes" / "bomba-sol.yaml"
    broken.write_text(broken.read_text(encoding="utf-8") + "trl: [\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["taxonomy", "gaps", "--data", str(mini_copy)])
    assert result.exit_code == 1
    assert "bomba-sol.yaml:" in result.output


def test_gaps_without_a_taxonomy_of_its_own_use_the_bundled_one(
    tmp_path: Path, mini_path: Path
) -> None:
    shutil.copytree(mini_path / "smes", tmp_path / "smes")
    result = CliRunner().invoke(app, ["taxonomy", "gaps", "--data", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "of 9 records" in result.stdout.splitlines()[0]


def test_names_never_written_in_lower_case_are_not_gaps(mini: Catalogue) -> None:
    records = [
        RecordText("need", f"n{i}", f"needs/chile/n{i}.yaml", (), (text,))
        for i, text in enumerate(
            ["Buses for Temuco and its bus depots.", "In Temuco the bus depots flood."]
        )
    ]
    spellings = {
        s for g in find_gaps(records, mini.taxonomy, top=50).gaps for s in (g.term, *g.variants)
    }
    assert "temuco" not in spellings
    assert "bus depots" in spellings
