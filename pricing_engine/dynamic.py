"""Vectorised dynamic-pricing multiplier selection for many showtimes at once.

Multipliers here are int basis points (10000 = x1.00) because they travel in numpy arrays
and DB columns; ``multiplier_from_bp`` turns the chosen value into the ``Decimal`` that
``ShowtimeContext.dynamic_multiplier`` takes.

For every showtime the engine first learns its demand from bookings so far
(``pricing_engine.learning``: the film's appeal pooled over its showtimes, the showtime's
own pace), then evaluates each value ``g`` of the allowed grid:

    revenue(g) = price(g) * min(remaining seats, expected remaining demand at g)

with ``price(g) = round_half_up(base * g / 10000)``, the integer price actually charged
(a deterministic, fluid approximation: demand uncertainty is not priced in). Decision, in
this order, as (N, G) array operations with no per-showtime Python loop:

1. Frozen, already started (``hours_to_show <= 0``) or sold-out showtimes keep their value.
2. Guard rails (``pricing_engine.rails``) give a band of allowed values; grid values are
   clipped into it, so a rail's bound is itself a candidate. A current price outside the
   floor/ceiling moves inside now, past the rate limit and the hysteresis below.
3. Rate limit: changed less than ``min_minutes_between_changes`` ago -> keep.
4. Step limit: only grid values within ``max_step_bp`` of the current value are candidates.
   If none is (the cinema changed its grid), the nearest allowed value is taken instead.
   Rate limit, step limit and hysteresis only apply once sales are open (``sales_open``):
   the price a showtime opens at is simply its best one.
5. The candidate with the highest expected revenue wins; near-ties go to the value
   closest to the current one (stable prices).
6. Hysteresis: if the current value is itself allowed and the winner earns less than
   ``(1 + min_gain_fraction)`` times the current value's expected revenue, keep it, so
   noise in the pace estimate does not make prices flicker.

Every row gets ``Reason`` flags (what held or bounded it, which rail) and every change a
``Driver`` (the signal that moved it) with a sentence, see ``pricing_engine.why``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from pricing_engine.arrays import BoolArray, FloatArray, IntArray
from pricing_engine.basis_points import (
    BP_ONE,
    MAX_BP,
    bp_from_multiplier,
    multiplier_from_bp,
    price_at_bp,
)
from pricing_engine.batch import ShowtimeBatch
from pricing_engine.demand import DEFAULT_PRIOR_STRENGTH, price_response
from pricing_engine.errors import PricingInputError
from pricing_engine.learning import (
    DEFAULT_CURVE_SIGMA,
    DEFAULT_FILM_PRIOR_STRENGTH,
    DemandEstimate,
    evidence_weight,
    learn_demand,
    remaining_demand,
)
from pricing_engine.rails import Band, rail_band
from pricing_engine.why import Driver, Facts, Reason, Why, drivers, explain, flag_bits, signal_terms

__all__ = [
    "BP_ONE",
    "MAX_BP",
    "Reason",
    "RepricePolicy",
    "RepriceResult",
    "ShowtimeBatch",
    "bp_from_multiplier",
    "multiplier_from_bp",
    "price_at_bp",
    "reprice",
]


@dataclass(frozen=True)
class RepricePolicy:
    """Per-run settings: the grid (basis points, ascending) and how prices may move.

    Defaults: grid x0.80..x1.30 in 0.05 steps, at most +-0.10 per change, at most one
    change per 3 hours, and only for >= 1 % more expected revenue. In the simulator a
    3-hour rate limit earns the same as a 1-hour one but halves the worst-case number of
    changes a customer can see (pace noise otherwise walks prices up and down).
    ``booking_curve_sigma``: how uncertain the booking curve's time scale is (log-sd), which
    tempers what early bookings say (``pricing_engine.learning``); 0 trusts the curve fully.
    ``bp_quantum``: every multiplier chosen is a multiple of it (10 bp = the three decimals
    a multiplier column stores), so a rail's bound survives storage unchanged.
    """

    grid_bp: tuple[int, ...] = tuple(range(8000, 13001, 500))
    max_step_bp: int = 1000
    min_minutes_between_changes: float = 180.0
    min_gain_fraction: float = 0.01
    prior_strength: float = DEFAULT_PRIOR_STRENGTH
    film_prior_strength: float = DEFAULT_FILM_PRIOR_STRENGTH
    booking_curve_sigma: float = DEFAULT_CURVE_SIGMA
    bp_quantum: int = 10

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
        if self.min_gain_fraction < 0 or self.prior_strength <= 0 or self.film_prior_strength <= 0:
            raise PricingInputError("min_gain_fraction must be >= 0, prior strengths > 0")
        if self.booking_curve_sigma < 0:
            raise PricingInputError("booking_curve_sigma must be >= 0")
        if self.bp_quantum < 1 or any(g % self.bp_quantum for g in grid):
            raise PricingInputError(f"grid_bp values must be multiples of bp_quantum {self.bp_quantum}")


@dataclass(eq=False)
class RepriceResult:
    """The engine's answer, arrays of shape (N,).

    ``multiplier_bp``: new multipliers; ``expected_revenue_minor``/``expected_sales`` of the
    remaining seats at them; ``reasons``: ``Reason`` bit flags; ``driver``: ``Driver`` code
    of each change (0 where nothing changed); ``target_bp``: the best value the model sees
    before step limits and rails; ``estimate``: the learned appeal and pace.
    """

    multiplier_bp: IntArray
    expected_revenue_minor: IntArray
    expected_sales: FloatArray
    reasons: npt.NDArray[np.uint16]
    driver: npt.NDArray[np.uint8]
    target_bp: IntArray
    estimate: DemandEstimate
    batch: ShowtimeBatch

    @property
    def changed(self) -> BoolArray:
        return (self.reasons & Reason.CHANGED) != 0

    def reasons_for(self, index: int) -> Reason:
        """The flags of one showtime as a ``Reason`` (readable in logs and the API)."""
        return Reason(int(self.reasons[index]))

    def why(self, index: int) -> Why:
        """Driver code and sentence for one showtime's change (for the price-change log)."""
        b, e = self.batch, self.estimate
        facts = Facts(
            old_bp=int(b.current_bp[index]),
            new_bp=int(self.multiplier_bp[index]),
            target_bp=int(self.target_bp[index]),
            elasticity=float(b.elasticity[index]),
            pace=float(e.pace[index]),
            appeal=float(e.appeal[index]),
            sold=int(b.sold[index]),
            expected_so_far=float(e.appeal[index] * e.expected_so_far[index]),
            capacity=int(b.capacity[index]),
            hours_to_show=float(b.hours_to_show[index]),
            share_to_come=float(1.0 - np.asarray(b.booked_fraction)[index]),
        )
        return explain(Driver(int(self.driver[index])), self.reasons_for(index), facts)


