"""Team suggestions: parts, coverage, the visible score, no passengers, no padded teams."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gssc_match.api import open_catalogue, suggest_teams
from gssc_match.catalogue.loader import Catalogue
from gssc_match.matching.ranking import Matcher
from gssc_match.matching.scoring import load_weights
from gssc_match.matching.teams import TeamFinder, TeamPart, TeamSuggestion
from gssc_match.selection import Selection

# A need that asks for two things no mini SME offers together: a desalination plant
# (Brineless) and leak detection on the network (Fuga Cero).
TWO_PART_NEED = """\
id: cv-mindelo-agua-e-fugas
country: cape-verde
city: Mindelo
title: Dessalinização e perdas de água em São Vicente
description: >-
  Precisamos de uma nova unidade de dessalinização por osmose inversa e, ao mesmo tempo,
  de reduzir as perdas de água na rede antiga com detecção de fugas, porque metade da
  água dessalinizada perde-se antes de chegar às torneiras.
language: pt
tags: [dessalinização, perdas de água, detecção de fugas]
priority: high
"""
TWO_PART_ID = "cv-mindelo-agua-e-fugas"


@pytest.fixture
def two_part(mini_copy: Path) -> Catalogue:
    (mini_copy / "needs" / "cape-verde" / f"{TWO_PART_ID}.yaml").write_text(
        TWO_PART_NEED, encoding="utf-8"
    )
    return open_catalogue(mini_copy)


def only(suggestions: tuple[TeamSuggestion, ...], need_id: str) -> TeamSuggestion:
    return next(s for s in suggestions if s.need.id == need_id)


def test_a_two_part_need_gets_the_two_specialists(two_part: Catalogue) -> None:
    result = suggest_teams(two_part, Selection(need_ids=(TWO_PART_ID,)))
    suggestion = only(result.suggestions, TWO_PART_ID)
    assert suggestion.teams, suggestion.reason
    top = suggestion.teams[0]
    assert {m.sme.id for m in top.members} == {"brine-less", "fuga-cero"}
    assert top.rank == 1
    brought = {m.sme.id: {c.part.concept_id for c in m.covers if c.brings} for m in top.members}
    assert "desalination" in brought["brine-less"]
    assert "water-losses" in brought["fuga-cero"]


def test_a_team_beats_the_best_single_sme_by_the_margin(two_part: Catalogue) -> None:
    weights = load_weights()
    suggestion = only(suggest_teams(two_part, Selection(), weights).suggestions, TWO_PART_ID)
    assert suggestion.best_single is not None
    for team in suggestion.teams:
        assert team.score >= suggestion.best_single.score + weights.teams.margin - 1e-9


def test_a_larger_margin_turns_the_team_into_one_named_sme(two_part: Catalogue) -> None:
    weights = load_weights()
    strict = weights.model_copy(update={"teams": weights.teams.model_copy(update={"margin": 1.0})})
    suggestion = only(suggest_teams(two_part, Selection(), strict).suggestions, TWO_PART_ID)
    assert suggestion.teams == ()
    assert suggestion.best_single is not None
    assert suggestion.best_single.members[0].sme.name in suggestion.reason
    assert "margin" in suggestion.reason


def test_needs_that_one_sme_fully_answers_get_no_padded_team(mini: Catalogue) -> None:
    result = suggest_teams(mini, Selection(need_ids=("cl-temuco-residuos-organicos",)))
    suggestion = result.suggestions[0]
    assert suggestion.teams == ()
    assert suggestion.best_single is not None
    assert suggestion.best_single.members[0].sme.id == "humus-comune"
    assert suggestion.best_single.value(TeamPart.COVERAGE) == pytest.approx(1.0)
    assert "alone covers every part" in suggestion.reason


def test_a_need_without_any_relevant_sme_says_no_good_match(mini: Catalogue) -> None:
    result = suggest_teams(mini, Selection(need_ids=("vn-hoi-an-lantern-crafts",)))
    suggestion = result.suggestions[0]
    assert suggestion.best_single is None and suggestion.teams == ()
    assert suggestion.reason.startswith("no good match")


def test_the_score_is_the_visible_sum_of_its_parts(two_part: Catalogue) -> None:
    weights = load_weights().teams.parts
    for suggestion in suggest_teams(two_part).suggestions:
        teams = [*suggestion.teams, *([suggestion.best_single] if suggestion.best_single else [])]
        for team in teams:
            values = {c.part: c.value for c in team.contributions}
            expected = (
                weights.coverage * values[TeamPart.COVERAGE]
                + weights.relevance * values[TeamPart.RELEVANCE]
                - weights.overlap * values[TeamPart.OVERLAP]
            )
            assert team.score == pytest.approx(expected, abs=1e-6)
            assert all(0.0 <= v <= 1.0 for v in values.values())


def test_no_passengers(two_part: Catalogue) -> None:
    minimum = load_weights().teams.min_unique
    for suggestion in suggest_teams(two_part, top=5).suggestions:
        for team in suggestion.teams:
            assert 2 <= len(team.members) <= 3
            for member in team.members:
                assert member.unique >= minimum - 1e-4
                assert any(c.brings for c in member.covers)


def test_uncovered_parts_are_those_no_member_covers(two_part: Catalogue) -> None:
    for suggestion in suggest_teams(two_part).suggestions:
        for team in suggestion.teams:
            covered = {c.part.concept_id for m in team.members for c in m.covers}
            named = {p.concept_id for p in suggestion.parts}
            assert {p.concept_id for p in team.uncovered} == named - covered


def test_parts_are_the_needs_concepts_with_shares_adding_to_one(mini: Catalogue) -> None:
    matcher = Matcher(mini, load_weights())
    finder = TeamFinder(matcher)
    for i, need in enumerate(matcher.needs):
        parts = finder.parts_of(i)
        profile = matcher.space.profiles[i]
        assert {p.concept_id for p in parts} <= set(profile.weights)
        if parts:
            assert sum(p.share for p in parts) == pytest.approx(1.0)
            assert [p.share for p in parts] == sorted((p.share for p in parts), reverse=True)
            assert all(p.words for p in parts), need.id


def test_size_two_never_proposes_a_trio(two_part: Catalogue) -> None:
    for suggestion in suggest_teams(two_part, size=2, top=10).suggestions:
        assert all(len(t.members) == 2 for t in suggestion.teams)


def test_the_cluster_option_limits_the_members(two_part: Catalogue) -> None:
    result = suggest_teams(two_part, Selection(cluster="water"), top=10)
    members = [m for s in result.suggestions for t in s.teams for m in t.members]
    assert members and all(m.sme.cluster == "water" for m in members)


def test_min_score_drops_weaker_teams(two_part: Catalogue) -> None:
    result = suggest_teams(two_part, Selection(need_ids=(TWO_PART_ID,), min_score=0.99))
    assert result.suggestions[0].teams == ()
    assert "minimum score" in result.suggestions[0].reason


def test_same_inputs_same_teams(two_part: Catalogue) -> None:
    def ids(catalogue: Catalogue) -> list[tuple[str, tuple[str, ...], float]]:
        return [
            (s.need.id, tuple(m.sme.id for m in t.members), t.score)
            for s in suggest_teams(catalogue, top=5).suggestions
            for t in s.teams
        ]

    reversed_catalogue = Catalogue(
        two_part.root,
        two_part.taxonomy,
        tuple(reversed(two_part.smes)),
        tuple(reversed(two_part.needs)),
        *_rest(two_part),
    )
    assert ids(two_part) == ids(two_part) == ids(reversed_catalogue)


def _rest(catalogue: Catalogue) -> tuple[object, ...]:
    from dataclasses import fields

    names = [f.name for f in fields(catalogue)][4:]
    return tuple(getattr(catalogue, name) for name in names)


def test_the_search_prunes_candidates(two_part: Catalogue) -> None:
    """Candidates come from the best per part and by relevance, never every SME."""
    weights = load_weights()
    tight = weights.model_copy(
        update={
            "teams": weights.teams.model_copy(
                update={"candidates_per_part": 1, "candidates_by_relevance": 1}
            )
        }
    )
    matcher = Matcher(two_part, tight)
    finder = TeamFinder(matcher)
    i = [n.id for n in matcher.needs].index(TWO_PART_ID)
    relevance = matcher.relevance_block([i])[0].astype(np.float64)
    eligible = relevance >= tight.no_match_threshold
    parts = finder.parts_of(i)
    candidates = finder._candidates(parts, relevance, eligible)
    assert len(candidates) <= len(parts) + 1
    assert {matcher.smes[j].id for j in candidates} >= {"brine-less", "fuga-cero"}


@pytest.mark.parametrize("seed", range(20))
def test_third_members_agree_with_trying_every_trio(mini: Catalogue, seed: int) -> None:
    """The vectorised trio check says what checking each trio member by member says."""
    rng = np.random.default_rng(seed)
    cover = np.where(rng.random((9, 5)) < 0.5, rng.random((9, 5)), 0.0)
    shares = rng.random(5)
    shares /= shares.sum()
    finder = TeamFinder(Matcher(mini, load_weights()))
    minimum = finder.settings.min_unique

    def adds(m: int, others: list[int]) -> float:
        rest = cover[others].max(axis=0)
        return float(np.maximum(cover[m] - rest, 0.0) @ shares)

    for pair in [(0, 1), (2, 5), (3, 8)]:
        expected = [
            c
            for c in range(9)
            if c not in pair
            and all(adds(m, [o for o in (*pair, c) if o != m]) >= minimum for m in (*pair, c))
        ]
        assert finder._third_members(pair, cover, shares) == expected


def test_teams_never_contradict_ranks_no_good_match_flag() -> None:
    """On the bundled catalogue: a need `rank` flags gets no team and says why, and only those."""
    catalogue = open_catalogue()
    matcher = Matcher(catalogue, load_weights())
    flagged = {s.need.id for s in matcher.shortlists(Selection()) if s.no_good_match}
    suggestions = TeamFinder(matcher).suggestions(Selection())
    said = {s.need.id for s in suggestions if s.reason.startswith("no good match")}
    assert said == flagged


@pytest.mark.parametrize("size", [1, 4])
def test_a_team_size_other_than_two_or_three_is_a_usage_error(mini: Catalogue, size: int) -> None:
    from gssc_match.errors import UsageError

    with pytest.raises(UsageError):
        suggest_teams(mini, size=size)


def test_the_public_api_offers_teams() -> None:
    import gssc_match

    assert gssc_match.suggest_teams is suggest_teams


def test_candidates_are_those_of_scoring_every_sme_for_every_part() -> None:
    """Looking at a pillar's SMEs only when the direct holders leave room changes nothing."""
    matcher = Matcher(open_catalogue(), load_weights())
    finder = TeamFinder(matcher)
    k = finder.settings.candidates_per_part
    block = matcher.relevance_block(range(len(matcher.needs)))
    for i, row in enumerate(block):
        relevance = row.astype(np.float64)
        eligible = relevance >= matcher.weights.no_match_threshold
        parts = finder.parts_of(i)
        expected: set[int] = set()
        for part in parts:
            every = finder._best_for(np.flatnonzero(eligible).tolist(), part, relevance, eligible)
            expected.update(j for value, j in every[:k] if value > 0)
        ranked = np.flatnonzero(eligible)
        order = np.lexsort((ranked, -relevance[ranked]))
        expected.update(int(j) for j in ranked[order[: finder.settings.candidates_by_relevance]])
        assert finder._candidates(parts, relevance, eligible) == sorted(expected)


