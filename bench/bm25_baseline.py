"""The same retrieval as `gssc-match rank --top 10`, done by bm25s, for the benchmark ratio.

Loads the same catalogue with the same loader, indexes the same SME texts, retrieves the
top 10 SMEs for every need, and prints them as JSON (so that the work cannot be skipped).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import bm25s

from gssc_match.api import open_catalogue
from gssc_match.matching.features import full_text, need_fields, sme_fields


def main() -> None:
    catalogue = open_catalogue(Path(sys.argv[1]))
    smes = [full_text(sme_fields(s)) for s in catalogue.smes]
    needs = [full_text(need_fields(n)) for n in catalogue.needs]
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(smes, stopwords=None, show_progress=False), show_progress=False)
    queries = bm25s.tokenize(needs, stopwords=None, show_progress=False)
    docs, _scores = retriever.retrieve(queries, k=min(10, len(smes)), show_progress=False)
    ids = [s.id for s in catalogue.smes]
    result = {
        n.id: [ids[int(j)] for j in row] for n, row in zip(catalogue.needs, docs, strict=True)
    }
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