def _argbest(revenue: FloatArray, mask: BoolArray, distance: IntArray) -> IntArray:
    """Per row: index of the max revenue within ``mask``; near-ties -> smallest distance."""
    masked = np.where(mask, revenue, -np.inf)
    top = masked.max(axis=1, keepdims=True)
    near_top = mask & (masked >= top - 1e-9 * np.maximum(1.0, np.abs(top)))
    return np.where(near_top, distance, np.iinfo(np.int64).max).argmin(axis=1)


def _estimate(batch: ShowtimeBatch, policy: RepricePolicy, seats_left: BoolArray) -> DemandEstimate:
    if batch.exposure is None:
        exposure = np.asarray(batch.booked_fraction) * price_response(batch.current_bp / BP_ONE,
                                                                      batch.elasticity)  # fmt: skip
        usable = seats_left  # a sold-out row's exposure kept growing after it sold out
    else:
        exposure, usable = batch.exposure, np.ones_like(seats_left)
    weight = usable * evidence_weight(batch.baseline_demand * exposure, batch.sold, batch.hours_to_show,
                                      policy.booking_curve_sigma)  # fmt: skip
    return learn_demand(batch.baseline_demand, exposure, batch.sold, batch.film, weight,
                        policy.prior_strength, policy.film_prior_strength)  # fmt: skip


def _band(batch: ShowtimeBatch, policy: RepricePolicy) -> Band | None:
    if batch.rails is None:
        return None
    return rail_band(batch.rails, batch.current_bp, np.asarray(batch.day_low_bp),
                     np.asarray(batch.day_high_bp), batch.hours_to_show,
                     np.asarray(batch.sales_open), policy.bp_quantum)  # fmt: skip


