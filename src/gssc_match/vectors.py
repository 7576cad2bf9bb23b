"""Sparse vector building blocks: counting by integer ids, TF-IDF weighting, stacking.

scikit-learn's vectorizers count features with a Python loop over every string feature;
here each record's features become integer ids once, and all counting, bigram building,
document-frequency filtering and n-gram spreading happen in numpy and scipy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

CHAR_NGRAMS = (3, 5)
MAX_DF = 0.5  # features in more than half of all records say nothing and cost the most


class Ids:
    """A growing string-to-id table."""

    def __init__(self) -> None:
        self.table: dict[str, int] = {}

    def of(self, items: Sequence[str]) -> list[int]:
        table = self.table
        return [table.setdefault(item, len(table)) for item in items]

    def names(self) -> list[str]:
        return list(self.table)


def count_matrix(
    rows: Sequence[Sequence[int]], columns: int, values: Sequence[Sequence[float]] | None = None
) -> Any:
    """Records x features from per-record lists of feature ids; repeats add up.

    Each occurrence counts 1, or its value from `values` (same shape as `rows`).
    """
    from scipy.sparse import coo_matrix

    lengths = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
    total = int(lengths.sum())
    cols = np.fromiter((i for r in rows for i in r), dtype=np.int64, count=total)
    record = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
    data = (
        np.ones(total, dtype=np.float32)
        if values is None
        else np.fromiter((v for r in values for v in r), dtype=np.float32, count=total)
    )
    return coo_matrix((data, (record, cols)), shape=(len(rows), columns)).tocsr()


def with_bigrams(rows: Sequence[Sequence[int]], unigrams: int) -> tuple[Any, np.ndarray]:
    """Unigram + adjacent-pair counts; returns the matrix and each bigram column's id pair."""
    from scipy.sparse import hstack

    pair_rows = [
        np.asarray(r[:-1], dtype=np.int64) * unigrams + np.asarray(r[1:], dtype=np.int64)
        if len(r) > 1
        else np.empty(0, dtype=np.int64)
        for r in rows
    ]
    flat = np.concatenate(pair_rows) if pair_rows else np.empty(0, dtype=np.int64)
    keys, inverse = np.unique(flat, return_inverse=True)
    split = np.cumsum([len(p) for p in pair_rows])[:-1]
    pairs = [list(part) for part in np.split(inverse, split)] if rows else []
    matrix = hstack([count_matrix(rows, unigrams), count_matrix(pairs, keys.size)], format="csr")
    return matrix, keys


@lru_cache(maxsize=262144)
def char_ngrams(token: str) -> tuple[str, ...]:
    """Character n-grams of one word padded with spaces, as scikit-learn's `char_wb` makes them."""
    padded = f" {token} "
    low, high = CHAR_NGRAMS
    grams = [padded[i : i + n] for n in range(low, high + 1) for i in range(len(padded) - n + 1)]
    return tuple(grams) if grams else (padded,)


def spread_to_ngrams(token_counts: Any, tokens: Sequence[str]) -> Any:
    """Character n-gram counts: token counts times a token-to-n-gram matrix (exact `char_wb`)."""
    from scipy.sparse import coo_matrix

    grams = Ids()
    entries = [
        (column, gram)
        for column, token in enumerate(tokens)
        for gram in grams.of(char_ngrams(token))
    ]
    if not entries:
        return token_counts[:, :0]
    rows, cols = np.array(entries, dtype=np.int64).T
    spread = coo_matrix(
        (np.ones(rows.size, dtype=np.float32), (rows, cols)), shape=(len(tokens), len(grams.table))
    ).tocsr()
    return (token_counts @ spread).tocsr()


def keep_informative(counts: Any, *, min_df: int, max_df: float) -> tuple[Any, np.ndarray]:
    """Drop columns seen in fewer than min_df records or in more than max_df of them."""
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    keep = np.flatnonzero((df >= min_df) & (df <= max(min_df, max_df * counts.shape[0])))
    return counts[:, keep], keep


def tfidf(counts: Any) -> Any:
    """Sublinear TF times smoothed IDF, rows L2-normalised (scikit-learn's defaults)."""
    from sklearn.feature_extraction.text import TfidfTransformer

    if counts.shape[1] == 0:
        return counts.astype(np.float32)
    weighted = TfidfTransformer(sublinear_tf=True).fit_transform(counts)
    return weighted.astype(np.float32)


def stack(blocks: Sequence[Any], shares: Sequence[float]) -> Any:
    """Normalise each block's rows and scale by sqrt(share): dots become share-weighted sums."""
    from scipy.sparse import hstack
    from sklearn.preprocessing import normalize

    scaled = [normalize(b) * math.sqrt(s) for b, s in zip(blocks, shares, strict=True)]
    return hstack(scaled, format="csr", dtype=np.float32)


def row_overlap(
    matrix: Any, i: int, j: int, start: int, end: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shared columns in [start, end) of two rows and both rows' values there (CSR arrays)."""
    a = slice(matrix.indptr[i], matrix.indptr[i + 1])
    b = slice(matrix.indptr[j], matrix.indptr[j + 1])
    left_cols, right_cols = matrix.indices[a], matrix.indices[b]
    common, ia, ib = np.intersect1d(left_cols, right_cols, assume_unique=True, return_indices=True)
    inside = (common >= start) & (common < end)
    left = matrix.data[a][ia[inside]].astype(np.float64)
    right = matrix.data[b][ib[inside]].astype(np.float64)
    return common[inside], left, right
