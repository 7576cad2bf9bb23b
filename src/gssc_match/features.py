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
from functools import cached_property, lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np

from .concepts import ConceptHit, ConceptIndex
from .models import Need, Sme
from .scoring import Weights
from .taxonomy import Taxonomy
from .text import Analysed, analyse

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

Fields = dict[str, tuple[str, ...]]
CHAR_NGRAMS = (3, 5)
MAX_DF = 0.5  # features in more than half of all records say nothing and cost the most


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


def word_features(analysed: Analysed) -> list[str]:
    """Stems and stem bigrams of the content words (no stopwords)."""
    stems = analysed.content_stems()
    return stems + [f"{a} {b}" for a, b in pairwise(stems)]


@lru_cache(maxsize=262144)
def char_ngrams(token: str) -> tuple[str, ...]:
    """Character n-grams of one word padded with spaces, as `char_wb` makes them."""
    padded = f" {token} "
    low, high = CHAR_NGRAMS
    grams = [padded[i : i + n] for n in range(low, high + 1) for i in range(len(padded) - n + 1)]
    return tuple(grams) if grams else (padded,)


@dataclass(frozen=True)
class ConceptProfile:
    """The concepts a record names, with weights and the words it used for each."""

    weights: dict[str, float]
    surfaces: dict[str, tuple[str, ...]]


AnalysedFields = list[tuple[str, str, Analysed]]


def analyse_fields(fields: Fields) -> AnalysedFields:
    """(field name, line, analysis) for every line of a record, each analysed once."""
    return [(name, line, analyse(line)) for name, lines in fields.items() for line in lines]


def join_analyses(parts: AnalysedFields) -> Analysed:
    """The analysis of the whole record, put together from its lines."""
    return Analysed(
        tuple(w for _, _, a in parts for w in a.words),
        tuple(t for _, _, a in parts for t in a.tokens),
        tuple(s for _, _, a in parts for s in a.stems),
    )


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


class Space:
    """Text and concept vector spaces fitted on one catalogue (needs and SMEs together)."""

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
        records = [analyse_fields(f) for f in (*needs, *smes)]
        self.analysed = [join_analyses(parts) for parts in records]
        self.profiles = [concept_profile(parts, self.index, weights) for parts in records]
        word, self.vocabulary = _word_tfidf(self.analysed)
        self.word_matrix = _stack([word], [1.0])
        share = weights.text.char_share
        self.text = _stack([word, _char_tfidf(self.analysed)], [1.0 - share, share])
        self.concept = self._concept_matrix()

    def _concept_matrix(self) -> csr_matrix:
        from scipy.sparse import csr_matrix

        concept_ids = sorted(self.taxonomy.concepts)
        pillar_ids = sorted({p.id for p in self.taxonomy.source.pillars})
        columns = {c: i for i, c in enumerate(concept_ids)}
        pillar_columns = {p: i for i, p in enumerate(pillar_ids)}
        df = np.zeros(len(concept_ids))
        for profile in self.profiles:
            for c in profile.weights:
                df[columns[c]] += 1
        idf = np.log((1 + len(self.profiles)) / (1 + df)) + 1.0
        concept_rows: list[tuple[int, int, float]] = []
        pillar_rows: dict[tuple[int, int], float] = defaultdict(float)
        for r, profile in enumerate(self.profiles):
            for c, w in profile.weights.items():
                value = w * idf[columns[c]]
                concept_rows.append((r, columns[c], value))
                pillar_rows[(r, pillar_columns[self.taxonomy.pillar_of[c].id])] += value
        shape = len(self.profiles)
        concepts = _sparse(concept_rows, (shape, len(concept_ids)))
        pillars = _sparse(
            [(r, c, v) for (r, c), v in pillar_rows.items()], (shape, len(pillar_ids))
        )
        share = self.weights.concept.pillar_share
        return csr_matrix(_stack([concepts, pillars], [1.0 - share, share]))

    def relevance_matrices(self) -> tuple[csr_matrix, csr_matrix]:
        """(needs, SMEs) rows whose dot product is the weighted relevance of each pair."""
        w_text = self.weights.parts.text
        w_concept = self.weights.parts.concept
        stacked = _stack([self.text, self.concept], [w_text, w_concept], normalise=False)
        return stacked[: self.n_needs], stacked[self.n_needs :]

    def text_similarity(self, need: int, sme: int) -> float:
        return _row_dot(self.text, need, self.n_needs + sme)

    def concept_similarity(self, need: int, sme: int) -> float:
        return _row_dot(self.concept, need, self.n_needs + sme)

    def shared_terms(self, need: int, sme: int, limit: int = 5) -> list[str]:
        """The words that add most to the text similarity, as the need wrote them."""
        common, left, right = _row_overlap(self.word_matrix, need, self.n_needs + sme)
        if common.size == 0:
            return []
        order = np.lexsort((common, -(left * right)))[:limit]
        words = self._words_by_stem(need)
        return [
            " ".join(words.get(s, s) for s in self.vocabulary[common[i]].split()) for i in order
        ]

    @lru_cache(maxsize=4096)  # noqa: B019 - one Space per run; a need is explained ~top times
    def _words_by_stem(self, record: int) -> dict[str, str]:
        """The first word of a record that produced each stem (for display)."""
        analysed = self.analysed[record]
        words: dict[str, str] = {}
        for word, stem in zip(analysed.words, analysed.stems, strict=True):
            words.setdefault(stem, word.lower())
        return words

    @cached_property
    def dimensions(self) -> tuple[int, int]:
        """Number of text and concept features (for benchmarks and docs)."""
        return int(self.text.shape[1]), int(self.concept.shape[1])


