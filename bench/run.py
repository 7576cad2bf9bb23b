"""`make bench`: wall time, CPU time and peak memory of the main operations, in one run.

Each measurement runs in a fresh subprocess; CPU and peak RSS come from that child's own
rusage (os.wait4), so runs do not pollute each other. Synthetic catalogues are generated
once into bench-out/ (deterministic, see bench/generate.py).

    python bench/run.py [--sizes 50,1000,10000,100000] [--needs 1000] [--pages-only]
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench-out"
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "bench"))

import planner  # noqa: E402
from generate import generate  # noqa: E402


@dataclass(frozen=True)
class Sample:
    label: str
    wall: float
    cpu: float
    peak_mb: float
    kernel: float = 0.0  # of the CPU seconds, those spent in the kernel (creating files)


def measure(label: str, argv: list[str], env: dict[str, str] | None = None) -> Sample:
    """Run a command once in a child process and read its own rusage."""
    start = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        process = subprocess.Popen(
            argv, stdout=sink, stderr=subprocess.PIPE, env={**os.environ, **(env or {})}
        )
        _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    stderr = process.stderr.read().decode() if process.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{label}: exit {code}\n{stderr[-2000:]}")
    cpu = usage.ru_utime + usage.ru_stime
    return Sample(label, wall, cpu, usage.ru_maxrss / 1024, usage.ru_stime)


def best_of(n: int, label: str, argv: list[str]) -> Sample:
    """The fastest of n runs (start-up figures are noisy)."""
    return min((measure(label, argv) for _ in range(n)), key=lambda s: s.wall)


def catalogue(smes: int, needs: int) -> Path:
    path = OUT / f"cat-{smes}x{needs}"
    if not (path / ".done").exists():
        generate(path, smes, needs)
        (path / ".done").touch()
    return path


def report(samples: list[Sample], header: bool = True) -> None:
    if header:
        print(f"{'operation':<48} {'wall s':>8} {'CPU s':>8} {'peak MB':>8} {'kernel s':>8}")
    for s in samples:
        print(f"{s.label:<48} {s.wall:>8.2f} {s.cpu:>8.2f} {s.peak_mb:>8.0f} {s.kernel:>8.2f}")


def intake_samples(gm: str, cat: Path, runs: int = 3) -> list[Sample]:
    """`import` of the same 10,000 SMEs from a sheet (CSV and XLSX), into an empty folder.

    The sheets are the catalogue's own `export --catalogue`, so both sides hold the same
    records; import parses, normalises, validates and writes 10,000 YAML files. Each run
    writes a folder of its own, and all are deleted at the end: on this virtual disk
    (ext4, `discard`), creating 10,000 files soon after deleting 10,000 costs ten times the
    kernel time (0.7 s against 6 s, even after a sync and a pause), which measured the
    clean-up, not the import.
    """
    found = []
    written_to: list[Path] = []
    for suffix in ("csv", "xlsx"):
        sheet = OUT / f"smes-10000.{suffix}"
        if not sheet.exists():
            subprocess.run(
                [gm, "export", "--catalogue", "smes", "--data", str(cat), "--out", str(sheet)],
                check=True,
                capture_output=True,
            )
        label = f"import 10,000 SME rows ({suffix.upper()})"
        for run in range(runs):
            target = OUT / f"import-out-{suffix}-{run}"
            shutil.rmtree(target, ignore_errors=True)  # left by an interrupted run
            written_to.append(target)
            settle()
            found.append(measure(label, [gm, "import", "sme", str(sheet), "--out", str(target)]))
            written = len(list(target.glob("*.yaml")))
            if written != 10_000:
                raise SystemExit(f"{label}: wrote {written} files, not 10,000")
    for target in written_to:
        shutil.rmtree(target)
    return found


def settle(seconds: float = 5.0) -> None:
    """Flush what earlier steps left on the disk, then wait for its discards to pass."""
    os.sync()
    time.sleep(seconds)


def slope(points: list[tuple[int, float]]) -> float:
    """Least-squares exponent b in value ~ N^b (1.0 means linear)."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(max(v, 1e-9)) for _, v in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def teams_samples(gm: str) -> list[Sample]:
    """What `teams` adds to `rank`: on the bundled catalogue and at 1,000 SMEs x 100 needs."""
    path = str(catalogue(1000, 100))
    search = [sys.executable, str(ROOT / "bench" / "teams_search.py")]
    for argv in (search, [*search, path]):  # the search alone, in-process CPU time
        print(
            "  " + subprocess.run(argv, capture_output=True, text=True).stdout.strip(),
            file=sys.stderr,
        )
    return [
        best_of(3, "rank --country cape-verde (bundled)", [gm, "rank", "--country", "cv"]),
        best_of(3, "teams --country cape-verde (bundled)", [gm, "teams", "--country", "cv"]),
        best_of(
            3, "rank 1,000 SMEs x 100 needs, JSON", [gm, "rank", "--data", path, "--format", "json"]
        ),
        best_of(
            3,
            "teams 1,000 SMEs x 100 needs, JSON",
            [gm, "teams", "--data", path, "--format", "json"],
        ),
    ]


