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
    REMEDY = "remedy"
    LANGUAGE = "language"
    MARKET = "market"
    READINESS = "readiness"


RELEVANCE_PARTS = (Part.TEXT, Part.CONCEPT)
"""Parts that say whether the offer is about the need; the others (does the SME offer the
kind of remedy asked for, a common language, presence in the country, a proven product)
count in proportion to that relevance, so they reorder candidates of similar relevance
but never lift a weaker answer over a clearly better one."""


class PartWeights(Record):
    text: float = Field(ge=0, le=1)
    concept: float = Field(ge=0, le=1)
    remedy: float = Field(default=0.0, ge=0, le=1)  # optional: older weight files lack it
    language: float = Field(ge=0, le=1)
    market: float = Field(ge=0, le=1)
    readiness: float = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _sum_to_one(self) -> PartWeights:
        total = self.text + self.concept + self.remedy + self.language + self.market
        total += self.readiness
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"{SUM_RULE} (they add up to {total:g})")
        return self

    @property
    def relevance(self) -> float:
        """The most relevance points a pair can have (text + concept weights)."""
        return self.text + self.concept


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


class RemedySettings(Record):
    closest: int = Field(default=10, ge=1, le=100)
    min_asked: float = Field(default=2.0, ge=0)
    min_answer: float = Field(default=0.0, ge=0, le=1)


class LabelCutoffs(Record):
    """Lowest score of a `strong` and of a `good` pair; any other shortlisted pair is
    `partial`. Fitted on graded judgments (see README, "Labels")."""

    strong: float = Field(ge=0, le=1)
    good: float = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> LabelCutoffs:
        if self.good > self.strong:
            raise ValueError("the cut-off for good must not be above the one for strong")
        return self

    @classmethod
    def unfitted(cls) -> LabelCutoffs:
        """Cut-offs no score reaches: every pair `partial`, until a weights file says more."""
        return cls(strong=1.0, good=1.0)

    def label(self, score: float) -> str:
        if score >= self.strong:
            return "strong"
        return "good" if score >= self.good else "partial"


class Weights(Record):
    """The whole scoring configuration, as read from a weights file."""

    parts: PartWeights
    no_match_threshold: float = Field(ge=0, le=1)
    remedy: RemedySettings = RemedySettings()
    labels: LabelCutoffs = Field(default_factory=LabelCutoffs.unfitted)
    text: TextSettings
    concept: ConceptSettings
    teams: TeamWeights = Field(default_factory=TeamWeights)

    def of(self, part: Part) -> float:
        return _PART_WEIGHT[part](self.parts)


_PART_WEIGHT: dict[Part, Callable[[PartWeights], float]] = {
    Part.TEXT: lambda w: w.text,
    Part.CONCEPT: lambda w: w.concept,
    Part.REMEDY: lambda w: w.remedy,
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
    """One part of a score: its value in [0, 1], its weight, the relevance share that
    scales it (1 for the relevance parts themselves), and their product."""

    part: Part
    value: float
    weight: float
    scale: float = 1.0

    @property
    def points(self) -> float:
        return self.value * self.weight * self.scale


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


def relevance_share(relevance: float, weights: Weights) -> float:
    """Relevance points as a share of the most a pair can have: what scales the other parts.

    With no weight on relevance at all there is nothing to scale by, and the share is 1.
    """
    most = weights.parts.relevance
    return min(1.0, max(0.0, relevance / most)) if most > 0 else 1.0


def breakdown(values: dict[Part, float], weights: Weights) -> Breakdown:
    """Pair each part's value with its weight, in display order; the parts that are not
    relevance are scaled by the pair's relevance share."""
    relevance = sum(values[p] * weights.of(p) for p in RELEVANCE_PARTS)
    share = relevance_share(relevance, weights)
    return Breakdown(
        tuple(
            Contribution(p, values[p], weights.of(p), 1.0 if p in RELEVANCE_PARTS else share)
            for p in Part
        )
    )
