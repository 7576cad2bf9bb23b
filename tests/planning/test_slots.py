"""Slots on the host's clock and on each SME's clock, across both clock changes of 2027."""

from __future__ import annotations

import datetime as dt

from gssc_match.catalogue.mission import Mission
from gssc_match.planning.slots import free_slots, make_slots, within_hours

from .missions import mission_data

# Europe moves its clocks on 28 March 2027, Chile on the night of 3 to 4 April.
DAYS = ("2027-03-26", "2027-03-29", "2027-04-05")


def _chile_mission() -> Mission:
    sessions = [{"date": d, "start": "09:00", "end": "10:00"} for d in DAYS]
    return Mission.model_validate(mission_data("chile", sessions=sessions, gap_minutes="0"))


def test_slots_are_cut_on_the_host_clock() -> None:
    slots = make_slots(_chile_mission())
    assert [f"{s.start:%m-%d %H:%M}" for s in slots] == [
        f"{d[5:]} {t}" for d in DAYS for t in ("09:00", "09:20", "09:40")
    ]
    assert all(s.end - s.start == dt.timedelta(minutes=20) for s in slots)


def test_madrid_sees_nine_oclock_in_santiago_move_with_each_clock_change() -> None:
    slots = make_slots(_chile_mission())
    madrid = [s.on("Europe/Madrid")[0].strftime("%H:%M") for s in slots[::3]]
    assert madrid == ["13:00", "14:00", "15:00"]  # 4 h, then 5 h, then 6 h apart


def test_working_hours_are_read_on_the_smes_own_clock() -> None:
    slots = make_slots(_chile_mission())
    # 08:00-14:30 in Madrid: inside before the European change, outside after it
    inside = within_hours(slots, dt.time(8), dt.time(14, 30), "Europe/Madrid")
    assert sorted(inside) == [0, 1, 2, 3]  # 26 March all three; 29 March only 14:00-14:20


def test_busy_spans_remove_overlapping_slots() -> None:
    mission = _chile_mission()
    slots = make_slots(mission)
    busy = Mission.model_validate(
        mission_data(
            "chile",
            sessions=[{"date": DAYS[1], "start": "09:10", "end": "09:30"}],
        )
    ).sessions
    assert sorted(free_slots(slots, busy, "America/Santiago")) == [0, 1, 2, 5, 6, 7, 8]


def test_a_session_over_the_spring_forward_night_counts_real_minutes() -> None:
    """01:00-04:00 in Madrid on 28 March 2027 lasts two hours: 02:00-03:00 never happens."""
    data = mission_data(
        "chile",
        timezone="Europe/Madrid",
        gap_minutes="0",
        sessions=[{"date": "2027-03-28", "start": "01:00", "end": "04:00"}],
    )
    slots = make_slots(Mission.model_validate(data))
    assert [f"{s.start:%H:%M}" for s in slots] == [
        "01:00",
        "01:20",
        "01:40",
        "03:00",
        "03:20",
        "03:40",
    ]
    # Python subtracts two times of one zone on the wall clock; real minutes need UTC.
    assert all(_minutes(s.start, s.end) == 20 for s in slots)


def _minutes(start: dt.datetime, end: dt.datetime) -> float:
    return (end.astimezone(dt.UTC) - start.astimezone(dt.UTC)).total_seconds() / 60
