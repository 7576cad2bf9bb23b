"""Both pages in a real browser (headless Chromium through Playwright): no console error, no
network request, every need and SME present, charts drawn, hostile text shown as text.

Screenshots at desktop and phone widths go to $GSSC_ARTIFACTS (default: the test's tmp
folder) for a developer to look at. Skipped, with the reason, when no Chromium is installed;
CI installs Debian's package (see .ci/run).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gssc_match.api import open_catalogue
from gssc_match.cli import app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    pytest.skip("no chromium installed (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDTHS = {"desktop": 1280, "phone": 390}
MISSION = Path(__file__).resolve().parents[2] / "data" / "missions" / "vietnam-2027-virtual.yaml"


@dataclass
class Visit:
    """What a page did while it loaded."""

    page: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, hostile_path: Path) -> dict[str, Path]:
    """The report and the catalogue of the bundled catalogue, and both of a hostile one."""
    folder = tmp_path_factory.mktemp("pages")
    commands = {
        "report": ["report", "--country", "vietnam", "--mission", str(MISSION), "--teams"],
        "catalogue": ["catalogue"],
        "hostile-report": ["report", "--data", str(hostile_path)],
        "hostile-catalogue": ["catalogue", "--data", str(hostile_path)],
    }
    made = {}
    for name, args in commands.items():
        out = folder / f"{name}.html"
        result = CliRunner().invoke(app, [*args, "--out", str(out)])
        assert result.exit_code == 0, result.output
        made[name] = out
    return made


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get("GSSC_ARTIFACTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def visit(browser: Any, path: Path, width: int = 1280) -> Visit:
    """Open a file, aborting and counting every request but the file itself."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    seen = Visit(page)
    url = path.as_uri()

    def route(request_route: Any) -> None:
        seen.requests.append(request_route.request.url)
        if request_route.request.url == url:
            request_route.continue_()
        else:
            request_route.abort()

    page.route("**/*", route)
    page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen.errors.append(str(e)))
    page.on("dialog", lambda d: (seen.dialogs.append(d.message), d.dismiss()))
    page.goto(url, wait_until="load")
    return seen


def assert_quiet(seen: Visit, path: Path) -> None:
    assert seen.requests == [path.as_uri()], "the page asked the network for something"
    assert seen.errors == []
    assert seen.dialogs == []


@pytest.mark.parametrize("name", ["report", "catalogue", "hostile-report", "hostile-catalogue"])
def test_a_page_loads_with_no_request_and_no_error(
    browser: Any, pages: dict[str, Path], name: str
) -> None:
    seen = visit(browser, pages[name])
    assert_quiet(seen, pages[name])
    seen.page.close()


def test_the_harness_notices_a_request_and_an_error(browser: Any, tmp_path: Path) -> None:
    """A page that fetches or fails must fail the checks above (they can fail)."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<img src="https://example.com/x.png"><script>console.error("boom")</script>',
        encoding="utf-8",
    )
    seen = visit(browser, bad)
    assert "https://example.com/x.png" in seen.requests
    assert "boom" in seen.errors
    with pytest.raises(AssertionError):
        assert_quiet(seen, bad)
    seen.page.close()


def test_the_report_shows_every_need_sme_and_chart(browser: Any, pages: dict[str, Path]) -> None:
    catalogue = open_catalogue()
    seen = visit(browser, pages["report"])
    page = seen.page
    for need in (n for n in catalogue.needs if n.country == "vietnam"):
        assert page.locator(f"#need-{need.id}").is_visible()
    text = page.inner_text("body")
    for sme in catalogue.smes:
        assert sme.name in text or page.locator(f"svg text:text-is('{sme.name}')").count()
    charts = page.locator("figure svg")
    assert charts.count() == 4
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 100
        assert charts.nth(i).locator("path, rect, use").count() > 10
    page.close()


def test_the_report_shows_the_agenda_of_every_delegation(
    browser: Any, pages: dict[str, Path]
) -> None:
    from gssc_match.api import plan

    agenda = plan(MISSION, open_catalogue())
    page = visit(browser, pages["report"]).page
    section = page.locator("#agenda")
    assert section.is_visible()
    assert section.locator("tbody tr").count() == len(agenda.rows)
    names = {row.delegation_name for row in agenda.rows}
    assert set(section.locator("article.delegation h3").all_inner_texts()) == names
    page.close()


def test_the_report_shows_the_teams_of_every_need(browser: Any, pages: dict[str, Path]) -> None:
    from gssc_match.api import suggest_teams
    from gssc_match.selection import Selection

    rows = suggest_teams(open_catalogue(), Selection(country="vietnam")).rows
    page = visit(browser, pages["report"]).page
    for need_id in {r.need_id for r in rows}:
        teams = [r for r in rows if r.need_id == need_id and r.sme_ids]
        block = page.locator(f"#need-{need_id} .teams")
        assert block.is_visible()
        assert block.locator("details.team").count() == len(teams)
    page.close()


def test_the_catalogue_shows_every_sme_card(browser: Any, pages: dict[str, Path]) -> None:
    catalogue = open_catalogue()
    page = visit(browser, pages["catalogue"]).page
    for sme in catalogue.smes:
        card = page.locator(f"#sme-{sme.id}")
        assert card.is_visible()
        assert card.locator("h3").inner_text() == sme.name
    assert page.locator("nav.contents a").count() >= len(catalogue.smes)
    page.close()


@pytest.mark.parametrize("name", ["hostile-report", "hostile-catalogue"])
def test_a_hostile_name_shows_as_text(
    browser: Any, pages: dict[str, Path], name: str, hostile_name: str
) -> None:
    page = visit(browser, pages[name]).page
    assert hostile_name in page.inner_text("body")
    assert page.locator("script").count() == 2  # the page's own data block and print helper
    assert page.locator("b:text-is('bold')").count() == 0
    page.close()


def test_printing_opens_every_explanation(browser: Any, pages: dict[str, Path]) -> None:
    page = visit(browser, pages["report"]).page
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("details:not([open])").count() == 0
    assert page.pdf(format="A4")[:5] == b"%PDF-"
    page.close()


def test_printed_cards_are_never_split(browser: Any, pages: dict[str, Path]) -> None:
    page = visit(browser, pages["catalogue"]).page
    page.emulate_media(media="print")
    styles = page.eval_on_selector_all(
        "article.sme", "cards => cards.map(c => getComputedStyle(c).breakInside)"
    )
    assert styles and set(styles) == {"avoid"}
    page.close()


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("name", ["report", "catalogue"])
def test_screenshots(
    browser: Any, pages: dict[str, Path], artifacts: Path, name: str, width: str
) -> None:
    page = visit(browser, pages[name], WIDTHS[width]).page
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= WIDTHS[width], "the page scrolls sideways"
    shot = artifacts / f"{name}-{width}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    page.close()
