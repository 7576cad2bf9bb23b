"""The solver: every hard rule holds, and the fast route reaches the exact MILP's optimum."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gssc_match.planning.solver import (
    Instance,
    Method,
    Option,
    Solution,
    solve,
    solve_exact,
    solve_fast,
)
from gssc_match.planning.synthetic import random_instance


def relaxed(solution: Solution) -> bool:
    """Whether the solver said pins or targets could not all be met."""
    return any("cannot all be met" in note for note in solution.notes)


def broken_rules(instance: Instance, solution: Solution) -> list[str]:
    """Every rule a solution breaks (an empty list when it keeps them all).

    Pins and targets are hard unless the solver reported that they cannot all be met.
    """
    hard = not relaxed(solution)
    broken = []
    options = instance.options
    for o, t in solution.meetings:
        if t not in options[o].slots:
            broken.append(f"option {o} meets in slot {t}, where one side is not free")
    for side in ("delegation", "sme"):
        cells = Counter((getattr(options[o], side), t) for o, t in solution.meetings)
        broken += [f"{side} {p} twice in slot {t}" for (p, t), n in cells.items() if n > 1]
    pairs = Counter(o for o, _ in solution.meetings)
    broken += [f"option {o} meets {n} times" for o, n in pairs.items() if n > 1]
    per_d = Counter(options[o].delegation for o, _ in solution.meetings)
    per_s = Counter(options[o].sme for o, _ in solution.meetings)
    broken += [
        f"delegation {d} over cap" for d, n in per_d.items() if n > instance.delegation_caps[d]
    ]
    broken += [f"sme {s} over cap" for s, n in per_s.items() if n > instance.sme_caps[s]]
    if hard:
        broken += [
            f"pin {o} not met" for o, opt in enumerate(options) if opt.pinned and o not in pairs
        ]
        broken += [
            f"delegation {d} below target"
            for d in range(instance.delegations)
            if per_d[d] < instance.targets[d]
        ]
    value = sum(options[o].value for o, _ in solution.meetings)
    if abs(value - solution.objective) > 1e-6:
        broken.append(f"objective {solution.objective} is not the sum of values {value}")
    if solution.objective > solution.bound + 1e-6:
        broken.append("objective above its bound")
    return broken


SMALL = (
    [
        dict(delegations=3, smes=8, slots=5, seed=seed, density=0.5, cap=None, pins=1)
        for seed in range(6)
    ]
    + [
        dict(delegations=5, smes=12, slots=8, seed=seed, density=0.4, cap=3, pins=2)
        for seed in range(6, 12)
    ]
    + [
        dict(delegations=8, smes=50, slots=16, seed=seed, density=0.15, cap=None, pins=3)
        for seed in range(12, 16)
    ]
)


@pytest.mark.parametrize("spec", SMALL, ids=lambda s: f"{s['delegations']}x{s['smes']}-{s['seed']}")
def test_fast_route_equals_the_exact_optimum(spec: dict[str, int]) -> None:
    instance = random_instance(**spec)
    exact = solve_exact(instance)
    fast = solve_fast(instance)
    assert exact.optimal
    assert fast.optimal
    assert fast.objective == pytest.approx(exact.objective, abs=1e-6)
    assert solve_exact(instance, presolve=False).objective == pytest.approx(exact.objective)
    assert broken_rules(instance, exact) == []
    assert broken_rules(instance, fast) == []
    assert relaxed(fast) == relaxed(exact)


def test_a_near_optimal_plan_within_the_accepted_gap_is_kept() -> None:
    instance = random_instance(60, 200, 20, seed=3)
    quick = solve_fast(instance, accept_gap=0.01)
    assert quick.gap <= 0.01
    assert broken_rules(instance, quick) == []
    exact = solve_exact(instance, presolve=False)
    # the bound is a true bound: no plan beats it, and the quick plan is not better than exact
    assert quick.objective <= exact.objective + 1e-6
    assert exact.objective <= quick.bound + 1e-6


def test_same_instance_same_plan() -> None:
    instance = random_instance(8, 50, 16, seed=5, pins=2)
    assert solve(instance).meetings == solve(instance).meetings


def _two_pins_one_slot() -> Instance:
    """Two pins for one delegation that both fit only slot 0, and a target of 2."""
    options = (
        Option(0, 0, 0.5, (0,), pinned=True),
        Option(0, 1, 0.4, (0,), pinned=True),
        Option(1, 1, 0.9, (0, 1)),
    )
    return Instance(2, 2, 2, options, (2, 2), (2, 2), (2, 1))


def test_impossible_pins_give_a_plan_not_infeasible() -> None:
    instance = _two_pins_one_slot()
    for solution in (solve_exact(instance), solve_fast(instance)):
        assert broken_rules(instance, solution) == []
        met = {o for o, _ in solution.meetings}
        assert len(met & {0, 1}) == 1  # as many pins as possible: one of the two
        assert 2 in met  # and then the best value: delegation 1 still meets its SME
        assert relaxed(solution)


def test_pins_come_before_value() -> None:
    options = (Option(0, 0, 0.1, (0,), pinned=True), Option(0, 1, 0.9, (0,)))
    instance = Instance(1, 2, 1, options, (1,), (1, 1), (1,))
    assert solve_fast(instance).meetings == ((0, 0),)


def test_an_empty_instance_plans_nothing() -> None:
    instance = Instance(2, 2, 3, (), (3, 3), (3, 3), (0, 0))
    for solution in (solve_exact(instance), solve_fast(instance)):
        assert solution.meetings == ()
        assert solution.optimal


def test_the_method_is_named() -> None:
    instance = random_instance(4, 10, 6, seed=1)
    assert solve_exact(instance, presolve=False).method is Method.EXACT_NO_PRESOLVE


@settings(max_examples=25, deadline=None)
@given(
    delegations=st.integers(1, 5),
    smes=st.integers(1, 10),
    slots=st.integers(1, 6),
    seed=st.integers(0, 10_000),
    density=st.floats(0.2, 0.9),
    cap=st.one_of(st.none(), st.integers(1, 3)),
    pins=st.integers(0, 3),
)
# Once found by hypothesis: the slots left after the LP's whole pairs had no free cell at all.
@example(delegations=2, smes=7, slots=5, seed=666, density=0.75, cap=None, pins=0)
def test_any_small_instance_fast_equals_exact(
    delegations: int, smes: int, slots: int, seed: int, density: float, cap: int | None, pins: int
) -> None:
    instance = random_instance(
        delegations, smes, slots, seed=seed, density=density, cap=cap, pins=pins
    )
    exact, fast = solve_exact(instance), solve_fast(instance)
    assert fast.objective == pytest.approx(exact.objective, abs=1e-6)
    assert relaxed(fast) == relaxed(exact)
    assert broken_rules(instance, fast) == []
