"""Text normalisation shared by every matcher: fold case and accents, split, stem lightly.

The original text is never changed; these functions only make keys to compare with.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

# Letters that Unicode does not decompose into base letter + accent.
_EXTRA_FOLDS = str.maketrans({"đ": "d", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ı": "i"})
_TOKEN = re.compile(r"[a-z0-9]+")
_WORD = re.compile(r"[^\W_]+")
_STEM_LENGTH = 6

# Function words of the six mission languages, folded. Kept short on purpose: they only
# keep "de", "the", "và" out of explanations and word features.
STOPWORDS = frozenset(
    """
    a an and are as at be by for from has have in into is it its of on or our that the their
    this to we with will which who can per not no all also more than our they them these
    de del la las el los en y o para por con un una unos unas que se su sus al lo es son
    como mas sin sobre entre cada ya hay muy este esta estos estas
    da do das dos e em na no nas nos um uma ao aos pelo pela pelos pelas ou com sao mais
    di il lo gli le dei delle della dello degli nel nella nei per con ed anche che sono
    w z i oraz na do od dla po przez jest sa ich jak ze to ktore ktory ktora lub sie
    va cua cac nhung cho la co duoc trong voi nay mot khong da tai ve tu cung nhu se den
    """.split()
)


class _FoldTable(dict[int, str]):
    """Per-character folding for str.translate, filled the first time a character is seen."""

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFD", chr(code).translate(_EXTRA_FOLDS))
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """NFKC, case-fold and strip accents: `Água` and `agua`, `nước` and `nuoc` compare equal."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_FOLD_TABLE)


@lru_cache(maxsize=262144)
def _word_tokens(word: str) -> tuple[str, ...]:
    """The folded tokens of one written word (usually one; `PM2.5`-like words give more)."""
    return tuple(_TOKEN.findall(fold(word)))


def tokens(text: str) -> list[str]:
    """Folded alphanumeric tokens; works for all six languages (Vietnamese syllables included)."""
    return list(analyse(text).tokens)


def surface_tokens(text: str) -> list[tuple[str, str]]:
    """(word as written, folded token) pairs, so that a match can be shown in the writer's words."""
    analysed = analyse(text)
    return list(zip(analysed.words, analysed.tokens, strict=True))


@lru_cache(maxsize=262144)
def stem(token: str) -> str:
    """A deliberately crude, language-neutral stem: drop a plural ending, keep 6 letters.

    Why: truncation stemming works across Romance and Slavic morphology without knowing
    the language (`paneles`/`panel`, `soluciones`/`solucion`, `perdite`/`perdita`), where a
    per-language stemmer would first need language detection.
    """
    if len(token) > 4 and token.endswith("es"):
        token = token[:-2]
    elif len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
        token = token[:-1]
    return token[:_STEM_LENGTH]


@dataclass(frozen=True)
class Analysed:
    """A text cut once into parallel sequences: words as written, folded tokens, stems."""

    words: tuple[str, ...]
    tokens: tuple[str, ...]
    stems: tuple[str, ...]

    def content_stems(self) -> list[str]:
        """Stems of the tokens that are neither stopwords nor bare numbers, in order."""
        return [s for s in map(_content_stem, self.tokens) if s]

    def letter_tokens(self) -> list[str]:
        """Tokens that are not bare numbers (a shared "2020" or "000" says nothing)."""
        return list(filter(_has_letter, self.tokens))


@lru_cache(maxsize=262144)
def _content_stem(token: str) -> str:
    """The stem of a content word; empty for a stopword or a bare number."""
    return "" if token in STOPWORDS or token.isdigit() else stem(token)


@lru_cache(maxsize=262144)
def _has_letter(token: str) -> bool:
    return not token.isdigit()


@lru_cache(maxsize=262144)
def _word_pairs(word: str) -> tuple[tuple[str, str], ...]:
    """(word, token) for each folded token of one written word."""
    return tuple((word, token) for token in _word_tokens(word))


def analyse(text: str) -> Analysed:
    """One pass over a text; folding and stemming are cached per distinct word.

    Built from C-level map/chain calls over cached per-word results: this runs for every
    line of every record, 100,000 records and more.
    """
    written = _WORD.findall(unicodedata.normalize("NFKC", text))
    pairs = list(chain.from_iterable(map(_word_pairs, written)))
    if not pairs:
        return Analysed((), (), ())
    words, folded = zip(*pairs, strict=True)
    return Analysed(words, folded, tuple(map(stem, folded)))


def stems(text: str) -> list[str]:
    """Stems of the tokens of a text, in order (without keeping the words as written)."""
    written = _WORD.findall(unicodedata.normalize("NFKC", text))
    return list(map(stem, chain.from_iterable(map(_word_tokens, written))))


def content_stems(text: str) -> list[str]:
    """Stems of the non-stopword tokens of a text, in order."""
    return analyse(text).content_stems()
