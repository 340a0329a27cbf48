"""Playing a pricing policy over a season: what would it have earned?

A policy is either ``StaticPrices`` (each show's multiplier fixed when its sales open) or
``Engine`` (``reprice`` every step from what a live system would know: the forecast, the
prior elasticity, bookings so far, its own past prices; never the truth or the customers).
The engine sees every show whose sales have opened and those that started in the last
``EVIDENCE_DAYS``, the rows a repricing job would load, so a film's past shows inform its
appeal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pricing_engine.arrays import IntArray
from pricing_engine.basis_points import BP_ONE, price_at_bp
from pricing_engine.dynamic import RepricePolicy, ShowtimeBatch, reprice
from pricing_engine.learning import advance_exposure
from pricing_engine.rails import GuardRails, price_band_bp
from pricing_engine.simulation.markets import ChoiceMarket, MyopicMarket
from pricing_engine.simulation.season import Season, World

EVIDENCE_DAYS = 14


@dataclass(frozen=True)
class RailSettings:
    """One cinema-wide set of guard rails, as fractions of each show's base price."""

    floor_fraction: float = 0.85
    ceiling_fraction: float = 1.25
    max_daily_change_bp: int = 1500
    no_rise_hours: float = 4.0
    only_fall: bool = False

    def limits_minor(self, base: IntArray) -> tuple[IntArray, IntArray]:
        floor = np.floor(base * self.floor_fraction + 0.5).astype(np.int64)
        return floor, np.floor(base * self.ceiling_fraction + 0.5).astype(np.int64)

    def guard_rails(self, base: IntArray) -> GuardRails:
        floor, ceiling = self.limits_minor(base)
        return GuardRails(
            category_base_minor=base[:, None], floor_minor=floor[:, None], ceiling_minor=ceiling[:, None],
            max_daily_change_bp=self.max_daily_change_bp, no_rise_hours=self.no_rise_hours,
            only_fall=self.only_fall,
        )  # fmt: skip

    def band_bp(self, base: IntArray, quantum: int = 10) -> tuple[IntArray, IntArray]:
        """Multipliers the floor and ceiling allow, per show."""
        floor, ceiling = self.limits_minor(base)
        low, high = price_band_bp(base[:, None], floor[:, None], ceiling[:, None])
        return -(-low // quantum) * quantum, high // quantum * quantum


@dataclass(frozen=True)
class StaticPrices:
    """Each show's multiplier (bp), posted when its sales open and never changed."""

    bp: IntArray


@dataclass(frozen=True)
class Engine:
    """The dynamic engine; ``learning=False`` is the engine before film pooling and exposure."""

    policy: RepricePolicy = RepricePolicy()
    rails: RailSettings | None = None
    learning: bool = True


@dataclass(eq=False)
class Outcome:
    """Per show: revenue (int minor units), seats sold, price changes, and the widest
    range of multipliers in force within any 24 hours."""

    revenue_minor: IntArray
    sold: IntArray
    price_changes: IntArray
    max_daily_span_bp: IntArray


def _static_myopic(season: Season, bp: IntArray) -> Outcome:
    """Static prices meet myopic, independent customers: the order of arrival is moot."""
    shows, c = season.shows, season.customers
    price = price_at_bp(shows.base_price_minor, bp)
    willing = np.bincount(c.show[c.wtp_minor >= price[c.show]], minlength=shows.size)
    sold = np.minimum(willing, shows.capacity)
    zeros = np.zeros(shows.size, dtype=np.int64)
    return Outcome(sold * price, sold, zeros, zeros)


def simulate(season: Season, policy: StaticPrices | Engine) -> Outcome:
    """Play ``policy`` over ``season`` (module docstring)."""
    if isinstance(policy, StaticPrices) and season.config.world != World.CHOICE:
        return _static_myopic(season, np.asarray(policy.bp, dtype=np.int64))
    return _Run(season, policy).play()


class _Run:
    """The state of one policy played step by step."""

    def __init__(self, season: Season, policy: StaticPrices | Engine) -> None:
        config, shows = season.config, season.shows
        n = shows.size
        self.season, self.policy = season, policy
        self.market = ChoiceMarket(season) if season.choice is not None else MyopicMarket(season)
        self.open_step = shows.open_step(config)
        self.bp = np.full(n, BP_ONE, dtype=np.int64)
        self.sold = np.zeros(n, dtype=np.int64)
        self.revenue = np.zeros(n, dtype=np.int64)
        self.changes = np.zeros(n, dtype=np.int64)
        self.minutes_since_change = np.full(n, 1e9)
        self.exposure = np.zeros(n)
        self.was_on_sale = np.zeros(n, dtype=bool)
        self.day_steps = max(1, round(24 * 60 / config.step_minutes))
        self.history = np.full((n, self.day_steps), BP_ONE, dtype=np.int64)
        self.max_span = np.zeros(n, dtype=np.int64)
        if isinstance(policy, Engine) and policy.rails is not None:
            self.rails = policy.rails.guard_rails(shows.base_price_minor)
        else:
            self.rails = None

    def play(self) -> Outcome:
        config, shows = self.season.config, self.season.shows
        for step in range(config.n_steps):
            now = config.start_hour + step * config.step_hours
            on_sale = (self.open_step <= step) & (shows.start > now)
            new = self._decide(step, now, on_sale)
            changed = new != self.bp
            self.changes += changed & self.was_on_sale
            self.minutes_since_change[changed] = 0.0
            self.bp = new
            # The 24-hour history holds prices customers could see: it starts when sales open.
            opening = on_sale & ~self.was_on_sale
            self.history[opening] = new[opening, None]
            slot = step % self.day_steps
            self.history[:, slot] = np.where(on_sale, new, self.history[:, slot])
            span = self.history.max(axis=1) - self.history.min(axis=1)
            self.max_span = np.maximum(self.max_span, np.where(on_sale, span, 0))
            seats_left = shows.capacity - self.sold
            price = price_at_bp(shows.base_price_minor, self.bp)
            sales, wanted = self.market.step(step, now, self.bp, price, np.where(on_sale, seats_left, 0),
                                             on_sale)  # fmt: skip
            if isinstance(self.policy, Engine) and self.policy.learning:
                # A show that sells out mid-step is exposed until its last seat went, as the
                # app knows from the time of its last booking (arrivals spread evenly).
                open_share = np.where(wanted > seats_left, seats_left / np.maximum(wanted, 1), 1.0)
                hours = shows.start - now
                self.exposure = advance_exposure(
                    self.exposure, hours, hours - config.step_hours * open_share, self.bp,
                    shows.prior_elasticity, on_sale & (seats_left > 0),
                )  # fmt: skip
            self.sold += sales
            self.revenue += sales * price
            self.was_on_sale |= on_sale
            self.minutes_since_change += config.step_minutes
        return Outcome(self.revenue, self.sold, self.changes, self.max_span)

    def _decide(self, step: int, now: float, on_sale: np.ndarray) -> IntArray:
        if isinstance(self.policy, StaticPrices):
            opening = self.open_step == step
            return np.where(opening, self.policy.bp, self.bp)
        shows = self.season.shows
        rows = np.flatnonzero((self.open_step <= step) & (shows.start > now - 24 * EVIDENCE_DAYS))
        if rows.size == 0:
            return self.bp
        learning = self.policy.learning
        batch = ShowtimeBatch(
            base_price_minor=shows.base_price_minor[rows],
            capacity=shows.capacity[rows],
            sold=self.sold[rows],
            hours_to_show=shows.start[rows] - now,
            baseline_demand=shows.forecast_demand[rows],
            elasticity=shows.prior_elasticity[rows],
            current_bp=self.bp[rows],
            minutes_since_change=self.minutes_since_change[rows],
            frozen=np.zeros(rows.size, dtype=bool),
            film=shows.film[rows] if learning else None,
            exposure=self.exposure[rows] if learning else None,
            rails=None if self.rails is None else _rows_of(self.rails, rows),
            day_low_bp=self.history[rows].min(axis=1),
            day_high_bp=self.history[rows].max(axis=1),
            sales_open=self.was_on_sale[rows],
        )
        new = self.bp.copy()
        new[rows] = reprice(batch, self.policy.policy).multiplier_bp
        return np.where(on_sale, new, self.bp)


def _rows_of(rails: GuardRails, rows: IntArray) -> GuardRails:
    return GuardRails(
        category_base_minor=np.asarray(rails.category_base_minor)[rows],
        floor_minor=np.asarray(rails.floor_minor)[rows],
        ceiling_minor=np.asarray(rails.ceiling_minor)[rows],
        max_daily_change_bp=rails.max_daily_change_bp,
        no_rise_hours=rails.no_rise_hours,
        only_fall=rails.only_fall,
    )