def test_a_need_without_concepts_cannot_be_split(mini_copy: Path) -> None:
    text = (
        TWO_PART_NEED.replace(TWO_PART_ID, "cv-mindelo-atendimento")
        .replace("Dessalinização e perdas de água em São Vicente", "Atendimento na câmara")
        .split("description:")[0]
    )
    text += (
        "description: >-\n  Os munícipes esperam muito tempo na câmara e queremos um "
        "atendimento mais rápido e simpático, com horários alargados.\n"
        "language: pt\ntags: [atendimento]\npriority: low\n"
    )
    (mini_copy / "needs" / "cape-verde" / "cv-mindelo-atendimento.yaml").write_text(
        text, encoding="utf-8"
    )
    result = suggest_teams(
        open_catalogue(mini_copy), Selection(need_ids=("cv-mindelo-atendimento",))
    )
    suggestion = result.suggestions[0]
    assert suggestion.parts == ()
    assert suggestion.teams == ()
    assert "names no taxonomy concept" in suggestion.reason or "no good match" in suggestion.reason


def _finder(catalogue: Catalogue, **settings: float) -> TeamFinder:
    weights = load_weights()
    teams = weights.teams.model_copy(update=settings)
    return TeamFinder(Matcher(catalogue, weights.model_copy(update={"teams": teams})))


