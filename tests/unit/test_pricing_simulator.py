"""Seeded simulation: dynamic beats uniform, and nothing beats the perfect-information bound."""

from __future__ import annotations

import numpy as np
import pytest

from pricing_engine import PricingInputError, RepricePolicy
from pricing_engine.simulator import (
    SeasonConfig,
    make_season,
    perfect_information_bound,
    simulate,
)

SEEDS = (0, 1, 2, 3, 4)


@pytest.mark.parametrize("seed", SEEDS)
def test_dynamic_beats_uniform_and_stays_below_the_bound(seed):
    season = make_season(SeasonConfig(n_showtimes=400, seed=seed))
    uniform = simulate(season).revenue_minor
    dynamic = simulate(season, RepricePolicy()).revenue_minor
    bound = perfect_information_bound(season)
    # Same customers under every policy (common random numbers), 400 showtimes: the
    # uplift is ~6-7 % on these seeds, so 2 % leaves a wide margin against noise.
    assert dynamic.sum() > 1.02 * uniform.sum()
    # The bound holds per showtime, not just in total.
    assert np.all(dynamic <= bound)
    assert np.all(uniform <= bound)


def test_fifteen_minute_repricing_also_beats_uniform():
    season = make_season(SeasonConfig(n_showtimes=300, seed=11, step_minutes=15))
    dynamic = simulate(season, RepricePolicy())
    assert dynamic.revenue_minor.sum() > 1.02 * simulate(season).revenue_minor.sum()
    assert np.all(dynamic.revenue_minor <= perfect_information_bound(season))
    assert np.all(dynamic.sold <= season.capacity)


def test_even_an_unconstrained_policy_cannot_beat_the_bound():
    season = make_season(SeasonConfig(n_showtimes=300, seed=5))
    jumpy = RepricePolicy(max_step_bp=5000, min_minutes_between_changes=0, min_gain_fraction=0)
    for policy in (jumpy, RepricePolicy(grid_bp=(13000,)), RepricePolicy(grid_bp=(8000,))):
        assert np.all(simulate(season, policy).revenue_minor <= perfect_information_bound(season))


def test_step_limit_and_rate_limit_bound_the_number_of_changes():
    config = SeasonConfig(n_showtimes=200, seed=7, step_minutes=15)
    season = make_season(config)
    outcome = simulate(season, RepricePolicy(min_minutes_between_changes=120))
    # at most one change per 120 minutes of a 168 h horizon
    assert outcome.price_changes.max() <= config.horizon_hours * 60 // 120


def test_same_seed_same_result_different_seed_different_result():
    a = make_season(SeasonConfig(n_showtimes=100, seed=3))
    b = make_season(SeasonConfig(n_showtimes=100, seed=3))
    c = make_season(SeasonConfig(n_showtimes=100, seed=4))
    assert np.array_equal(a.customer_wtp_minor, b.customer_wtp_minor)
    run_a = simulate(a, RepricePolicy()).revenue_minor
    assert np.array_equal(run_a, simulate(b, RepricePolicy()).revenue_minor)
    assert not np.array_equal(a.forecast_demand, c.forecast_demand)


def test_policy_grid_must_lie_on_the_season_grid():
    season = make_season(SeasonConfig(n_showtimes=10))
    with pytest.raises(PricingInputError):
        simulate(season, RepricePolicy(grid_bp=(10000, 14000)))
    with pytest.raises(PricingInputError):
        SeasonConfig(grid_bp=(9000, 11000))
