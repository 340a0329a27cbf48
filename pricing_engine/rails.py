"""Guard rails managers set per cinema, turned into a band of allowed multipliers per showtime.

Rails, in order of precedence (a higher one wins when two cannot both hold):

1. Floor and ceiling per seat category, in minor units: every category's price at the
   new multiplier, ``round_half_up(category base x bp / 10000)``, stays within them. If a
   showtime's current price is outside (a manager just moved a floor), it moves inside at
   once, whatever the time rails say. Floors beat ceilings when they contradict each
   other (a category's floor above another's ceiling), and the row is flagged.
2. Largest change per day: within any 24 hours a multiplier spans at most
   ``max_daily_change_bp``. The caller passes the lowest and highest multiplier in force
   over the last 24 hours (the current one included), and the new one must stay within
   ``max_daily_change_bp`` of both.
3. No increase within ``no_rise_hours`` of the show: late buyers never pay more than
   those who booked a few hours earlier.
4. Only fall (optional): once a showtime's sales are open its multiplier never rises.

Rules 2-4 protect customers who have seen a price, so they start when sales open: the
price a showtime opens at is bounded by floor and ceiling only.

The band is quantised inwards to ``quantum`` basis points (what the caller can store) so
rounding can never take a price back outside it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from pricing_engine.arrays import BoolArray, FloatArray, IntArray
from pricing_engine.basis_points import BP_ONE, MAX_BP
from pricing_engine.errors import PricingInputError
from pricing_engine.why import Reason, flag_bits

# "No ceiling" in minor units: far above any price, small enough that x 10000 fits int64.
NO_CEILING = 2**40


@dataclass(eq=False)
class GuardRails:
    """Per-showtime guard rails: broadcast each cinema's settings to its showtimes' rows.

    ``category_base_minor`` is, per showtime and seat category, the full-price ticket at
    multiplier x1.00 (what the quote charges before the dynamic multiplier; 0 pads a
    category the showtime does not have). ``floor_minor``/``ceiling_minor`` have the same
    (N, C) shape; 0 means no floor, ``NO_CEILING`` no ceiling. The other settings are one
    value per showtime (N,) or a scalar for all: ``max_daily_change_bp`` (``MAX_BP``: no
    limit), ``no_rise_hours`` (0: off) and ``only_fall``.
    """

    category_base_minor: npt.ArrayLike | None = None
    floor_minor: npt.ArrayLike | None = None
    ceiling_minor: npt.ArrayLike | None = None
    max_daily_change_bp: npt.ArrayLike = MAX_BP
    no_rise_hours: npt.ArrayLike = 0.0
    only_fall: npt.ArrayLike = False

    def validated(self, n: int) -> GuardRails:
        """A copy with every field an array of the batch's row count, or an error."""
        prices = (self.category_base_minor, self.floor_minor, self.ceiling_minor)
        if any(p is None for p in prices) and not all(p is None for p in prices):
            raise PricingInputError("rails: give category_base_minor, floor_minor and ceiling_minor together")
        checked: dict[str, object] = {}
        if self.category_base_minor is not None:
            base = _int_matrix(self.category_base_minor, "category_base_minor", n)
            floor = _int_matrix(self.floor_minor, "floor_minor", n)
            ceiling = _int_matrix(self.ceiling_minor, "ceiling_minor", n)
            if floor.shape != base.shape or ceiling.shape != base.shape:
                raise PricingInputError("rails: floor_minor and ceiling_minor must match category_base_minor")
            if (base < 0).any() or (floor < 0).any() or (floor > ceiling).any():
                raise PricingInputError("rails: need base >= 0 and 0 <= floor <= ceiling per category")
            checked |= {"category_base_minor": base, "floor_minor": floor,
                        "ceiling_minor": np.minimum(ceiling, NO_CEILING)}  # fmt: skip
        daily = _broadcast(self.max_daily_change_bp, "max_daily_change_bp", n)
        if not np.issubdtype(daily.dtype, np.integer) or (daily <= 0).any():
            raise PricingInputError("rails: max_daily_change_bp must be a positive integer")
        window = _broadcast(self.no_rise_hours, "no_rise_hours", n).astype(np.float64)
        if not np.isfinite(window).all() or (window < 0).any():
            raise PricingInputError("rails: no_rise_hours must be finite and >= 0")
        only_fall = _broadcast(self.only_fall, "only_fall", n)
        if only_fall.dtype != np.bool_:
            raise PricingInputError("rails: only_fall must be bool")
        return replace(self, **checked, max_daily_change_bp=daily.astype(np.int64),
                       no_rise_hours=window, only_fall=only_fall)  # fmt: skip


def _broadcast(value: npt.ArrayLike, name: str, n: int) -> np.ndarray:
    arr = np.asarray(value)
    if arr.ndim == 0:
        return np.full(n, arr.item(), dtype=arr.dtype)
    if arr.shape != (n,):
        raise PricingInputError(f"rails: {name}: expected a scalar or shape ({n},), got {arr.shape}")
    return arr


