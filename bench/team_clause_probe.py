"""PROTOTYPE, not the product: parts of a need as the clauses of its request sentence.

Measures an idea for issue 12 before it is built properly (see the report of feat/teams2).
A need's parts become the clauses of the sentences where it asks ("we need A; B, and C"),
cut at `;`, `,`, `:` and the word "and" of the need's language. An SME covers a clause by
the best of (a) the team cover of a taxonomy concept named in the clause and (b) the
idf-weighted share of the clause's content stems that its own text uses, divided by
SCALE. Needs without two such clauses keep their concept parts. The cue words are here
only for the probe: the product must read them from the taxonomy (`remedies.requests` of
feat/trust) and the conjunctions from new taxonomy data.

W: the bundled weights.yaml with `teams: candidates_by_relevance: 40` (clauses have no
concept holders, so candidates come by relevance) and `margin: 0.0` (figures in the report).

    .venv/bin/python bench/team_clause_probe.py evaluate --teams --weights W
    GSSC_MATCH_DATA=../shared/realset .venv/bin/python bench/team_clause_probe.py \
        evaluate --teams --weights W --team-judgments docs/realset/team-judgments.yaml
"""

from __future__ import annotations

import math
import os
import re
import sys
from typing import Any

from gssc_match.catalogue.text import analyse, stems
from gssc_match.cli import main
from gssc_match.matching import teams

REQUESTS = {
    "en": [
        "we need",
        "need",
        "needs",
        "we want",
        "want",
        "we would like",
        "we ask",
        "we are looking for",
        "we seek",
        "what is missing",
        "is needed",
        "are needed",
        "must",
    ],
    "es": [
        "necesitamos",
        "necesita",
        "necesitan",
        "queremos",
        "buscamos",
        "falta",
        "faltan",
        "nos falta",
        "pedimos",
        "se requiere",
        "se requieren",
        "hace falta",
        "urge",
    ],
    "pt": [
        "precisamos",
        "precisa",
        "precisam",
        "queremos",
        "procuramos",
        "falta",
        "faltam",
        "pedimos",
        "é preciso",
        "é necessário",
        "são necessários",
    ],
    "vi": ["cần", "chúng tôi cần", "cái cần là", "mong muốn", "tìm", "đề nghị", "kêu gọi", "thiếu"],
    "it": [
        "abbiamo bisogno",
        "serve",
        "servono",
        "vogliamo",
        "cerchiamo",
        "manca",
        "mancano",
        "chiediamo",
        "occorre",
        "occorrono",
    ],
    "pl": [
        "potrzebujemy",
        "potrzeba",
        "potrzebne",
        "potrzebny",
        "chcemy",
        "szukamy",
        "brakuje",
        "prosimy",
    ],
}
AND = {
    "en": ["and", "as well as"],
    "es": ["y", "e"],
    "pt": ["e"],
    "it": ["e", "ed"],
    "pl": ["i", "oraz", "a także"],
    "vi": ["và", "cùng"],
}
SCALE = float(os.environ.get("SCALE", "0.4"))
SENTENCE = re.compile(r"[.!?]+(?=\s|$)|\n")
concept_parts, concept_cover = teams.TeamFinder.parts_of, teams.TeamFinder.cover


def clauses(language: str, description: str) -> list[tuple[str, list[str]]]:
    """(clause, content stems) of every request sentence, from its first request word."""
    cues = {c for c in (tuple(stems(t)) for t in REQUESTS.get(language, [])) if c}
    conj = "|".join(re.escape(w) for w in AND.get(language, []))
    found = []
    for sentence in SENTENCE.split(description):
        keys = analyse(sentence).stems
        starts = [i for i in range(len(keys)) for c in cues if keys[i : i + len(c)] == c]
        if not starts:
            continue
        first = analyse(sentence).words[min(starts)]
        asked = sentence[sentence.lower().find(first.lower()) :]
        for piece in re.split(rf"[;,:]|\b(?:{conj})\b", asked):
            content = [s for s in analyse(piece).content_stems() if len(s) > 2]
            if len(content) >= 2:
                found.append((piece.strip(), content))
    return found


def sme_stems(finder: Any) -> tuple[dict[str, float], list[set[str]], float]:
    """Idf of each stem over the SMEs, each SME's stems, and the idf of an unseen stem."""
    if not hasattr(finder, "_probe"):
        smes = finder.matcher.smes
        texts = [" ".join([*s.tags, *s.offerings, s.description]) for s in smes]
        sets = [set(analyse(t).content_stems()) for t in texts]
        df: dict[str, int] = {}
        for st in sets:
            for x in st:
                df[x] = df.get(x, 0) + 1
        n = len(smes)
        idf = {x: math.log((1 + n) / (1 + d)) + 1 for x, d in df.items()}
        finder._probe = (idf, sets, math.log(1 + n) + 1)
    probe: tuple[dict[str, float], list[set[str]], float] = finder._probe
    return probe


def parts_of(self: Any, need_index: int) -> tuple[teams.NeedPart, ...]:
    need = self.matcher.needs[need_index]
    found = clauses(need.language, need.description)
    if len(found) < 2:
        return concept_parts(self, need_index)
    index = self.matcher.catalogue.taxonomy.concept_index
    parts = []
    for piece, content in found:
        named = sorted({h.concept_id for h in index.find(piece)})
        key = "clause:" + "|".join(content) + "#" + ",".join(named)
        parts.append(teams.NeedPart(key, piece[:40], "clause", 1 / len(found), (piece[:40],)))
    return tuple(parts)


def cover(
    self: Any, sme_index: int, part: teams.NeedPart
) -> tuple[float, tuple[str, ...], str | None]:
    if not part.concept_id.startswith("clause:"):
        return concept_cover(self, sme_index, part)
    idf, sets, unseen = sme_stems(self)
    body, _, named = part.concept_id[len("clause:") :].partition("#")
    content = body.split("|")
    pillar_of = self.matcher.catalogue.taxonomy.pillar_of
    best = 0.0
    for c in filter(None, named.split(",")):
        as_part = teams.NeedPart(c, c, pillar_of[c].name, 1.0, ())
        best = max(best, concept_cover(self, sme_index, as_part)[0])
    total = sum(idf.get(s, unseen) for s in content)
    got = sum(idf.get(s, unseen) for s in content if s in sets[sme_index])
    shared = tuple(s for s in content if s in sets[sme_index])[:3]
    return max(best, min(1.0, got / total / SCALE)), shared, None


if __name__ == "__main__":
    teams.TeamFinder.parts_of = parts_of  # type: ignore[method-assign]
    teams.TeamFinder.cover = cover  # type: ignore[method-assign]
    sys.argv = ["gssc-match", *sys.argv[1:]]
    main()
