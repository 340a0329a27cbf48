"""Seeded booking simulator: how much would a pricing policy have earned over a season?

World model (the "truth"; the engine only sees noisy forecasts of it):

* Each showtime has a weekday/hour slot, a capacity, a base price, a true demand level
  ``D0`` at base price (segment mean x lognormal spread) and a true elasticity (the
  segment prior from ``default_elasticity`` x lognormal noise).
* The engine is given a FORECAST of ``D0`` (true x lognormal error) and the PRIOR
  elasticity; it never sees the truth or the customers.
* Customers arrive over the booking window with lead times ~ Exponential(tau), tau
  itself noisy per showtime around the default booking curve's 30 h. Each wants one seat
  and has a willingness to pay W x base with W ~ Exponential(mean 1 / -eps_true), which
  reproduces the demand curve D(m) = D0 * exp(eps * (m - 1)) of ``pricing_engine.demand``.
  Customers who could not afford even the lowest grid price are never generated (no
  policy on the grid could sell to them). A customer buys on arrival iff
  W x base >= current price and a seat is left; otherwise they are lost.
* Showtimes are independent, so each runs on its own clock (hours to show); the policy
  reprices every ``step_minutes`` using only the bookings observed so far.

Perfect-information bound: each generated customer pays the HIGHEST grid price not above
their valuation, and the ``capacity`` highest payers of each showtime get the seats. Any
policy on that grid, dynamic or uniform, however clairvoyant, sells each seat to a
distinct customer at a grid price <= their valuation, so it can never earn more; the bound
holds per showtime. (The best single price in hindsight would NOT be a valid bound: a
dynamic policy can beat it.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from pricing_engine.demand import (
    DEFAULT_BOOKING_TAU_HOURS,
    OFF_PEAK_ELASTICITY,
    PEAK_ELASTICITY,
    default_elasticity,
)
from pricing_engine.dynamic import (
    BP_ONE,
    RepricePolicy,
    ShowtimeBatch,
    price_at_bp,
    reprice,
)
from pricing_engine.errors import PricingInputError

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

BASE_PRICES_MINOR = (850, 990, 1150, 1290, 1450)
CAPACITIES = (60, 90, 120, 180, 250, 400)
HOURS = (11, 14, 17, 20, 22)
HOUR_WEIGHTS = (0.1, 0.2, 0.25, 0.3, 0.15)
# Mean demand at base price as a share of capacity: peak, shoulder, off-peak slots.
PEAK_LOAD, SHOULDER_LOAD, OFF_PEAK_LOAD = 0.85, 0.5, 0.3


@dataclass(frozen=True)
class SeasonConfig:
    """Size, seed and noise levels of a simulated season."""

    n_showtimes: int = 2000
    seed: int = 0
    horizon_hours: int = 168
    step_minutes: int = 60
    grid_bp: tuple[int, ...] = RepricePolicy().grid_bp
    demand_sigma: float = 0.5  # true demand spread around the segment mean
    forecast_sigma: float = 0.35  # engine's forecast error on D0
    elasticity_sigma: float = 0.2  # true elasticity vs segment prior
    booking_tau_sigma: float = 0.25  # true lead-time curve vs default

    def __post_init__(self) -> None:
        if BP_ONE not in self.grid_bp:
            raise PricingInputError("the season grid must contain 10000 (uniform pricing)")
        if self.n_showtimes < 1 or self.horizon_hours < 1 or self.step_minutes < 1:
            raise PricingInputError("n_showtimes, horizon_hours, step_minutes must be >= 1")

    @property
    def n_steps(self) -> int:
        return -(-self.horizon_hours * 60 // self.step_minutes)


@dataclass(eq=False)
class Season:
    """A generated season: showtimes as the engine sees them plus the hidden customers.

    Customers are sorted by the repricing step in which they arrive; those of step ``s``
    are ``[step_offsets[s], step_offsets[s + 1])``.
    """

    config: SeasonConfig
    base_price_minor: IntArray
    capacity: IntArray
    weekday: IntArray
    hour: IntArray
    forecast_demand: FloatArray
    prior_elasticity: FloatArray
    customer_showtime: IntArray
    customer_wtp_minor: FloatArray
    step_offsets: IntArray


@dataclass(eq=False)
class SimulationOutcome:
    """Per-showtime revenue (int minor units), seats sold and number of price changes."""

    revenue_minor: IntArray
    sold: IntArray
    price_changes: IntArray


def _lognormal(rng: np.random.Generator, sigma: float, n: int) -> FloatArray:
    """Mean-one lognormal noise, so noise does not bias the level it perturbs."""
    return rng.lognormal(-0.5 * sigma**2, sigma, n)


def make_season(config: SeasonConfig) -> Season:
    """Draw a season deterministically from ``config.seed``."""
    rng = np.random.default_rng(config.seed)
    n = config.n_showtimes
    base = rng.choice(np.array(BASE_PRICES_MINOR, dtype=np.int64), n)
    capacity = rng.choice(np.array(CAPACITIES, dtype=np.int64), n)
    weekday = rng.integers(0, 7, n)
    hour = rng.choice(np.array(HOURS), n, p=HOUR_WEIGHTS)
    prior_eps = default_elasticity(weekday, hour)
    load = np.select(
        [prior_eps == PEAK_ELASTICITY, prior_eps == OFF_PEAK_ELASTICITY],
        [PEAK_LOAD, OFF_PEAK_LOAD],
        SHOULDER_LOAD,
    )
    true_demand = capacity * load * _lognormal(rng, config.demand_sigma, n)
    forecast = true_demand * _lognormal(rng, config.forecast_sigma, n)
    true_k = -prior_eps * _lognormal(rng, config.elasticity_sigma, n)
    tau = DEFAULT_BOOKING_TAU_HOURS * _lognormal(rng, config.booking_tau_sigma, n)

    # Only customers who can afford the cheapest grid price matter. With exponential
    # valuations the survivors are W = w_min + Exponential(1 / k) (memorylessness), and
    # their count is Poisson(D0 * exp(k * (1 - w_min))).
    w_min = price_at_bp(base, config.grid_bp[0]) / base
    counts = rng.poisson(true_demand * np.exp(true_k * (1.0 - w_min)))
    show = np.repeat(np.arange(n), counts)
    wtp = (w_min[show] + rng.exponential(1.0 / true_k[show])) * base[show]
    hours_before = np.minimum(rng.exponential(tau[show]), config.horizon_hours)
    elapsed_minutes = (config.horizon_hours - hours_before) * 60.0
    step = np.minimum(elapsed_minutes // config.step_minutes, config.n_steps - 1).astype(int)
    order = np.argsort(step, kind="stable")
    offsets = np.concatenate(([0], np.cumsum(np.bincount(step, minlength=config.n_steps))))
    return Season(
        config=config,
        base_price_minor=base,
        capacity=capacity,
        weekday=weekday,
        hour=hour,
        forecast_demand=forecast,
        prior_elasticity=prior_eps,
        customer_showtime=show[order],
        customer_wtp_minor=wtp[order],
        step_offsets=offsets.astype(np.int64),
    )


def simulate(season: Season, policy: RepricePolicy | None = None) -> SimulationOutcome:
    """Play the season under ``policy`` (None = uniform x1.00 everywhere).

    At the start of every step the policy sees only what a live system would: forecast,
    prior elasticity, hours to show, seats sold so far, its own current multipliers.
    """
    config = season.config
    if policy is not None and not set(policy.grid_bp) <= set(config.grid_bp):
        raise PricingInputError("policy grid must be a subset of the season grid")
    n = season.base_price_minor.size
    base, capacity = season.base_price_minor, season.capacity
    current = np.full(n, BP_ONE, dtype=np.int64)
    price = price_at_bp(base, current)
    minutes_since_change = np.full(n, 1e9)
    sold = np.zeros(n, dtype=np.int64)
    revenue = np.zeros(n, dtype=np.int64)
    changes = np.zeros(n, dtype=np.int64)
    not_frozen = np.zeros(n, dtype=bool)
    for step in range(config.n_steps):
        if policy is not None:
            hours_to_show = config.horizon_hours - step * config.step_minutes / 60.0
            batch = ShowtimeBatch(
                base_price_minor=base,
                capacity=capacity,
                sold=sold,
                hours_to_show=np.full(n, hours_to_show),
                baseline_demand=season.forecast_demand,
                elasticity=season.prior_elasticity,
                current_bp=current,
                minutes_since_change=minutes_since_change,
                frozen=not_frozen,
            )
            chosen = reprice(batch, policy).multiplier_bp
            changed = chosen != current
            changes += changed
            minutes_since_change[changed] = 0.0
            current = chosen
            price = price_at_bp(base, current)
        lo, hi = season.step_offsets[step], season.step_offsets[step + 1]
        arriving = season.customer_showtime[lo:hi]
        buyers = arriving[season.customer_wtp_minor[lo:hi] >= price[arriving]]
        sales = np.minimum(np.bincount(buyers, minlength=n), capacity - sold)
        sold += sales
        revenue += sales * price
        minutes_since_change += config.step_minutes
    return SimulationOutcome(revenue_minor=revenue, sold=sold, price_changes=changes)


def perfect_information_bound(season: Season) -> IntArray:
    """Per-showtime revenue upper bound for any policy on the season grid (module doc)."""
    show, wtp = season.customer_showtime, season.customer_wtp_minor
    pay = np.zeros(show.size, dtype=np.int64)
    for bp in season.config.grid_bp:  # ascending grid -> ascending prices
        grid_price = price_at_bp(season.base_price_minor, bp)[show]
        pay = np.where(grid_price <= wtp, grid_price, pay)
    order = np.lexsort((-pay, show))
    show_sorted, pay_sorted = show[order], pay[order]
    rank = np.arange(show.size) - np.searchsorted(show_sorted, show_sorted, side="left")
    seated = rank < season.capacity[show_sorted]
    bound = np.zeros(season.base_price_minor.size, dtype=np.int64)
    np.add.at(bound, show_sorted[seated], pay_sorted[seated])
    return bound
