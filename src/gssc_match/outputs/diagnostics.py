"""Text and JSON renderings of `taxonomy gaps` and `doctor` (pure functions)."""

from __future__ import annotations

import json
from dataclasses import asdict
from enum import StrEnum
from typing import TYPE_CHECKING

from ..problems import visible

if TYPE_CHECKING:  # the commands' --help must not load the matcher (numpy)
    from ..catalogue.gaps import Gap, GapReport
    from ..matching.doctor import Bridge, Diagnosis, NearMiss

FILES_SHOWN = 3


class DiagnosticFormat(StrEnum):
    """Output formats of the diagnostic commands."""

    TEXT = "text"
    JSON = "json"


def render_gaps(report: GapReport, fmt: DiagnosticFormat) -> str:
    if fmt is DiagnosticFormat.JSON:
        return _json(asdict(report))
    blind = len(report.uncovered_records)
    head = (
        f"{_count(len(report.gaps), 'uncovered term')} of {report.records} records, most used first"
    )
    if blind:
        head += f"; {blind} record{'s' * (blind != 1)} name no concept at all: "
        head += ", ".join(report.uncovered_records)
    if not report.gaps:
        return head + "\n"
    blocks = [_gap(n, gap) for n, gap in enumerate(report.gaps, start=1)]
    return head + "\n\n" + "\n".join(blocks)


def _gap(n: int, gap: Gap) -> str:
    also = f"  (also: {', '.join(gap.variants[:6])})" if gap.variants else ""
    files = ", ".join(gap.files[:FILES_SHOWN])
    if len(gap.files) > FILES_SHOWN:
        files += f", +{len(gap.files) - FILES_SHOWN} more"
    lines = [
        f"{n:>2}. {gap.term}{also}",
        f"    {_count(gap.records, 'record')} ({_count(len(gap.smes), 'SME')}, "
        f"{_count(len(gap.needs), 'need')}): {files}",
    ]
    if gap.suggestion is not None:
        s = gap.suggestion
        lines.append(f"    probably {s.concept_id} ({s.concept_name}): {s.reason}")
    return visible_lines(lines)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def render_diagnosis(diagnosis: Diagnosis, fmt: DiagnosticFormat) -> str:
    if fmt is DiagnosticFormat.JSON:
        return _json(asdict(diagnosis))
    from ..matching.doctor import Side

    kind = "SME" if diagnosis.side is Side.SME else "Need"
    lines = [f"{kind} {diagnosis.record_id}: {diagnosis.name}", ""]
    lines += ["What the scorer reads (taxonomy concepts, in the record's own words):"]
    lines += [
        f"  - {c.name} [{c.pillar}]: {', '.join(repr(w) for w in c.words)}"
        for c in diagnosis.concepts
    ] or ["  (none)"]
    if diagnosis.blind:
        lines.append(f"  note: {diagnosis.blind}")
    offers = "offers" if diagnosis.side is Side.SME else "asks for"
    lines += ["", f"Remedies it {offers} (kinds, in the record's own words; weight):"]
    lines += [
        f"  - {r.name}: {', '.join(repr(w) for w in r.words)} ({r.weight:g})"
        for r in diagnosis.remedies
    ] or ["  (none named)"]
    other = "Needs" if diagnosis.side is Side.SME else "SMEs"
    lines += [
        "",
        f"{other} it nearly matches (shortlists keep the top {diagnosis.top}; "
        f"relevance threshold {diagnosis.threshold:.2f}):",
    ]
    if not diagnosis.near_misses:
        lines.append("  (none)")
    for n, miss in enumerate(diagnosis.near_misses, start=1):
        lines += _miss(n, miss)
    return visible_lines(lines)


def _miss(n: int, miss: NearMiss) -> list[str]:
    lines = [f"  {n}. {miss.other_id}: {miss.other_name}", f"     {miss.why}"]
    if miss.shared:
        lines.append(f"     shared words: {', '.join(miss.shared)}")
    if miss.bridges:
        lines.append("     concepts on the other side only (words that would connect them):")
        lines += [_bridge(b) for b in miss.bridges]
    return lines


def _bridge(bridge: Bridge) -> str:
    theirs = ", ".join(repr(w) for w in bridge.their_words)
    ours = "; ".join(f"{lang}: {', '.join(words)}" for lang, words in bridge.taxonomy_words.items())
    return f"       - {bridge.name}: they say {theirs}; taxonomy words {ours}"


def visible_lines(lines: list[str]) -> str:
    """Lines joined for a terminal, each made safe to print (no control characters)."""
    return "".join(visible(line) + "\n" for line in lines)


def _json(document: object) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
