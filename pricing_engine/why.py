"""Why a showtime got its multiplier: state flags, the signal that moved it, and a sentence.

``Reason`` flags say what the engine was allowed to do (frozen, rate limited, which guard
rail held it back). ``Driver`` names the one signal that moved a price, for the admin's
price-change log. The engine prices by demand pressure, remaining demand over remaining
seats, and its logarithm splits into four signals plus the forecast itself:

    log(pressure) = log(D0 / capacity)           forecast (the model before any booking)
                  + log(pace)                    this showtime's bookings against its curve
                  + log(appeal)                  the film's bookings across its showtimes
                  + log(share of demand to come) time to show (always <= 0)
                  - log(seats left / capacity)   occupancy (always >= 0)

A change is credited to the signal with the largest term pushing in the direction of the
move; when none exceeds ``SIGNAL_THRESHOLD`` (5 %), the forecast itself (the slot's price
elasticity and demand level) moved it, as on a showtime's first pricing. It is a
readable attribution, not a causal proof: two signals often push together.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, IntFlag

import numpy as np
import numpy.typing as npt

from pricing_engine.arrays import BoolArray, FloatArray

SIGNAL_THRESHOLD = float(np.log(1.05))


class Reason(IntFlag):
    """What held or bounded a showtime's multiplier (bit flags, several may be set)."""

    CHANGED = 1
    FROZEN = 2
    CLOSED = 4  # show already started
    SOLD_OUT = 8
    RATE_LIMITED = 16
    STEP_CAPPED = 32  # a better allowed value exists beyond max_step_bp
    SMALL_GAIN = 64  # held: best move gains less than min_gain_fraction
    OFF_GRID = 128  # current value out of reach of the grid; snapped to nearest allowed
    FLOOR = 256  # a seat category's floor price bounds it from below
    CEILING = 512  # a seat category's ceiling price bounds it from above
    DAILY_LIMIT = 1024  # the largest change per 24 hours bounds it
    NO_RISE_WINDOW = 2048  # no increase this close to the show
    ONLY_FALL = 4096  # sales are open and prices may only fall
    RAIL_CONFLICT = 8192  # floors and ceilings contradict each other; floors win


RAIL_LIMITS = {
    Reason.FLOOR: "a seat category's floor price",
    Reason.CEILING: "a seat category's ceiling price",
    Reason.DAILY_LIMIT: "the largest change allowed per day",
    Reason.NO_RISE_WINDOW: "no increase this close to the show",
    Reason.ONLY_FALL: "prices only fall once sales are open",
}


class Driver(IntEnum):
    """The signal that moved a price; ``code`` is its machine-readable name."""

    NONE = 0  # no change
    FORECAST = 1
    PACE = 2
    APPEAL = 3
    TIME_TO_SHOW = 4
    OCCUPANCY = 5
    FLOOR = 6  # moved up into the floor a manager set
    CEILING = 7  # moved down under the ceiling a manager set
    GRID = 8  # moved into the cinema's allowed range

    @property
    def code(self) -> str:
        return self.name.lower()


def flag_bits(*pairs: tuple[Reason, BoolArray]) -> npt.NDArray[np.uint16]:
    """OR the flag of every (flag, mask) pair into one uint16 array."""
    out = np.zeros(pairs[0][1].shape, dtype=np.uint16)
    for flag, mask in pairs:
        out |= np.where(mask, np.uint16(flag.value), np.uint16(0))
    return out


_SIGNALS = (Driver.PACE, Driver.APPEAL, Driver.TIME_TO_SHOW, Driver.OCCUPANCY)


def signal_terms(
    pace: FloatArray, appeal: FloatArray, share_to_come: FloatArray, seats_left: FloatArray,
    capacity: FloatArray,
) -> FloatArray:
    """The four log terms of demand pressure (module docstring), shape (N, 4)."""
    tiny = 1e-9
    return np.stack([
        np.log(pace),
        np.log(appeal),
        np.log(np.maximum(share_to_come, tiny)),
        -np.log(np.maximum(seats_left, tiny) / np.maximum(capacity, tiny)),
    ], axis=1)  # fmt: skip


def drivers(
    direction: npt.NDArray[np.int64], terms: FloatArray, forced: BoolArray, off_grid: BoolArray
) -> npt.NDArray[np.uint8]:
    """Driver code per row: ``direction`` is the sign of the change (0: none)."""
    scores = direction[:, None] * terms
    best = scores.argmax(axis=1)
    strongest = scores[np.arange(best.size), best]
    signal = np.asarray(_SIGNALS, dtype=np.uint8)[best]
    code = np.where(strongest > SIGNAL_THRESHOLD, signal, np.uint8(Driver.FORECAST))
    code = np.where(off_grid, np.uint8(Driver.GRID), code)
    code = np.where(forced & (direction > 0), np.uint8(Driver.FLOOR), code)
    code = np.where(forced & (direction < 0), np.uint8(Driver.CEILING), code)
    return np.where(direction == 0, np.uint8(Driver.NONE), code).astype(np.uint8)


@dataclass(frozen=True)
class Why:
    """A change's driver code (e.g. ``"pace"``) and a short sentence for the admin."""

    code: str
    text: str


@dataclass(frozen=True)
class Facts:
    """One showtime's numbers a sentence quotes."""

    old_bp: int
    new_bp: int
    target_bp: int
    elasticity: float
    pace: float
    appeal: float
    sold: int
    expected_so_far: float  # at the film's learned appeal
    capacity: int
    hours_to_show: float
    share_to_come: float


def _x(bp: int) -> str:
    return f"x{bp / 10_000:.2f}" if bp % 100 == 0 else f"x{bp / 10_000:.3f}"


def explain(driver: Driver, reasons: Reason, facts: Facts) -> Why:
    """The sentence for one change, e.g. "Raised x1.00 -> x1.10: bookings run at 1.6x ..."."""
    left = facts.capacity - facts.sold
    because = {
        Driver.FORECAST: f"the demand forecast for this slot (price elasticity {facts.elasticity:.1f}) "
                         f"puts the best price at {_x(facts.target_bp)}",
        Driver.PACE: f"bookings run at {facts.pace:.2f}x the expected pace ({facts.sold} sold, "
                     f"{facts.expected_so_far:.0f} expected by now)",
        Driver.APPEAL: f"the film books at {facts.appeal:.2f}x its forecast across its showtimes",
        Driver.TIME_TO_SHOW: f"{facts.hours_to_show:.0f} h to the show, about {facts.share_to_come:.0%} "
                             f"of its bookings are still to come for {left} free seats",
        Driver.OCCUPANCY: f"{facts.sold} of {facts.capacity} seats sold, {left} left for the demand "
                          f"still to come",
        Driver.FLOOR: "a seat category's price was under the floor set for this cinema",
        Driver.CEILING: "a seat category's price was over the ceiling set for this cinema",
        Driver.GRID: "the multiplier was outside the cinema's allowed range",
        Driver.NONE: "unchanged",
    }[driver]  # fmt: skip
    verb = "Raised" if facts.new_bp > facts.old_bp else "Lowered"
    limits = [text for flag, text in RAIL_LIMITS.items() if flag in reasons]
    limited = f"; held at {_x(facts.new_bp)} by " + " and ".join(limits) if limits else ""
    return Why(driver.code, f"{verb} {_x(facts.old_bp)} -> {_x(facts.new_bp)}: {because}{limited}.")
