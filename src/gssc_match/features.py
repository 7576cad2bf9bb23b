"""Turn records into vectors: TF-IDF text vectors and taxonomy-concept vectors.

Both are L2-normalised blocks, scaled by the square roots of their shares and weights,
then stacked side by side; the dot product of two stacked rows is then exactly
`w_text * text_similarity + w_concept * concept_similarity`, so one sparse product
scores every pair, and each part can still be read off on its own for explanations.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .concepts import ConceptHit, ConceptIndex
from .models import Need, Sme
from .scoring import Weights
from .taxonomy import Taxonomy
from .text import content_stems, fold

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

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


def word_analyzer(text: str) -> list[str]:
    """Stems and stem bigrams of the content words (no stopwords)."""
    stems = content_stems(text)
    return stems + [f"{a} {b}" for a, b in zip(stems, stems[1:], strict=False)]


@dataclass(frozen=True)
class ConceptProfile:
    """The concepts a record names, with weights and the words it used for each."""

    weights: dict[str, float]
    surfaces: dict[str, tuple[str, ...]]


def concept_profile(fields: Fields, index: ConceptIndex, weights: Weights) -> ConceptProfile:
    """Weighted concept counts: a concept in the tags counts more than one in running text."""
    raw: dict[str, float] = defaultdict(float)
    surfaces: dict[str, list[str]] = defaultdict(list)
    field_weights = weights.concept.field_weights
    for name, lines in fields.items():
        factor = float(getattr(field_weights, name))
        for line in lines:
            hits = index.match_tag(line) if name == "tags" else index.find(line)
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
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.weights = weights
        self.index = ConceptIndex(taxonomy)
        self.taxonomy = taxonomy
        texts = [full_text(f) for f in (*needs, *smes)]
        self.word = TfidfVectorizer(analyzer=word_analyzer, sublinear_tf=True, dtype=np.float32)
        self.char = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), preprocessor=fold, sublinear_tf=True,
            min_df=2, dtype=np.float32,
        )
        word = self.word.fit_transform(texts)
        char = self.char.fit_transform(texts)
        self.word_matrix = _stack([word], [1.0])
        profiles = [concept_profile(f, self.index, weights) for f in (*needs, *smes)]
        self.profiles = profiles
        share = weights.text.char_share
        self.text = _stack([word, char], [1.0 - share, share])
        self.concept = self._concept_matrix(profiles)
        self.n_needs = len(needs)

    def _concept_matrix(self, profiles: list[ConceptProfile]) -> csr_matrix:
        from scipy.sparse import csr_matrix

        concept_ids = sorted(self.taxonomy.concepts)
        pillar_ids = sorted({p.id for p in self.taxonomy.source.pillars})
        columns = {c: i for i, c in enumerate(concept_ids)}
        pillar_columns = {p: i for i, p in enumerate(pillar_ids)}
        df = np.zeros(len(concept_ids))
        for profile in profiles:
            for c in profile.weights:
                df[columns[c]] += 1
        idf = np.log((1 + len(profiles)) / (1 + df)) + 1.0
        concept_rows = np.zeros((len(profiles), len(concept_ids)), dtype=np.float32)
        pillar_rows = np.zeros((len(profiles), len(pillar_ids)), dtype=np.float32)
        for r, profile in enumerate(profiles):
            for c, w in profile.weights.items():
                concept_rows[r, columns[c]] = w * idf[columns[c]]
                pillar_rows[r, pillar_columns[self.taxonomy.pillar_of[c].id]] += w * idf[columns[c]]
        share = self.weights.concept.pillar_share
        return _stack([csr_matrix(concept_rows), csr_matrix(pillar_rows)], [1.0 - share, share])

    def relevance_matrices(self) -> tuple[csr_matrix, csr_matrix]:
        """(needs, SMEs) rows whose dot product is the weighted relevance of each pair."""
        w_text = self.weights.parts.text
        w_concept = self.weights.parts.concept
        stacked = _stack([self.text, self.concept], [w_text, w_concept], normalise=False)
        return stacked[: self.n_needs], stacked[self.n_needs :]

    def text_similarity(self, need: int, sme: int) -> float:
        return _dot(self.text, need, self.n_needs + sme)

    def concept_similarity(self, need: int, sme: int) -> float:
        return _dot(self.concept, need, self.n_needs + sme)

    def shared_terms(self, need: int, sme: int, limit: int = 5) -> list[str]:
        """The word features (stems, stem pairs) that add most to the text similarity."""
        a = self.word_matrix[need]
        b = self.word_matrix[self.n_needs + sme]
        common = np.intersect1d(a.indices, b.indices)
        if common.size == 0:
            return []
        left = np.asarray(a[:, common].toarray()).ravel()
        right = np.asarray(b[:, common].toarray()).ravel()
        order = np.lexsort((common, -(left * right)))[:limit]
        vocabulary = self.word.get_feature_names_out()
        return [str(vocabulary[common[i]]) for i in order]


def _stack(blocks: list[Any], shares: list[float], *, normalise: bool = True) -> csr_matrix:
    from scipy.sparse import hstack
    from sklearn.preprocessing import normalize

    scaled = [
        (normalize(block) if normalise else block) * math.sqrt(share)
        for block, share in zip(blocks, shares, strict=True)
    ]
    return hstack(scaled, format="csr", dtype=np.float32)


def _dot(matrix: csr_matrix, i: int, j: int) -> float:
    return float(matrix[i].multiply(matrix[j]).sum())
