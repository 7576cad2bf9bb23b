"""Does `taxonomy gaps` point at real gaps? Add its top suggestions to a COPY of the
taxonomy and compare `evaluate` on a judged catalogue before and after.

Nothing in the repository changes: the catalogue and the taxonomy are copied to a
temporary folder, and each suggested term (with its other spellings) is added as a
synonym of the concept `gaps` names for it. Gaps without a probable concept are skipped:
they would need a new concept, which is a maintainer's call.

    python bench/gaps_check.py DATA_DIR [--top 10 20 40] [--judgments FILE]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

BIN = Path(sys.executable).parent
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from gssc_match.api import taxonomy_gaps  # noqa: E402
from gssc_match.catalogue.loader import taxonomy_path  # noqa: E402


def ndcg10(data: Path, judgments: Path) -> tuple[float, float]:
    """(nDCG@10, nDCG@5) of gssc-match overall on a catalogue."""
    out = subprocess.run(
        [str(BIN / "gssc-match"), "evaluate", "--data", str(data), "--judgments", str(judgments)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for line in out.splitlines():
        cells = line.split()
        if cells[:2] == ["overall", "gssc-match"]:
            return float(cells[4]), float(cells[3])
    raise SystemExit(f"no overall line in:\n{out}")


def with_suggestions(source: Path, target: Path, top: int) -> list[str]:
    """Copy a catalogue, add the top gaps' terms to their concepts; the terms added."""
    shutil.copytree(source, target)
    report = taxonomy_gaps(target, top)
    taxonomy = yaml.safe_load(taxonomy_path(source).read_text(encoding="utf-8"))
    concepts = {c["id"]: c for p in taxonomy["pillars"] for c in p["concepts"]}
    added = []
    for gap in report.gaps:
        if gap.suggestion is None:
            continue
        words = concepts[gap.suggestion.concept_id]["synonyms"]["en"]
        words += [t for t in (gap.term, *gap.variants) if t not in words]
        added.append(f"{gap.term} -> {gap.suggestion.concept_id}")
    text = yaml.safe_dump(taxonomy, allow_unicode=True, sort_keys=False)
    (target / "taxonomy.yaml").write_text(text, encoding="utf-8")
    return added


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--judgments", type=Path)
    parser.add_argument("--top", type=int, nargs="+", default=[10, 20, 40])
    args = parser.parse_args()
    judgments = args.judgments or args.data / "judgments.yaml"
    before = ndcg10(args.data, judgments)
    results = {"before": {"ndcg@10": before[0], "ndcg@5": before[1]}}
    with tempfile.TemporaryDirectory() as tmp:
        for top in args.top:
            copy = Path(tmp) / f"top{top}"
            added = with_suggestions(args.data, copy, top)
            after = ndcg10(copy, judgments)
            results[f"top {top}"] = {"ndcg@10": after[0], "ndcg@5": after[1], "added": added}
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
