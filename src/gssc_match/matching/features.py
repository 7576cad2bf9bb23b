"""Turn records into vectors: TF-IDF text vectors and taxonomy-concept vectors.

Both are L2-normalised blocks, scaled by the square roots of their shares and weights,
then stacked side by side; the dot product of two stacked rows is then exactly
`w_text * text_similarity + w_concept * concept_similarity`, so one sparse product
scores every pair, and each part can still be read off on its own for explanations.

Every text is analysed once (`text.analyse`); word features, character n-grams and
concepts are all derived from that one pass. Character n-grams are computed per distinct
word and spread to documents by a sparse product, which gives exactly scikit-learn's
`char_wb` counts at a fraction of the cost.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from ..catalogue.concepts import ConceptHit, ConceptIndex
from ..catalogue.models import Need, Sme
from ..catalogue.taxonomy import Taxonomy
from ..catalogue.text import Analysed, analyse
from ..memory import gc_paused
from .scoring import Weights
from .vectors import (
    CHAR_MAX_DF,
    MAX_DF,
    Ids,
    Rows,
    count_matrix,
    keep_informative,
    row_overlap,
    spread_to_ngrams,
    stack,
    tfidf,
    with_bigrams,
)

Fields = dict[str, tuple[str, ...]]


def sme_fields(sme: Sme) -> Fields:
    """The text fields of an SME profile, by name."""
    return {
        "tags": tuple(sme.tags),
        "offerings": tuple(sme.offerings),
        "description": (sme.description,),
    }


def need_fields(need: Need) -> Fields:
    """The text fields of a need, by name."""
    return {"tags": tuple(need.tags), "title": (need.title,), "description": (need.description,)}


def full_text(fields: Fields) -> str:
    return "\n".join(line for lines in fields.values() for line in lines)


@dataclass(frozen=True)
class ConceptProfile:
    """The concepts a record names, with weights and the words it used for each."""

    weights: dict[str, float]
    surfaces: dict[str, tuple[str, ...]]


AnalysedFields = list[tuple[str, str, Analysed]]


def analyse_fields(fields: Fields) -> AnalysedFields:
    """(field name, line, analysis) for every line of a record, each analysed once."""
    return [(name, line, analyse(line)) for name, lines in fields.items() for line in lines]


def concept_profile(parts: AnalysedFields, index: ConceptIndex, weights: Weights) -> ConceptProfile:
    """Weighted concept counts: a concept in the tags counts more than one in running text."""
    raw: dict[str, float] = defaultdict(float)
    surfaces: dict[str, list[str]] = defaultdict(list)
    field_weights = weights.concept.field_weights
    for name, line, analysed in parts:
        factor = float(getattr(field_weights, name))
        hits = index.match_tag(line) if name == "tags" else index.find(analysed)
        _add_hits(hits, factor, raw, surfaces)
    return ConceptProfile(
        {c: 1.0 + math.log(v) if v >= 1 else v for c, v in raw.items()},
        {c: tuple(s) for c, s in surfaces.items()},
    )


def _add_hits(
    hits: list[ConceptHit], factor: float, raw: dict[str, float], surfaces: dict[str, list[str]]
) -> None:
    for hit in hits:
        raw[hit.concept_id] += factor
        if hit.surface not in surfaces[hit.concept_id]:
            surfaces[hit.concept_id].append(hit.surface)


@dataclass(frozen=True)
class Comparison:
    """What one need and one SME share: the two similarities and the strongest shared words."""

    text: float
    concept: float
    shared_terms: tuple[str, ...]


class Space:
    """Text and concept vectors of one catalogue (needs and SMEs together), in one matrix.

    Columns: word features | character n-grams | concepts | pillars. Each block is
    L2-normalised and scaled by the square root of its share, so that the dot product of
    two rows over the text columns is the text similarity and over the concept columns
    the concept similarity; weighting the need side by part weights gives the relevance.
    """

    def __init__(
        self,
        needs: Sequence[Fields],
        smes: Sequence[Fields],
        taxonomy: Taxonomy,
        weights: Weights,
    ) -> None:
        self.weights = weights
        self.taxonomy = taxonomy
        self.index = taxonomy.concept_index
        self.n_needs = len(needs)
        with gc_paused():
            self._build([*needs, *smes])

    def _build(self, records: list[Fields]) -> None:
        stems, tokens = Ids(), Ids()
        word_rows, token_rows = Rows(), Rows()
        self.profiles: list[ConceptProfile] = []
        self.need_words: list[dict[str, str]] = []
        for r, fields in enumerate(records):
            parts = analyse_fields(fields)
            self.profiles.append(concept_profile(parts, self.index, self.weights))
            word_rows.add(stems.of([s for _, _, a in parts for s in a.content_stems()]))
            token_rows.add(tokens.of([t for _, _, a in parts for t in a.letter_tokens()]))
            if r < self.n_needs:
                self.need_words.append(_words_by_stem(parts))
        tiny = len(records) < 10  # document-frequency filters need a real catalogue
        word, self._word_columns = _word_block(word_rows, stems.names(), tiny)
        char = _char_block(token_rows, tokens.names(), tiny)
        concept, pillar = self._concept_blocks()
        text_share = self.weights.text.char_share
        pillar_share = self.weights.concept.pillar_share
        self.rows = stack(
            [word, char, concept, pillar],
            [1.0 - text_share, text_share, 1.0 - pillar_share, pillar_share],
        )
        self.word_end = word.shape[1]
        self.text_end = self.word_end + char.shape[1]
        columns = np.arange(self.rows.shape[1])
        weights = self.weights.parts
        self.part_weights = np.where(columns < self.text_end, weights.text, weights.concept)

    def _concept_blocks(self) -> tuple[Any, Any]:
        concept_ids = sorted(self.taxonomy.concepts)
        pillar_ids = sorted({p.id for p in self.taxonomy.source.pillars})
        columns = {c: i for i, c in enumerate(concept_ids)}
        pillar_columns = {p: i for i, p in enumerate(pillar_ids)}
        df = np.zeros(len(concept_ids))
        for profile in self.profiles:
            for c in profile.weights:
                df[columns[c]] += 1
        idf = np.log((1 + len(self.profiles)) / (1 + df)) + 1.0
        pillar_of = self.taxonomy.pillar_of
        concept_rows, pillar_rows = Rows(), Rows()
        values: list[float] = []
        for profile in self.profiles:
            ids = [columns[c] for c in profile.weights]
            values += [w * idf[i] for i, w in zip(ids, profile.weights.values(), strict=True)]
            concept_rows.add(ids)
            pillar_rows.add([pillar_columns[pillar_of[c].id] for c in profile.weights])
        weights = np.array(values, dtype=np.float32)
        concepts = count_matrix(*concept_rows.arrays(), len(concept_ids), weights)
        pillars = count_matrix(*pillar_rows.arrays(), len(pillar_ids), weights)
        return concepts, pillars

    # -- what ranking reads ------------------------------------------------------------

    def relevance_block(self, need_indices: Sequence[int]) -> np.ndarray:
        """Weighted text + concept relevance of some needs against every SME (dense float32)."""
        from scipy.sparse import diags

        needs = self.rows[list(need_indices)] @ diags(self.part_weights.astype(np.float32))
        return np.asarray((needs @ self._sme_columns).toarray())

    @cached_property
    def _sme_columns(self) -> Any:
        """The SME rows transposed, stored row-major once, so each chunk is one plain product.

        Costs one more copy of the SME matrix; saves a conversion on every chunk of needs.
        """
        return self.rows[self.n_needs :].T.tocsr()

    def relevance_for_sme(self, need_indices: Sequence[int], sme: int) -> np.ndarray:
        """Weighted relevance of some needs for one SME."""
        from scipy.sparse import diags

        needs = self.rows[list(need_indices)] @ diags(self.part_weights.astype(np.float32))
        column = needs @ self.rows[self.n_needs + sme].T
        return np.asarray(column.toarray(), dtype=np.float64).ravel()

    def compare(self, need: int, sme: int, limit: int = 5) -> Comparison:
        """Text and concept similarity of one pair, and the words that add most to the text.

        One intersection of the two rows serves all three, split by column ranges.
        """
        common, left, right = row_overlap(self.rows, need, self.n_needs + sme)
        products = left * right
        in_text = common < self.text_end
        in_words = common < self.word_end
        text = float(products[in_text].sum())
        concept = float(products[~in_text].sum())
        word_columns, word_products = common[in_words], products[in_words]
        order = np.lexsort((word_columns, -word_products))[:limit]
        words = self.need_words[need]
        shared = tuple(
            " ".join(words.get(s, s) for s in self._word_columns.name(int(word_columns[i])).split())
            for i in order
        )
        return Comparison(text, concept, shared)


def _words_by_stem(parts: AnalysedFields) -> dict[str, str]:
    """The first word of a record that produced each stem (for display)."""
    words: dict[str, str] = {}
    for _, _, analysed in parts:
        for word, stem in zip(analysed.words, analysed.stems, strict=True):
            words.setdefault(stem, word.lower())
    return words


@dataclass(frozen=True)
class WordColumns:
    """Names of the word feature columns: a stem, or two stems for a bigram."""

    stems: list[str]
    pairs: np.ndarray
    kept: np.ndarray

    def name(self, column: int) -> str:
        original = int(self.kept[column])
        if original < len(self.stems):
            return self.stems[original]
        first, second = divmod(int(self.pairs[original - len(self.stems)]), len(self.stems))
        return f"{self.stems[first]} {self.stems[second]}"


def _word_block(rows: Rows, names: list[str], tiny: bool) -> tuple[Any, WordColumns]:
    counts, pairs = with_bigrams(*rows.arrays(), len(names))
    counts, kept = keep_informative(counts, min_df=1, max_df=1.0 if tiny else MAX_DF)
    return tfidf(counts), WordColumns(names, pairs, kept)


def _char_block(rows: Rows, tokens: list[str], tiny: bool) -> Any:
    counts = spread_to_ngrams(count_matrix(*rows.arrays(), len(tokens)), tokens)
    counts, _ = keep_informative(
        counts, min_df=1 if tiny else 2, max_df=1.0 if tiny else CHAR_MAX_DF
    )
    return tfidf(counts)