def pages(gm: str) -> list[tuple[Sample, int]]:
    """The report and catalogue pages: time, memory and the size of the file written."""
    big = catalogue(1000, 100)
    runs = [
        ("report --country vietnam (bundled)", ["report", "--country", "vietnam"]),
        ("catalogue (bundled, 50 SMEs)", ["catalogue"]),
        ("report 1,000 SMEs x 100 needs", ["report", "--data", str(big)]),
        ("catalogue 1,000 SMEs x 100 needs", ["catalogue", "--data", str(big)]),
    ]
    found = []
    for label, args in runs:
        out = OUT / f"{label.split()[0]}-{len(found)}.html"
        sample = best_of(3, label, [gm, *args, "--out", str(out), "--force"])
        found.append((sample, out.stat().st_size))
    return found


def print_pages(written: list[tuple[Sample, int]]) -> None:
    print(f"\n{'page':<48} {'wall s':>8} {'CPU s':>8} {'peak MB':>8} {'KB':>8}")
    for s, size in written:
        print(f"{s.label:<48} {s.wall:>8.2f} {s.cpu:>8.2f} {s.peak_mb:>8.0f} {size / 1024:>8.0f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--needs", type=int, default=1000)
    parser.add_argument("--pages-only", action="store_true", help="only the HTML pages")
    parser.add_argument(
        "--intake-only", action="store_true", help="only validate vs import of 10,000 SMEs"
    )
    args = parser.parse_args()
    gm = str(BIN / "gssc-match")
    if args.pages_only:
        print_pages(pages(gm))
        return
    py = sys.executable
    if args.intake_only:
        cat = catalogue(10000, 10)
        settle()
        validate = [gm, "validate", str(cat / "smes")]
        report([measure("validate 10,000 SME files", validate) for _ in range(3)])
        report(intake_samples(gm, cat), header=False)
        return
    samples = [
        best_of(5, "gssc-match --help", [gm, "--help"]),
        best_of(5, "validate bundled catalogue", [gm, "validate"]),
        best_of(
            3,
            "import TfidfVectorizer only",
            [py, "-c", "from sklearn.feature_extraction.text import TfidfVectorizer"],
        ),
        best_of(3, "rank --country vietnam (bundled)", [gm, "rank", "--country", "vietnam"]),
    ]
    samples += teams_samples(gm)
    validate_cat = catalogue(10000, 10)
    samples.append(
        measure("validate 10,000 SME files", [gm, "validate", str(validate_cat / "smes")])
    )
    samples += intake_samples(gm, validate_cat)
    rank_points, bm25_points, memory_points = [], [], []
    for n in [int(s) for s in args.sizes.split(",")]:
        path = catalogue(n, args.needs)
        ours = measure(
            f"rank {n:,} SMEs x {args.needs:,} needs, top 10",
            [gm, "rank", "--data", str(path), "--top", "10", "--format", "json"],
        )
        theirs = measure(
            f"bm25s {n:,} SMEs x {args.needs:,} needs, top 10",
            [py, str(ROOT / "bench" / "bm25_baseline.py"), str(path)],
        )
        samples += [ours, theirs]
        rank_points.append((n, ours.wall))
        bm25_points.append((n, theirs.wall))
        memory_points.append((n, ours.peak_mb))
        print(
            f"  {n:>7,} SMEs: gssc-match / bm25s wall-time ratio {ours.wall / theirs.wall:.2f}",
            file=sys.stderr,
        )
    export_cat = catalogue(1000, args.needs)
    for suffix in ("csv", "xlsx"):
        label = f"export 1,000 SMEs x {args.needs:,} needs, top 10, {suffix.upper()}"
        out = OUT / f"export-1000.{suffix}"
        argv = [gm, "export", "--data", str(export_cat), "--top", "10", "--out", str(out)]
        samples.append(measure(label, [*argv, "--force"]))
    written = pages(gm)
    report(samples)
    print_pages(written)
    if len(rank_points) > 1:
        print(
            f"\ngrowth exponent in N over all sizes (1.0 = linear): rank time "
            f"{slope(rank_points):.2f}, rank peak memory {slope(memory_points):.2f}, "
            f"bm25s time {slope(bm25_points):.2f}"
        )
        print(
            "growth exponent between the two largest sizes (fixed start-up costs matter less): "
            f"rank time {slope(rank_points[-2:]):.2f}, rank peak memory "
            f"{slope(memory_points[-2:]):.2f}, bm25s time {slope(bm25_points[-2:]):.2f}"
        )
    planner.report(planner.run_all())


if __name__ == "__main__":
    main()
