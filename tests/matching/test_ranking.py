"""Ranking, at library level: bounds, explainable sums, determinism and behaviour on cases."""

from __future__ import annotations

import dataclasses
import math
import shutil
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gssc_match.about import about_run
from gssc_match.api import Result, open_catalogue, rank
from gssc_match.catalogue.loader import Catalogue
from gssc_match.catalogue.models import Need, Sme
from gssc_match.errors import UnknownRecordError, UsageError
from gssc_match.matching.ranking import Match, Matcher, readiness, top_k
from gssc_match.matching.scoring import Part, Weights, load_weights
from gssc_match.outputs.formats import to_json
from gssc_match.outputs.rows import PART_COLUMNS, Row
from gssc_match.selection import Selection

EPS = 1e-6
ROUNDING = 5e-4  # rows round the score and each part to 4 decimals separately
WATER_NEEDS = ("cl-valparaiso-perdidas-agua", "cv-sal-dessalinizacao", "vn-hue-canh-bao-lu")
NO_MATCH_NEED = "vn-hoi-an-lantern-crafts"
SLOW = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def weights() -> Weights:
    return load_weights()


@pytest.fixture(scope="module")
def matcher(mini: Catalogue, weights: Weights) -> Matcher:
    return Matcher(mini, weights)


@pytest.fixture(scope="module")
def everything(mini: Catalogue, weights: Weights) -> Result:
    """Every SME for every need."""
    return rank(mini, Selection(top=len(mini.smes)), weights)


def all_matches(result: Result) -> list[Match]:
    return [m for s in result.shortlists for m in s.matches] + list(result.sme_matches)


def shortlist_ids(result: Result, need_id: str) -> list[str]:
    [shortlist] = [s for s in result.shortlists if s.need.id == need_id]
    return [m.sme.id for m in shortlist.matches]


def with_records(
    catalogue: Catalogue, smes: Iterable[Sme] = (), needs: Iterable[Need] = ()
) -> Catalogue:
    """The catalogue with more records, kept in id order as the loader keeps them."""
    return dataclasses.replace(
        catalogue,
        smes=tuple(sorted((*catalogue.smes, *smes), key=lambda s: s.id)),
        needs=tuple(sorted((*catalogue.needs, *needs), key=lambda n: n.id)),
    )


def sme(sme_id: str, description: str, **fields: object) -> Sme:
    base: dict[str, object] = {
        "id": sme_id,
        "name": sme_id.title(),
        "country": "PL",
        "cluster": "ict",
        "description": description,
        "offerings": ["Consulting"],
        "languages": ["en"],
    }
    return Sme.model_validate({**base, **fields})


def need(need_id: str, country: str, description: str, **fields: object) -> Need:
    base: dict[str, object] = {
        "id": need_id,
        "country": country,
        "city": "Arica",
        "title": description.split(".")[0][:80],
        "description": description,
        "language": "es",
        "priority": "low",
    }
    return Need.model_validate({**base, **fields})


# -- bounds and sums -------------------------------------------------------------------


def check_match(match: Match) -> None:
    assert -EPS <= match.score <= 1 + EPS
    for c in match.breakdown.contributions:
        assert 0.0 <= c.value <= 1.0, c
        assert 0.0 <= c.weight <= 1.0, c
    assert math.isclose(
        match.score, sum(c.points for c in match.breakdown.contributions), abs_tol=EPS
    )
    assert [c.part for c in match.breakdown.contributions] == list(Part)


def check_row(row: Row) -> None:
    if row.sme_id is None:
        assert row.score is None
        return
    assert row.score is not None
    parts = [getattr(row, column) for column in PART_COLUMNS]
    assert all(p is not None and 0.0 <= p <= 1.0 for p in parts)
    assert math.isclose(row.score, sum(parts), abs_tol=ROUNDING)


def test_every_score_and_part_is_in_range_and_adds_up(everything: Result) -> None:
    matches = all_matches(everything)
    assert len(matches) > 10
    for match in matches:
        check_match(match)
    for row in everything.rows:
        check_row(row)


