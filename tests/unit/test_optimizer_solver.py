"""Solver outcomes: statuses, money, weekly blocks, parallel blocks, greedy baseline."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from optimizer import (
    DistributorTerms,
    FixedShow,
    Rules,
    generate_instance,
    greedy,
    runner,
    solve,
    violations,
)


def test_overlapping_fixed_shows_make_the_instance_infeasible() -> None:
    base = generate_instance(2, 1, 3, seed=1)
    movie, screen = base.movies[0], base.screens[0]
    clash = (FixedShow(movie.id, screen.id, 0, 15 * 60), FixedShow(movie.id, screen.id, 0,
                                                                   15 * 60 + 30))
    result = solve(replace(base, fixed=clash), time_limit=3)
    assert result.status == "infeasible"
    assert "overlaps" in result.message and result.shows == ()


def test_an_impossible_minimum_is_proven_infeasible() -> None:
    base = generate_instance(1, 1, 2, seed=3)
    greedy_film = replace(base.movies[0], terms=DistributorTerms(min_per_day=12))
    instance = replace(base, movies=(greedy_film, *base.movies[1:]))
    assert not greedy(instance).feasible
    result = solve(instance, time_limit=3)
    assert result.status == "infeasible", result.message
    assert "the distributor requires 12 shows" in result.message


def test_unusable_rules_and_unknown_solvers_are_invalid() -> None:
    base = generate_instance(2, 1, 3, seed=1)
    odd = replace(base, rules=Rules(audience_bucket_minutes=50, audience_window_minutes=120))
    assert solve(odd, time_limit=5).status == "invalid"
    assert solve(base, solver="gurobi", time_limit=5).status == "invalid"


def test_money_is_integer_and_adds_up() -> None:
    instance = generate_instance(3, 2, 5, seed=7)
    result = solve(instance, time_limit=3)
    assert isinstance(result.revenue_minor, int)
    assert isinstance(result.greedy_revenue_minor, int)
    assert all(isinstance(s.expected_revenue_minor, int) for s in result.shows)
    assert result.revenue_minor == sum(s.expected_revenue_minor for s in result.shows)
    assert result.revenue_minor >= result.greedy_revenue_minor


def test_weekly_limits_are_solved_as_one_block_and_respected() -> None:
    base = generate_instance(3, 7, 4, seed=11, rules=Rules(grid_minutes=15))
    capped = replace(base.movies[1], terms=DistributorTerms(max_per_week=5, max_per_day=2))
    instance = replace(base, movies=(base.movies[0], capped, *base.movies[2:]))
    result = solve(instance, time_limit=3)
    assert result.status in ("optimal", "feasible")
    assert violations(instance, result.shows) == []
    assert Counter(s.movie_id for s in result.shows)[capped.id] <= 5


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_parallel_blocks_give_a_valid_schedule(solver: str) -> None:
    instance = generate_instance(4, 3, 6, seed=2, rules=Rules(grid_minutes=15))
    result = solve(instance, solver=solver, time_limit=3, workers=2)
    assert result.status in ("optimal", "feasible")
    assert violations(instance, result.shows) == []
    assert result.bound is not None and result.bound >= result.objective
    assert result.gap is not None and 0.0 <= result.gap < 0.05
    assert result.revenue_minor > result.greedy_revenue_minor


def test_blocks_can_be_solved_in_forked_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Long runs split the blocks between processes (``optimizer.runner``); a forecast that
    cannot be pickled (a closure) still works, as forked workers inherit it."""
    monkeypatch.setattr(runner, "PROCESS_MIN_SECONDS", 0.0)
    base = generate_instance(3, 3, 5, seed=2, rules=Rules(grid_minutes=15))
    instance = replace(base, forecast=lambda m, d, t: base.forecast(m, d, t))
    result = solve(instance, time_limit=3, workers=2)
    assert result.status in ("optimal", "feasible"), result.message
    assert violations(instance, result.shows) == []
    assert {s.day for s in result.shows} == {0, 1, 2}
    assert result.bound is not None and result.bound >= result.objective
