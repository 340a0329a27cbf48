"""Fair references to measure the dynamic engine against, on the same season.

* ``model_static_bp``: one price per show from the engine's own model, chosen when its
  sales open (forecast, prior elasticity, nothing booked yet) and never changed: what the
  engine's model is worth without any dynamics or learning.
* ``true_static_bp``: the same with the true demand level and elasticity (no hindsight
  on the customers drawn), in the myopic worlds where "true parameters" are defined.
* ``fluid_bound``: the fluid (deterministic) relaxation with the true parameters. For
  one show with capacity ``C`` and expected demand ``D(p) = D0 * exp(eps * (p/base - 1))``
  over its window, no policy that does not see the future, however it learns or moves
  its price within ``[p_low, p_high]``, can expect more than
  ``max over p in [p_low, p_high] of p * min(C, D(p))`` (Gallego & van Ryzin 1994: the
  demand curve is the same at every moment, so the fluid optimum is one constant price,
  ``max(p_capacity, p_unconstrained)`` clipped to the range). It is a bound on expected
  revenue: a realised season can pass it by luck, by about the width of its noise.
  Defined where customers are myopic and shows independent (``OWN``, ``UNKNOWN_APPEAL``).
* ``sweep``: every show at the same grid value, for each value the rails allow; gives
  the best single multiplier in hindsight and the best static price per show in
  hindsight (per show, the best of the sweep; with choice, shows interact, so that
  per-show choice is replayed as one static policy and reported for what it earned).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pricing_engine.arrays import FloatArray, IntArray
from pricing_engine.basis_points import price_at_bp
from pricing_engine.dynamic import RepricePolicy, ShowtimeBatch, reprice
from pricing_engine.simulation.play import RailSettings, StaticPrices, simulate
from pricing_engine.simulation.season import Season, World


def _grid_band(season: Season, rails: RailSettings | None) -> tuple[IntArray, IntArray]:
    grid = season.config.grid_bp
    n = season.shows.size
    low, high = np.full(n, grid[0]), np.full(n, grid[-1])
    if rails is None:
        return low, high
    rail_low, rail_high = rails.band_bp(season.shows.base_price_minor)
    return np.maximum(low, rail_low), np.minimum(high, rail_high)


def model_static_bp(season: Season, policy: RepricePolicy, rails: RailSettings | None) -> IntArray:
    """The engine's own choice as sales open: forecast, prior elasticity, nothing sold."""
    shows, n = season.shows, season.shows.size
    batch = ShowtimeBatch(
        base_price_minor=shows.base_price_minor,
        capacity=shows.capacity,
        sold=np.zeros(n, dtype=np.int64),
        hours_to_show=np.full(n, float(season.config.window_hours)),
        baseline_demand=shows.forecast_demand,
        elasticity=shows.prior_elasticity,
        current_bp=np.full(n, 10_000),
        minutes_since_change=np.full(n, 1e9),
        frozen=np.zeros(n, dtype=bool),
        rails=None if rails is None else rails.guard_rails(shows.base_price_minor),
        sales_open=np.zeros(n, dtype=bool),
    )
    return reprice(batch, policy).multiplier_bp


def true_static_bp(season: Season, rails: RailSettings | None) -> IntArray:
    """Best grid value per show for the true expected demand (myopic worlds)."""
    shows, grid = season.shows, np.asarray(season.config.grid_bp)
    low, high = _grid_band(season, rails)
    bp = np.clip(grid[None, :], low[:, None], high[:, None])
    expected = expected_sales(season, bp)
    revenue = price_at_bp(shows.base_price_minor[:, None], bp) * expected
    return bp[np.arange(shows.size), revenue.argmax(axis=1)]


def expected_sales(season: Season, bp: IntArray) -> FloatArray:
    """Expected tickets at static ``bp`` (N, K) with the true parameters."""
    shows = season.shows
    base = shows.base_price_minor[:, None]
    ratio = price_at_bp(base, bp) / base  # customers compare their valuation with the rounded price
    demand = shows.true_demand[:, None] * np.exp(shows.true_elasticity[:, None] * (ratio - 1.0))
    return np.minimum(shows.capacity[:, None], demand)


def fluid_bound(season: Season, rails: RailSettings | None) -> FloatArray:
    """Per-show fluid upper bound on expected revenue (module docstring); myopic worlds only."""
    if season.config.world == World.CHOICE:
        raise ValueError("the fluid bound is not defined when customers choose among shows")
    shows = season.shows
    low, high = _grid_band(season, rails)
    base = shows.base_price_minor.astype(np.float64)
    p_low, p_high = price_at_bp(shows.base_price_minor, low), price_at_bp(shows.base_price_minor, high)
    k = -shows.true_elasticity
    d0 = shows.true_demand  # every customer arrives within the window (lead times are capped)
    p_unconstrained = base / k
    p_capacity = base * (1.0 + np.log(np.maximum(d0, 1e-12) / shows.capacity) / k)
    p = np.clip(np.maximum(p_unconstrained, p_capacity), p_low, p_high)
    return p * np.minimum(shows.capacity, d0 * np.exp(-k * (p / base - 1.0)))


@dataclass(eq=False)
class Sweep:
    """Per-show revenue (rows: grid values) of every show at one value, one static run each."""

    bp: IntArray
    revenue: IntArray  # (K, N)

    def within(self, season: Season, rails: RailSettings | None) -> Sweep:
        """The rows whose value every show's rails allow."""
        low, high = _grid_band(season, rails)
        keep = np.array([(low <= g).all() and (g <= high).all() for g in self.bp])
        return Sweep(self.bp[keep], self.revenue[keep])

    def revenue_at(self, bp: int) -> int:
        return int(self.revenue[list(self.bp).index(bp)].sum())

    def best_single(self) -> tuple[int, int]:
        """(multiplier, season revenue) of the best one-for-all value in hindsight."""
        totals = self.revenue.sum(axis=1)
        best = int(totals.argmax())
        return int(self.bp[best]), int(totals[best])

    def best_per_show_bp(self) -> IntArray:
        return self.bp[self.revenue.argmax(axis=0)]


def sweep(season: Season) -> Sweep:
    """Every grid value for all shows at once."""
    n = season.shows.size
    values = np.asarray(season.config.grid_bp, dtype=np.int64)
    revenue = [simulate(season, StaticPrices(np.full(n, g, dtype=np.int64))).revenue_minor for g in values]
    return Sweep(values, np.stack(revenue))