def test_every_pair_is_in_range_and_adds_up(matcher: Matcher) -> None:
    for i in range(len(matcher.needs)):
        for j in range(len(matcher.smes)):
            check_match(matcher.explain(i, j))


def test_fast_relevance_equals_the_explained_relevance(matcher: Matcher) -> None:
    """The sparse product that ranks and the breakdown that explains agree on every pair."""
    block = matcher.relevance_block(range(len(matcher.needs)))
    for i in range(len(matcher.needs)):
        for j in range(len(matcher.smes)):
            assert math.isclose(
                block[i, j], matcher.explain(i, j).breakdown.relevance, abs_tol=1e-5
            )


selections = st.builds(
    Selection,
    country=st.sampled_from([None, "chile", "cape-verde", "vietnam"]),
    cluster=st.sampled_from([None, "water", "solar", "greentech", "ict", "nano"]),
    top=st.integers(1, 12),
    min_score=st.sampled_from([0.0, 0.1, 0.3, 0.6, 1.0]),
)


@SLOW
@given(selection=selections)
def test_any_selection_keeps_scores_in_range_and_in_order(
    mini: Catalogue, weights: Weights, selection: Selection
) -> None:
    result = rank(mini, selection, weights)
    for shortlist in result.shortlists:
        if selection.country:
            assert shortlist.need.country == selection.country
        assert len(shortlist.matches) <= selection.top
        assert [m.rank for m in shortlist.matches] == list(range(1, len(shortlist.matches) + 1))
        keys = [(-round(m.score, 6), m.sme.id) for m in shortlist.matches]
        assert keys == sorted(keys)
        for match in shortlist.matches:
            check_match(match)
            assert match.score >= selection.min_score
            assert selection.cluster in (None, match.sme.cluster)
        if shortlist.no_good_match:
            assert shortlist.matches == ()
    for row in result.rows:
        check_row(row)


description_texts = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=200
).filter(lambda t: t.strip())


@SLOW
@given(text=description_texts)
def test_any_description_keeps_scores_in_range(
    mini: Catalogue, weights: Weights, text: str
) -> None:
    catalogue = with_records(mini, smes=[sme("zz-random", text, tags=[text[:50].strip() or "x"])])
    result = rank(catalogue, Selection(top=len(catalogue.smes)), weights)
    for match in all_matches(result):
        check_match(match)
    for row in result.rows:
        check_row(row)


# -- order independence and determinism ------------------------------------------------


@SLOW
@given(data=st.data())
def test_record_order_changes_nothing(
    mini: Catalogue, weights: Weights, everything: Result, data: st.DataObject
) -> None:
    shuffled = dataclasses.replace(
        mini,
        smes=tuple(data.draw(st.permutations(mini.smes))),
        needs=tuple(data.draw(st.permutations(mini.needs))),
    )
    result = rank(shuffled, Selection(top=len(mini.smes)), weights)
    assert result.rows == everything.rows
    sme_view = rank(shuffled, Selection(sme_id="brine-less", top=3), weights)
    assert sme_view.rows == rank(mini, Selection(sme_id="brine-less", top=3), weights).rows


