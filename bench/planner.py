"""Planner benchmarks: our route beside the exact MILP baselines on the same instances.

Each (instance, method) runs in a fresh subprocess, so that peak memory (the child's own
peak RSS, from os.wait4) covers HiGHS's native allocations too; the child reports the
planning time itself (after imports and instance generation), the objective, the proven
bound and the gap.

    python bench/planner.py            # as part of `make bench`
    python bench/planner.py --child pairs-then-slots large 1
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gssc_match.planning.solver import Instance

ROOT = Path(__file__).resolve().parents[1]

SIZES = {
    # name: (delegations, SMEs, slots, accepted gap for our route)
    "gssc": (8, 50, 16, 0.0),
    "large": (100, 400, 20, 0.01),
}
METHODS = ("pairs-then-slots", "milp", "milp-no-presolve", "cp-sat")
CP_SAT_SECONDS = 30.0  # OR-Tools CP-SAT, optional: measured only where `ortools` imports
SEEDS = (1, 2, 3)
MISSION = ROOT / "data" / "missions" / "vietnam-2027-virtual.yaml"


@dataclass(frozen=True)
class Run:
    size: str
    method: str
    seed: int
    seconds: float
    objective: float
    bound: float
    gap: float
    peak_mb: float


def child(method: str, size: str, seed: int) -> None:
    """Solve one instance one way; print the figures as JSON."""
    from gssc_match.planning.solver import solve_exact, solve_fast
    from gssc_match.planning.synthetic import random_instance

    delegations, smes, slots, gap = SIZES[size]
    instance = random_instance(delegations, smes, slots, seed=seed, pins=3)
    solve_exact(random_instance(2, 3, 2, seed=0))  # load HiGHS before the clock starts
    started = time.perf_counter()
    if method == "pairs-then-slots":
        solution = solve_fast(instance, accept_gap=gap)
    elif method == "cp-sat":
        objective, bound = cp_sat(instance)
        seconds = time.perf_counter() - started
        gap_found = (bound - objective) / bound if bound > 0 else 0.0
        print(
            json.dumps(
                {
                    "seconds": seconds,
                    "objective": objective,
                    "bound": bound,
                    "gap": max(0.0, gap_found),
                }
            )
        )
        return
    else:
        solution = solve_exact(instance, presolve=method == "milp")
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": seconds,
                "objective": solution.objective,
                "bound": solution.bound,
                "gap": solution.gap,
            }
        )
    )


def cp_sat(instance: Instance) -> tuple[float, float]:
    """The same exact model in OR-Tools CP-SAT (2 workers, a time limit): objective, bound."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    scale = 10_000  # CP-SAT needs integer coefficients; scores have four decimals
    x = {
        (o, t): model.new_bool_var(f"x{o}_{t}")
        for o, option in enumerate(instance.options)
        for t in option.slots
    }
    cells: dict[tuple[str, int, int], list[Any]] = {}
    for (o, t), var in x.items():
        option = instance.options[o]
        cells.setdefault(("d", option.delegation, t), []).append(var)
        cells.setdefault(("s", option.sme, t), []).append(var)
    for group in cells.values():
        model.add_at_most_one(group)
    per_d: dict[int, list[Any]] = {}
    per_s: dict[int, list[Any]] = {}
    for o, option in enumerate(instance.options):
        meets = [x[o, t] for t in option.slots]
        (model.add(sum(meets) == 1) if option.pinned else model.add(sum(meets) <= 1))
        per_d.setdefault(option.delegation, []).extend(meets)
        per_s.setdefault(option.sme, []).extend(meets)
    for d, meets in per_d.items():
        model.add(sum(meets) <= instance.delegation_caps[d])
        model.add(sum(meets) >= instance.targets[d])
    for s, meets in per_s.items():
        model.add(sum(meets) <= instance.sme_caps[s])
    model.maximize(sum(round(instance.options[o].value * scale) * v for (o, _), v in x.items()))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = CP_SAT_SECONDS
    solver.solve(model)
    return solver.objective_value / scale, solver.best_objective_bound / scale


def mission_child() -> None:
    """The bundled Vietnam mission: time to score pairs (rank) and to plan, apart."""
    from gssc_match.api import open_catalogue
    from gssc_match.matching.ranking import Matcher
    from gssc_match.matching.scoring import load_weights
    from gssc_match.planning.build import prepare
    from gssc_match.planning.load import load_mission
    from gssc_match.planning.solver import solve, solve_exact
    from gssc_match.planning.synthetic import random_instance

    catalogue = open_catalogue()
    mission = load_mission(MISSION, catalogue)
    started = time.perf_counter()
    setup = prepare(mission, catalogue, Matcher(catalogue, load_weights()))
    ranked = time.perf_counter()
    solve_exact(random_instance(2, 3, 2, seed=0))  # load HiGHS before the clock starts
    scored = time.perf_counter()
    solution = solve(setup.instance)
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "seconds": done - scored,
                "rank_seconds": ranked - started,
                "objective": solution.objective,
                "bound": solution.bound,
                "gap": solution.gap,
                "pairs": len(setup.instance.options),
            }
        )
    )


def measure(args: list[str]) -> tuple[dict[str, float], float]:
    process = subprocess.Popen(
        [sys.executable, __file__, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    out = process.stdout.read().decode() if process.stdout else ""
    if os.waitstatus_to_exitcode(status) != 0:
        err = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"{args}: failed\n{err[-2000:]}")
    return json.loads(out), usage.ru_maxrss / 1024


def _has_ortools() -> bool:
    try:
        import ortools  # noqa: F401
    except ImportError:
        return False
    return True


def run_all(seeds: tuple[int, ...] = SEEDS) -> list[Run]:
    runs = []
    methods = METHODS if _has_ortools() else METHODS[:-1]
    for size in SIZES:
        for seed in seeds:
            for method in methods:
                figures, peak = measure(["--child", method, size, str(seed)])
                runs.append(
                    Run(
                        size,
                        method,
                        seed,
                        figures["seconds"],
                        figures["objective"],
                        figures["bound"],
                        figures["gap"],
                        peak,
                    )
                )
    return runs


def report(runs: list[Run]) -> None:
    print(
        f"\n{'planner instance':<34} {'method':<18} {'plan s':>7} {'peak MB':>8} "
        f"{'objective':>10} {'bound':>10} {'gap %':>7}"
    )
    for r in runs:
        d, s, t, _ = SIZES[r.size]
        label = f"{r.size} {d}x{s}x{t} seed {r.seed}"
        print(
            f"{label:<34} {r.method:<18} {r.seconds:>7.3f} {r.peak_mb:>8.0f} "
            f"{r.objective:>10.4f} {r.bound:>10.4f} {100 * r.gap:>7.3f}"
        )
    figures, peak = measure(["--mission"])
    print(
        f"\nbundled Vietnam mission ({figures['pairs']:.0f} candidate pairs): scoring "
        f"{figures['rank_seconds']:.3f} s, planning {figures['seconds']:.3f} s, objective "
        f"{figures['objective']:.4f}, gap {100 * figures['gap']:.3f} %, peak {peak:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs=3, metavar=("METHOD", "SIZE", "SEED"))
    parser.add_argument("--mission", action="store_true")
    parser.add_argument("--seeds", default=",".join(map(str, SEEDS)))
    args = parser.parse_args()
    if args.child:
        method, size, seed = args.child
        child(method, size, int(seed))
    elif args.mission:
        mission_child()
    else:
        report(run_all(tuple(int(s) for s in args.seeds.split(","))))


if __name__ == "__main__":
    main()