def reprice(batch: ShowtimeBatch, policy: RepricePolicy) -> RepriceResult:
    """Choose the next multiplier of every showtime in ``batch`` (see module docstring)."""
    grid = np.asarray(policy.grid_bp, dtype=np.int64)
    n, g = len(batch.base_price_minor), grid.size
    if batch.allowed is None:
        allowed = np.ones((n, g), dtype=bool)
    else:
        allowed = batch.allowed
        if allowed.shape[1] != g:
            raise PricingInputError(f"allowed: expected {g} columns (grid size)")
    base, cur = batch.base_price_minor, batch.current_bp
    remaining = batch.capacity - batch.sold
    fraction = np.asarray(batch.booked_fraction)  # always set by __post_init__
    estimate = _estimate(batch, policy, remaining > 0)

    def evaluate(bp: IntArray) -> tuple[FloatArray, FloatArray]:
        demand = remaining_demand(estimate, batch.baseline_demand, fraction, bp / BP_ONE, batch.elasticity)
        sales = np.minimum(remaining[:, None], demand)
        return price_at_bp(base[:, None], bp) * sales, sales

    band = _band(batch, policy)
    raw = np.broadcast_to(grid, (n, g))
    candidates = raw if band is None else np.clip(raw, band.low[:, None], band.high[:, None])
    free_revenue, _ = evaluate(raw)
    revenue = free_revenue if band is None else evaluate(candidates)[0]
    revenue_now = evaluate(cur[:, None])[0][:, 0]
    distance = np.abs(raw - cur[:, None])
    moved = np.abs(candidates - cur[:, None])

    # Before sales open nobody has seen the price: it may go straight to its best value.
    unseen = ~np.asarray(batch.sales_open)
    in_reach = allowed & ((distance <= policy.max_step_bp) | unseen[:, None])
    off_grid = ~in_reach.any(axis=1)
    closest = np.where(allowed, distance, np.iinfo(np.int64).max).min(axis=1)
    nearest = allowed & (distance == closest[:, None])
    feasible = np.where(off_grid[:, None], nearest, in_reach)

    rows = np.arange(n)
    pick = _argbest(revenue, feasible, moved)
    pick_bp, pick_revenue = candidates[rows, pick], revenue[rows, pick]
    free_bp = grid[_argbest(free_revenue, feasible, distance)]
    target_bp = grid[_argbest(free_revenue, allowed, distance)]
    best_anywhere = revenue[rows, _argbest(revenue, allowed, moved)]
    step_capped = best_anywhere > pick_revenue + 1e-9 * np.maximum(1.0, best_anywhere)

    acceptable = (allowed & (distance == 0)).any(axis=1)
    forced = np.zeros(n, dtype=bool)
    if band is not None:
        in_band = (band.low <= cur) & (cur <= band.high)
        acceptable = in_band & (acceptable | (cur == band.low) | (cur == band.high))
        forced = band.forced
    threshold = revenue_now * (1.0 + policy.min_gain_fraction)
    small_gain = acceptable & ~unseen & (pick_bp != cur) & (pick_revenue < threshold)

    closed = batch.hours_to_show <= 0
    sold_out = remaining <= 0
    held = batch.frozen | closed | sold_out
    forced &= ~held
    recent = batch.minutes_since_change < policy.min_minutes_between_changes
    rate_limited = ~held & ~forced & ~unseen & recent
    movable = ~held & ~rate_limited
    new_bp = np.where(movable & (~small_gain | forced), pick_bp, cur)

    reasons = flag_bits(
        (Reason.CHANGED, new_bp != cur),
        (Reason.FROZEN, batch.frozen),
        (Reason.CLOSED, closed),
        (Reason.SOLD_OUT, sold_out),
        (Reason.RATE_LIMITED, rate_limited),
        (Reason.STEP_CAPPED, movable & step_capped),
        (Reason.SMALL_GAIN, movable & small_gain & ~forced),
        (Reason.OFF_GRID, movable & off_grid),
    )
    if band is not None:
        held_down = movable & (free_bp > new_bp) & (new_bp == band.high)
        held_up = movable & (free_bp < new_bp) & (new_bp == band.low)
        reasons |= np.where(held_down, band.high_rails, 0).astype(np.uint16)
        reasons |= np.where(held_up, band.low_rails, 0).astype(np.uint16)

    terms = signal_terms(estimate.pace, estimate.appeal, 1.0 - fraction, remaining, batch.capacity)
    driver = drivers(np.sign(new_bp - cur), terms, forced, movable & off_grid)
    final_revenue, final_sales = evaluate(new_bp[:, None])
    return RepriceResult(
        multiplier_bp=new_bp,
        expected_revenue_minor=np.rint(final_revenue[:, 0]).astype(np.int64),
        expected_sales=final_sales[:, 0],
        reasons=reasons,
        driver=driver,
        target_bp=target_bp,
        estimate=estimate,
        batch=batch,
    )