def _word_tfidf(analysed: list[Analysed]) -> tuple[csr_matrix, list[str]]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        analyzer=word_features,
        sublinear_tf=True,
        max_df=MAX_DF if len(analysed) > 20 else 1.0,
        dtype=np.float32,
    )
    matrix = vectorizer.fit_transform(analysed)
    return matrix, [str(v) for v in vectorizer.get_feature_names_out()]


def _char_tfidf(analysed: list[Analysed]) -> csr_matrix:
    """Character n-gram TF-IDF: word counts times a word-to-n-gram matrix, then weighted."""
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

    counter = CountVectorizer(analyzer=_letter_tokens, dtype=np.float32)
    word_counts = counter.fit_transform(analysed)
    grams: dict[str, int] = {}
    entries: list[tuple[int, int, float]] = []
    for column, token in enumerate(counter.get_feature_names_out()):
        for gram in char_ngrams(str(token)):
            entries.append((column, grams.setdefault(gram, len(grams)), 1.0))
    spread = _sparse(entries, (word_counts.shape[1], len(grams)), sum_duplicates=True)
    counts = (word_counts @ spread).tocsc()
    df = np.diff(counts.indptr)
    rows = counts.shape[0]
    # An n-gram seen in one record cannot link two; on tiny catalogues keep everything.
    low, high = (2, max(2, MAX_DF * rows)) if rows >= 10 else (1, rows)
    keep = np.flatnonzero((df >= low) & (df <= high))
    if keep.size == 0:
        return _sparse([], (rows, 1))
    return TfidfTransformer(sublinear_tf=True).fit_transform(counts[:, keep].tocsr())


def _letter_tokens(analysed: Analysed) -> list[str]:
    """Tokens that are not bare numbers (a shared "2020" or "000" says nothing)."""
    return [t for t in analysed.tokens if not t.isdigit()]


def _sparse(
    entries: list[tuple[int, int, float]], shape: tuple[int, int], *, sum_duplicates: bool = False
) -> Any:
    from scipy.sparse import coo_matrix

    if not entries:
        return coo_matrix(shape, dtype=np.float32).tocsr()
    rows, cols, values = zip(*entries, strict=True)
    matrix = coo_matrix((np.array(values, dtype=np.float32), (rows, cols)), shape=shape)
    return matrix.tocsr()  # COO to CSR sums duplicate entries


def _stack(blocks: list[Any], shares: list[float], *, normalise: bool = True) -> csr_matrix:
    from scipy.sparse import hstack
    from sklearn.preprocessing import normalize

    scaled = [
        (normalize(block) if normalise else block) * math.sqrt(share)
        for block, share in zip(blocks, shares, strict=True)
    ]
    return hstack(scaled, format="csr", dtype=np.float32)


def _row_overlap(matrix: csr_matrix, i: int, j: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shared columns of two rows and both rows' values there (straight from CSR arrays)."""
    a = slice(matrix.indptr[i], matrix.indptr[i + 1])
    b = slice(matrix.indptr[j], matrix.indptr[j + 1])
    common, ia, ib = np.intersect1d(
        matrix.indices[a], matrix.indices[b], assume_unique=True, return_indices=True
    )
    return common, matrix.data[a][ia].astype(np.float64), matrix.data[b][ib].astype(np.float64)


def _row_dot(matrix: csr_matrix, i: int, j: int) -> float:
    _, left, right = _row_overlap(matrix, i, j)
    return float(np.dot(left, right))
