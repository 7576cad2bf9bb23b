"""The report and catalogue pages, read as text: escaping, contents, determinism, safe writes.

What a browser makes of them is tested in test_pages_browser.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from markupsafe import escape
from typer.testing import CliRunner

from gssc_match.api import best_needs, briefing, open_catalogue
from gssc_match.catalogue.loader import Catalogue
from gssc_match.cli import app
from gssc_match.matching.scoring import load_weights
from gssc_match.outputs.html.catalogue import catalogue_html
from gssc_match.outputs.html.render import script_json, web_link
from gssc_match.outputs.html.report import ReportInput, report_html
from gssc_match.outputs.rows import CONTACT_COLUMNS, output_columns
from gssc_match.selection import Selection

LABELS = load_weights().labels
ABOUT = {"tool": "gssc-match test", "catalogue_fingerprint": "sha256:0", "generated": "2030-01-02"}


def _report(catalogue: Catalogue, selection: Selection, limit: int = 60) -> str:
    result, overview = briefing(catalogue, selection, sme_column_limit=limit)
    about = {**ABOUT, "smes": 0, "needs": 0, "selection": {"country": selection.country}}
    return report_html(ReportInput(catalogue, result, overview, about, selection.min_score))


@pytest.fixture(scope="module")
def hostile(hostile_path: Path) -> Catalogue:
    return open_catalogue(hostile_path)


def _data_block(html: str) -> object:
    found = re.search(r'<script type="application/json" id="gssc-data">(.*?)</script>', html, re.S)
    assert found is not None
    return json.loads(found.group(1))


# -- escaping ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["</script><script>alert(1)</script>", "a & b", "line\u2028break\u2029", "<!--"]
)
def test_script_json_never_closes_its_block_and_reads_back(text: str) -> None:
    block = str(script_json({"x": text}))
    assert not re.search(r"[<>&\u2028\u2029]", block)
    assert json.loads(block) == {"x": text}


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://example.com/x", True),
        ("HTTP://example.com", True),
        ("javascript:alert(1)", False),
        ("data:text/html,<b>x</b>", False),
        ("ftp://example.com", False),
    ],
)
def test_only_web_addresses_become_links(url: str, linked: bool) -> None:
    html = str(web_link(url))
    assert ("<a " in html) is linked
    if linked:
        assert 'rel="noopener noreferrer"' in html
    assert "<b>" not in html


def test_hostile_text_shows_as_text_in_the_report(hostile: Catalogue, hostile_name: str) -> None:
    html = _report(hostile, Selection())
    assert hostile_name not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(2)" not in html
    assert "<b>bold</b>" not in html
    assert html.count("<script") == 2  # the data block and the print helper, nothing else
    data = _data_block(html)
    assert isinstance(data, dict)
    assert hostile_name in {row["sme_name"] for row in data["rows"]}


def test_hostile_text_shows_as_text_in_the_catalogue(hostile: Catalogue, hostile_name: str) -> None:
    html = catalogue_html(hostile, best_needs(hostile), {**ABOUT, "smes": 0, "needs": 0}, LABELS)
    assert hostile_name not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "</textarea>" not in html
    assert "<script>alert(2)" not in html
    data = _data_block(html)
    assert isinstance(data, dict)
    hostile_record = next(s for s in data["smes"] if s["id"] == "hostile-name")
    assert "</script><script>alert(2)</script>" in hostile_record["description"]
    assert 'href="https://example.com/a?b=1&amp;c=&lt;2&gt;" rel="noopener noreferrer"' in html


def test_dollar_signs_in_chart_labels_stay_literal(hostile: Catalogue) -> None:
    html = _report(hostile, Selection())  # would raise if '$...$' were read as mathtext
    assert "<svg" in html


# -- contents ------------------------------------------------------------------------------


def test_the_report_shows_every_need_and_every_sme_in_scope(mini: Catalogue) -> None:
    html = _report(mini, Selection())
    for need in mini.needs:
        assert f'id="need-{need.id}"' in html
    for sme in mini.smes:
        assert sme.name in html  # heatmap row, shortlist or "match nothing" list
    assert html.count("<svg") == 4


def test_the_report_data_block_holds_rank_rows(mini: Catalogue) -> None:
    from gssc_match.api import rank

    html = _report(mini, Selection(country="chile"))
    columns = output_columns()
    rows = [
        {c: r.as_dict()[c] for c in columns} for r in rank(mini, Selection(country="chile")).rows
    ]
    data = _data_block(html)
    assert isinstance(data, dict)
    assert data["rows"] == rows
    assert not any(c in row for row in data["rows"] for c in CONTACT_COLUMNS)


def test_an_unmet_need_says_why_with_its_best_candidate(mini: Catalogue) -> None:
    html = _report(mini, Selection(country="vietnam"))
    unmet = html[html.index('id="unmet"') : html.index('id="unmatched-smes"')]
    assert "Apprenticeships for traditional lantern makers" in unmet
    assert "Best candidate:" in unmet
    assert "below the relevance threshold 0.10" in unmet


def test_a_minimum_score_gap_is_named_as_such(mini: Catalogue) -> None:
    html = _report(mini, Selection(country="cape-verde", min_score=0.9))
    assert html.count("below the chosen minimum score 0.90") >= 2


def test_many_smes_give_the_top_of_each_need_and_say_so(mini: Catalogue) -> None:
    html = _report(mini, Selection(), limit=3)
    assert "too many for one column each" in html
    assert "Every SME against every need" not in html


def test_the_catalogue_has_a_card_per_sme_under_its_cluster(mini: Catalogue) -> None:
    html = catalogue_html(mini, best_needs(mini), {**ABOUT, "smes": 0, "needs": 0}, LABELS)
    for sme in mini.smes:
        assert html.count(f'id="sme-{sme.id}"') == 1
        assert html.count(f'href="#sme-{sme.id}"') == 1
        card = html[html.index(f'id="sme-{sme.id}"') :]
        assert html.rindex('class="cluster" id="cluster-', 0, html.index(card[:40])) >= 0
    clusters = re.findall(r'class="cluster" id="cluster-([a-z-]+)"', html)
    assert clusters == [c for c in mini.taxonomy.clusters if any(s.cluster == c for s in mini.smes)]


def test_the_catalogue_lists_the_needs_an_sme_fits_as_rank_does(mini: Catalogue) -> None:
    from gssc_match.api import rank

    html = catalogue_html(mini, best_needs(mini, top=2), {**ABOUT, "smes": 0, "needs": 0}, LABELS)
    card = html[html.index('id="sme-brine-less"') :]
    card = card[: card.index("</article>")]
    for match in rank(mini, Selection(sme_id="brine-less", top=2)).sme_matches:
        assert match.need.title in card
        assert f"score {match.score:.3f}" in card


# -- determinism and the command line --------------------------------------------------------


def _run(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.output


@pytest.mark.parametrize("command", ["report", "catalogue"])
def test_same_inputs_same_bytes_apart_from_the_date(
    command: str, tmp_path: Path, mini_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = []
    for i, epoch in enumerate(("0", "0", "86400")):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        out = tmp_path / f"{i}.html"
        assert _run([command, "--data", str(mini_path), "--out", str(out)])[0] == 0
        pages.append(out.read_text(encoding="utf-8"))
    assert pages[0] == pages[1]
    assert "Generated 1970-01-01" in pages[0]
    assert pages[2] == pages[0].replace("1970-01-01", "1970-01-02")


@pytest.mark.parametrize("command", ["report", "catalogue"])
def test_an_existing_page_is_kept_without_force(
    command: str, tmp_path: Path, mini_path: Path
) -> None:
    out = tmp_path / "page.html"
    out.write_text("last week's page", encoding="utf-8")
    code, output = _run([command, "--data", str(mini_path), "--out", str(out)])
    assert code == 1
    assert "already exists; use --force" in output
    assert out.read_text(encoding="utf-8") == "last week's page"
    assert _run([command, "--data", str(mini_path), "--out", str(out), "--force"])[0] == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_page_never_replaces_an_input_file(mini_copy: Path) -> None:
    target = mini_copy / "smes" / "brine-less.yaml"
    before = target.read_bytes()
    code, output = _run(["report", "--data", str(mini_copy), "--out", str(target), "--force"])
    assert code == 1
    assert "refusing to write over the input file" in output
    assert target.read_bytes() == before


def test_report_takes_rank_selection_options(tmp_path: Path, mini_path: Path) -> None:
    out = tmp_path / "r.html"
    args = ["report", "--data", str(mini_path), "--out", str(out), "--country", "CV"]
    code, output = _run([*args, "--cluster", "water", "--top", "1", "--min-score", "0.2"])
    assert code == 0, output
    html = out.read_text(encoding="utf-8")
    assert "Briefing: Cape Verde" in html
    assert 'id="need-cv-sal-dessalinizacao"' in html
    assert 'id="need-cl-temuco-residuos-organicos"' not in html
    assert "e-Urząd" not in html  # not of the water cluster


def test_an_unknown_country_is_a_usage_error(tmp_path: Path, mini_path: Path) -> None:
    out = tmp_path / "r.html"
    code, output = _run(["report", "--data", str(mini_path), "--out", str(out), "--country", "xx"])
    assert code == 2
    assert "unknown country 'xx'" in output
    assert not out.exists()


def test_weights_of_the_run_are_on_the_page(mini: Catalogue) -> None:
    html = _report(mini, Selection())
    parts = load_weights().parts
    assert f"text {parts.text:.2f} + concept {parts.concept:.2f}" in html


def test_contacts_stay_out_of_both_pages(mini: Catalogue) -> None:
    contacts = [s.contact for s in mini.smes if s.contact is not None]
    assert contacts  # the fixture has one, or this test would prove nothing
    pages = [
        _report(mini, Selection()),
        catalogue_html(mini, best_needs(mini), {**ABOUT, "smes": 0, "needs": 0}, LABELS),
    ]
    for html in pages:
        for contact in contacts:
            assert contact.email not in html


def test_a_selection_without_needs_still_gives_a_page(mini: Catalogue) -> None:
    html = _report(mini, Selection(city="Nowhere"))  # warnings are errors in the tests
    assert "<svg" not in html
    assert "No need and SME to cross in this selection." in html
    assert "No need in this selection." in html


MISSION = Path(__file__).resolve().parents[2] / "data" / "missions" / "vietnam-2027-virtual.yaml"


def test_a_mission_adds_plan_agenda_per_delegation(tmp_path: Path) -> None:
    from gssc_match.api import plan

    out = tmp_path / "r.html"
    args = ["report", "--country", "vietnam", "--mission", str(MISSION), "--out", str(out)]
    code, output = _run(args)
    assert code == 0, output
    html = out.read_text(encoding="utf-8")
    section = html[html.index('<section id="agenda">') : html.index('<section id="shortlists">')]
    agenda = plan(MISSION, open_catalogue())
    assert section.count("<tr><td") == len(agenda.rows)
    for row in agenda.rows:
        assert str(escape(row.delegation_name)) in section
        assert str(escape(row.both_times)) in section
    assert f"meetings: {len(agenda.rows)}" in section


def test_without_a_mission_there_is_no_agenda(mini: Catalogue) -> None:
    assert 'id="agenda"' not in _report(mini, Selection())


def test_a_page_never_replaces_the_mission_file(tmp_path: Path) -> None:
    mission = tmp_path / "mission.yaml"
    mission.write_bytes(MISSION.read_bytes())
    args = ["report", "--mission", str(mission), "--out", str(mission), "--force"]
    code, output = _run(args)
    assert code == 1
    assert "refusing to write over the input file" in output
    assert mission.read_bytes() == MISSION.read_bytes()


def test_teams_add_each_need_its_teams_as_teams_ranks_them(tmp_path: Path) -> None:
    from gssc_match.api import suggest_teams

    out = tmp_path / "r.html"
    code, output = _run(["report", "--country", "cape-verde", "--teams", "--out", str(out)])
    assert code == 0, output
    html = out.read_text(encoding="utf-8")
    rows = suggest_teams(open_catalogue(), Selection(country="cape-verde")).rows
    assert any(r.sme_ids for r in rows) and any(not r.sme_ids for r in rows)
    for row in rows:
        card = html[html.index(f'id="need-{row.need_id}"') :]
        card = card[: card.index("</article>")]
        if row.sme_ids:
            names = " + ".join(str(escape(n)) for n in row.sme_names)
            assert f"Team #{row.team_rank}: <b>{names}</b>" in card
            assert f'score <span class="score">{row.score:.3f}</span>' in card
        else:
            assert f"No team: {escape(row.reason)}" in card


def test_without_teams_there_are_no_team_suggestions(mini: Catalogue) -> None:
    assert "Team suggestions" not in _report(mini, Selection())


def test_every_explanation_adds_up_to_its_score(mini: Catalogue) -> None:
    from gssc_match.outputs.html.views import match_view

    result, _ = briefing(mini, Selection())
    for shortlist in result.shortlists:
        for match in shortlist.matches:
            view = match_view(match, LABELS)
            for part in view.parts:
                assert abs(part.value * part.weight * part.share - part.points) < 1e-4
            assert abs(sum(p.points for p in view.parts) - view.score) < 1e-3


def test_every_shortlisted_pair_shows_its_label(mini: Catalogue) -> None:
    result, _ = briefing(mini, Selection())
    html = _report(mini, Selection())
    labelled = [r for r in result.rows if r.label]
    assert labelled
    for row in labelled:
        assert f'{row.score:.3f}</span> <span class="badge">{row.label}</span>' in html
