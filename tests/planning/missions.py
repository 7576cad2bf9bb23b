"""Missions built in code for tests: a valid base and seeded random variations."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from gssc_match.catalogue.mission import Mission

MINI_DELEGATIONS = {
    "chile": [["cl-temuco-residuos-organicos"], ["cl-valparaiso-perdidas-agua"]],
    "vietnam": [["vn-hue-canh-bao-lu"], ["vn-hoi-an-lantern-crafts"]],
    "cape-verde": [["cv-praia-servicos-online"], ["cv-sal-dessalinizacao"]],
}
ZONES = {
    "chile": "America/Santiago",
    "vietnam": "Asia/Ho_Chi_Minh",
    "cape-verde": "Atlantic/Cape_Verde",
}
# Session start hours that overlap European working hours in each host zone.
STARTS = {"chile": [7, 8, 9, 10], "vietnam": [13, 14, 15], "cape-verde": [8, 9, 10]}
MINI_SMES = [
    "aria-viva", "bomba-sol", "brine-less", "e-urzad", "fotowolt-dach",
    "fuga-cero", "humus-comune", "nano-tkanina", "powodz-alarm",
]  # fmt: skip


def mission_data(country: str = "chile", **changes: Any) -> dict[str, Any]:
    """A small valid mission of the mini catalogue, as the plain data a file would hold."""
    data: dict[str, Any] = {
        "id": f"{country}-test",
        "title": "Test mission",
        "country": country,
        "timezone": ZONES[country],
        "meeting_minutes": "20",
        "gap_minutes": "5",
        "min_meetings": "2",
        "sessions": [
            {"date": "2027-03-10", "start": f"{STARTS[country][-1]:02d}:00", "end": "16:30"}
        ],
        "delegations": [
            {"id": f"d{i}", "name": f"Delegation {i}", "needs": needs}
            for i, needs in enumerate(MINI_DELEGATIONS[country])
        ],
    }
    data.update(changes)
    return data


def random_mission(seed: int, country: str = "chile") -> Mission:
    """Sessions across both clock changes of March-April 2027, random hours, caps and pins."""
    rng = random.Random(seed)
    first = dt.date(2027, 3, 25)
    days = sorted(rng.sample(range(14), 3))  # within 25 March - 7 April
    sessions = []
    for offset in days:
        start = rng.choice(STARTS[country])
        sessions.append(
            {
                "date": (first + dt.timedelta(days=offset)).isoformat(),
                "start": f"{start:02d}:00",
                "end": f"{start + rng.choice([2, 3]):02d}:30",
            }
        )
    smes = []
    for sme in MINI_SMES:
        begin = rng.choice([8, 9, 12, 13])
        entry: dict[str, Any] = {
            "id": sme,
            "hours": {"start": f"{begin:02d}:00", "end": f"{begin + rng.choice([3, 5, 8]):02d}:00"},
            "max_meetings": str(rng.choice([1, 2, 4])),
        }
        if rng.random() < 0.4:
            day = (first + dt.timedelta(days=days[0])).isoformat()
            entry["unavailable"] = [{"date": day, "start": "12:00", "end": "15:00"}]
        smes.append(entry)
    delegations = [
        {"id": f"d{i}", "name": f"Delegation {i}", "needs": needs, "max_meetings": "5"}
        for i, needs in enumerate(MINI_DELEGATIONS[country])
    ]
    if rng.random() < 0.5:
        day = (first + dt.timedelta(days=days[-1])).isoformat()
        delegations[0]["unavailable"] = [{"date": day, "start": "08:00", "end": "10:00"}]
    data = mission_data(
        country,
        sessions=sessions,
        delegations=delegations,
        smes=smes,
        min_meetings=str(rng.choice([1, 2, 3])),
        pins=[{"delegation": "d0", "sme": rng.choice(MINI_SMES)}],
    )
    return Mission.model_validate(data)
