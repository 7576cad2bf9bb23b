"""Plans of generated missions keep every hard rule, checked here from the agenda rows alone."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import pytest

from gssc_match.catalogue.loader import Catalogue
from gssc_match.catalogue.mission import Mission
from gssc_match.matching.ranking import Matcher
from gssc_match.matching.scoring import load_weights
from gssc_match.planning.agenda import Agenda, agenda_of
from gssc_match.planning.build import plan_mission
from gssc_match.planning.slots import span_utc
from gssc_match.planning.solver import solve_exact

from .missions import mission_data, random_mission


@pytest.fixture(scope="module")
def matcher(mini: Catalogue) -> Matcher:
    return Matcher(mini, load_weights())


def _agenda(mission: Mission, mini: Catalogue, matcher: Matcher) -> Agenda:
    return agenda_of(plan_mission(mission, mini, matcher))


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC)


def broken_rules(mission: Mission, agenda: Agenda, relevant: set[tuple[str, str]]) -> list[str]:
    """Every hard rule an agenda breaks, judged from its rows and the mission file only."""
    broken = []
    sessions = [span_utc(s, mission.timezone) for s in mission.sessions]
    entries = {s.id: s for s in mission.smes or []}
    blocks = {(b.delegation, b.sme) for b in mission.blocks}
    pins = {(p.delegation, p.sme) for p in mission.pins}
    for row in agenda.rows:
        start, end = _utc(row.start), _utc(row.end)
        pair = (row.delegation, row.sme_id)
        if not any(a <= start and end <= b for a, b in sessions):
            broken.append(f"{pair} outside every session")
        delegation = next(d for d in mission.delegations if d.id == row.delegation)
        for span in delegation.unavailable:
            a, b = span_utc(span, mission.timezone)
            if start < b and a < end:
                broken.append(f"{pair} while the delegation is away")
        entry = entries[row.sme_id]
        local = dt.datetime.fromisoformat(row.sme_start)
        local_end = dt.datetime.fromisoformat(row.sme_end)
        assert local.utcoffset() == local.astimezone(ZoneInfo(row.sme_timezone)).utcoffset()
        if not (entry.hours.start <= local.time() and local_end.time() <= entry.hours.end):
            broken.append(f"{pair} at {local:%H:%M} outside the SME's hours")
        for span in entry.unavailable:
            a, b = span_utc(span, row.sme_timezone)
            if start < b and a < end:
                broken.append(f"{pair} while the SME is away")
        if pair in blocks:
            broken.append(f"{pair} is blocked")
        if pair not in relevant and pair not in pins:
            broken.append(f"{pair} is neither relevant nor pinned")
    for side in ("delegation", "sme_id"):
        cells = Counter((getattr(r, side), r.start) for r in agenda.rows)
        broken += [f"{who} twice at {when}" for (who, when), n in cells.items() if n > 1]
    pairs = Counter((r.delegation, r.sme_id) for r in agenda.rows)
    broken += [f"{p} meets {n} times" for p, n in pairs.items() if n > 1]
    per_sme = Counter(r.sme_id for r in agenda.rows)
    broken += [
        f"{s} over its cap"
        for s, n in per_sme.items()
        if entries[s].max_meetings is not None and n > (entries[s].max_meetings or 0)
    ]
    unmet = {f"{d} / {s}" for d, s in pins if (d, s) not in pairs}
    reported = {f.who for f in agenda.shortfalls if f.kind == "pin"}
    if unmet != reported:
        broken.append(f"pins not met {sorted(unmet)} but reported {sorted(reported)}")
    return broken


def _relevant(mission: Mission, matcher: Matcher) -> set[tuple[str, str]]:
    from gssc_match.planning.values import pair_values

    return {pair for pair, value in pair_values(matcher, mission).items() if value.relevant}


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("country", ["chile", "vietnam", "cape-verde"])
def test_generated_missions_keep_every_hard_rule(
    seed: int, country: str, mini: Catalogue, matcher: Matcher
) -> None:
    mission = random_mission(seed, country)
    agenda = _agenda(mission, mini, matcher)
    assert broken_rules(mission, agenda, _relevant(mission, matcher)) == []
    assert agenda.summary["status"] == "optimal"


@pytest.mark.parametrize("seed", range(4))
def test_the_plan_reaches_the_exact_optimum(seed: int, mini: Catalogue, matcher: Matcher) -> None:
    from gssc_match.planning.build import prepare

    mission = random_mission(seed)
    plan = plan_mission(mission, mini, matcher)
    exact = solve_exact(prepare(mission, mini, matcher).instance)
    assert plan.solution.objective == pytest.approx(exact.objective, abs=1e-6)


def test_same_mission_same_agenda(mini: Catalogue, matcher: Matcher) -> None:
    mission = random_mission(3)
    assert _agenda(mission, mini, matcher) == _agenda(mission, mini, matcher)


def test_a_delegation_nobody_fits_is_reported_with_its_cause(
    mini: Catalogue, matcher: Matcher
) -> None:
    agenda = _agenda(Mission.model_validate(mission_data("vietnam")), mini, matcher)
    short = {f.who: f for f in agenda.shortfalls}
    assert short["d1"].got == 0
    assert "no SME is relevant" in short["d1"].cause
    assert "d0" in {r.delegation for r in agenda.rows}


def test_a_pin_outside_the_smes_hours_is_reported_not_a_crash(
    mini: Catalogue, matcher: Matcher
) -> None:
    # 10:00-16:30 in Santiago is 14:00-20:30 in Madrid; Fuga Cero works 06:00-09:00 there.
    data = mission_data(
        "chile",
        smes=[
            {"id": "fuga-cero", "hours": {"start": "06:00", "end": "09:00"}},
            {"id": "humus-comune"},
        ],
        pins=[{"delegation": "d1", "sme": "fuga-cero"}],
    )
    agenda = _agenda(Mission.model_validate(data), mini, matcher)
    causes = {(f.kind, f.who): f.cause for f in agenda.shortfalls}
    assert "free in no session slot" in causes[("pin", "d1 / fuga-cero")]
    assert "fall outside every session" in causes[("sme", "fuga-cero")]
    assert all(r.sme_id != "fuga-cero" for r in agenda.rows)


def test_a_session_at_night_in_europe_leaves_everyone_short(
    mini: Catalogue, matcher: Matcher
) -> None:
    data = mission_data(
        "vietnam", sessions=[{"date": "2027-03-10", "start": "07:00", "end": "09:00"}]
    )
    agenda = _agenda(Mission.model_validate(data), mini, matcher)  # 01:00-03:00 in Europe
    assert agenda.rows == ()
    assert "hours do not overlap" in {f.who: f for f in agenda.shortfalls}["d0"].cause


def test_in_person_everyone_is_on_the_hosts_clock(mini: Catalogue, matcher: Matcher) -> None:
    data = mission_data("cape-verde", mode="in-person")
    agenda = _agenda(Mission.model_validate(data), mini, matcher)
    assert agenda.rows
    assert all(r.sme_timezone == "Atlantic/Cape_Verde" for r in agenda.rows)
    assert all(r.both_times == r.host_time for r in agenda.rows)


def test_blocks_are_never_met(mini: Catalogue, matcher: Matcher) -> None:
    open_plan = _agenda(Mission.model_validate(mission_data("chile")), mini, matcher)
    first = open_plan.rows[0]
    data = mission_data("chile", blocks=[{"delegation": first.delegation, "sme": first.sme_id}])
    blocked = _agenda(Mission.model_validate(data), mini, matcher)
    assert (first.delegation, first.sme_id) not in {(r.delegation, r.sme_id) for r in blocked.rows}
