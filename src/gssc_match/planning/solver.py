"""Choose who meets whom in which slot: an exact MILP, and a faster pairs-then-slots route.

Both solve the same problem, stated on integer indices so that tests and benchmarks can
generate instances without a catalogue:

- `x[o, t] = 1` when option `o` (a delegation-SME pair allowed to meet) meets in slot `t`;
- nobody in two meetings in one slot; a pair meets at most once; caps on both sides;
- every pin meets, every delegation gets its target number of meetings;
- maximise the total value (score) of the meetings held.

When pins or targets cannot all be met, the exact route solves lexicographically: first
as many pins, then as many target meetings as possible, then the best value with those
fixed; so a plan always comes out, and the shortfall is reported instead of "infeasible".

The fast route decides pairs first on a relaxation (a b-matching with Hall-type cuts per
participant), whose optimum bounds the exact one, then gives the chosen pairs slots. When
every chosen pair gets a slot, the plan's value equals the bound: it is proven optimal.
When not, it falls back to the exact MILP (without presolve, which is what costs time on
these models) and says so.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

TOLERANCE = 1e-6


@dataclass(frozen=True)
class Option:
    """A pair that may meet, with its value and the slots where both sides are free."""

    delegation: int
    sme: int
    value: float
    slots: tuple[int, ...]
    pinned: bool = False


@dataclass(frozen=True)
class Instance:
    """A planning problem on indices: participants, slots, options, caps and targets."""

    delegations: int
    smes: int
    slots: int
    options: tuple[Option, ...]
    delegation_caps: tuple[int, ...]
    sme_caps: tuple[int, ...]
    targets: tuple[int, ...]  # meetings each delegation should get at least


class Method(StrEnum):
    """How a solution was found."""

    EXACT = "exact MILP"
    EXACT_NO_PRESOLVE = "exact MILP, presolve off"
    PAIRS_THEN_SLOTS = "pairs then slots"


@dataclass(frozen=True)
class Solution:
    """Meetings as (option index, slot), the objective, its proven bound, and how."""

    meetings: tuple[tuple[int, int], ...]
    objective: float
    bound: float
    method: Method
    seconds: float
    notes: tuple[str, ...] = field(default=())

    @property
    def gap(self) -> float:
        """Relative distance to the bound; 0 when proven optimal."""
        if self.bound <= TOLERANCE:
            return 0.0
        return max(0.0, (self.bound - self.objective) / self.bound)

    @property
    def optimal(self) -> bool:
        return self.gap <= 1e-6


# -- the exact model ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Model:
    """The x[o, t] variables of an instance and the rows every variant shares."""

    option_of: np.ndarray  # variable -> option index
    slot_of: np.ndarray  # variable -> slot
    values: np.ndarray  # variable -> value of its option
    rows: list[LinearConstraint]


def _variables(instance: Instance) -> tuple[np.ndarray, np.ndarray]:
    option_of = [o for o, option in enumerate(instance.options) for _ in option.slots]
    slot_of = [t for option in instance.options for t in option.slots]
    return np.array(option_of, dtype=np.int64), np.array(slot_of, dtype=np.int64)


def _sum_rows(
    groups: np.ndarray,
    count: int,
    n: int,
    upper: Sequence[float] | float,
    lower: Sequence[float] | float = 0.0,
) -> LinearConstraint:
    """One row per group: the sum of the variables in the group (rows with no variable kept)."""
    matrix = coo_array((np.ones(n), (groups, np.arange(n))), shape=(count, n)).tocsr()
    return LinearConstraint(matrix, lower, upper)


def _model(instance: Instance) -> _Model:
    option_of, slot_of = _variables(instance)
    n = option_of.size
    delegation = np.array([o.delegation for o in instance.options], dtype=np.int64)[option_of]
    sme = np.array([o.sme for o in instance.options], dtype=np.int64)[option_of]
    slots = instance.slots
    rows = [
        _sum_rows(delegation * slots + slot_of, instance.delegations * slots, n, 1.0),
        _sum_rows(sme * slots + slot_of, instance.smes * slots, n, 1.0),
        _sum_rows(option_of, len(instance.options), n, 1.0),
        _sum_rows(delegation, instance.delegations, n, list(map(float, instance.delegation_caps))),
        _sum_rows(sme, instance.smes, n, list(map(float, instance.sme_caps))),
    ]
    values = np.array([o.value for o in instance.options])[option_of]
    return _Model(option_of, slot_of, values, rows)


def _hard_rows(instance: Instance, model: _Model) -> list[LinearConstraint]:
    """Every pin met and every delegation at its target."""
    n = model.option_of.size
    pinned = np.array([o.pinned for o in instance.options], dtype=bool)[model.option_of]
    delegation = np.array([o.delegation for o in instance.options], dtype=np.int64)
    rows = [
        _sum_rows(
            delegation[model.option_of],
            instance.delegations,
            n,
            np.inf,
            list(map(float, instance.targets)),
        )
    ]
    if pinned.any():
        pins = np.flatnonzero(pinned)
        count = int(sum(o.pinned for o in instance.options))
        rank = np.cumsum([o.pinned for o in instance.options]) - 1
        groups = rank[model.option_of[pins]]
        matrix = coo_array((np.ones(pins.size), (groups, pins)), shape=(count, n)).tocsr()
        rows.append(LinearConstraint(matrix, 1.0, 1.0))
    return rows


def _run(
    c: np.ndarray,
    rows: list[LinearConstraint],
    integrality: np.ndarray,
    upper: np.ndarray,
    presolve: bool,
    time_limit: float | None,
) -> tuple[np.ndarray | None, float, float]:
    """Minimise c.x; returns x (None if infeasible), the objective and the proven bound."""
    options: dict[str, object] = {"presolve": presolve, "mip_rel_gap": 0.0}
    if time_limit is not None:
        options["time_limit"] = time_limit
    result = milp(
        c,
        constraints=rows,
        integrality=integrality,
        bounds=Bounds(np.zeros(c.size), upper),
        options=options,
    )
    if result.x is None:
        return None, 0.0, 0.0
    bound = getattr(result, "mip_dual_bound", None)
    objective = float(result.fun)
    return (
        np.round(result.x).astype(np.int64),
        objective,
        float(objective if bound is None else bound),
    )


def solve_exact(
    instance: Instance, *, presolve: bool = True, time_limit: float | None = None
) -> Solution:
    """The reference: one MILP over every (pair, slot), lexicographic when targets fail."""
    started = time.perf_counter()
    model = _model(instance)
    n = model.option_of.size
    method = Method.EXACT if presolve else Method.EXACT_NO_PRESOLVE
    if n == 0:
        return Solution((), 0.0, 0.0, method, time.perf_counter() - started)
    ones = np.ones(n)
    x, objective, bound = _run(
        -model.values, model.rows + _hard_rows(instance, model), ones, ones, presolve, time_limit
    )
    notes: tuple[str, ...] = ()
    if x is None:
        x, objective, bound = _lexicographic(instance, model, presolve, time_limit)
        notes = ("pins or minimum meetings cannot all be met; those met were maximised first",)
    meetings = _meetings(model, x[:n])
    return Solution(meetings, -objective, -bound, method, time.perf_counter() - started, notes)


def _lexicographic(
    instance: Instance, model: _Model, presolve: bool, time_limit: float | None
) -> tuple[np.ndarray, float, float]:
    """Most pins first, then most meetings towards targets, then the best value."""
    n = model.option_of.size
    d = instance.delegations
    pinned = np.array([o.pinned for o in instance.options], dtype=float)[model.option_of]
    delegation = np.array([o.delegation for o in instance.options], dtype=np.int64)[model.option_of]
    # z[d] <= targets[d] and z[d] <= meetings of d: z counts meetings towards the target.
    link = coo_array(
        (
            np.concatenate([-np.ones(n), np.ones(d)]),
            (np.concatenate([delegation, np.arange(d)]), np.arange(n + d)),
        ),
        shape=(d, n + d),
    ).tocsr()
    rows = [_widen(r, d) for r in model.rows] + [LinearConstraint(link, -np.inf, 0.0)]
    upper = np.concatenate([np.ones(n), np.array(instance.targets, dtype=float)])
    integrality = np.concatenate([np.ones(n), np.zeros(d)])
    weight = float(sum(instance.targets) + 1)  # one more pin beats every target meeting
    first = np.concatenate([-weight * pinned, -np.ones(d)])
    x, best, _ = _run(first, rows, integrality, upper, presolve, time_limit)
    assert x is not None  # x = 0 is always feasible without the hard rows
    floor = LinearConstraint(-first.reshape(1, -1), -best - 0.5, np.inf)
    second = np.concatenate([-model.values, np.zeros(d)])
    x, objective, bound = _run(second, [*rows, floor], integrality, upper, presolve, time_limit)
    assert x is not None  # the first stage's answer satisfies it
    return x, objective, bound


def _widen(row: LinearConstraint, extra: int) -> LinearConstraint:
    matrix = coo_array(row.A)
    shape = (matrix.shape[0], matrix.shape[1] + extra)
    widened = coo_array((matrix.data, (matrix.row, matrix.col)), shape=shape).tocsr()
    return LinearConstraint(widened, row.lb, row.ub)


def _meetings(model: _Model, x: np.ndarray) -> tuple[tuple[int, int], ...]:
    chosen = np.flatnonzero(x[: model.option_of.size] > 0)
    return tuple(sorted((int(model.option_of[v]), int(model.slot_of[v])) for v in chosen))


# -- the fast route ----------------------------------------------------------------------


def solve_fast(
    instance: Instance, *, accept_gap: float = 0.0, time_limit: float | None = None
) -> Solution:
    """Pairs first on a relaxation that bounds the optimum, then slots, then a fill-in.

    A plan within `accept_gap` of the bound is kept; otherwise the exact MILP (presolve
    off) decides, and the better of the two plans is returned with the tighter bound.
    """
    started = time.perf_counter()
    if not instance.options:
        return Solution((), 0.0, 0.0, Method.PAIRS_THEN_SLOTS, 0.0)
    chosen, bound = _choose_pairs(instance)
    placed = _place(instance, chosen) if chosen is not None else None
    if placed is not None:
        placed = tuple(sorted(placed + _fill(instance, placed)))
        objective = sum(instance.options[o].value for o, _ in placed)
        fast = Solution(placed, objective, max(bound, objective), Method.PAIRS_THEN_SLOTS, 0.0)
        if fast.gap <= accept_gap:
            return _timed(fast, started)
    exact = solve_exact(instance, presolve=False, time_limit=time_limit)
    if placed is None:
        note = "pairs-then-slots could not meet every pin and target; solved exactly"
        return _timed(exact, started, note)
    best = exact if exact.objective >= fast.objective - TOLERANCE else fast
    tighter = min(exact.bound, fast.bound)
    return _timed(
        Solution(
            best.meetings,
            best.objective,
            max(tighter, best.objective),
            best.method,
            0.0,
            exact.notes,
        ),
        started,
        "pairs-then-slots was not proven optimal; checked by the exact MILP",
    )


def _timed(solution: Solution, started: float, note: str | None = None) -> Solution:
    notes = (*solution.notes, note) if note else solution.notes
    return Solution(
        solution.meetings,
        solution.objective,
        solution.bound,
        solution.method,
        time.perf_counter() - started,
        notes,
    )


def _choose_pairs(instance: Instance) -> tuple[list[int] | None, float]:
    """The best pairs under caps, pins, targets and per-participant slot counts."""
    options = instance.options
    n = len(options)
    rows = []
    for side, count, caps in (
        ("delegation", instance.delegations, instance.delegation_caps),
        ("sme", instance.smes, instance.sme_caps),
    ):
        rows += _hall_rows(options, side, count, caps)
    delegation = np.array([o.delegation for o in options], dtype=np.int64)
    rows.append(
        _sum_rows(delegation, instance.delegations, n, np.inf, list(map(float, instance.targets)))
    )
    lower = np.array([1.0 if o.pinned else 0.0 for o in options])
    values = np.array([o.value for o in options])
    bounds = Bounds(lower, np.ones(n))
    # Without targets the pair problem is a b-matching with a few cuts, whose LP is
    # almost always integral already: then the LP's optimum is the MILP's, at a third
    # of the cost.
    relaxed = milp(-values, constraints=rows, integrality=np.zeros(n), bounds=bounds)
    if relaxed.x is None:
        return None, 0.0
    if np.all(np.minimum(relaxed.x, 1 - relaxed.x) < 1e-7):
        return [int(o) for o in np.flatnonzero(relaxed.x > 0.5)], -float(relaxed.fun)
    result = milp(
        -values,
        constraints=rows,
        integrality=np.ones(n),
        bounds=bounds,
        options={"mip_rel_gap": 0.0},
    )
    if result.x is None:
        return None, 0.0
    bound = getattr(result, "mip_dual_bound", None)
    chosen = [int(o) for o in np.flatnonzero(np.round(result.x) > 0)]
    return chosen, -float(result.fun if bound is None else bound)


def _hall_rows(
    options: Sequence[Option], side: str, count: int, caps: Sequence[int]
) -> list[LinearConstraint]:
    """A participant meets at most cap partners, and at most |W| partners free only in W.

    For every slot set W that one of its pairs has, the pairs whose slots all lie in W
    need distinct slots of W (Hall's condition for one participant): this cuts most
    pair choices that slots could not realise.
    """
    by_participant: dict[int, list[int]] = {}
    for o, option in enumerate(options):
        by_participant.setdefault(getattr(option, side), []).append(o)
    rows_i: list[int] = []
    cols: list[int] = []
    upper: list[float] = []
    for participant in range(count):
        members = by_participant.get(participant, [])
        windows = {frozenset(options[o].slots) for o in members}
        every = frozenset().union(*windows) if windows else frozenset()
        limits = [(every, float(min(caps[participant], len(every))))]
        limits += [(w, float(len(w))) for w in sorted(windows, key=sorted) if w != every]
        for window, limit in limits:
            inside = [o for o in members if window.issuperset(options[o].slots)]
            if len(inside) > limit:
                rows_i += [len(upper)] * len(inside)
                cols += inside
                upper.append(limit)
    if not upper:
        return []
    matrix = coo_array(
        (np.ones(len(cols)), (rows_i, cols)), shape=(len(upper), len(options))
    ).tocsr()
    return [LinearConstraint(matrix, -np.inf, upper)]


def _place(instance: Instance, chosen: list[int]) -> tuple[tuple[int, int], ...] | None:
    """Slots for the most valuable of the chosen pairs, pins and targets kept; None if not.

    The LP relaxation places almost every pair whole; those are kept and only the few
    left fractional go to a small MILP on the cells still free. If that fails, the whole
    placement is solved as one MILP.
    """
    subset = replace(instance, options=tuple(instance.options[o] for o in chosen))
    whole = _place_lp_first(subset) or _place_milp(subset)
    if whole is None:
        return None
    return tuple(sorted((chosen[o], t) for o, t in whole))


def _place_milp(subset: Instance) -> tuple[tuple[int, int], ...] | None:
    model = _model(subset)
    n = model.option_of.size
    if n == 0:
        return _nothing_to_place(subset)
    x = _placement_values(subset, model, integral=True)
    return None if x is None else _meetings(model, np.round(x))


def _place_lp_first(subset: Instance) -> tuple[tuple[int, int], ...] | None:
    model = _model(subset)
    n = model.option_of.size
    if n == 0:
        return _nothing_to_place(subset)
    x = _placement_values(subset, model, integral=False)
    if x is None:
        return None
    whole = x > 1 - 1e-6
    kept = _meetings(model, whole.astype(np.int64))
    placed = {o for o, _ in kept}
    rest = [o for o in range(len(subset.options)) if o not in placed]
    if not rest:
        return kept
    found = _residual(subset, kept, rest)
    if found is None:
        return None
    residual, index = found
    more = _place_milp(residual)
    if more is None:
        return None
    return tuple(sorted(kept + tuple((index[o], t) for o, t in more)))


def _placement_values(subset: Instance, model: _Model, *, integral: bool) -> np.ndarray | None:
    """The placement model solved whole (a MILP) or relaxed (an LP); None if infeasible.

    Both keep every cell, pair and pin rule and each delegation's target: one model, so the
    two routes of `_place` can never drift apart."""
    n = model.option_of.size
    ones = np.ones(n)
    options: dict[str, object] = {"presolve": False}
    if integral:
        options["mip_rel_gap"] = 0.0
    result = milp(
        -model.values,
        constraints=model.rows[:3] + _hard_rows(subset, model),
        integrality=ones if integral else np.zeros(n),
        bounds=Bounds(np.zeros(n), ones),
        options=options,
    )
    x: np.ndarray | None = result.x
    return x


def _nothing_to_place(subset: Instance) -> tuple[tuple[int, int], ...] | None:
    """No free cell is left for any option (HiGHS refuses a model without variables): the
    empty placement, unless a pin or a delegation's target still asks for a meeting."""
    wanted = any(o.pinned for o in subset.options) or any(t > 0 for t in subset.targets)
    return None if wanted else ()


def _residual(
    subset: Instance, kept: tuple[tuple[int, int], ...], rest: list[int]
) -> tuple[Instance, list[int]] | None:
    """The options not yet placed, on the cells and with the targets the placed ones leave."""
    options = subset.options
    busy = {("d", options[o].delegation, t) for o, t in kept}
    busy |= {("s", options[o].sme, t) for o, t in kept}
    done = Counter(options[o].delegation for o, _ in kept)
    index: list[int] = []
    left: list[Option] = []
    for o in rest:
        option = options[o]
        free = tuple(
            t
            for t in option.slots
            if ("d", option.delegation, t) not in busy and ("s", option.sme, t) not in busy
        )
        if free:
            index.append(o)
            left.append(replace(option, slots=free))
    if any(options[o].pinned for o in set(rest) - set(index)):
        return None  # a pin with no free cell left: the caller solves the placement whole
    targets = tuple(max(0, t - done[d]) for d, t in enumerate(subset.targets))
    return replace(subset, options=tuple(left), targets=targets), index


def _fill(instance: Instance, placed: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    """The best meetings that still fit in the cells and caps the placed ones left free."""
    options = instance.options
    busy_d = {(options[o].delegation, t) for o, t in placed}
    busy_s = {(options[o].sme, t) for o, t in placed}
    used_d = Counter(options[o].delegation for o, _ in placed)
    used_s = Counter(options[o].sme for o, _ in placed)
    met = {o for o, _ in placed}
    rest: list[tuple[int, Option]] = []
    for o, option in enumerate(options):
        full = (
            used_d[option.delegation] >= instance.delegation_caps[option.delegation]
            or used_s[option.sme] >= instance.sme_caps[option.sme]
        )
        if o in met or full:
            continue
        free = tuple(
            t
            for t in option.slots
            if (option.delegation, t) not in busy_d and (option.sme, t) not in busy_s
        )
        if free:
            rest.append((o, replace(option, slots=free, pinned=False)))
    if not rest:
        return ()
    left = Instance(
        instance.delegations,
        instance.smes,
        instance.slots,
        tuple(r for _, r in rest),
        tuple(c - used_d[d] for d, c in enumerate(instance.delegation_caps)),
        tuple(c - used_s[s] for s, c in enumerate(instance.sme_caps)),
        (0,) * instance.delegations,
    )
    extra = solve_exact(left, presolve=False)
    return tuple((rest[o][0], t) for o, t in extra.meetings)


def solve(
    instance: Instance, *, accept_gap: float = 0.0, time_limit: float | None = None
) -> Solution:
    """The planner's route: pairs then slots, checked exactly unless within `accept_gap`."""
    return solve_fast(instance, accept_gap=accept_gap, time_limit=time_limit)