def test_focus_credits_a_concept_by_how_central_it_is_to_the_offer() -> None:
    bundled = open_catalogue()
    flat, focused = _finder(bundled, focus=0.0), _finder(bundled, focus=1.0)
    i = [n.id for n in flat.matcher.needs].index("cv-tarrafal-waste-dumpsite")
    seen_lower = False
    for j, _ in enumerate(flat.matcher.smes):
        weights = flat.matcher.space.profiles[len(flat.matcher.needs) + j].weights
        for part in flat.parts_of(i):
            plain, scaled = flat.cover(j, part)[0], focused.cover(j, part)[0]
            assert scaled <= plain + 1e-12
            if part.concept_id in weights and weights[part.concept_id] == max(weights.values()):
                assert scaled == pytest.approx(plain)  # the SME's own main concept
            seen_lower |= scaled < plain
    assert seen_lower


def test_trust_scales_claims_by_relevance_against_the_best(two_part: Catalogue) -> None:
    finder = _finder(two_part, trust=1.0)
    relevance = np.array([0.4, 0.2, 0.1, 0.0])
    assert finder._trust(relevance, [0, 1, 2]).tolist() == pytest.approx([1.0, 0.5, 0.25])
    assert _finder(two_part)._trust(relevance, [0, 1]).tolist() == [1.0, 1.0]  # off by default


