"""Where the taxonomy is blind: frequent words and phrases of a catalogue that no concept covers.

A record's words are read as the matcher reads them (folded, crudely stemmed); the tokens
inside a concept's phrase are covered, the rest are cut into runs at stopwords and numbers
and give 1-3 word n-grams. An n-gram used by several records is a candidate gap; stems
group inflections by construction, and cognates across languages (`hydrogen`, `hidrógeno`,
`idrogeno`) are grouped by the character similarity of their folded forms. Each gap names
the files it comes from and, when one is close, the concept it probably belongs to.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from .blind import need_texts, sme_texts
from .loader import Checked
from .taxonomy import Taxonomy
from .text import STOPWORDS, Analysed, analyse, fold, stem, stems

MAX_WORDS = 3
MIN_RECORDS = 2  # a word one record uses is that record's business, not a gap
MAX_SHARE = 0.25  # a word in more than this share of records is generic ("city", "system")
MIN_LETTERS = 3
COGNATE_CUTOFF = 80.0  # spellings this similar are one term in several languages
MIN_COGNATE = 6  # shorter words look alike by chance (`flow`, `follow`)
SYNONYM_CUTOFF = 85.0  # a gap spelled this close to a synonym probably belongs to its concept
CANDIDATES = 5000  # only the most used n-grams are compared with each other

# Words of any profile or problem statement, whatever its field (folded, six languages):
# companies, places, time and size. Stopwords say nothing; these say nothing about a field.
GENERIC = frozenset(
    map(
        stem,
        """
        about after before over under most more less large small big new old used use using
        was were been being had did does done now then already almost around through
        instead want wants come comes came set sets start started main deep still even
        again against across within without upon yet just both either own same any
        reach reaches sells sell builds build share sector method technology but get got
        yet like should could would may might must there here what whose whom
        pero porque aunque donde propio propia mismo misma
        mas porque onde proprio propria mesmo mesma
        dove perche anche proprio propria stesso stessa
        ale jest byl sobie swoje tylko gdzie
        nhung vi neu thi rat
        run runs need needs city cities town towns day days year years month cost costs
        company companies firm founded based team customers clients people family families
        local area areas part parts first second one two three million thousand only other
        such well very many much some each every during since until while where when how
        make made offer offers provide provides work works help include includes between
        empresa empresas ano anos dia dias ciudad ciudades comuna pueblo gran grande nuevo
        nueva clientes equipo hace desde hasta donde cuando tambien otros otras parte
        cidade cidades ilha municipio empresa anos grande novo nova clientes equipa desde
        azienda aziende anno anni giorno citta comune grande nuovo nuova clienti squadra
        firma firmy spolka rok lat dzien miasto miasta gmina duzy nowy klienci zespol
        nam ngay thanh pho huyen tinh xa nguoi dan cong ty lon moi nhieu
        """.split(),
    )
)


@dataclass(frozen=True)
class RecordText:
    """The words of one record that concepts are looked for in, and where it lives."""

    kind: str  # "sme" or "need"
    record_id: str
    path: str
    tags: tuple[str, ...]
    texts: tuple[str, ...]


@dataclass(frozen=True)
class Suggestion:
    """The concept a gap probably belongs to, and why we think so."""

    concept_id: str
    concept_name: str
    reason: str


@dataclass(frozen=True)
class Gap:
    """One uncovered term (with its inflections and cognates) and the records that use it."""

    term: str
    variants: tuple[str, ...]
    smes: tuple[str, ...]
    needs: tuple[str, ...]
    files: tuple[str, ...]
    suggestion: Suggestion | None
    uses: int
    """How many times the records use it, all spellings together."""

    @property
    def records(self) -> int:
        return len(self.smes) + len(self.needs)


@dataclass(frozen=True)
class GapReport:
    """The gaps of a catalogue, most used first."""

    gaps: tuple[Gap, ...]
    records: int
    uncovered_records: tuple[str, ...]
    """Ids of the records that name no concept at all."""


@dataclass
class _Term:
    """What is collected for one n-gram key across the catalogue."""

    records: set[int] = field(default_factory=set)
    surfaces: Counter[str] = field(default_factory=Counter)
    common: bool = False
    """Written at least once as a common word (not Capitalised): names of places and firms
    (`Santiago`, `Warsaw`) are never concepts."""


def records_of(checked: Checked) -> list[RecordText]:
    """The SMEs and needs a loader run found valid, with their files, in id order."""
    smes = [
        RecordText("sme", i, path, tuple(s.tags), sme_texts(s))
        for i, (s, path) in sorted(checked.smes.items())
    ]
    needs = [
        RecordText("need", i, path, tuple(n.tags), need_texts(n))
        for i, (n, path) in sorted(checked.needs.items())
    ]
    return smes + needs


def find_gaps(records: Sequence[RecordText], taxonomy: Taxonomy, top: int = 20) -> GapReport:
    """The `top` most used uncovered terms of some records, grouped, with suggestions."""
    terms: dict[tuple[str, ...], _Term] = defaultdict(_Term)
    concepts_of: list[set[str]] = []
    for r, record in enumerate(records):
        concepts_of.append(_collect(record, taxonomy, r, terms))
    owners = _stem_owners(taxonomy)
    kept = _drop_contained(_candidates(terms, concepts_of, taxonomy, owners))
    ranked = sorted(kept, key=lambda k: (-len(kept[k].records), -_uses(kept[k]), k))[:CANDIDATES]
    groups = [g for g in _group(ranked, kept) if _records(g, kept) >= MIN_RECORDS]
    gaps = [_gap(group, kept, records, concepts_of, taxonomy, owners) for group in groups]
    gaps.sort(key=lambda g: (-g.uses, -g.records, g.term))
    blind = tuple(
        rec.record_id for rec, found in zip(records, concepts_of, strict=True) if not found
    )
    return GapReport(tuple(gaps[:top]), len(records), blind)


def _candidates(
    terms: dict[tuple[str, ...], _Term],
    concepts_of: list[set[str]],
    taxonomy: Taxonomy,
    owners: dict[str, set[str]],
) -> dict[tuple[str, ...], _Term]:
    """The n-grams that may be gaps: not names, not generic, not too common, not scattered.

    A word one record uses may still be a gap when another record writes its cognate:
    single words are grouped before counting, phrases must repeat as they are.
    """
    limit = max(MIN_RECORDS, int(MAX_SHARE * len(concepts_of)))
    parts = _component_stems(owners)
    topic = [_main_pillar(found, taxonomy) for found in concepts_of]
    return {
        k: t
        for k, t in terms.items()
        if t.common
        and (len(k) == 1 or len(t.records) >= MIN_RECORDS)
        and len(t.records) <= limit
        and not set(k) <= parts
        and _focused(t.records, topic)
    }


def _collect(
    record: RecordText, taxonomy: Taxonomy, r: int, terms: dict[tuple[str, ...], _Term]
) -> set[str]:
    """Add a record's uncovered n-grams to `terms`; return the concepts it names."""
    index = taxonomy.concept_index
    found: set[str] = set()
    for tag in record.tags:
        hits = index.match_tag(tag)
        found.update(h.concept_id for h in hits)
        if not hits:
            _add_runs(analyse(tag), set(), r, terms)
    for text in record.texts:
        analysed = analyse(text)
        spans = index.spans(analysed)
        found.update(s.concept_id for s in spans)
        covered = {i for s in spans for i in range(s.start, s.start + s.length)}
        _add_runs(analysed, covered, r, terms)
    return found


