"""Vectorised dynamic-pricing multiplier selection for many showtimes at once.

Multipliers here are int basis points (10000 = x1.00) because they travel in numpy arrays
and DB columns; ``multiplier_from_bp`` turns the chosen value into the ``Decimal`` that
``ShowtimeContext.dynamic_multiplier`` takes.

For every showtime the engine evaluates each value ``g`` of the allowed grid:

    revenue(g) = price(g) * min(remaining seats, expected remaining demand at g)

with ``price(g) = round_half_up(base * g / 10000)``, the integer price actually charged,
and demand from ``pricing_engine.demand`` (a deterministic, fluid approximation: demand
uncertainty is not priced in). Decision, in this order, as (N, G) array operations with no
per-showtime Python loop:

1. Frozen, already started (``hours_to_show <= 0``) or sold-out showtimes keep their value.
2. Rate limit: changed less than ``min_minutes_between_changes`` ago -> keep.
3. Step limit: only grid values within ``max_step_bp`` of the current value are candidates.
   If none is (the cinema changed its grid), the nearest allowed value is taken instead.
4. The candidate with the highest expected revenue wins; near-ties go to the value
   closest to the current one (stable prices).
5. Hysteresis: if the current value is itself allowed and the winner earns less than
   ``(1 + min_gain_fraction)`` times the current value's expected revenue, keep it, so
   noise in the pace estimate does not make prices flicker.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import IntFlag

import numpy as np
import numpy.typing as npt

from pricing_engine.demand import (
    DEFAULT_PRIOR_STRENGTH,
    default_booking_fraction,
    expected_remaining_demand,
)
from pricing_engine.errors import PricingInputError
from pricing_engine.models import require_multiplier

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

BP_ONE = 10_000
MAX_BP = 10 * BP_ONE  # same x10 ceiling as quote multipliers


def multiplier_from_bp(bp: int) -> Decimal:
    """Basis points -> the Decimal multiplier used by quotes (11000 -> Decimal('1.1000'))."""
    return require_multiplier(Decimal(int(bp)).scaleb(-4), "basis points")


def bp_from_multiplier(multiplier: Decimal) -> int:
    """Decimal multiplier (<= 4 decimal places) -> basis points (Decimal('1.1') -> 11000)."""
    return int(require_multiplier(multiplier, "multiplier").scaleb(4))


def price_at_bp(base_minor: npt.ArrayLike, bp: npt.ArrayLike) -> IntArray:
    """Integer price charged at a multiplier: round_half_up(base * bp / 10000), vectorised."""
    return (np.asarray(base_minor, dtype=np.int64) * bp + BP_ONE // 2) // BP_ONE


class Reason(IntFlag):
    """Why a showtime got the multiplier it got (bit flags, several may be set)."""

    CHANGED = 1
    FROZEN = 2
    CLOSED = 4  # show already started
    SOLD_OUT = 8
    RATE_LIMITED = 16
    STEP_CAPPED = 32  # a better allowed value exists beyond max_step_bp
    SMALL_GAIN = 64  # held: best move gains less than min_gain_fraction
    OFF_GRID = 128  # current value out of reach of the grid; snapped to nearest allowed


@dataclass(frozen=True)
class RepricePolicy:
    """Per-run settings: the grid (basis points, ascending) and how prices may move.

    Defaults: grid x0.80..x1.30 in 0.05 steps, at most +-0.10 per change, at most one
    change per 3 hours, and only for >= 1 % more expected revenue. In the simulator a
    3-hour rate limit earns the same as a 1-hour one but halves the worst-case number of
    changes a customer can see (pace noise otherwise walks prices up and down).
    """

    grid_bp: tuple[int, ...] = tuple(range(8000, 13001, 500))
    max_step_bp: int = 1000
    min_minutes_between_changes: float = 180.0
    min_gain_fraction: float = 0.01
    prior_strength: float = DEFAULT_PRIOR_STRENGTH

    def __post_init__(self) -> None:
        grid = self.grid_bp
        if not grid or any(isinstance(g, bool) or not isinstance(g, int) for g in grid):
            raise PricingInputError(f"grid_bp must be a non-empty tuple of ints: {grid}")
        if any(b <= a for a, b in zip(grid, grid[1:], strict=False)):
            raise PricingInputError(f"grid_bp must be strictly increasing: {grid}")
        if grid[0] <= 0 or grid[-1] > MAX_BP:
            raise PricingInputError(f"grid_bp values must be in (0, {MAX_BP}]: {grid}")
        if self.max_step_bp <= 0 or self.min_minutes_between_changes < 0:
            raise PricingInputError("max_step_bp must be > 0 and min minutes >= 0")
        if self.min_gain_fraction < 0 or self.prior_strength <= 0:
            raise PricingInputError("min_gain_fraction must be >= 0, prior_strength > 0")


def _ints(value: npt.ArrayLike, name: str, n: int) -> IntArray:
    arr = np.asarray(value)
    if arr.shape != (n,):
        raise PricingInputError(f"{name}: expected shape ({n},), got {arr.shape}")
    if not np.issubdtype(arr.dtype, np.integer):
        raise PricingInputError(f"{name}: must be an integer array, got dtype {arr.dtype}")
    return arr.astype(np.int64)


def _floats(value: npt.ArrayLike, name: str, n: int) -> FloatArray:
    arr = np.asarray(value, dtype=np.float64)
    if arr.shape != (n,):
        raise PricingInputError(f"{name}: expected shape ({n},), got {arr.shape}")
    if not np.isfinite(arr).all():
        raise PricingInputError(f"{name}: contains NaN or infinity")
    return arr


def _check(ok: npt.ArrayLike, message: str) -> None:
    if not np.all(ok):
        raise PricingInputError(message)


@dataclass(eq=False)
class ShowtimeBatch:
    """Column arrays, one entry per showtime; validated and normalised on construction.

    Any array-like is accepted and converted. Money and counts must be integer arrays
    (base price in minor units, capacity, sold, current multiplier in basis points), so a
    float price is rejected rather than truncated. ``minutes_since_change``: pass a large
    value for a price that never changed. ``booked_fraction`` (expected share of bookings
    made by now) defaults to ``default_booking_fraction(hours_to_show)``. ``allowed`` is an
    optional (N, G) bool mask over the policy grid, for per-cinema grids.
    """

    base_price_minor: IntArray
    capacity: IntArray
    sold: IntArray
    hours_to_show: FloatArray
    baseline_demand: FloatArray
    elasticity: FloatArray
    current_bp: IntArray
    minutes_since_change: FloatArray
    frozen: BoolArray
    booked_fraction: FloatArray | None = None
    allowed: BoolArray | None = None

    def __post_init__(self) -> None:
        shape = np.shape(self.base_price_minor)
        if len(shape) != 1:
            raise PricingInputError(f"base_price_minor: expected a 1-D array, got shape {shape}")
        n = shape[0]
        self.base_price_minor = _ints(self.base_price_minor, "base_price_minor", n)
        self.capacity = _ints(self.capacity, "capacity", n)
        self.sold = _ints(self.sold, "sold", n)
        self.current_bp = _ints(self.current_bp, "current_bp", n)
        self.hours_to_show = _floats(self.hours_to_show, "hours_to_show", n)
        self.baseline_demand = _floats(self.baseline_demand, "baseline_demand", n)
        self.elasticity = _floats(self.elasticity, "elasticity", n)
        self.minutes_since_change = _floats(self.minutes_since_change, "minutes_since_change", n)
        self.frozen = np.asarray(self.frozen)
        _check(self.frozen.dtype == np.bool_, "frozen must be a bool array")
        _check(self.frozen.shape == (n,), f"frozen: expected shape ({n},)")
        _check(self.base_price_minor >= 0, "base_price_minor must be >= 0")
        _check((self.sold >= 0) & (self.sold <= self.capacity), "need 0 <= sold <= capacity")
        _check((self.current_bp > 0) & (self.current_bp <= MAX_BP),
               f"current_bp must be in (0, {MAX_BP}]")  # fmt: skip
        _check(self.baseline_demand >= 0, "baseline_demand must be >= 0")
        _check(self.elasticity < 0, "elasticity must be < 0 (demand falls as price rises)")
        _check(self.minutes_since_change >= 0, "minutes_since_change must be >= 0")
        if self.booked_fraction is None:
            fraction = default_booking_fraction(self.hours_to_show)
        else:
            fraction = _floats(self.booked_fraction, "booked_fraction", n)
            _check((fraction >= 0) & (fraction <= 1), "booked_fraction must be in [0, 1]")
        # Once the show has started nothing more is expected to be booked.
        self.booked_fraction = np.where(self.hours_to_show <= 0, 1.0, fraction)
        if self.allowed is not None:
            self.allowed = np.asarray(self.allowed)
            _check(self.allowed.dtype == np.bool_, "allowed must be a bool mask")
            shape_ok = self.allowed.ndim == 2 and self.allowed.shape[0] == n
            _check(shape_ok, f"allowed: expected shape ({n}, G)")
            _check(self.allowed.any(axis=1), "allowed: every showtime needs an allowed value")


@dataclass(eq=False)
class RepriceResult:
    """New multipliers (bp), expected revenue of the remaining seats (int minor units),
    expected remaining sales, and ``Reason`` bit flags, each of shape (N,)."""

    multiplier_bp: IntArray
    expected_revenue_minor: IntArray
    expected_sales: FloatArray
    reasons: npt.NDArray[np.uint16]

    @property
    def changed(self) -> BoolArray:
        return (self.reasons & Reason.CHANGED) != 0

    def reasons_for(self, index: int) -> Reason:
        """The flags of one showtime as a ``Reason`` (readable in logs and the API)."""
        return Reason(int(self.reasons[index]))


def _argbest(revenue: FloatArray, mask: BoolArray, distance: IntArray) -> IntArray:
    """Per row: index of the max revenue within ``mask``; near-ties -> smallest distance."""
    masked = np.where(mask, revenue, -np.inf)
    top = masked.max(axis=1, keepdims=True)
    near_top = mask & (masked >= top - 1e-9 * np.maximum(1.0, np.abs(top)))
    return np.where(near_top, distance, np.iinfo(np.int64).max).argmin(axis=1)


def reprice(batch: ShowtimeBatch, policy: RepricePolicy) -> RepriceResult:
    """Choose the next multiplier of every showtime in ``batch`` (see module docstring)."""
    grid = np.asarray(policy.grid_bp, dtype=np.int64)
    n, g = len(batch.base_price_minor), grid.size
    if batch.allowed is None:
        allowed = np.ones((n, g), dtype=bool)
    else:
        allowed = batch.allowed
        _check(allowed.shape[1] == g, f"allowed: expected {g} columns (grid size)")
    base, cur = batch.base_price_minor, batch.current_bp
    remaining = batch.capacity - batch.sold
    cur_mult = cur / BP_ONE
    fraction = np.asarray(batch.booked_fraction)  # always set by __post_init__

    def evaluate(bp: IntArray) -> tuple[FloatArray, FloatArray]:
        demand = expected_remaining_demand(
            bp / BP_ONE, batch.baseline_demand, batch.elasticity, fraction,
            batch.sold, cur_mult, policy.prior_strength,
        )  # fmt: skip
        sales = np.minimum(remaining[:, None], demand)
        return price_at_bp(base[:, None], bp) * sales, sales

    revenue, _ = evaluate(np.broadcast_to(grid, (n, g)))
    revenue_now = evaluate(cur[:, None])[0][:, 0]
    distance = np.abs(grid[None, :] - cur[:, None])

    in_reach = allowed & (distance <= policy.max_step_bp)
    off_grid = ~in_reach.any(axis=1)
    closest = np.where(allowed, distance, np.iinfo(np.int64).max).min(axis=1)
    nearest = allowed & (distance == closest[:, None])
    feasible = np.where(off_grid[:, None], nearest, in_reach)

    rows = np.arange(n)
    pick = _argbest(revenue, feasible, distance)
    pick_bp, pick_revenue = grid[pick], revenue[rows, pick]
    best_anywhere = revenue[rows, _argbest(revenue, allowed, distance)]
    step_capped = best_anywhere > pick_revenue + 1e-9 * np.maximum(1.0, best_anywhere)

    current_allowed = (allowed & (distance == 0)).any(axis=1)
    threshold = revenue_now * (1.0 + policy.min_gain_fraction)
    small_gain = current_allowed & (pick_bp != cur) & (pick_revenue < threshold)

    closed = batch.hours_to_show <= 0
    sold_out = remaining <= 0
    held = batch.frozen | closed | sold_out
    rate_limited = ~held & (batch.minutes_since_change < policy.min_minutes_between_changes)
    movable = ~held & ~rate_limited
    new_bp = np.where(movable & ~small_gain, pick_bp, cur)

    flags = [
        (Reason.CHANGED, new_bp != cur),
        (Reason.FROZEN, batch.frozen),
        (Reason.CLOSED, closed),
        (Reason.SOLD_OUT, sold_out),
        (Reason.RATE_LIMITED, rate_limited),
        (Reason.STEP_CAPPED, movable & step_capped),
        (Reason.SMALL_GAIN, movable & small_gain),
        (Reason.OFF_GRID, movable & off_grid),
    ]
    reasons = np.zeros(n, dtype=np.uint16)
    for flag, mask in flags:
        reasons |= np.where(mask, np.uint16(flag.value), np.uint16(0))

    final_revenue, final_sales = evaluate(new_bp[:, None])
    return RepriceResult(
        multiplier_bp=new_bp,
        expected_revenue_minor=np.rint(final_revenue[:, 0]).astype(np.int64),
        expected_sales=final_sales[:, 0],
        reasons=reasons,
    )