def test_file_order_on_disk_changes_nothing(
    tmp_path: Path, mini_path: Path, weights: Weights, everything: Result
) -> None:
    """Files written in reverse order, SMEs in nested folders that sort the other way round."""
    root = tmp_path / "shuffled"
    root.mkdir()
    shutil.copy(mini_path / "taxonomy.yaml", root / "taxonomy.yaml")
    smes = sorted((mini_path / "smes").glob("*.yaml"), reverse=True)
    for n, path in enumerate(smes):
        folder = root / "smes" / f"{n:02d}"
        folder.mkdir(parents=True)
        shutil.copy(path, folder / path.name)
    for path in sorted((mini_path / "needs").rglob("*.yaml"), reverse=True):
        target = root / path.relative_to(mini_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    catalogue = open_catalogue(root)
    result = rank(catalogue, Selection(top=len(catalogue.smes)), weights)
    assert result.rows == everything.rows


def test_same_inputs_give_the_same_json_bytes(mini: Catalogue, weights: Weights) -> None:
    def once() -> bytes:
        selection = Selection(top=4)
        result = rank(open_catalogue(mini.root), selection, weights)
        return to_json(result.rows, about_run(mini, weights, selection)).encode("utf-8")

    assert once() == once()


# -- behaviour on known cases ----------------------------------------------------------


@pytest.mark.parametrize(
    "need_id",
    [
        "cl-valparaiso-perdidas-agua",
        "cl-temuco-residuos-organicos",
        "cv-sal-dessalinizacao",
        "cv-praia-servicos-online",
        "vn-hue-canh-bao-lu",
        NO_MATCH_NEED,
    ],
)
def test_a_copy_of_a_need_ranks_first_for_it(
    mini: Catalogue, weights: Weights, need_id: str
) -> None:
    [original] = [n for n in mini.needs if n.id == need_id]
    copy = sme(
        "zz-copy",
        original.description,
        offerings=[original.title],
        tags=list(original.tags),
        languages=[original.language],
    )
    result = rank(with_records(mini, smes=[copy]), Selection(need_ids=(need_id,)), weights)
    assert shortlist_ids(result, need_id)[0] == "zz-copy"


def test_portuguese_desalination_need_finds_the_english_desalination_sme(
    everything: Result,
) -> None:
    assert "brine-less" in shortlist_ids(everything, "cv-sal-dessalinizacao")[:3]


@pytest.mark.parametrize(
    ("need_id", "best"),
    [
        ("cl-valparaiso-perdidas-agua", "fuga-cero"),
        ("cl-temuco-residuos-organicos", "humus-comune"),
        ("cv-sal-dessalinizacao", "brine-less"),
        ("cv-praia-servicos-online", "e-urzad"),
        ("vn-hue-canh-bao-lu", "powodz-alarm"),
    ],
)
def test_the_obvious_sme_is_first(everything: Result, need_id: str, best: str) -> None:
    assert shortlist_ids(everything, need_id)[0] == best


@pytest.mark.parametrize("need_id", WATER_NEEDS)
def test_a_water_repellent_coating_is_not_first_for_a_water_need(
    everything: Result, need_id: str
) -> None:
    assert shortlist_ids(everything, need_id)[0] != "nano-tkanina"


def test_a_water_repellent_coating_is_not_first_for_an_english_water_need(
    mini: Catalogue, weights: Weights
) -> None:
    """The trap: many shared words (water, rain, dry) and no shared idea."""
    leaks = need(
        "cl-arica-leaks",
        "chile",
        "Water is lost from old pipes before it reaches homes. We need leak detection and "
        "fewer water losses, so that homes stay supplied in the dry season.",
        language="en",
        tags=["water losses"],
    )
    result = rank(with_records(mini, needs=[leaks]), Selection(need_ids=(leaks.id,)), weights)
    assert shortlist_ids(result, leaks.id)[0] == "fuga-cero"


def test_a_need_nothing_fits_is_flagged(everything: Result, weights: Weights) -> None:
    flagged = {s.need.id for s in everything.shortlists if s.no_good_match}
    assert flagged == {NO_MATCH_NEED}
    [shortlist] = [s for s in everything.shortlists if s.need.id == NO_MATCH_NEED]
    assert shortlist.matches == ()
    assert shortlist.best_relevance < weights.no_match_threshold
    [row] = [r for r in everything.rows if r.need_id == NO_MATCH_NEED]
    assert row.no_good_match and row.sme_id is None and row.score is None


def test_shortlists_come_by_priority_then_need_id(everything: Result) -> None:
    order = {"high": 0, "medium": 1, "low": 2}
    keys = [(order[s.need.priority], s.need.id) for s in everything.shortlists]
    assert keys == sorted(keys)
    assert len({priority for priority, _ in keys}) > 1  # the fixture mixes priorities


def _relevant(match: Match, weights: Weights) -> bool:
    """Whether a pair clears the relevance threshold (language and market points aside)."""
    return match.breakdown.relevance >= weights.no_match_threshold - EPS


def test_a_shortlist_is_the_best_of_all_pairs(
    matcher: Matcher, everything: Result, weights: Weights
) -> None:
    """The fast path (sparse product, top-k, re-score) finds what brute force finds."""
    for i, n in enumerate(matcher.needs):
        if n.id == NO_MATCH_NEED:
            continue
        pairs = [(matcher.explain(i, j), s.id) for j, s in enumerate(matcher.smes)]
        ordered = sorted(pairs, key=lambda p: (-round(p[0].score, 6), p[1]))
        brute = [sid for m, sid in ordered if _relevant(m, weights)]
        assert shortlist_ids(everything, n.id) == brute


def test_candidates_below_the_relevance_threshold_are_never_shown(
    everything: Result, weights: Weights
) -> None:
    """Language and market points alone never put an SME on a shortlist."""
    matches = all_matches(everything)
    assert matches
    assert all(_relevant(m, weights) for m in matches)


# -- the reverse view ------------------------------------------------------------------


def test_the_reverse_view_is_the_best_of_all_pairs(matcher: Matcher, weights: Weights) -> None:
    for j, s in enumerate(matcher.smes):
        pairs = [(matcher.explain(i, j), n.id) for i, n in enumerate(matcher.needs)]
        ordered = sorted(pairs, key=lambda p: (-round(p[0].score, 6), p[1]))
        brute = [nid for m, nid in ordered if _relevant(m, weights)]
        got = matcher.for_sme(s.id, Selection(top=3))
        assert [m.need.id for m in got] == brute[:3]
        assert [m.rank for m in got] == list(range(1, len(got) + 1))


def test_the_reverse_view_counts_language_and_market(mini: Catalogue, weights: Weights) -> None:
    """Candidates are chosen by total score: a slightly less relevant need in a country where
    the SME speaks the language and works can win over many more relevant ones elsewhere."""
    text = "Bombeo solar para pozos rurales."
    far = [need(f"zz-vietnam-{i}", "vietnam", text) for i in range(8)]
    near = need("zz-chile", "chile", text + " Urgente.")
    fit = sme("zz-fit", text, cluster="solar", languages=["es"], markets=["CL"])
    matcher = Matcher(with_records(mini, smes=[fit], needs=[*far, near]), weights)
    [best] = matcher.for_sme("zz-fit", Selection(top=1))
    j = [s.id for s in matcher.smes].index("zz-fit")
    assert best.score == max(matcher.explain(i, j).score for i in range(len(matcher.needs)))


def test_the_reverse_view_filters_by_country(mini: Catalogue, weights: Weights) -> None:
    result = rank(mini, Selection(sme_id="brine-less", country="cape-verde", top=10), weights)
    assert result.sme_matches
    assert {m.need.country for m in result.sme_matches} == {"cape-verde"}
    assert all(r.sme_id == "brine-less" for r in result.rows)


# -- selection -------------------------------------------------------------------------


def test_select_by_need_ids(mini: Catalogue, weights: Weights) -> None:
    chosen = ("vn-hue-canh-bao-lu", "cl-temuco-residuos-organicos")
    result = rank(mini, Selection(need_ids=chosen), weights)
    assert [s.need.id for s in result.shortlists] == list(chosen)  # high before medium


def test_select_by_city_ignores_case_and_accents(mini: Catalogue, weights: Weights) -> None:
    result = rank(mini, Selection(city="HUE"), weights)
    assert [s.need.id for s in result.shortlists] == ["vn-hue-canh-bao-lu"]


def test_select_by_cluster(mini: Catalogue, weights: Weights) -> None:
    result = rank(mini, Selection(cluster="water", top=10), weights)
    clusters = {m.sme.cluster for m in all_matches(result)}
    assert clusters == {"water"}


def test_min_score_drops_weak_matches_but_keeps_the_need(mini: Catalogue, weights: Weights) -> None:
    result = rank(mini, Selection(min_score=1.0), weights)
    assert all(s.matches == () for s in result.shortlists)
    assert {r.need_id for r in result.rows} == {n.id for n in mini.needs}


@pytest.mark.parametrize(
    ("selection", "error"),
    [
        (Selection(need_ids=("nowhere",)), UnknownRecordError),
        (Selection(sme_id="nobody"), UnknownRecordError),
        (Selection(cluster="bakery"), UsageError),
    ],
)
def test_unknown_names_are_usage_errors(
    mini: Catalogue, weights: Weights, selection: Selection, error: type[Exception]
) -> None:
    with pytest.raises(error):
        rank(mini, selection, weights)


def test_an_unknown_cluster_error_lists_the_clusters(mini: Catalogue, weights: Weights) -> None:
    with pytest.raises(UsageError, match="water") as caught:
        rank(mini, Selection(cluster="bakery"), weights)
    assert all(c in str(caught.value) for c in mini.taxonomy.clusters)


# -- top_k -----------------------------------------------------------------------------


def reference_top_k(scores: list[float], k: int) -> list[int]:
    return sorted(range(len(scores)), key=lambda i: (-scores[i], i))[: max(k, 0)]


score_lists = st.lists(st.sampled_from([0.0, 0.1, 0.25, 0.5, 1.0, -math.inf]), max_size=40)


@given(scores=score_lists, k=st.integers(-2, 45))
def test_top_k_breaks_ties_by_index(scores: list[float], k: int) -> None:
    got = top_k(np.array(scores, dtype=np.float64), k)
    assert got.tolist() == reference_top_k(scores, k)


@given(scores=st.lists(st.floats(0, 1), max_size=40), k=st.integers(0, 45))
def test_top_k_matches_a_full_sort(scores: list[float], k: int) -> None:
    got = top_k(np.array(scores, dtype=np.float64), k)
    assert got.tolist() == reference_top_k(scores, k)


def test_top_k_on_equal_scores_returns_ascending_indices() -> None:
    assert top_k(np.full(10, 0.5), 4).tolist() == [0, 1, 2, 3]


# -- explanations ----------------------------------------------------------------------


def test_a_match_names_the_shared_concept_in_each_side_s_words(everything: Result) -> None:
    [shortlist] = [s for s in everything.shortlists if s.need.id == "cv-sal-dessalinizacao"]
    [match] = [m for m in shortlist.matches if m.sme.id == "brine-less"]
    [concept] = [c for c in match.concepts if c.concept_id == "desalination"]
    assert "dessalinização" in concept.need_words
    assert "desalination" in concept.sme_words
    [row] = [
        r for r in everything.rows if r.need_id == shortlist.need.id and r.sme_id == "brine-less"
    ]
    assert row.matched_concepts.startswith("Desalination (dessalinização")


def test_shared_terms_are_shown_as_the_need_wrote_them(everything: Result) -> None:
    [shortlist] = [s for s in everything.shortlists if s.need.id == "cl-valparaiso-perdidas-agua"]
    [match] = [m for m in shortlist.matches if m.sme.id == "fuga-cero"]
    assert match.shared_terms
    need_text = (
        f"{shortlist.need.title} {shortlist.need.description} {' '.join(shortlist.need.tags)}"
    )
    for term in match.shared_terms:
        assert all(word in need_text.lower() for word in term.split())


# -- readiness -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trl", "value"), [(9, 1.0), (7, 0.6), (5, 0.2), (4, 0.0), (1, 0.0), (None, 0.5)]
)
def test_readiness_maps_trl_to_a_value_in_range(trl: int | None, value: float) -> None:
    assert readiness(trl) == pytest.approx(value)


