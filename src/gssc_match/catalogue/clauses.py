"""Cut what a need asks for into clauses: "we need A; B, and C" asks for three things.

A need's request starts at a request word of the taxonomy (`remedies.requests`, "we
need", "necesitamos") and runs to the end of its sentence; it is cut at `; , :` and at
the conjunctions of the need's language (`remedies.conjunctions`, "and", "y"). Each clause
keeps the need's own words and its content stems, so that `teams` can ask which SME
offers what that clause asks for. Everything language-specific is taxonomy data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .models import Need, Remedies, Synonyms
from .taxonomy import Taxonomy
from .text import analyse, stems

_SENTENCE = re.compile(r"[.!?]+(?=\s|$)|\n")
_MIN_STEM = 3  # shorter stems ("de", "ao") say nothing about what is asked
_NEGATED = 2  # a negation this many words before a request word cancels it
_MIN_CONTENT = 2  # a clause of one content word ("also") is a fragment, not a request


@dataclass(frozen=True)
class Clause:
    """One thing a need asks for, in its own words, with the content stems it carries."""

    text: str
    stems: tuple[str, ...]


def request_clauses(need: Need, taxonomy: Taxonomy) -> tuple[Clause, ...]:
    """The clauses of every sentence of the description that asks, from its request word."""
    remedies = taxonomy.source.remedies
    if remedies is None or remedies.conjunctions is None:
        return ()
    cues = _cues(remedies.requests, need.language)
    negations = {k[0] for k in _cues(remedies.negations, need.language) if len(k) == 1}
    cut = _cutter(remedies, need.language)
    places = _place_stems(need, taxonomy)
    found: list[Clause] = []
    for sentence in _SENTENCE.split(need.description):
        asked = _from_request(sentence, cues, negations)
        if asked is None:
            continue
        for piece in cut.split(asked):
            content = tuple(
                s
                for s in analyse(piece or "").content_stems()
                if len(s) >= _MIN_STEM and s not in places
            )
            if len(content) >= _MIN_CONTENT:
                found.append(Clause(" ".join((piece or "").split()), content))
    return tuple(found)


def _place_stems(need: Need, taxonomy: Taxonomy) -> frozenset[str]:
    """Stems of the need's city and of the target countries' names: they say where the
    need is, not what it asks for ("Cabo Verde" must not match a firm's "verde")."""
    names = [need.city]
    for country in taxonomy.source.countries:
        names += [country.name, *country.aliases]
    return frozenset(s for name in names for s in analyse(name).content_stems())


def _cues(words_of: Synonyms, language: str) -> list[tuple[str, ...]]:
    words = getattr(words_of, language, [])
    return [key for key in (tuple(stems(w)) for w in words) if key]


def _cutter(remedies: Remedies, language: str) -> re.Pattern[str]:
    assert remedies.conjunctions is not None  # checked by the caller
    words = getattr(remedies.conjunctions, language, [])
    joined = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"[;,:]|\b(?:{joined})\b" if joined else r"[;,:]")


def _from_request(sentence: str, cues: list[tuple[str, ...]], negations: set[str]) -> str | None:
    """The sentence from its first request word on, or None when it does not ask.

    A request word right after a negation ("we do not need meters") asks for nothing.
    """
    analysed = analyse(sentence)
    keys = analysed.stems
    starts = [
        i
        for i in range(len(keys))
        for c in cues
        if keys[i : i + len(c)] == c and not negations & set(keys[max(0, i - _NEGATED) : i])
    ]
    if not starts:
        return None
    return sentence[_offset(sentence, analysed.words, min(starts)) :]


def _offset(text: str, words: tuple[str, ...], index: int) -> int:
    """Where the index-th analysed word starts in the text, found word by word."""
    lowered, cursor = text.lower(), 0
    for word in words[: index + 1]:
        found = lowered.find(word.lower(), cursor)
        if found < 0:  # folded beyond recognition: fall back to the start of the text
            return 0
        start, cursor = found, found + len(word)
    return start
