"""How much of each showtime's forecast demand has had its chance to book, run after run.

The engine learns a film's appeal and a showtime's pace from bookings against this
exposure (``pricing_engine.learning``). Each repricing run adds the interval since the
showtime's ``exposure_at`` at the multiplier that was in force, as long as seats were left:
a showtime that sold out since the last run counts until its last booking, one sold out
before it adds nothing (what it did not sell says nothing about demand). A showtime not
tracked yet starts from the booking curve at its current price, up to now or to its last
booking if it is sold out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from pricing_engine import advance_exposure, default_booking_fraction
from pricing_engine.basis_points import BP_ONE
from pricing_engine.demand import price_response

FloatArray = npt.NDArray[np.float64]


def _hours_before(rows: Sequence[Any], moment: str, fallback: list[float]) -> FloatArray:
    """Hours from each row's ``moment`` column to its start (``fallback`` where it is NULL)."""
    return np.array([(r.starts_at - getattr(r, moment)).total_seconds() / 3600 if getattr(r, moment)
                     else f for r, f in zip(rows, fallback, strict=True)])  # fmt: skip


def exposure_after_run(rows: Sequence[Any], at: datetime, sold: npt.NDArray[np.int64],
                       capacity: npt.NDArray[np.int64], current_bp: npt.NDArray[np.int64],
                       elasticity: FloatArray) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Each row's exposure now (rows have ``starts_at``, ``demand_exposure``, ``exposure_at``,
    ``last_booked_at``), and which rows it moved on: what the run stores."""
    hours_now = np.array([(r.starts_at - at).total_seconds() / 3600 for r in rows])
    tracked = np.array([r.exposure_at is not None for r in rows], dtype=bool)
    hours_then = _hours_before(rows, "exposure_at", list(hours_now))
    sold_out = sold >= capacity
    last_booking = np.maximum(_hours_before(rows, "last_booked_at", list(hours_now)), hours_now)
    seen_until = np.where(sold_out, last_booking, hours_now)
    seats_were_left = ~sold_out | (last_booking < hours_then)
    stored = np.array([r.demand_exposure for r in rows], dtype=np.float64)
    advanced = advance_exposure(stored, hours_then, seen_until, current_bp, elasticity, seats_were_left)
    backfill = default_booking_fraction(seen_until) * price_response(current_bp / BP_ONE, elasticity)
    # Past the show's start nothing is added: a row is stored until its last interval is counted.
    return np.where(tracked, advanced, backfill), ~tracked | (hours_then > 0)
