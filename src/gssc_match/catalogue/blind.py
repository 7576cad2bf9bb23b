"""Records the taxonomy cannot see, so they match by shared words only.

Two cases: a record that names no concept at all, and a record whose text names concepts
only in pillars other than the ones its tags point to (its tags say "water", its text is
read as energy): either way the concept part of its score cannot work for what it is about.
"""

from __future__ import annotations

from collections.abc import Sequence

from .models import Need, Sme
from .taxonomy import Taxonomy
from .text import analyse

HINT = "it matches by words only; see `gssc-match taxonomy gaps`"


def blind_spot(taxonomy: Taxonomy, tags: Sequence[str], texts: Sequence[str]) -> str | None:
    """Why the taxonomy cannot read this record, or None when it can.

    Stops at the first concept that settles it: validate runs this on every record.
    """
    index, pillar_of = taxonomy.concept_index, taxonomy.pillar_of
    tag_pillars = {pillar_of[hit.concept_id].id for tag in tags for hit in index.match_tag(tag)}
    text_pillars: set[str] = set()
    for text in texts:
        for span in index.spans(analyse(text)):
            pillar = pillar_of[span.concept_id].id
            if not tag_pillars or pillar in tag_pillars:
                return None
            text_pillars.add(pillar)
    if not tag_pillars:
        return f"no taxonomy concept in its tags or text: {HINT}"
    if text_pillars:
        return (
            f"its tags point to {_names(taxonomy, tag_pillars)} but its text names only "
            f"{_names(taxonomy, text_pillars)} concepts: {HINT}"
        )
    return None


def _names(taxonomy: Taxonomy, pillars: set[str]) -> str:
    names = {p.id: p.name for p in taxonomy.source.pillars}
    return " / ".join(f"'{names[p]}'" for p in sorted(pillars))


def sme_texts(sme: Sme) -> tuple[str, ...]:
    """The free-text fields of an SME in which concepts are looked for (tags aside)."""
    return (*sme.offerings, sme.description)


def need_texts(need: Need) -> tuple[str, ...]:
    """The free-text fields of a need in which concepts are looked for (tags aside)."""
    return (need.title, need.description)
