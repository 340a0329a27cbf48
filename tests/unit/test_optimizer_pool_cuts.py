"""Cuts on the sharing pools (``optimizer.pool_cuts``): valid for every choice of shows, and
the bound they give never falls below the optimum of the independent compact MIP."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest

from optimizer.blocks import Block, columns_of
from optimizer.colgen import generate_columns
from optimizer.greedy import greedy_schedule
from optimizer.model import Objective
from optimizer.pool_cuts import separate, valid_beta
from optimizer.space import Space
from tests.unit.test_optimizer_compact import _small
from tests.unit.test_optimizer_compact_model import _optimum


@pytest.mark.parametrize("seed", range(40))
def test_the_cut_holds_for_every_choice_of_shows(seed: int) -> None:
    """Brute force over every set of at most ``most`` shows: the attendance the model
    allows never exceeds ``beta + sum alpha``, whatever ``alpha``."""
    rng = np.random.default_rng(seed)
    peak = float(rng.uniform(20, 400))
    extra = float(rng.choice([0.1, 0.3, 0.6]))
    caps = np.minimum(rng.uniform(0.2, 1.0, int(rng.integers(1, 8))) * peak, peak)
    alpha = caps * rng.uniform(0.0, 1.2, len(caps)) if seed % 2 else np.maximum(
        np.minimum(caps, peak * (1 + extra) / 2), caps - peak / 3)
    n_fixed = int(rng.integers(0, 2))
    fixed_cap = float(rng.uniform(0.3, 1.0) * peak) * n_fixed
    pool = peak * (1 - extra) + peak * extra * n_fixed
    most, y_upper = int(rng.integers(0, 5)), float(rng.uniform(0.5, 4.0) * peak)
    beta = valid_beta(caps, alpha, fixed_cap, pool, peak * extra, most, y_upper)
    for n in range(0, min(most, len(caps)) + 1):
        for chosen in itertools.combinations(range(len(caps)), n):
            picked = list(chosen)
            allowed = min(fixed_cap + caps[picked].sum(), pool + peak * extra * n, y_upper)
            assert allowed <= beta + alpha[picked].sum() + 1e-9


@pytest.mark.parametrize("seed", [109, 110, 115, 119, 121])
def test_pool_cuts_lower_the_bound_but_never_below_the_optimum(seed: int) -> None:
    instance = _small(seed)
    best = _optimum(instance)
    space = Space(instance, Objective.GROSS)
    block = Block(space, range(0, 1), columns_of(greedy_schedule(space).picks), False)
    deadline = time.perf_counter() + 20.0
    relaxation, _, lp = generate_columns(block.master, "highs", deadline, 0.0)
    assert relaxation >= best * (1 - 1e-9)
    bound, cuts = relaxation, 0
    for _ in range(5):
        added = separate(block.master, lp)
        if not added:
            break
        cuts += added
        bound, _, lp = generate_columns(block.master, "highs", deadline, 0.0)
        assert bound >= best * (1 - 1e-9)
    assert cuts > 0 and bound < relaxation * (1 - 1e-4)
    # The block's own steps use them too, and its schedule and bound still bracket the optimum.
    block = Block(space, range(0, 1), columns_of(greedy_schedule(space).picks), False)
    for _ in range(4):
        block.step("highs", time.perf_counter() + 20.0, 5.0, 0.0)
    assert block.objective <= best * (1 + 1e-9) <= block.upper * (1 + 2e-9)
    assert block.upper < block.root_bound
