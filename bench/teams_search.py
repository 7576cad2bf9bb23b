"""CPU time of the team search alone, beside rank's shortlists, on one catalogue.

Loading and vectorising are shared by both and left out; best of 5 runs, in-process.

    python bench/teams_search.py [CATALOGUE]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from gssc_match.api import open_catalogue
from gssc_match.matching.ranking import Matcher
from gssc_match.matching.scoring import load_weights
from gssc_match.matching.teams import TeamFinder
from gssc_match.selection import Selection


def best_cpu(work: Callable[[], object], runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    catalogue = open_catalogue(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
    matcher = Matcher(catalogue, load_weights())
    rank = best_cpu(lambda: list(matcher.shortlists(Selection(top=5))))
    teams = best_cpu(lambda: list(TeamFinder(matcher).suggestions(Selection(), 3, 3)))
    print(
        f"{len(matcher.smes):,} SMEs x {len(matcher.needs):,} needs: rank's shortlists "
        f"{rank:.3f} s CPU, team search (size 3, top 3) {teams:.3f} s CPU"
    )


if __name__ == "__main__":
    main()
