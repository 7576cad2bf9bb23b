"""Score parts, their weights, and the breakdown every match carries.

A total score is literally `sum(weight * value)` over the named parts below; the breakdown
keeps each part's value and weight so that an explanation can show the sum.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from pydantic import Field, model_validator

from ..catalogue.models import Record
from ..catalogue.schema import load_record

WEIGHTS_ENV = "GSSC_MATCH_WEIGHTS"
DEFAULT_WEIGHTS = Path(__file__).with_name("weights.yaml")


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
            raise ValueError(f"part weights must add up to 1 (they add up to {total:g})")
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
    closest: int = Field(default=3, ge=1, le=100)
    min_asked: float = Field(default=2.0, ge=0)
    min_coverage: float = Field(default=0.0, ge=0, le=1)


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

    def label(self, score: float) -> str:
        if score >= self.strong:
            return "strong"
        return "good" if score >= self.good else "partial"


class Weights(Record):
    """The whole scoring configuration, as read from a weights file."""

    parts: PartWeights
    no_match_threshold: float = Field(ge=0, le=1)
    remedy: RemedySettings = RemedySettings()
    labels: LabelCutoffs = LabelCutoffs(strong=1.0, good=1.0)
    text: TextSettings
    concept: ConceptSettings

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
    """Weights from `path`, else $GSSC_MATCH_WEIGHTS, else the documented defaults."""
    env = os.environ.get(WEIGHTS_ENV)
    chosen = path or (Path(env) if env else DEFAULT_WEIGHTS)
    return load_record(chosen, Weights, "the weights file")


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
