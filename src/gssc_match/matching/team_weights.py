"""The settings of team suggestions (`teams` in the weights file).

Kept apart from `scoring` so that the single-SME score and the team score can change
independently; every field has the documented default, so a weights file may omit them.
"""

from __future__ import annotations

from pydantic import Field

from ..catalogue.models import Record


class TeamPartWeights(Record):
    """Weights of the named parts of a team score (overlap is subtracted)."""

    coverage: float = Field(default=0.6, ge=0, le=1)
    relevance: float = Field(default=0.4, ge=0, le=1)
    overlap: float = Field(default=0.2, ge=0, le=1)


class TeamWeights(Record):
    """How needs are split into parts, how teams are scored and when one is worth proposing."""

    parts: TeamPartWeights = Field(default_factory=TeamPartWeights)
    margin: float = Field(default=0.0, ge=0, le=1)
    full_mention: float = Field(default=1.5, gt=0)
    focus: float = Field(default=1.5, ge=0, le=4)
    trust: float = Field(default=0.0, ge=0, le=4)
    clause_words: float = Field(default=0.4, gt=0, le=1)
    related_credit: float = Field(default=0.25, ge=0, le=1)
    min_part_share: float = Field(default=0.05, ge=0, le=1)
    min_unique: float = Field(default=0.05, ge=0, le=1)
    candidates_per_part: int = Field(default=4, ge=1, le=50)
    candidates_by_relevance: int = Field(default=40, ge=1, le=100)
    pairs_extended: int = Field(default=12, ge=1, le=200)
