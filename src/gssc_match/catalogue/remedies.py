"""Find what a need asks to be done and what an SME offers to do, as remedy kinds.

A need names a problem (floods, salinity) and asks for a kind of remedy (monitor, build
civil works, finance); an SME's offerings say which kinds it sells. The kinds and their cue
words live in the taxonomy file (`remedies:`), so that a maintainer, not the code, decides
what counts. Cues are matched like concept synonyms (crude stems, accents folded).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from .models import LANGUAGES_OF_TAXONOMY, Need, Remedies, RemedyKind, Sme, Synonyms
from .taxonomy import Taxonomy
from .text import analyse, stems

_MIN_SINGLE_STEM = 4  # as for concepts: a shorter one-word cue is too ambiguous
_SENTENCE = re.compile(r"[.;!?¿¡\n]+")
_CLAUSE = re.compile(r":+")
# Where a cue was found counts as for concepts: tags and titles say more than running text.
_FIELD_FACTOR = {"tags": 2.0, "title": 1.5, "offerings": 1.5, "description": 1.0}
# A need's description tells its story before it asks ("the plants can treat 22%... we
# need house connections"): a cue before any request word of its sentence counts this much.
ASIDE = 0.4


@dataclass(frozen=True)
class RemedyHit:
    """A remedy kind a record names, in the words it used, and how much it counts."""

    kind: str
    weight: float
    words: tuple[str, ...]


@dataclass(frozen=True)
class RemedyProfile:
    """The remedy kinds a record asks for (a need) or offers (an SME), strongest first."""

    hits: tuple[RemedyHit, ...]

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(h.kind for h in self.hits)

    def weight(self, kind: str) -> float:
        return next((h.weight for h in self.hits if h.kind == kind), 0.0)

    @property
    def total(self) -> float:
        return sum(h.weight for h in self.hits)


NO_REMEDIES = RemedyProfile(())


class _Phrases:
    """Phrases as stem tuples, found longest first at each position of a stem sequence."""

    def __init__(self, terms: Sequence[tuple[str, str]], min_single: int = 0) -> None:
        self.table: dict[tuple[str, ...], str] = {}
        for term, value in terms:
            key = tuple(stems(term))
            if key and (len(key) > 1 or len(key[0]) >= min_single):
                self.table.setdefault(key, value)
        # The phrase lengths starting with each stem, longest first: most positions start
        # none and cost one dictionary lookup (as in the concept index).
        starts: dict[str, set[int]] = {}
        for key in self.table:
            starts.setdefault(key[0], set()).add(len(key))
        self.lengths_from = {k: sorted(v, reverse=True) for k, v in starts.items()}

    def find(self, keys: tuple[str, ...]) -> list[tuple[int, int, str]]:
        """(start, length, value) of each phrase, left to right, never overlapping."""
        found: list[tuple[int, int, str]] = []
        free = 0
        for i, key in enumerate(keys):
            if i < free or key not in self.lengths_from:
                continue
            for length in self.lengths_from[key]:
                value = self.table.get(keys[i : i + length])
                if value is not None:
                    found.append((i, length, value))
                    free = i + length
                    break
        return found


def _terms(words: Synonyms, languages: Sequence[str], value: str) -> list[tuple[str, str]]:
    return [(term, value) for lang in languages for term in getattr(words, lang)]


class RemedyIndex:
    """The remedy vocabulary of a taxonomy, ready to read needs and SMEs."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        source = taxonomy.source.remedies
        self.kinds: dict[str, RemedyKind] = {k.id: k for k in source.kinds} if source else {}
        cues = [(t, k.id) for k in self.kinds.values() for _, t in k.cues.all_terms()]
        self._cues = _Phrases(cues, _MIN_SINGLE_STEM)
        self._scopes = {lang: _scope_words(source, lang) for lang in LANGUAGES_OF_TAXONOMY}

    def asked(self, need: Need) -> RemedyProfile:
        """The remedy kinds a need asks for, cues in negated or done clauses left out."""
        fields = {"tags": need.tags, "title": [need.title], "description": [need.description]}
        return self._profile(fields, self._scopes.get(need.language), story={"description"})

    def offered(self, sme: Sme) -> RemedyProfile:
        """The remedy kinds an SME sells, from its offerings and tags.

        Not from its description: that is where an SME names what its product is *for*
        ("admixtures for seawalls"), which is not what it does (build seawalls).
        """
        fields = {"tags": sme.tags, "offerings": sme.offerings}
        return self._profile(fields, None, story=set())

    def _profile(
        self, fields: Mapping[str, Sequence[str]], scopes: _Phrases | None, story: set[str]
    ) -> RemedyProfile:
        weights: dict[str, float] = {}
        words: dict[str, list[str]] = {}
        for name, lines in fields.items():
            for line in lines:
                for kind, surface, requested in self._hits(line, scopes):
                    aside = name in story and not requested
                    factor = _FIELD_FACTOR[name] * (ASIDE if aside else 1.0)
                    weights[kind] = weights.get(kind, 0.0) + factor
                    if surface not in words.setdefault(kind, []):
                        words[kind].append(surface)
        order = sorted(weights, key=lambda k: (-weights[k], k))
        return RemedyProfile(tuple(RemedyHit(k, weights[k], tuple(words[k])) for k in order))

    def _hits(self, line: str, scopes: _Phrases | None) -> list[tuple[str, str, bool]]:
        """(kind, words as written, after a request word) for every cue no negation cancels.

        A request word ("we need", "necesitamos") covers the rest of its sentence, across
        a colon ("we need: dykes, sluices"); a negation only its own clause.
        """
        if scopes is None:  # an SME's lines: nothing to cancel, everything is on offer
            analysed = analyse(line)
            return [
                (kind, " ".join(analysed.words[start : start + length]), True)
                for start, length, kind in self._cues.find(analysed.stems)
            ]
        hits = []
        for sentence in _SENTENCE.split(line):
            requested = False
            for clause in _CLAUSE.split(sentence):
                analysed = analyse(clause)
                keys, written = analysed.stems, analysed.words
                cues = self._cues.find(keys)
                marks = scopes.find(keys) if cues or not requested else []
                cancelled = _cancelled(keys, marks) if marks else set()
                asks_from = min((s for s, _, v in marks if v == _REQUEST), default=len(keys))
                for start, length, kind in cues:
                    if start not in cancelled:
                        surface = " ".join(written[start : start + length])
                        hits.append((kind, surface, requested or start > asks_from))
                requested = requested or asks_from < len(keys)
        return hits