def _add_runs(
    analysed: Analysed, covered: set[int], r: int, terms: dict[tuple[str, ...], _Term]
) -> None:
    """Every 1-3 word n-gram of the runs of content words outside a concept's phrase."""
    for run in _runs(analysed, covered):
        for n in range(1, MAX_WORDS + 1):
            for start in range(len(run) - n + 1):
                window = run[start : start + n]
                term = terms[tuple(analysed.stems[i] for i in window)]
                term.records.add(r)
                term.surfaces[" ".join(analysed.words[i].lower() for i in window)] += 1
                term.common = term.common or not analysed.words[window[0]].istitle()


def _runs(analysed: Analysed, covered: set[int]) -> Iterable[list[int]]:
    """Positions of consecutive content words, cut at stopwords, numbers and covered words."""
    run: list[int] = []
    for i, token in enumerate(analysed.tokens):
        if i in covered or not _is_content(token):
            if run:
                yield run
            run = []
        else:
            run.append(i)
    if run:
        yield run


def _is_content(token: str) -> bool:
    return len(token) >= MIN_LETTERS and token not in STOPWORDS and not token.isdigit()


def _main_pillar(found: set[str], taxonomy: Taxonomy) -> str:
    """The pillar most of a record's concepts belong to ("" when it names none)."""
    pillars = Counter(taxonomy.pillar_of[c].id for c in found)
    return min(pillars.items(), key=lambda kv: (-kv[1], kv[0]))[0] if pillars else ""


