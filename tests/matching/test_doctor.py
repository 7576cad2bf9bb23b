"""`doctor`: what the scorer reads in one record, and what it nearly matches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gssc_match.catalogue.loader import Catalogue
from gssc_match.cli import app
from gssc_match.errors import UnknownRecordError
from gssc_match.matching.doctor import Side, diagnose
from gssc_match.matching.ranking import Matcher
from gssc_match.matching.scoring import load_weights
from gssc_match.selection import Selection


@pytest.fixture(scope="module")
def matcher(mini: Catalogue) -> Matcher:
    return Matcher(mini, load_weights())


def test_concepts_are_named_in_the_records_own_words(matcher: Matcher) -> None:
    diagnosis = diagnose(matcher, Side.SME, "bomba-sol")
    read = {c.concept_id: c.words for c in diagnosis.concepts}
    assert set(read) == {"solar-pumping", "photovoltaics"}
    assert "bombeo solar" in read["solar-pumping"]
    assert "paneles solares" in read["photovoltaics"]
    assert diagnosis.blind is None


def test_a_record_with_no_concept_is_called_blind(matcher: Matcher) -> None:
    diagnosis = diagnose(matcher, Side.NEED, "vn-hoi-an-lantern-crafts")
    assert diagnosis.concepts == ()
    assert diagnosis.blind is not None and "taxonomy gaps" in diagnosis.blind


def test_near_misses_are_the_smes_just_outside_the_shortlist(matcher: Matcher) -> None:
    diagnosis = diagnose(matcher, Side.NEED, "cv-sal-dessalinizacao", top=1)
    shortlist = next(matcher.shortlists(Selection(need_ids=("cv-sal-dessalinizacao",), top=6)))
    after_first = [m.sme.id for m in shortlist.matches[1:]]
    assert [m.other_id for m in diagnosis.near_misses] == after_first
    assert [m.position for m in diagnosis.near_misses] == list(range(2, 2 + len(after_first)))
    assert all("outside the shortlist" in m.why for m in diagnosis.near_misses)


def test_a_near_miss_names_the_concepts_that_would_connect_them(matcher: Matcher) -> None:
    diagnosis = diagnose(matcher, Side.NEED, "cv-sal-dessalinizacao", top=1)
    miss = next(m for m in diagnosis.near_misses if m.other_id == "fuga-cero")
    bridge = miss.bridges[0]
    assert bridge.concept_id == "water-losses"
    assert "pérdidas de agua" in bridge.their_words  # the SME's words
    assert list(bridge.taxonomy_words) == ["pt", "en"]  # the need's language first
    assert "perdas de água" in bridge.taxonomy_words["pt"]


def test_below_the_threshold_counts_when_close(matcher: Matcher) -> None:
    diagnosis = diagnose(matcher, Side.SME, "brine-less")
    threshold = matcher.weights.no_match_threshold
    assert diagnosis.near_misses
    for miss in diagnosis.near_misses:
        assert 0.6 * threshold <= miss.relevance < threshold
        assert "below the threshold" in miss.why


def test_a_shortlisted_pair_is_not_a_near_miss(matcher: Matcher) -> None:
    diagnosis = diagnose(matcher, Side.SME, "fuga-cero")
    assert "cl-valparaiso-perdidas-agua" not in [m.other_id for m in diagnosis.near_misses]


def test_an_unknown_record_is_a_usage_error(matcher: Matcher) -> None:
    with pytest.raises(UnknownRecordError, match="unknown SME 'nope'"):
        diagnose(matcher, Side.SME, "nope")


def test_cli_doctor_text_and_json(mini_path: Path) -> None:
    runner = CliRunner()
    args = ["doctor", "--need", "cv-sal-dessalinizacao", "--top", "1", "--data", str(mini_path)]
    text = runner.invoke(app, args)
    assert text.exit_code == 0, text.output
    assert "What the scorer reads" in text.stdout and "fuga-cero" in text.stdout
    as_json = runner.invoke(app, [*args, "--format", "json"])
    document = json.loads(as_json.stdout)
    assert document["side"] == "need"
    assert document["concepts"][0]["concept_id"] == "desalination"
    assert document["near_misses"][0]["position"] == 2


@pytest.mark.parametrize("args", [[], ["--sme", "bomba-sol", "--need", "cv-sal-dessalinizacao"]])
def test_cli_doctor_wants_exactly_one_record(args: list[str], mini_path: Path) -> None:
    result = CliRunner().invoke(app, ["doctor", *args, "--data", str(mini_path)])
    assert result.exit_code == 2
    assert "exactly one of --sme ID or --need ID" in result.output


def test_doctor_names_the_remedies_a_record_offers_or_asks_for_in_its_words() -> None:
    from gssc_match.api import open_catalogue
    from gssc_match.catalogue.remedies import remedies_of

    catalogue = open_catalogue(None)  # the bundled taxonomy has a remedy vocabulary
    matcher = Matcher(catalogue, load_weights())
    need = diagnose(matcher, Side.NEED, "cv-praia-water-theft-law")
    assert [r.kind for r in need.remedies] == ["regulate"]
    assert "change in the law" in need.remedies[0].words
    sme = diagnose(matcher, Side.SME, "licznikowo")
    record = next(s for s in catalogue.smes if s.id == "licznikowo")
    assert [r.kind for r in sme.remedies] == [
        h.kind for h in remedies_of(record, catalogue.taxonomy).hits
    ]
    text = CliRunner().invoke(app, ["doctor", "--sme", "licznikowo", "--limit", "1"]).stdout
    assert "Remedies it offers" in text and "monitoring and warning: 'smart metering'" in text
