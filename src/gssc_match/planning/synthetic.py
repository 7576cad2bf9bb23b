"""Random planning instances of a given size, for tests and benchmarks (seeded, repeatable)."""

from __future__ import annotations

import numpy as np

from .solver import Instance, Option


def random_instance(
    delegations: int,
    smes: int,
    slots: int,
    *,
    seed: int = 0,
    density: float = 0.15,
    busy: float = 0.2,
    cap: int | None = None,
    target: int = 3,
    pins: int = 0,
) -> Instance:
    """Delegations and SMEs with random free slots, relevant pairs and scores.

    Each participant is free in one contiguous window of the slots (as working hours in
    another zone make it) minus a few random busy slots; a pair is an option when it is
    relevant (probability `density`) and both are free in some slot.
    """
    rng = np.random.default_rng(seed)
    free_d = [_free(rng, slots, busy) for _ in range(delegations)]
    free_s = [_free(rng, slots, busy) for _ in range(smes)]
    options = []
    for d in range(delegations):
        for s in range(smes):
            if rng.random() >= density:
                continue
            common = tuple(sorted(free_d[d] & free_s[s]))
            if common:
                value = round(float(rng.uniform(0.2, 0.9)), 4)
                options.append(Option(d, s, value, common))
    options = _pin(options, rng, pins)
    caps_d = tuple(cap if cap is not None else slots for _ in range(delegations))
    caps_s = tuple(cap if cap is not None else int(rng.integers(2, 8)) for _ in range(smes))
    counts = [sum(1 for o in options if o.delegation == d) for d in range(delegations)]
    targets = tuple(min(target, counts[d], caps_d[d], len(free_d[d])) for d in range(delegations))
    return Instance(delegations, smes, slots, tuple(options), caps_d, caps_s, targets)


def _free(rng: np.random.Generator, slots: int, busy: float) -> set[int]:
    start = int(rng.integers(0, max(1, slots // 3)))
    end = int(rng.integers(start + max(1, slots // 2), slots + 1))
    return {t for t in range(start, end) if rng.random() >= busy}


def _pin(options: list[Option], rng: np.random.Generator, pins: int) -> list[Option]:
    if not options or pins <= 0:
        return options
    chosen = set(rng.choice(len(options), size=min(pins, len(options)), replace=False).tolist())
    return [
        Option(o.delegation, o.sme, o.value, o.slots, True) if i in chosen else o
        for i, o in enumerate(options)
    ]