def test_a_proven_product_ranks_above_the_same_offer_at_pilot_stage(
    mini: Catalogue, weights: Weights
) -> None:
    """Two SMEs with the same words: the one in operation (TRL 9) wins over a TRL-5 pilot."""
    text = "Desalination units by reverse osmosis for small island towns."
    pilot = sme("zz-a-pilot", text, cluster="water", trl="5")
    proven = sme("zz-b-proven", text, cluster="water", trl="9")
    result = rank(with_records(mini, smes=[pilot, proven]), Selection(top=10), weights)
    ids = shortlist_ids(result, "cv-sal-dessalinizacao")
    assert ids.index("zz-b-proven") < ids.index("zz-a-pilot")
    [match] = [m for m in all_matches(result) if m.sme.id == "zz-b-proven"][:1]
    assert match.breakdown.value(Part.READINESS) == 1.0


def test_related_concepts_explain_a_pillar_level_match(mini: Catalogue, weights: Weights) -> None:
    """A leak problem and a desalination offer share no concept but the water pillar: the
    explanation names the concept on each side that made the pillar share count."""
    leaks = need("zz-leaks", "cape-verde", "Water losses in old pipes: we need leak detection.")
    desal = sme("zz-desal", "Seawater desalination plants by reverse osmosis.", cluster="water")
    matcher = Matcher(with_records(mini, smes=[desal], needs=[leaks]), weights)
    i = [n.id for n in matcher.needs].index("zz-leaks")
    j = [s.id for s in matcher.smes].index("zz-desal")
    match = matcher.explain(i, j)
    assert match.concepts == ()
    assert match.breakdown.value(Part.CONCEPT) > 0  # the pillar share alone
    [group] = match.related
    concepts = {c.id: c.name for c in mini.taxonomy.concepts.values()}
    assert (group.need_concepts, group.sme_concepts) == (
        (concepts["water-losses"],),
        (concepts["desalination"],),
    )
    assert group.pillar == mini.taxonomy.pillar_of["desalination"].name


