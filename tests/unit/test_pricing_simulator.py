"""Simulated seasons: the worlds are what they say, references bound what they claim."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from pricing_engine import PricingInputError, RepricePolicy
from pricing_engine.basis_points import price_at_bp
from pricing_engine.simulation.compare import compare
from pricing_engine.simulation.customers import make_season
from pricing_engine.simulation.markets import ChoiceMarket
from pricing_engine.simulation.play import Engine, RailSettings, StaticPrices, _Run, simulate
from pricing_engine.simulation.references import expected_sales, fluid_bound, model_static_bp
from pricing_engine.simulation.season import CHOICE_HOURS, ChoiceConfig, SeasonConfig, World

SMALL = SeasonConfig(cinemas=1, screens=4, days=7)


def season_of(world: World, seed: int = 0, **changes):
    return make_season(replace(SMALL, world=world, seed=seed, **changes))


def test_same_seed_same_season_and_different_seed_different_one():
    a, b, c = season_of(World.CHOICE, 3), season_of(World.CHOICE, 3), season_of(World.CHOICE, 4)
    assert np.array_equal(a.customers.show, b.customers.show)
    assert np.array_equal(a.choice.shocks, b.choice.shocks)
    assert not np.array_equal(a.shows.true_demand, c.shows.true_demand)


def test_only_the_own_world_knows_each_films_appeal():
    assert np.all(season_of(World.OWN).film_appeal == 1.0)
    unknown = season_of(World.UNKNOWN_APPEAL, cinemas=2, days=21).film_appeal
    assert np.std(np.log(unknown)) > 0.4  # sigma 0.8: far from the prior
    own, other = season_of(World.OWN), season_of(World.UNKNOWN_APPEAL)
    assert np.array_equal(own.shows.forecast_demand, other.shows.forecast_demand)  # same forecast


def test_choice_sets_hold_the_show_itself_first_then_its_neighbours():
    season = season_of(World.CHOICE)
    shows, options = season.shows, season.choice.options
    assert np.array_equal(options[:, 0], np.arange(shows.size))
    assert np.all(season.choice.penalty[:, 0] == 0.0)
    for s in range(shows.size):
        o = options[s][options[s] >= 0]
        assert np.all(shows.cinema[o] == shows.cinema[s]) and np.all(shows.day[o] == shows.day[s])
        assert np.all(np.abs(shows.hour[o] - shows.hour[s]) <= CHOICE_HOURS)


@pytest.mark.parametrize("world", [World.OWN, World.UNKNOWN_APPEAL])
def test_static_prices_earn_the_same_played_step_by_step_or_at_once(world):
    season = season_of(world)
    bp = np.random.default_rng(1).choice(season.config.grid_bp, season.shows.size)
    at_once = simulate(season, StaticPrices(bp))
    stepped = _Run(season, StaticPrices(bp)).play()
    assert np.array_equal(at_once.revenue_minor, stepped.revenue_minor)
    assert np.all(at_once.sold <= season.shows.capacity)


@pytest.mark.parametrize("rails", [None, RailSettings()])
def test_the_fluid_bound_is_above_every_static_price_in_expectation(rails):
    season = season_of(World.UNKNOWN_APPEAL)
    grid = np.asarray(season.config.grid_bp)
    low, high = (8500, 12500) if rails else (grid[0], grid[-1])
    allowed = grid[(grid >= low) & (grid <= high)]
    bp = np.broadcast_to(allowed, (season.shows.size, allowed.size))
    expected = price_at_bp(season.shows.base_price_minor[:, None], bp) * expected_sales(season, bp)
    assert np.all(fluid_bound(season, rails) >= expected.max(axis=1) - 1e-6)
    with pytest.raises(ValueError):
        fluid_bound(season_of(World.CHOICE), rails)


def test_model_static_prices_open_at_the_engines_best_value_within_floor_and_ceiling():
    season = season_of(World.OWN)
    free = model_static_bp(season, RepricePolicy(), None)
    railed = model_static_bp(season, RepricePolicy(), RailSettings())
    assert set(free.tolist()) <= set(season.config.grid_bp)
    assert np.array_equal(railed, np.clip(free, 8500, 12500))


def test_the_engine_keeps_its_rails_in_every_world():
    rails = RailSettings(max_daily_change_bp=1000)
    for world in World:
        outcome = simulate(season_of(world), Engine(RepricePolicy(), rails))
        assert outcome.max_daily_span_bp.max() <= 1000
        assert outcome.price_changes.max() <= 7 * 24 // 3  # the 3-hour rate limit


@pytest.mark.parametrize("world", list(World))
def test_the_engine_earns_at_least_static_prices_from_its_own_model(world):
    result = compare(season_of(world, seed=5, cinemas=2), None)
    revenue = result.revenue
    assert revenue["dynamic"] >= revenue["static_model"]
    assert revenue["hindsight_static"] >= revenue["best_single"] >= revenue["uniform"]
    if world != World.CHOICE:
        assert revenue["static_true"] <= revenue["fluid_bound"] * 1.02  # a bound on expectation


def test_a_film_priced_up_sends_customers_to_the_other_films():
    season = season_of(World.CHOICE, cinemas=2)
    film = np.bincount(season.shows.film).argmax()
    mine = season.shows.film == film
    uniform = simulate(season, StaticPrices(np.full(season.shows.size, 10000)))
    dearer = simulate(season, StaticPrices(np.where(mine, 13000, 10000)))
    assert dearer.sold[~mine].sum() > uniform.sold[~mine].sum()
    assert dearer.sold[mine].sum() < uniform.sold[mine].sum()


@pytest.mark.parametrize(("multiplier", "waits"), [(13000, True), (9000, False)])
def test_strategic_customers_wait_when_a_price_looks_high(multiplier, waits):
    season = season_of(World.CHOICE, choice=ChoiceConfig(strategic_share=1.0))
    market = ChoiceMarket(season)
    n, config = season.shows.size, season.config
    bp = np.full(n, multiplier)
    price = price_at_bp(season.shows.base_price_minor, bp)
    open_step = season.shows.open_step(config)
    for step in range(config.n_steps // 2):
        now = config.start_hour + step * config.step_hours
        on_sale = (open_step <= step) & (season.shows.start > now)
        market.step(step, now, bp, price, season.shows.capacity, on_sale)
    assert bool(market.returning) == waits and market.waited.any() == waits
    # Posted prices pull each show's reference price towards them.
    seen = open_step < config.n_steps // 4
    assert np.all((market.reference[seen] > 1.0) == (multiplier > 10000))


def test_bad_season_configs_are_rejected():
    with pytest.raises(PricingInputError):
        SeasonConfig(grid_bp=(9000, 11000))
    with pytest.raises(PricingInputError):
        SeasonConfig(days=0)
