"""Measure ranking quality against graded judgments, beside two baselines on the same texts.

Metrics over judged needs that have at least one graded SME: nDCG@5, nDCG@10 (gains
2^grade - 1), MRR and recall@10 (an SME is relevant when graded 1 or more). Needs judged
`grades: {}` measure the no-good-match flag instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ..catalogue.loader import Catalogue
from ..catalogue.models import JudgmentsFile, Need
from ..catalogue.schema import load_record
from ..errors import UsageError
from ..selection import Selection
from .features import full_text, need_fields, sme_fields
from .ranking import CHUNK, Matcher, top_k
from .scoring import Weights

DEPTH = 10
Ranker = Callable[[Sequence[int]], list[list[str]]]


@dataclass(frozen=True)
class Metrics:
    """Averages over a group of judged needs."""

    needs: int
    ndcg5: float
    ndcg10: float
    mrr: float
    recall10: float


@dataclass(frozen=True)
class GroupScores:
    """One group (overall, a country, a language) measured for every system."""

    group: str
    by_system: dict[str, Metrics]


@dataclass(frozen=True)
class NoMatchScores:
    """How well the no-good-match flag agrees with needs judged to have no SME: counts,
    and the ids of the no-match needs missed and of the matchable needs flagged."""

    flagged_correctly: int
    no_match_needs: int
    flagged_wrongly: int
    matchable_needs: int
    missed: tuple[str, ...] = ()
    false_flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evaluation:
    groups: tuple[GroupScores, ...]
    no_match: NoMatchScores
    systems: tuple[str, ...]


def load_judgments(path: Path) -> dict[str, dict[str, int]]:
    """need id -> {sme id: grade}; raises CatalogueError with located problems if invalid."""
    parsed = load_record(path, JudgmentsFile, "the judgments file")
    return {need_id: dict(j.grades) for need_id, j in parsed.root.items()}


def ndcg(ranked: Sequence[str], grades: dict[str, int], k: int) -> float:
    gains = [(2 ** grades.get(sme, 0) - 1) / math.log2(i + 2) for i, sme in enumerate(ranked[:k])]
    ideal = sorted(grades.values(), reverse=True)[:k]
    best = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return sum(gains) / best if best else 0.0


def reciprocal_rank(ranked: Sequence[str], grades: dict[str, int]) -> float:
    return next((1.0 / (i + 1) for i, sme in enumerate(ranked) if grades.get(sme, 0) >= 1), 0.0)


def recall(ranked: Sequence[str], grades: dict[str, int], k: int) -> float:
    relevant = {s for s, g in grades.items() if g >= 1}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def evaluate(
    catalogue: Catalogue, judgments: dict[str, dict[str, int]], weights: Weights
) -> Evaluation:
    """Score our matcher and the baselines on the judged needs of a catalogue."""
    unknown = sorted(set(judgments) - {n.id for n in catalogue.needs})
    if unknown:
        raise UsageError(f"judgments name needs not in the catalogue: {', '.join(unknown[:5])}")
    # Every system indexes records in id order, like the matcher, so indices agree.
    catalogue = replace(
        catalogue,
        smes=tuple(sorted(catalogue.smes, key=lambda s: s.id)),
        needs=tuple(sorted(catalogue.needs, key=lambda n: n.id)),
    )
    matcher = Matcher(catalogue, weights)
    systems: dict[str, Ranker] = {
        "gssc-match": _matcher_ranker(matcher),
        "bm25": _bm25_ranker(catalogue),
        "tfidf-word": _tfidf_ranker(catalogue),
    }
    needs = matcher.needs  # the matcher's order is the one its indices refer to
    indices = [i for i, n in enumerate(needs) if n.id in judgments]
    graded = [i for i in indices if judgments[needs[i].id]]
    rankings = {
        name: dict(zip(graded, ranker(graded), strict=True)) for name, ranker in systems.items()
    }
    groups = _groups(needs, graded)
    scores = tuple(
        GroupScores(
            label,
            {name: _metrics(members, rankings[name], needs, judgments) for name in systems},
        )
        for label, members in groups
    )
    return Evaluation(scores, _no_match(matcher, indices, judgments), tuple(systems))


def _groups(needs: Sequence[Need], graded: list[int]) -> list[tuple[str, list[int]]]:
    groups: list[tuple[str, list[int]]] = [("overall", graded)]
    groups += [
        (f"country {c}", [i for i in graded if needs[i].country == c])
        for c in sorted({needs[i].country for i in graded})
    ]
    groups += [
        (f"language {lang}", [i for i in graded if needs[i].language == lang])
        for lang in sorted({needs[i].language for i in graded})
    ]
    non_english = [i for i in graded if needs[i].language != "en"]
    if non_english:
        groups.append(("non-English", non_english))
    return groups


def _metrics(
    members: list[int],
    ranked: dict[int, list[str]],
    needs: Sequence[Need],
    judgments: dict[str, dict[str, int]],
) -> Metrics:
    if not members:
        return Metrics(0, 0.0, 0.0, 0.0, 0.0)
    values = np.array(
        [
            (
                ndcg(ranked[i], g, 5),
                ndcg(ranked[i], g, 10),
                reciprocal_rank(ranked[i], g),
                recall(ranked[i], g, 10),
            )
            for i in members
            for g in [judgments[needs[i].id]]
        ]
    )
    means = values.mean(axis=0)
    return Metrics(len(members), *(round(float(v), 4) for v in means))


def _matcher_ranker(matcher: Matcher) -> Ranker:
    def rank(indices: Sequence[int]) -> list[list[str]]:
        ranked: list[list[str]] = []
        for start in range(0, len(indices), CHUNK):  # never more than one dense chunk
            part = indices[start : start + CHUNK]
            for i, row in zip(part, matcher.relevance_block(part), strict=True):
                ranked.append([matcher.smes[j].id for j in top_k(matcher.totals(i, row), DEPTH)])
        return ranked

    return rank


def _no_match(
    matcher: Matcher, indices: list[int], judgments: dict[str, dict[str, int]]
) -> NoMatchScores:
    """Run the real shortlist code and compare its flag with the judgments."""
    ids = tuple(matcher.needs[i].id for i in indices)
    shortlists = matcher.shortlists(Selection(need_ids=ids)) if ids else iter(())
    flagged = {s.need.id for s in shortlists if s.no_good_match}
    empty = {need_id for need_id in ids if not judgments[need_id]}
    full = set(ids) - empty
    return NoMatchScores(
        len(empty & flagged),
        len(empty),
        len(full & flagged),
        len(full),
        tuple(sorted(empty - flagged)),
        tuple(sorted(full & flagged)),
    )


def _texts(catalogue: Catalogue) -> tuple[list[str], list[str]]:
    return (
        [full_text(need_fields(n)) for n in catalogue.needs],
        [full_text(sme_fields(s)) for s in catalogue.smes],
    )


def _bm25_ranker(catalogue: Catalogue) -> Ranker:
    import bm25s

    need_texts, sme_texts = _texts(catalogue)
    retriever = bm25s.BM25()
    retriever.index(
        bm25s.tokenize(sme_texts, stopwords=None, show_progress=False), show_progress=False
    )
    ids = [s.id for s in catalogue.smes]

    def rank(indices: Sequence[int]) -> list[list[str]]:
        queries = bm25s.tokenize(
            [need_texts[i] for i in indices], stopwords=None, show_progress=False
        )
        scores = [retriever.get_scores(q) for q in _query_tokens(queries)]
        return [[ids[j] for j in top_k(np.asarray(s, dtype=np.float64), DEPTH)] for s in scores]

    return rank


def _query_tokens(tokenized: object) -> list[list[str]]:
    ids, vocab = tokenized.ids, tokenized.vocab  # type: ignore[attr-defined]
    inverse = {v: k for k, v in vocab.items()}
    return [[inverse[t] for t in doc] for doc in ids]


def _tfidf_ranker(catalogue: Catalogue) -> Ranker:
    from sklearn.feature_extraction.text import TfidfVectorizer

    need_texts, sme_texts = _texts(catalogue)
    vectorizer = TfidfVectorizer()
    matrix = vectorizer.fit_transform(need_texts + sme_texts)
    needs, smes = matrix[: len(need_texts)], matrix[len(need_texts) :]
    ids = [s.id for s in catalogue.smes]

    def rank(indices: Sequence[int]) -> list[list[str]]:
        block = np.asarray((needs[list(indices)] @ smes.T).toarray(), dtype=np.float64)
        return [[ids[j] for j in top_k(row, DEPTH)] for row in block]

    return rank


def evaluation_as_dict(evaluation: Evaluation) -> dict[str, object]:
    """A JSON-ready view of an evaluation."""
    return {
        "systems": list(evaluation.systems),
        "groups": [
            {"group": g.group, **{s: vars(m) for s, m in g.by_system.items()}}
            for g in evaluation.groups
        ],
        "no_match": {k: _listed(v) for k, v in vars(evaluation.no_match).items()},
    }


def evaluation_as_text(evaluation: Evaluation) -> str:
    """A plain table: one line per group and system."""
    header = (
        f"{'group':<20} {'system':<11} {'needs':>5} {'nDCG@5':>7} {'nDCG@10':>8} "
        f"{'MRR':>6} {'R@10':>6}"
    )
    lines = [header, "-" * len(header)]
    for group in evaluation.groups:
        for name, m in group.by_system.items():
            lines.append(
                f"{group.group:<20} {name:<11} {m.needs:>5} {m.ndcg5:>7.3f} "
                f"{m.ndcg10:>8.3f} {m.mrr:>6.3f} {m.recall10:>6.3f}"
            )
    nm = evaluation.no_match
    lines.append("")
    lines.append(
        f"no-good-match flag: {nm.flagged_correctly}/{nm.no_match_needs} needs without "
        f"a fitting SME flagged{_ids('missed', nm.missed)}; "
        f"{nm.flagged_wrongly}/{nm.matchable_needs} other needs flagged wrongly"
        f"{_ids('', nm.false_flags)}"
    )
    return "\n".join(lines) + "\n"


def _ids(label: str, ids: tuple[str, ...]) -> str:
    return f" ({label + ': ' if label else ''}{', '.join(ids)})" if ids else ""


def _listed(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value
