"""Schema errors come back as problems at the line and column of the value in the YAML file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gssc_match.catalogue.models import Need, Sme, TaxonomyFile
from gssc_match.catalogue.schema import parse_record
from gssc_match.catalogue.yamlsafe import Document, Plain, load_text
from gssc_match.problems import Problem

TAXONOMY = (Path(__file__).parents[1] / "cases" / "taxonomy.yaml").read_text(encoding="utf-8")

SME = """\
id: acme
name: Acme Solar
country: ES
cluster: solar
description: Solar pumps.
offerings: [Pumps]
languages: [es]
"""

WHOLE = "'trl' must be a whole number written with digits only (no sign, dot or unit)"


def document(text: str) -> Document:
    loaded, problems = load_text(text, "f.yaml")
    assert problems == []
    assert loaded is not None
    return loaded


def problems_of(text: str, model: type[Sme] | type[Need] | type[TaxonomyFile] = Sme) -> list[str]:
    record, problems = parse_record(document(text), model)
    assert (record is None) == bool(problems)
    return [f"{p.line}:{p.column}: {p.message} ({p.rule})" for p in problems]


def test_a_valid_record_has_no_problems() -> None:
    assert problems_of(SME) == []


CASES = [
    ("name: Acme Solar\n", "name:\n", "2:6: 'name' must not be empty (schema)"),
    ("name: Acme Solar\n", "name: '  '\n", "2:7: 'name' must not be empty (schema)"),
    ("name: Acme Solar\n", "", "1:1: missing required field 'name' (schema)"),
    (
        "name: Acme Solar\n",
        "name: '@SUM(A1)'\n",
        "2:7: 'name' must not start with =, +, - or @ (spreadsheets run it as a formula) (schema)",
    ),
    (
        "country: ES\n",
        "country: Spain\n",
        "3:10: 'country': 'Spain' is not an ISO 3166-1 alpha-2 country code; did you mean ES?"
        " (schema)",
    ),
    (
        "offerings: [Pumps]\n",
        "offerings: [Pumps, '', [x]]\n",
        "6:20: 'offerings[2]' must not be empty (schema)",
    ),
    (
        "offerings: [Pumps]\n",
        "offerings: []\n",
        "6:12: 'offerings' must have at least one item (schema)",
    ),
    (
        "offerings: [Pumps]\n",
        "offerings: {a: b}\n",
        "6:12: 'offerings' must be a list (one item per line, each starting with '- ') (schema)",
    ),
    (
        "name: Acme Solar\n",
        "name: [a, b]\n",
        "2:7: 'name' must be a single value, not a list (schema)",
    ),
    (
        "name: Acme Solar\n",
        "name: {a: b}\n",
        "2:7: 'name' must be a single value, not a mapping (schema)",
    ),
    (
        "description: Solar pumps.\n",
        "descripton: Solar pumps.\n",
        "5:1: unknown field 'descripton'; did you mean 'description'? (unknown-key)",
    ),
    (
        "languages: [es]\n",
        "languages: [es, EN, xx]\n",
        "7:21: 'languages[3]': 'xx' is not an ISO 639-1 language code, like es or pl (schema)",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), CASES)
def test_problem_at_the_value(old: str, new: str, expected: str) -> None:
    assert SME.count(old) == 1
    assert expected in problems_of(SME.replace(old, new))


def test_a_misspelled_key_is_one_problem_not_two() -> None:
    assert problems_of(SME.replace("cluster:", "clustre:")) == [
        "4:1: unknown field 'clustre'; did you mean 'cluster'? (unknown-key)"
    ]


def test_an_unrelated_unknown_key_keeps_the_missing_field() -> None:
    assert problems_of(SME.replace("cluster: solar\n", "colour: blue\n")) == [
        "1:1: missing required field 'cluster' (schema)",
        "4:1: unknown field 'colour'; allowed: id, name, country, cluster, description, offerings,"
        " tags, languages, markets, trl, website, contact (unknown-key)",
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "'trl' must be at least 1"),
        ("10", "'trl' must be at most 9"),
        ("-3", "'trl' must be a whole number written with digits only (no sign, dot or unit)"),
        ("7.5", "'trl' must be a whole number written with digits only (no sign, dot or unit)"),
        (
            "2024-02-30",
            "'trl' must be a whole number written with digits only (no sign, dot or unit)",
        ),
        (
            "9" * 5000,
            "'trl' must be a whole number written with digits only (no sign, dot or unit)",
        ),
        ("[7]", "'trl' must be a single value, not a list"),
    ],
)
def test_numbers(value: str, message: str) -> None:
    assert problems_of(SME + f"trl: {value}\n") == [f"8:6: {message} (schema)"]


def test_literal_numbers_stay_text_until_the_schema_reads_them() -> None:
    record, problems = parse_record(document(SME + "trl: 07\ntags: [NO, 1.10, '12:30']\n"), Sme)
    assert problems == []
    assert record is not None
    assert record.trl == 7
    assert record.tags == ["NO", "1.10", "12:30"]


def test_nested_paths_in_the_taxonomy() -> None:
    text = TAXONOMY.replace("          pl: [pompowanie solarne]\n", "")
    text = text.replace("abbreviations:", "abreviations:")
    text = text.replace("    iso: VN\n", "    iso: VNM\n")
    assert problems_of(text, TaxonomyFile) == [
        "18:10: 'countries[2].iso': 'VNM' is not an ISO 3166-1 alpha-2 country code, like ES or"
        " PL (schema)",
        "27:11: missing required field 'pillars[1].concepts[1].synonyms.pl' (schema)",
        "32:9: unknown field 'abreviations'; did you mean 'abbreviations'? (unknown-key)",
    ]


def test_a_key_with_a_lookalike_letter_is_shown_escaped() -> None:
    assert problems_of(SME.replace("name:", "n\u0430me:")) == [
        "2:1: unknown field 'n\\u0430me'; did you mean 'name'? (unknown-key)"
    ]


def test_values_are_never_replayed_raw() -> None:
    problems = problems_of(SME.replace("country: ES", "country: '\u202eSE'"))
    assert problems == [
        "3:10: 'country': '\\u202eSE' is not an ISO 3166-1 alpha-2 country code, like ES or PL"
        " (schema)"
    ]


# --- properties ------------------------------------------------------------------------

EXAMPLES = int(os.environ.get("GSSC_FUZZ_EXAMPLES", "150"))
FAST = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FIELDS = sorted(set(Sme.model_fields) | set(Need.model_fields))
TEXT = st.text(max_size=30) | st.sampled_from(
    [
        "",
        " ",
        "NO",
        "01234",
        "-3",
        "1e9",
        "9" * 40,
        "es",
        "ES",
        "chile",
        "high",
        "https://x.io",
        "=1+2",
        "a\nb",
        "solar",
        "\x1b[31m",
    ]
)
VALUES: st.SearchStrategy[Plain] = st.recursive(
    st.none() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
RECORDS = st.dictionaries(st.sampled_from(FIELDS) | TEXT, VALUES, max_size=12)


def assert_located(problems: list[Problem], path: str) -> None:
    assert all(isinstance(p, Problem) for p in problems)
    assert all(p.path == path and p.line >= 1 and p.column >= 1 for p in problems)
    assert all("\n" not in p.render() and "\x1b" not in p.render() for p in problems)


@FAST
@given(RECORDS, st.sampled_from([Sme, Need]))
def test_any_plain_data_gives_a_record_or_located_problems(
    data: dict[str, Plain], model: type[Sme] | type[Need]
) -> None:
    record, problems = parse_record(Document("f.yaml", data), model)
    assert (record is None) == bool(problems)
    assert_located(problems, "f.yaml")


@FAST
@given(RECORDS, st.sampled_from([Sme, Need]))
def test_any_loaded_document_gives_a_record_or_located_problems(
    data: dict[str, Plain], model: type[Sme] | type[Need]
) -> None:
    loaded, load_problems = load_text(yaml.safe_dump(data, allow_unicode=True), "f.yaml")
    if loaded is None:
        assert load_problems
        return
    record, problems = parse_record(loaded, model)
    assert (record is None) == bool(problems)
    assert_located(problems, "f.yaml")
    lines = yaml.safe_dump(data, allow_unicode=True).count("\n") + 1
    assert all(p.line <= lines for p in problems)
