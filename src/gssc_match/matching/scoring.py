"""Score parts, their weights, and the breakdown every match carries.

A total score is literally `sum(weight * value)` over the named parts below; the breakdown
keeps each part's value and weight so that an explanation can show the sum.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from pydantic import Field, model_validator

from ..catalogue.models import Record
from ..catalogue.schema import load_record, parse_record
from ..catalogue.yamlsafe import Plain, load_file
from ..errors import CatalogueError
from ..problems import Problem
from .team_weights import TeamWeights

WEIGHTS_ENV = "GSSC_MATCH_WEIGHTS"
DEFAULT_WEIGHTS = Path(__file__).with_name("weights.yaml")
WHAT = "the weights file"
SUM_RULE = "part weights must add up to 1"


class Part(StrEnum):
    """The named parts of a score, in display order."""

    TEXT = "text"
    CONCEPT = "concept"
    LANGUAGE = "language"
    MARKET = "market"
    READINESS = "readiness"


RELEVANCE_PARTS = (Part.TEXT, Part.CONCEPT)
"""Parts that say whether the offer fits the need; the others say how easy or safe the
meeting is (common language, presence in the country, a proven product)."""


class PartWeights(Record):
    text: float = Field(ge=0, le=1)
    concept: float = Field(ge=0, le=1)
    language: float = Field(ge=0, le=1)
    market: float = Field(ge=0, le=1)
    readiness: float = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _sum_to_one(self) -> PartWeights:
        total = self.text + self.concept + self.language + self.market + self.readiness
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"{SUM_RULE} (they add up to {total:g})")
        return self


class TextSettings(Record):
    char_share: float = Field(ge=0, le=1)


class FieldWeights(Record):
    tags: float = Field(ge=0)
    title: float = Field(ge=0)
    offerings: float = Field(ge=0)
    description: float = Field(ge=0)


class ConceptSettings(Record):
    pillar_share: float = Field(ge=0, le=1)
    field_weights: FieldWeights


class Weights(Record):
    """The whole scoring configuration, as read from a weights file."""

    parts: PartWeights
    no_match_threshold: float = Field(ge=0, le=1)
    text: TextSettings
    concept: ConceptSettings
    teams: TeamWeights = Field(default_factory=TeamWeights)

    def of(self, part: Part) -> float:
        return _PART_WEIGHT[part](self.parts)


_PART_WEIGHT: dict[Part, Callable[[PartWeights], float]] = {
    Part.TEXT: lambda w: w.text,
    Part.CONCEPT: lambda w: w.concept,
    Part.LANGUAGE: lambda w: w.language,
    Part.MARKET: lambda w: w.market,
    Part.READINESS: lambda w: w.readiness,
}


def load_weights(path: Path | None = None) -> Weights:
    """Weights from `path`, else $GSSC_MATCH_WEIGHTS, else the documented defaults.

    A file may set any subset: what it leaves out keeps its default (merged key by key).
    """
    env = os.environ.get(WEIGHTS_ENV)
    chosen = path or (Path(env) if env else None)
    if chosen is None:
        return load_record(DEFAULT_WEIGHTS, Weights, WHAT)
    document, problems = load_file(chosen, str(chosen))
    if document is None:
        raise CatalogueError(problems, WHAT)
    defaults = _default_data()
    merged = replace(document, data=merged_settings(defaults, document.data))
    weights, found = parse_record(merged, Weights)
    if weights is None:
        kept = _parts_left_out(defaults, document.data)
        raise CatalogueError(problems + [_name_defaults(p, kept) for p in found], WHAT)
    return weights


def merged_settings(defaults: dict[str, Plain], given: dict[str, Plain]) -> dict[str, Plain]:
    """`given` over `defaults`, mapping by mapping; any other value replaces the default."""
    merged = dict(defaults)
    for key, value in given.items():
        default = defaults.get(key)
        if isinstance(value, dict) and isinstance(default, dict):
            merged[key] = merged_settings(default, value)
        else:
            merged[key] = value
    return merged


def _default_data() -> dict[str, Plain]:
    document, problems = load_file(DEFAULT_WEIGHTS, str(DEFAULT_WEIGHTS))
    if document is None:  # only if the installed package is damaged
        raise CatalogueError(problems, WHAT)
    return document.data


def _parts_left_out(defaults: dict[str, Plain], given: dict[str, Plain]) -> str:
    """`language 0.05, market 0.05`: the part weights a file leaves at their defaults."""
    default_parts, given_parts = defaults.get("parts"), given.get("parts")
    if not isinstance(default_parts, dict) or not isinstance(given_parts, dict):
        return ""
    return ", ".join(f"{k} {v}" for k, v in default_parts.items() if k not in given_parts)


def _name_defaults(problem: Problem, kept: str) -> Problem:
    """A sum that fails after merging says which parts came from the defaults."""
    if not kept or SUM_RULE not in problem.message:
        return problem
    note = f"; the parts this file does not set keep their defaults: {kept}"
    return replace(problem, message=problem.message + note)


@dataclass(frozen=True)
class Contribution:
    """One part of a score: its value in [0, 1], its weight, and their product."""

    part: Part
    value: float
    weight: float

    @property
    def points(self) -> float:
        return self.value * self.weight


@dataclass(frozen=True)
class Breakdown:
    """A score as the visible sum of its parts."""

    contributions: tuple[Contribution, ...]

    @property
    def total(self) -> float:
        return sum(c.points for c in self.contributions)

    @property
    def relevance(self) -> float:
        """The points from the parts that measure fit (text and concept)."""
        return sum(c.points for c in self.contributions if c.part in RELEVANCE_PARTS)

    def value(self, part: Part) -> float:
        return next(c.value for c in self.contributions if c.part is part)


def breakdown(values: dict[Part, float], weights: Weights) -> Breakdown:
    """Pair each part's value with its weight, in display order."""
    return Breakdown(tuple(Contribution(p, values[p], weights.of(p)) for p in Part))