def test_every_bundled_suggestion_keeps_the_rules() -> None:
    """On every bundled need: ranked teams beat the single SME by the margin, score as the
    visible sum, have 2-3 members who all bring something, in descending score order."""
    weights = load_weights()
    settings = weights.teams
    result = suggest_teams(open_catalogue(), Selection(), weights, top=5)
    assert len(result.suggestions) == len(open_catalogue().needs)
    for suggestion in result.suggestions:
        scores = [t.score for t in suggestion.teams]
        assert scores == sorted(scores, reverse=True)
        assert [t.rank for t in suggestion.teams] == list(range(1, len(scores) + 1))
        assert bool(suggestion.teams) != bool(suggestion.reason)
        for team in suggestion.teams:
            assert suggestion.best_single is not None
            assert team.score >= suggestion.best_single.score + settings.margin - 1e-9
            assert 2 <= len(team.members) <= 3
            assert len({m.sme.id for m in team.members}) == len(team.members)
            assert all(m.unique >= settings.min_unique - 1e-4 for m in team.members)
            assert team.score == pytest.approx(sum(c.points for c in team.contributions), abs=1e-6)


def test_a_request_of_several_clauses_is_split_into_them_in_the_needs_words() -> None:
    """Bundled needs that ask for two or more things get one equal part per clause."""
    matcher = Matcher(open_catalogue(), load_weights())
    finder = TeamFinder(matcher)
    split = [(i, finder.parts_of(i)) for i in range(len(matcher.needs))]
    clause_needs = [(i, parts) for i, parts in split if parts and parts[0].is_clause]
    assert clause_needs  # the bundled multi-part needs ask in clauses
    for i, parts in clause_needs:
        assert len(parts) >= 2 and all(p.is_clause for p in parts)
        assert sum(p.share for p in parts) == pytest.approx(1.0)
        assert all(p.words[0] in " ".join(matcher.needs[i].description.split()) for p in parts)


def test_a_clause_is_covered_by_its_rare_words_in_the_smes_text() -> None:
    matcher = Matcher(open_catalogue(), load_weights())
    finder = TeamFinder(matcher)
    part = next(
        p
        for i in range(len(matcher.needs))
        for p in finder.parts_of(i)
        if p.is_clause and not p.named
    )
    values = [finder.cover(j, part) for j in range(len(matcher.smes))]
    idf, unseen = finder._idf
    for j, (value, words, via) in enumerate(values):
        own = finder._sme_stems[j]
        total = sum(idf.get(s, unseen) for s in part.stems)
        got = sum(idf.get(s, unseen) for s in part.stems if s in own)
        assert value == pytest.approx(min(1.0, got / total / finder.settings.clause_words))
        assert via is None
        assert (value > 0) == bool(words)  # a cover names the SME's own words


def test_clause_parts_show_quoted_in_the_needs_words() -> None:
    from gssc_match.outputs.team_rows import part_label

    result = suggest_teams(open_catalogue(), Selection())
    part = next(p for s in result.suggestions for p in s.parts if p.is_clause)
    assert part_label(part) == f'"{part.name}" {part.share:.0%}'


def test_a_need_whose_parts_nobody_covers_says_so() -> None:
    """With parts but no candidate covering any, the reason must not claim there are none."""
    result = suggest_teams(open_catalogue(), Selection(), top=1)
    uncovered = [
        s
        for s in result.suggestions
        if s.parts and s.best_single is not None and not s.best_single.members[0].covers
    ]
    for suggestion in uncovered:
        assert not suggestion.teams
        assert suggestion.reason.startswith("no SME covers a part of the need")
    for suggestion in result.suggestions:
        if "names no taxonomy concept" in suggestion.reason:
            assert suggestion.parts == ()
