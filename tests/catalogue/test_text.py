"""Text keys: folding, tokens in the six languages, the crude stem, stopwords."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gssc_match.catalogue.text import content_stems, fold, stem, stems, surface_tokens, tokens


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Água", "agua"),
        ("nước", "nuoc"),
        ("Łódź", "lodz"),
        ("Wrocław", "wroclaw"),
        ("Đà Nẵng", "da nang"),
        ("Việt Nam", "viet nam"),
        ("Desalinización", "desalinizacion"),
        ("qualità", "qualita"),
        ("Straße", "strasse"),
        ("ﬁltro", "filtro"),  # NFKC: the ligature becomes two letters
    ],
)
def test_fold_strips_case_and_accents(text: str, folded: str) -> None:
    assert fold(text) == folded


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "Solar pumping, 2-160 kW!", ["solar", "pumping", "2", "160", "kw"]),
        ("es", "Detección de fugas", ["deteccion", "de", "fugas"]),
        ("pt", "Água dessalinizada à noite", ["agua", "dessalinizada", "a", "noite"]),
        ("vi", "Hệ thống cảnh báo lũ sớm", ["he", "thong", "canh", "bao", "lu", "som"]),
        ("it", "qualità dell'aria", ["qualita", "dell", "aria"]),
        ("pl", "Wykrywanie wycieków, straty wody", ["wykrywanie", "wyciekow", "straty", "wody"]),
    ],
)
def test_tokens_in_every_language(language: str, text: str, expected: list[str]) -> None:
    assert tokens(text) == expected, language


@given(st.text())
def test_tokens_are_plain_ascii_words(text: str) -> None:
    assert all(re.fullmatch(r"[a-z0-9]+", token) for token in tokens(text))


def test_surface_tokens_keep_the_words_as_written() -> None:
    assert surface_tokens("Água dessalinizada, Huế") == [
        ("Água", "agua"),
        ("dessalinizada", "dessalinizada"),
        ("Huế", "hue"),
    ]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("paneles", "panel"),  # es plural
        ("losses", "loss"),  # en plural in -es
        ("bombas", "bomba"),  # es/pt plural in -s
        ("desalinización", "desalinizacion"),  # accents do not matter after folding
        ("desalination", "desalinizacion"),  # truncation joins languages on a shared root
    ],
)
def test_stem_joins_inflections(a: str, b: str) -> None:
    assert stem(fold(a)) == stem(fold(b))


@pytest.mark.parametrize("token", ["class", "gas", "bus", "glass"])
def test_stem_keeps_words_that_only_look_plural(token: str) -> None:
    assert stem(token) == token[:6]


@given(st.from_regex(r"[a-z0-9]{1,30}", fullmatch=True))
def test_stem_is_short_and_a_prefix(token: str) -> None:
    result = stem(token)
    assert 0 < len(result) <= 6
    assert token.startswith(result)


def test_stems_follow_tokens() -> None:
    assert stems("Paneles solares") == ["panel", "solar"]


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("the water of the city", ["water", "city"]),
        ("planta de compostaje para la comuna", ["planta", "compos", "comuna"]),
        ("cảnh báo lũ và sông", ["canh", "bao", "lu", "song"]),
        ("straty wody w sieci", ["straty", "wody", "sieci"]),
    ],
)
def test_content_stems_drop_function_words(text: str, content: list[str]) -> None:
    assert content_stems(text) == content
