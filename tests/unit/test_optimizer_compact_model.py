"""The optimiser's own compact model (``optimizer.compact``): the same model as the master,
so HiGHS's dual bound on it bounds every schedule, and what the result says of the gap."""

from __future__ import annotations

import time

import highspy
import pytest

from optimizer import ScheduleResult, generate_instance, violations
from optimizer.blocks import Block, columns_of
from optimizer.compact import CompactModel, applicable, branch_and_cut, useful_shows
from optimizer.greedy import greedy_schedule
from optimizer.model import Objective
from optimizer.space import Space
from tests.unit.test_optimizer_compact import _small, compact_optimum


def _optimum(instance) -> float:
    """The independent MIP's optimum. PuLP starts HiGHS's thread scheduler with every core;
    the optimiser's one-thread models refuse to run on it, so it is reset afterwards."""
    best = compact_optimum(instance)
    highspy.Highs.resetGlobalScheduler(True)
    return best


def _block(instance) -> Block:
    """The one-day block after column generation, the MIP, a dive and a proof attempt."""
    space = Space(instance, Objective.GROSS)
    block = Block(space, range(0, 1), columns_of(greedy_schedule(space).picks), False)
    for _ in range(4):
        block.step("highs", time.perf_counter() + 20.0, 5.0, 0.0)
    return block


@pytest.mark.parametrize("seed", [2, 3])
def test_the_compact_model_solves_to_the_independent_optimum(seed: int) -> None:
    """Its optimum is the independently written MIP's, its best schedule is valid, and its
    dual bound is never below the optimum."""
    instance = _small(seed)
    best = _optimum(instance)
    block = _block(instance)
    assert applicable(block.master)
    result = CompactModel(block.master).solve(block.schedule, 20.0)
    assert result.bound == pytest.approx(best, rel=1e-6)
    assert result.bound >= best * (1 - 1e-9)
    assert block.evaluate(result.schedule) == pytest.approx(best, rel=1e-6)
    shows = block.shows(result.schedule)
    assert violations(instance, shows) == []


def test_reduced_cost_fixing_keeps_every_show_of_a_better_schedule() -> None:
    instance = _small(3)
    best = _optimum(instance)
    block = _block(instance)
    optimum = CompactModel(block.master).solve(None, 20.0).schedule
    keep = useful_shows(block.master, block.duals, best * 0.999)
    for k, column in optimum.items():
        for m, p in column:
            assert keep[k, m, p]
    assert keep.sum() < block.space.allowed.sum()  # and it does leave some out
    restricted = CompactModel(block.master, keep).solve(block.schedule, 20.0)
    assert max(restricted.bound, block.objective) >= best * (1 - 1e-9)


def test_branch_and_cut_is_not_tried_where_its_root_would_not_finish() -> None:
    block = _block(_small(3))
    args = (block.master, block.duals, block.schedule, block.objective,
            time.perf_counter() + 5.0)
    assert branch_and_cut(*args, seconds=0.0) is None
    result = branch_and_cut(*args, seconds=5.0)
    assert result is not None and result.bound >= block.objective * (1 - 1e-9)


def test_the_compact_model_proves_a_day_the_relaxation_cannot() -> None:
    """A 3-screen day whose LP relaxation is 0.7 % above its optimum: HiGHS's cuts and
    branching close that slack, and the block's bound comes down to its schedule."""
    block = _block(generate_instance(3, 1, 6, seed=6))
    root = block.root_bound
    assert root > block.objective * 1.005
    assert block.compact("highs", time.perf_counter() + 60.0, 60.0)
    assert block.proven and block.upper < root


def test_lp_gap_splits_into_proven_slack_and_the_open_gap() -> None:
    result = ScheduleResult(shows=(), revenue_minor=9_700, visitors=0.0, status="feasible",
                            objective=9_700.0, bound=9_800.0, gap=100 / 9_800, seconds=1.0,
                            greedy_revenue_minor=9_000, lp_bound=10_000.0)
    assert result.lp_gap == pytest.approx(0.03)
    assert result.slack_disproved == pytest.approx(0.02)
    no_bound = ScheduleResult(shows=(), revenue_minor=0, visitors=0.0, status="error",
                              objective=0.0, bound=None, gap=None, seconds=0.0,
                              greedy_revenue_minor=0)
    assert no_bound.lp_gap is None and no_bound.slack_disproved is None
