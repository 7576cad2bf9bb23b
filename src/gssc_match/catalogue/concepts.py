"""Find taxonomy concepts in free text and tags, in any of the six languages.

Synonyms are compared as sequences of crude stems (see `text.stem`), so inflections match;
abbreviations are compared case-sensitively, so `PV` matches but `pv` in a word does not;
tags that match nothing exactly get one fuzzy chance (rapidfuzz) to absorb typos.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from .taxonomy import Taxonomy
from .text import Analysed, analyse, fold, stems

_MIN_SINGLE_STEM = 4  # a one-word synonym shorter than this is too ambiguous in running text
_TAG_CUTOFF = 88.0
_SUGGEST_CUTOFF = 84.0


class ConceptHit(NamedTuple):
    """A concept found in a record, with the words the record used for it.

    A named tuple rather than a frozen dataclass: millions are made on large catalogues.
    """

    concept_id: str
    surface: str


class ConceptSpan(NamedTuple):
    """A concept named at some token positions of an analysed text."""

    start: int
    length: int
    concept_id: str


class ConceptIndex:
    """All synonyms of a taxonomy, ready for phrase lookup and fuzzy tag matching."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.phrases: dict[tuple[str, ...], str] = {}
        self.abbreviations: dict[str, str] = {}
        self.choices: list[str] = []
        self.choice_concepts: list[str] = []
        self.choice_terms: list[str] = []  # as written in the taxonomy, for suggestions
        self._seen: set[str] = set()
        self._by_length: dict[int, list[int]] = {}
        for concept in taxonomy.concepts.values():
            for _lang, term in concept.synonyms.all_terms():
                self._add_phrase(term, concept.id)
            for abbreviation in concept.abbreviations:
                self.abbreviations.setdefault(abbreviation, concept.id)
        # The phrase lengths starting with each stem, longest first: most tokens start none
        # and cost one lookup; the others try only lengths that exist.
        lengths: dict[str, set[int]] = {}
        for phrase in self.phrases:
            if len(phrase) > 1 or len(phrase[0]) >= _MIN_SINGLE_STEM:
                lengths.setdefault(phrase[0], set()).add(len(phrase))
        self.lengths_from = {k: sorted(v, reverse=True) for k, v in lengths.items()}
        self._tag_cache: dict[str, list[ConceptHit]] = {}

    def _add_phrase(self, term: str, concept_id: str) -> None:
        key = tuple(stems(term))
        if not key:
            return
        self.phrases.setdefault(key, concept_id)
        folded = fold(term)
        if folded not in self._seen:
            self._seen.add(folded)
            self._by_length.setdefault(len(folded), []).append(len(self.choices))
            self.choices.append(folded)
            self.choice_terms.append(term)
            self.choice_concepts.append(concept_id)

    def find(self, text: str | Analysed) -> list[ConceptHit]:
        """Every concept named in a text, longest phrase first at each position."""
        analysed = text if isinstance(text, Analysed) else analyse(text)
        words = analysed.words
        return [
            ConceptHit(concept, _join(words[start : start + length]))
            for start, length, concept in self.spans(analysed)
        ]

    def spans(self, analysed: Analysed) -> list[ConceptSpan]:
        """Where each concept is named: token positions, longest phrase first at each one."""
        keys, words = analysed.stems, analysed.words
        lengths_from, abbreviations = self.lengths_from, self.abbreviations
        # Only positions where a phrase or an abbreviation can start need a closer look.
        candidates = sorted(
            {i for i, key in enumerate(keys) if key in lengths_from}
            | {i for i, word in enumerate(words) if word in abbreviations}
        )
        found: list[ConceptSpan] = []
        free = 0
        for i in candidates:
            if i < free:
                continue
            length = self._longest_at(keys, i, lengths_from.get(keys[i], ()))
            if length:
                found.append(ConceptSpan(i, length, self.phrases[keys[i : i + length]]))
                free = i + length
            elif words[i] in abbreviations:
                found.append(ConceptSpan(i, 1, abbreviations[words[i]]))
                free = i + 1
        return found

    def _longest_at(self, keys: tuple[str, ...], start: int, lengths: Sequence[int]) -> int:
        for length in lengths:
            if keys[start : start + length] in self.phrases:
                return length
        return 0

    def match_tag(self, tag: str) -> list[ConceptHit]:
        """Concepts a tag names: by phrase, by abbreviation, or failing both by fuzzy match."""
        if tag not in self._tag_cache:  # tags repeat across a catalogue; match each once
            hits = self.find(tag)
            if not hits:
                found = self._closest(tag)
                hits = [ConceptHit(found[0], tag)] if found and found[2] >= _TAG_CUTOFF else []
            self._tag_cache[tag] = hits
        return self._tag_cache[tag]

    def suggest(self, tag: str) -> str | None:
        """The synonym a tag that matched nothing was probably meant to be.

        Only a near-typo counts (a few edits apart): a different term that merely looks
        alike (`online monitoring`, `noise monitoring`) is a free keyword, not a mistake.
        """
        found = self._closest(tag)
        if found is None:
            return None
        folded = fold(tag)
        edits = Levenshtein.distance(folded, fold(found[1]))
        return found[1] if edits <= max(2, len(folded) // 6) else None

    @lru_cache(maxsize=4096)  # noqa: B019 - one index per taxonomy; asked twice per odd tag
    def _closest(self, tag: str) -> tuple[str, str, float] | None:
        """The nearest synonym (concept, term as written, similarity), if near enough."""
        folded = fold(tag)
        if len(folded) < 4:
            return None
        # A ratio of at least c% needs lengths within a factor c / (200 - c) of each other,
        # so only synonyms of a compatible length are compared.
        factor = _SUGGEST_CUTOFF / (200.0 - _SUGGEST_CUTOFF)
        low, high = int(len(folded) * factor), int(len(folded) / factor) + 1
        candidates = [i for n in range(low, high + 1) for i in self._by_length.get(n, ())]
        best = process.extractOne(
            folded,
            [self.choices[i] for i in candidates],
            scorer=fuzz.ratio,
            score_cutoff=_SUGGEST_CUTOFF,
        )
        if best is None:
            return None
        index = candidates[best[2]]
        return self.choice_concepts[index], self.choice_terms[index], float(best[1])


def _join(words: tuple[str, ...]) -> str:
    """Words as written; a word split into several tokens (`PM2.5`) is shown once."""
    if len(words) == 1:
        return words[0]
    shown: list[str] = []
    for word in words:
        if not shown or shown[-1] != word:
            shown.append(word)
    return " ".join(shown)