def _int_matrix(value: npt.ArrayLike, name: str, n: int) -> IntArray:
    arr = np.asarray(value)
    if arr.ndim != 2 or arr.shape[0] != n or arr.shape[1] < 1:
        raise PricingInputError(f"rails: {name}: expected shape ({n}, C), got {arr.shape}")
    if not np.issubdtype(arr.dtype, np.integer):
        raise PricingInputError(f"rails: {name}: must be integer minor units, got dtype {arr.dtype}")
    return arr.astype(np.int64)


@dataclass(eq=False)
class Band:
    """Allowed multipliers now, ``[low, high]`` in bp per showtime, and which rails set them.

    ``low_rails``/``high_rails`` are ``Reason`` bits naming the rails at each end (several
    when they coincide); ``forced`` marks a current price outside floor/ceiling.
    """

    low: IntArray
    high: IntArray
    forced: BoolArray
    low_rails: npt.NDArray[np.uint16]
    high_rails: npt.NDArray[np.uint16]


def price_band_bp(base: IntArray, floor: IntArray, ceiling: IntArray) -> tuple[IntArray, IntArray]:
    """Per row, the bp range keeping every category's rounded price within its floor/ceiling.

    ``round_half_up(b * bp / 10000) >= F``  <=>  ``bp >= (10000 F - 5000) / b``, and
    ``<= C``  <=>  ``bp <= (10000 C + 4999) / b``; a category with base 0 always costs 0.
    """
    has_base = base > 0
    safe = np.where(has_base, base, 1)
    low_c = np.where(floor > 0, -((5000 - BP_ONE * floor) // safe), 0)
    low_c = np.where(has_base | (floor == 0), low_c, MAX_BP + 1)  # a floor on a free seat: impossible
    high_c = np.where(has_base, (BP_ONE * ceiling + 4999) // safe, MAX_BP)
    return low_c.max(axis=1), np.minimum(high_c.min(axis=1), MAX_BP)


def rail_band(
    rails: GuardRails,
    current_bp: IntArray,
    day_low_bp: IntArray,
    day_high_bp: IntArray,
    hours_to_show: FloatArray,
    sales_open: BoolArray,
    quantum: int,
) -> Band:
    """The allowed band of every showtime under ``rails`` (module docstring for precedence)."""
    n = current_bp.size
    daily = np.where(sales_open, np.asarray(rails.max_daily_change_bp), 2 * MAX_BP)
    daily_low = -(-(day_high_bp - daily) // quantum) * quantum
    daily_high = (day_low_bp + daily) // quantum * quantum
    window = sales_open & (hours_to_show < np.asarray(rails.no_rise_hours))
    only_fall = np.asarray(rails.only_fall) & sales_open
    frozen_top = np.where(window | only_fall, current_bp, MAX_BP)
    time_low, time_high = daily_low, np.minimum(daily_high, frozen_top)
    broken = time_low > time_high  # history already broke the daily limit: hold still
    time_low = np.where(broken, current_bp, time_low)
    time_high = np.where(broken, current_bp, time_high)

    if rails.category_base_minor is None:
        price_low, price_high = np.zeros(n, dtype=np.int64), np.full(n, MAX_BP, dtype=np.int64)
    else:
        price_low, price_high = price_band_bp(
            np.asarray(rails.category_base_minor), np.asarray(rails.floor_minor),
            np.asarray(rails.ceiling_minor),
        )  # fmt: skip
    price_low = np.maximum(-(-price_low // quantum) * quantum, quantum)
    price_high = price_high // quantum * quantum
    conflict = price_low > price_high
    price_high = np.where(conflict, price_low, price_high)  # floors win

    low = np.clip(time_low, price_low, price_high)
    high = np.clip(time_high, price_low, price_high)
    timed_high = (high == time_high) & ~broken
    return Band(
        low=low,
        high=high,
        forced=(current_bp < price_low) | (current_bp > price_high),
        low_rails=flag_bits(
            (Reason.FLOOR, (low == price_low) & (price_low >= time_low)),
            (Reason.DAILY_LIMIT, (low == time_low) & ~broken),
            (Reason.RAIL_CONFLICT, conflict),
        ),
        high_rails=flag_bits(
            (Reason.CEILING, (high == price_high) & (price_high <= time_high) & ~conflict),
            (Reason.FLOOR, conflict),
            (Reason.DAILY_LIMIT, timed_high & (high == daily_high)),
            (Reason.NO_RISE_WINDOW, timed_high & window & (high == current_bp)),
            (Reason.ONLY_FALL, timed_high & only_fall & (high == current_bp)),
            (Reason.RAIL_CONFLICT, conflict),
        ),
    )