def _focused(used: set[int], topic: list[str]) -> bool:
    """Whether at least half of the records using a term share their main pillar (or all
    name no concept): a word spread evenly over every theme is a word of the language."""
    counts = Counter(topic[r] for r in used)
    return 2 * max(counts.values()) >= len(used)


def _stem_owners(taxonomy: Taxonomy) -> dict[str, set[str]]:
    """For each stem of a synonym, the concepts whose synonyms use it."""
    owners: dict[str, set[str]] = defaultdict(set)
    for concept in taxonomy.concepts.values():
        for _lang, term in concept.synonyms.all_terms():
            for part in set(stems(term)):
                owners[part].add(concept.id)
    return owners


def _component_stems(owners: dict[str, set[str]]) -> set[str]:
    """Stems that several concepts' phrases are built from (`water`, `energy`, `system`).

    Alone they are too general to be a concept: the taxonomy names them in phrases on
    purpose, so a gap made only of them (or of generic words) is not one.
    """
    return {part for part, concepts in owners.items() if len(concepts) >= 2} | GENERIC


def _drop_contained(terms: dict[tuple[str, ...], _Term]) -> dict[tuple[str, ...], _Term]:
    """A shorter n-gram that only ever appears inside one longer n-gram says nothing more."""
    hidden: set[tuple[str, ...]] = set()
    for key, term in terms.items():
        for part in _parts(key):
            inner = terms.get(part)
            if inner is not None and inner.records == term.records:
                hidden.add(part)
    return {k: t for k, t in terms.items() if k not in hidden}


