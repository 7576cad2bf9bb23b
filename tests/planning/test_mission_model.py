"""Mission rules that need no catalogue, and zones by country."""

from __future__ import annotations

import datetime as dt

import yaml

from gssc_match.catalogue.mission import Mission, mission_problems
from gssc_match.catalogue.schema import parse_record
from gssc_match.catalogue.yamlsafe import load_text
from gssc_match.catalogue.zones import LocalTime, country_zones, local_kind
from gssc_match.problems import Level

from .missions import mission_data


def _problems(data: dict[str, object]) -> list[tuple[int, str, str]]:
    document, problems = load_text(yaml.safe_dump(data, sort_keys=False), "m.yaml")
    assert document is not None and not problems
    mission, problems = parse_record(document, Mission)
    assert mission is not None, problems
    return [(p.line, p.level, p.message) for p in mission_problems(mission, document)]


def test_a_valid_mission_has_no_problem() -> None:
    assert _problems(mission_data("vietnam")) == []


def test_an_smes_own_zone_is_flagged_as_ignored_in_person() -> None:
    data = mission_data("cape-verde", mode="in-person", smes=[{"id": "x", "timezone": "UTC"}])
    [(_, level, message)] = _problems(data)
    assert level is Level.WARNING and message.startswith("ignored in person")


def test_duplicate_pins_blocks_and_unknown_delegations_point_at_their_line() -> None:
    data = mission_data(
        "chile",
        pins=[{"delegation": "d0", "sme": "a"}, {"delegation": "nobody", "sme": "a"}],
        blocks=[{"delegation": "d0", "sme": "a"}],
    )
    text = yaml.safe_dump(data, sort_keys=False).splitlines()
    (unknown_line, _, unknown), (block_line, _, both) = _problems(data)
    assert unknown.startswith("unknown delegation 'nobody'")
    assert "nobody" in text[unknown_line - 1]
    pin_line = int(both.split("(line ")[1].split(")")[0])
    assert text[pin_line - 1].lstrip().startswith("- delegation: d0")
    assert text[pin_line].strip() == "sme: a" and pin_line < unknown_line < block_line
    assert both.startswith("d0 / a is both pinned")


def test_main_zones_by_country_come_from_tzdata() -> None:
    zones = country_zones()
    assert (zones["ES"], zones["PL"], zones["IT"], zones["CL"]) == (
        "Europe/Madrid",
        "Europe/Warsaw",
        "Europe/Rome",
        "America/Santiago",
    )


def test_skipped_and_repeated_times() -> None:
    assert local_kind(dt.date(2027, 3, 28), dt.time(2, 30), "Europe/Madrid") is LocalTime.SKIPPED
    assert local_kind(dt.date(2027, 10, 31), dt.time(2, 30), "Europe/Madrid") is LocalTime.REPEATED
    assert local_kind(dt.date(2027, 10, 31), dt.time(3, 30), "Europe/Madrid") is LocalTime.NORMAL
    assert local_kind(dt.date(2027, 4, 3), dt.time(23, 30), "America/Santiago") is (
        LocalTime.REPEATED
    )
