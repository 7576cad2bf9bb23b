"""Terminal tables: what an organiser reads, and copies back into a command."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from gssc_match.api import open_catalogue, rank
from gssc_match.outputs.display import render
from gssc_match.selection import Selection

LONG_SME = "brineless-seawater-desalination-containers"
LONG_NEED = "cv-sal-dessalinizacao-ilha-do-sal-agua-potavel"


@pytest.fixture
def long_ids(mini_copy: Path) -> Path:
    """The test catalogue with one SME and one need renamed to long ids."""
    sme = mini_copy / "smes" / "brine-less.yaml"
    text = sme.read_text(encoding="utf-8").replace("id: brine-less", f"id: {LONG_SME}")
    sme.unlink()
    (mini_copy / "smes" / f"{LONG_SME}.yaml").write_text(text, encoding="utf-8")
    need = mini_copy / "needs" / "cape-verde" / "cv-sal-dessalinizacao.yaml"
    text = need.read_text(encoding="utf-8").replace("cv-sal-dessalinizacao", LONG_NEED)
    need.unlink()
    (need.parent / f"{LONG_NEED}.yaml").write_text(text, encoding="utf-8")
    judgments = mini_copy / "judgments.yaml"
    text = judgments.read_text(encoding="utf-8")
    text = text.replace("cv-sal-dessalinizacao", LONG_NEED).replace("brine-less:", f"{LONG_SME}:")
    judgments.write_text(text, encoding="utf-8")
    return mini_copy


def shown(data: Path, selection: Selection, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), highlight=False, color_system=None)
    render(rank(open_catalogue(data), selection), console)
    out = console.file
    assert isinstance(out, io.StringIO)
    return out.getvalue()


@pytest.mark.parametrize("width", [60, 80, 120])
def test_sme_ids_are_never_cut_in_the_shortlist(long_ids: Path, width: int) -> None:
    text = shown(long_ids, Selection(need_ids=(LONG_NEED,)), width)
    assert LONG_SME in text
    assert "…" not in text.split(LONG_NEED)[-1].split("\n", 1)[-1]


@pytest.mark.parametrize("width", [60, 80, 120])
def test_need_ids_are_never_cut_in_the_reverse_view(long_ids: Path, width: int) -> None:
    text = shown(long_ids, Selection(sme_id=LONG_SME), width)
    assert LONG_NEED in text


def test_catalogue_text_is_never_read_as_markup(mini_copy: Path) -> None:
    need = mini_copy / "needs" / "cape-verde" / "cv-sal-dessalinizacao.yaml"
    text = need.read_text(encoding="utf-8").replace(
        "title: Água potável para a ilha do Sal", "title: '[red]Água[/red] [link=x]potável'"
    )
    need.write_text(text, encoding="utf-8")
    selection = Selection(need_ids=("cv-sal-dessalinizacao",))
    assert "[red]Água[/red] [link=x]potável" in shown(mini_copy, selection, 200)
    reverse = shown(mini_copy, Selection(sme_id="brine-less"), 200)
    assert "[red]Água[/red] [link=x]potável" in reverse
