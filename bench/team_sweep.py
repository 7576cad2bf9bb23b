"""Sweep team settings over both team-judgment sets (ours and the realset's), side by side.

A change to `teams` is kept only when both sets improve or hold; this prints, for each
combination of the settings below, the `teams` line of `gssc-match evaluate --teams` on
each set (part coverage, member precision, mean size), so that no one tunes on one set.

    .venv/bin/python bench/team_sweep.py
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
WEIGHTS = ROOT / "src" / "gssc_match" / "matching" / "weights.yaml"
SETS = (
    ("ours", {}, []),
    (
        "realset",
        {"GSSC_MATCH_DATA": str(ROOT.parent / "shared" / "realset")},
        ["--team-judgments", str(ROOT / "docs" / "realset" / "team-judgments.yaml")],
    ),
)
# Settings of `teams:` in the weights file; `parts.<name>` sets a team-score weight.
GRID: dict[str, list[float]] = {
    "margin": [0.0, 0.02, 0.05],
    "clause_words": [0.3, 0.4, 0.5],
}


def with_settings(base: dict[str, object], values: dict[str, float]) -> dict[str, object]:
    """A copy of the weights document with the team settings replaced."""
    document = yaml.safe_load(yaml.safe_dump(base))
    for key, value in values.items():
        target = document["teams"]
        *path, last = key.split(".")
        for step in path:
            target = target[step]
        target[last] = value
    return dict(document)


def teams_line(weights: Path, env: dict[str, str], extra: list[str]) -> str:
    """The `teams` summary line of a team evaluation, or the error it printed."""
    command = [sys.executable, "-m", "gssc_match", "evaluate", "--teams", "--weights"]
    result = subprocess.run(
        [*command, str(weights), *extra],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("teams ")]
    return " ".join(lines[0].split()[2:]) if lines else result.stderr.strip()[-120:]


def main() -> None:
    base = yaml.safe_load(WEIGHTS.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "weights.yaml"
        for combination in itertools.product(*GRID.values()):
            values = dict(zip(GRID, combination, strict=True))
            path.write_text(yaml.safe_dump(with_settings(base, values)), encoding="utf-8")
            figures = [f"{name}: {teams_line(path, env, extra)}" for name, env, extra in SETS]
            print(values, " | ".join(figures), flush=True)


if __name__ == "__main__":
    main()
