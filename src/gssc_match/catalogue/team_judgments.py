"""The team judgments file: judged multi-part needs, for `evaluate --teams`.

Kept in the catalogue layer so that `validate` recognises the file by its name; the
measurement itself lives in `matching.team_evaluate`.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import ConfigDict, Field, RootModel

from ..problems import Problem, error, printable
from .models import Line, Record, Slug, Text
from .yamlsafe import Document

TEAM_JUDGMENTS_FILE = "team-judgments.yaml"


class JudgedPart(Record):
    """One part a need asks for, and the SMEs able to provide it (possibly none)."""

    name: Line
    smes: list[Slug] = Field(default_factory=list)


class TeamJudgment(Record):
    """An expert's split of one need into parts, written before tuning."""

    why: Text
    parts: list[JudgedPart] = Field(min_length=1)


class TeamJudgmentsFile(RootModel[dict[Slug, TeamJudgment]]):
    """The team judgments file: need id to judged parts."""

    model_config = ConfigDict(frozen=True)


def unknown_ids(
    document: Document,
    judged: dict[str, TeamJudgment],
    need_ids: Iterable[str],
    sme_ids: Iterable[str],
) -> list[Problem]:
    """A located problem for every need or SME id that the catalogue does not hold."""
    needs, smes = set(need_ids), set(sme_ids)
    problems = []
    for need_id, judgment in judged.items():
        if need_id not in needs:
            line, col = document.position((need_id,), key=True)
            message = f"unknown need '{printable(need_id)}'"
            problems.append(error(document.path, line, col, message, "reference"))
        for i, part in enumerate(judgment.parts):
            for j, sme_id in enumerate(part.smes):
                if sme_id not in smes:
                    line, col = document.position((need_id, "parts", i, "smes", j))
                    message = f"unknown SME '{printable(sme_id)}'"
                    problems.append(error(document.path, line, col, message, "reference"))
    return sorted(problems)
