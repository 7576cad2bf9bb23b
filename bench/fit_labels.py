"""Fit the label cut-offs (`labels:` in weights.yaml) on graded judgments; check elsewhere.

For every judged need that gets a shortlist, the top 10 pairs with their scores and grades
(ungraded = 0). `strong` starts at the score that best separates grade 3 from the rest,
`good` at the one that best separates grade 2 or more from the rest (balanced accuracy,
so the rare grade-3 pairs count as much as the many others). Then both cut-offs are
applied to a second judged catalogue and the agreement printed.

    python bench/fit_labels.py [--check DIR]   # DIR with needs/, smes/, judgments.yaml
"""

from __future__ import annotations

import argparse
from pathlib import Path

from gssc_match.api import open_catalogue
from gssc_match.catalogue.loader import data_dir
from gssc_match.matching.evaluate import load_judgments
from gssc_match.matching.ranking import Matcher
from gssc_match.matching.scoring import load_weights
from gssc_match.selection import Selection

Pair = tuple[float, int]


def pairs(data: Path | None) -> list[Pair]:
    """(score, grade) of every shortlisted pair of the judged, graded needs."""
    catalogue = open_catalogue(data)
    judgments = load_judgments(data_dir(data) / "judgments.yaml")
    matcher = Matcher(catalogue, load_weights())
    graded = tuple(n for n, g in judgments.items() if g)
    found = []
    for shortlist in matcher.shortlists(Selection(need_ids=graded, top=10)):
        grades = judgments[shortlist.need.id]
        found += [(m.score, grades.get(m.sme.id, 0)) for m in shortlist.matches]
    return found


def balanced_accuracy(found: list[Pair], cut: float, grade: int) -> float:
    positive = [s >= cut for s, g in found if g >= grade]
    negative = [s < cut for s, g in found if g < grade]
    if not positive or not negative:
        return 0.0
    return (sum(positive) / len(positive) + sum(negative) / len(negative)) / 2


def best_cut(found: list[Pair], grade: int) -> float:
    """The candidate cut (a score seen, to 2 decimals) with the best balanced accuracy."""
    cuts = sorted({round(s, 2) for s, _ in found})
    return max(cuts, key=lambda c: (balanced_accuracy(found, c, grade), -c))


def report(name: str, found: list[Pair], strong: float, good: float) -> None:
    print(f"{name}: {len(found)} shortlisted pairs")
    bands = (("strong", strong, 2.0), ("good", good, strong), ("partial", -1.0, good))
    for label, low, high in bands:
        grades = [g for s, g in found if low <= s < high]
        share = {k: sum(g == k for g in grades) for k in (3, 2, 1, 0)}
        print(
            f"  {label:<8} {len(grades):>3} pairs  grades 3/2/1/0: "
            f"{share[3]}/{share[2]}/{share[1]}/{share[0]}"
        )
    print(
        f"  balanced accuracy: strong {balanced_accuracy(found, strong, 3):.3f}, "
        f"good-or-better {balanced_accuracy(found, good, 2):.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", type=Path, default=None)
    args = parser.parse_args()
    found = pairs(None)
    strong, good = best_cut(found, 3), best_cut(found, 2)
    print(f"labels:\n  strong: {strong:.2f}\n  good: {good:.2f}\n")
    report("fitted on the bundled judgments", found, strong, good)
    if args.check:
        report(f"checked on {args.check}", pairs(args.check), strong, good)


if __name__ == "__main__":
    main()