# -- both views tell one story ---------------------------------------------------------


@pytest.fixture(scope="module")
def bundled_matcher(weights: Weights) -> Matcher:
    return Matcher(open_catalogue(), weights)


def test_the_reverse_view_leaves_out_needs_their_shortlist_flags(
    bundled_matcher: Matcher,
) -> None:
    """An SME never sees, as a fit, a need whose own shortlist says no SME answers it; named,
    the pair is shown, marked with the shortlist's own reason and no label."""
    matcher = bundled_matcher
    flagged = {
        s.need.id: s.reason
        for s in matcher.shortlists(Selection())
        if s.no_good_match and s.best_relevance >= matcher.weights.no_match_threshold
    }
    assert flagged, "the bundled catalogue has needs flagged while relevant"
    checked = 0
    for i, n in enumerate(matcher.needs):
        if n.id not in flagged:
            continue
        row = matcher.relevance_block([i])[0]
        for j in np.flatnonzero(row >= matcher.weights.no_match_threshold):
            sme_id = matcher.smes[int(j)].id
            listed = matcher.for_sme(sme_id, Selection(top=len(matcher.needs)))
            assert n.id not in [m.need.id for m in listed]
            [named] = matcher.for_sme(sme_id, Selection(need_ids=(n.id,)))
            assert not named.proposed and not named.below_threshold
            assert named.unanswered == flagged[n.id]
            checked += 1
    assert checked


def test_a_flagged_need_named_in_the_reverse_view_has_no_label(bundled_matcher: Matcher) -> None:
    flagged = next(
        s
        for s in bundled_matcher.shortlists(Selection())
        if s.no_good_match and s.best_relevance >= bundled_matcher.weights.no_match_threshold
    )
    i = [n.id for n in bundled_matcher.needs].index(flagged.need.id)
    row = bundled_matcher.relevance_block([i])[0]
    closest = bundled_matcher.smes[int(np.argmax(row))].id
    result = rank(
        bundled_matcher.catalogue,
        Selection(sme_id=closest, need_ids=(flagged.need.id,)),
        bundled_matcher.weights,
    )
    [out] = result.rows
    assert (out.need_id, out.sme_id, out.no_good_match) == (flagged.need.id, closest, True)
    assert out.label is None and out.reason == flagged.reason