def _parts(key: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The shorter n-grams inside an n-gram."""
    n = len(key)
    return [key[i : i + m] for m in range(1, n) for i in range(n - m + 1)]


def _group(
    ranked: list[tuple[str, ...]], terms: dict[tuple[str, ...], _Term]
) -> list[list[tuple[str, ...]]]:
    """Terms joined with the first more used term of as many words spelled alike.

    Inflections already share their stems; cognates (`evaporation`, `evaporación`) are
    compared by their folded spelling, only among terms that begin alike once spelling
    habits are set aside (`hidro`, `hydro`, `idro`; `foto`, `photo`): few comparisons on a
    large catalogue, and no chance pairs like `fraction` and `formación`.
    """
    groups: list[list[tuple[str, ...]]] = []
    heads: dict[tuple[int, str], list[tuple[int, str]]] = defaultdict(list)
    for key in ranked:
        folded = _spelling_key(_shown(terms[key]))
        block = heads[(len(key), folded[:2])]
        best = None
        if len(folded) >= MIN_COGNATE:
            best = process.extractOne(
                folded, [h for _, h in block], scorer=fuzz.ratio, score_cutoff=COGNATE_CUTOFF
            )
        if best is not None:
            groups[block[best[2]][0]].append(key)
        else:
            if len(folded) >= MIN_COGNATE:
                block.append((len(groups), folded))
            groups.append([key])
    return groups


def _spelling_key(text: str) -> str:
    """A folded spelling with the habits that differ between languages evened out."""
    folded = fold(text).replace("ph", "f").replace("y", "i")
    return folded.removeprefix("h")


def _uses(term: _Term) -> int:
    return sum(term.surfaces.values())


def _records(group: list[tuple[str, ...]], terms: dict[tuple[str, ...], _Term]) -> int:
    return len(set().union(*(terms[k].records for k in group)))


def _shown(term: _Term) -> str:
    """The spelling most used for a term (ties: alphabetical)."""
    return min(term.surfaces.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def _gap(
    group: list[tuple[str, ...]],
    terms: dict[tuple[str, ...], _Term],
    records: Sequence[RecordText],
    concepts_of: list[set[str]],
    taxonomy: Taxonomy,
    owners: dict[str, set[str]],
) -> Gap:
    used = sorted(set().union(*(terms[k].records for k in group)))
    spellings = [_shown(terms[k]) for k in group]
    other = sorted({s for k in group for s in terms[k].surfaces} - {spellings[0]})
    return Gap(
        term=spellings[0],
        variants=tuple(other),
        smes=tuple(records[r].record_id for r in used if records[r].kind == "sme"),
        needs=tuple(records[r].record_id for r in used if records[r].kind == "need"),
        files=tuple(sorted({records[r].path for r in used})),
        # Only spelling and shared words say what a gap *is*. The concept most records name
        # beside it says what they are about ('arsenic' beside drinking water): added as a
        # synonym there, such suggestions lowered nDCG on both judgment sets, so none is made.
        suggestion=(
            _by_spelling(spellings[:1], taxonomy)
            or _by_word(group, owners, _pillars_near(used, concepts_of, taxonomy), taxonomy)
        ),
        uses=sum(_uses(terms[k]) for k in group),
    )


def _by_word(
    group: list[tuple[str, ...]],
    owners: dict[str, set[str]],
    near: set[str],
    taxonomy: Taxonomy,
) -> Suggestion | None:
    """The one concept whose synonyms already use a word of the gap (`membranes` and
    `membrane filtration`): the taxonomy knows the word, only in a longer phrase.

    Only when the records using the gap name something of that concept's pillar (`near`):
    a shared word alone (`off` in `spin-off` and `off-grid`) is a coincidence.
    """
    for key in group:
        for part in key:
            found = owners.get(part, set())
            if len(found) != 1 or len(part) < MIN_LETTERS + 1:
                continue
            concept = next(iter(found))
            if taxonomy.pillar_of[concept].id in near:
                why = "its synonyms use the word, in longer phrases only"
                return Suggestion(concept, taxonomy.concepts[concept].name, why)
    return None


def _pillars_near(used: list[int], concepts_of: list[set[str]], taxonomy: Taxonomy) -> set[str]:
    """Pillars at least half of the records using a gap name something of."""
    named = Counter(p for r in used for p in {taxonomy.pillar_of[c].id for c in concepts_of[r]})
    return {p for p, n in named.items() if 2 * n >= len(used)}


def _by_spelling(spellings: list[str], taxonomy: Taxonomy) -> Suggestion | None:
    """The concept with a synonym spelled almost like the gap (a missing language form)."""
    index = taxonomy.concept_index
    for spelling in spellings:
        folded = fold(spelling)
        if len(folded) < 5:
            continue
        best = process.extractOne(
            folded, index.choices, scorer=fuzz.ratio, score_cutoff=SYNONYM_CUTOFF
        )
        if best is not None:
            concept = index.choice_concepts[best[2]]
            name = taxonomy.concepts[concept].name
            why = f"spelled like its synonym '{index.choice_terms[best[2]]}'"
            return Suggestion(concept, name, why)
    return None