_NEGATION, _CONTRAST, _DONE, _REQUEST = "negation", "contrast", "done", "request"


def _scope_words(source: Remedies | None, lang: str) -> _Phrases:
    if source is None:
        return _Phrases([])
    return _Phrases(
        _terms(source.negations, [lang], _NEGATION)
        + _terms(source.contrasts, [lang], _CONTRAST)
        + _terms(source.done, [lang], _DONE)
        + _terms(source.requests, [lang], _REQUEST)
    )


def _cancelled(keys: tuple[str, ...], marks: list[tuple[int, int, str]]) -> set[int]:
    """Positions a negation or a done phrase cancels, segment by segment of one clause.

    A contrast word ends a segment ("not more equipment | but a change in the law"); a
    negation cancels the rest of its segment, a done phrase all of it.
    """
    bounds = [0, *(s for s, _, v in marks if v == _CONTRAST), len(keys)]
    cancelled: set[int] = set()
    for low, high in pairwise(bounds):
        inside = [(s, v) for s, _, v in marks if low <= s < high]
        if any(v == _DONE for _, v in inside):
            cancelled.update(range(low, high))
        negations = [s for s, v in inside if v == _NEGATION]
        if negations:
            cancelled.update(range(min(negations), high))
    return cancelled


def remedies_of(record: Need | Sme, taxonomy: Taxonomy) -> RemedyProfile:
    """What a need asks for, or what an SME offers, in the record's own words."""
    index = taxonomy.remedy_index
    return index.asked(record) if isinstance(record, Need) else index.offered(record)
