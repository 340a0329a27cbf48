"""Learning each film's and each showtime's demand from its booking pace, vectorised.

The forecast ``D0`` of a showtime (bookings over its whole window at the base price) is
scaled by two unknown factors, both Gamma-distributed with mean one a priori:

    true demand = appeal[film] * pace[showtime] * D0

``appeal`` is shared by every showtime of a film (a hit lifts all of them, a flop sinks
all of them); ``pace`` is what is left for the showtime itself (its slot, its cinema).
Bookings so far are Poisson with mean ``appeal * pace * D0 * exposure``, where
``exposure`` is the share of the forecast demand that the booking curve says has come by
now at the prices actually charged (``advance_exposure``). Gamma-Poisson conjugacy gives
the posterior means in closed form, film first, then the showtime given its film:

    appeal = (k_film + sum of the film's sold) / (k_film + sum of the film's expected)
    pace   = (k_show + sold) / (k_show + appeal * expected)

with ``expected = D0 * exposure``. With no bookings and no exposure both stay at 1 (the
prior); every booking against the curve moves them, so a hit's pooled pace across dozens
of showtimes shows within its first days of sales, long before any single showtime has
told much. ``k`` is the prior strength in pseudo-bookings: the prior's coefficient of
variation is ``1 / sqrt(k)``. A film's appeal at release is far less certain (k = 2, CV
~70 %) than a showtime's deviation from its film (k = 8, CV ~35 %).

The booking curve is itself uncertain: a showtime whose audience books earlier than the
curve says looks like a hit days before the show. If the curve's time scale is off by a
factor with log-sd ``curve_sigma``, the share it predicts at ``h`` hours out is off by a
log-sd of ``curve_sigma * h / tau``; as in a negative binomial, a count with mean ``mu``
then carries ``1 / (1 + mu * v)`` of its Poisson information, ``v`` that variance
(``evidence_weight``). Bookings and expectations enter both sums with that weight: far
from the show, or when many bookings are expected, the curve's error outweighs Poisson
noise and the estimate stays nearer the prior; a show that has happened counts fully.

Censoring: a sold-out showtime's bookings say only "at least this many". Its exposure
stops growing once it is sold out (``advance_exposure`` takes ``seats_left``), which keeps
its evidence unbiased; where the caller has no exposure and the engine falls back to the
booking curve at the current price, sold-out showtimes are left out of the film's sums.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from pricing_engine.arrays import FloatArray, IntArray
from pricing_engine.demand import (
    DEFAULT_BOOKING_TAU_HOURS,
    DEFAULT_PRIOR_STRENGTH,
    default_booking_fraction,
    price_response,
)

DEFAULT_FILM_PRIOR_STRENGTH = 2.0
# Log-sd of the booking curve's time scale: the lead times of one showtime's audience vary
# by about a quarter around the chain's curve.
DEFAULT_CURVE_SIGMA = 0.25


@dataclass(eq=False)
class DemandEstimate:
    """Posterior demand factors per showtime, shape (N,) each.

    ``appeal``: the film's factor (1.0 = as forecast), repeated on each of its rows.
    ``pace``: the showtime's own factor on top of its film's.
    ``expected_so_far``: bookings the forecast expected by now at the prices charged.
    """

    appeal: FloatArray
    pace: FloatArray
    expected_so_far: FloatArray

    @property
    def factor(self) -> FloatArray:
        """Combined multiplier on the forecast: appeal x pace."""
        return self.appeal * self.pace


def advance_exposure(
    exposure: npt.ArrayLike,
    hours_before: npt.ArrayLike,
    hours_now: npt.ArrayLike,
    multiplier_bp: npt.ArrayLike,
    elasticity: npt.ArrayLike,
    seats_left: npt.ArrayLike,
    tau_hours: float = DEFAULT_BOOKING_TAU_HOURS,
) -> FloatArray:
    """Exposure after the interval from ``hours_before`` to ``hours_now`` to the show.

    Adds the share of forecast demand the booking curve expects in that interval, at the
    multiplier that was in force, for showtimes that still had ``seats_left``. Call it at
    every repricing run with the multiplier of the interval that just ended; store the
    result with the time it was computed. For a showtime that sold out within the interval,
    pass the hours to the show at its last booking as ``hours_now``: demand after that
    moment went unseen.
    """
    previous = default_booking_fraction(hours_before, tau_hours)
    current = default_booking_fraction(hours_now, tau_hours)
    response = price_response(np.asarray(multiplier_bp) / 10_000, elasticity)
    gained = np.maximum(current - previous, 0.0) * response
    return np.asarray(exposure, dtype=np.float64) + np.where(seats_left, gained, 0.0)


def evidence_weight(
    expected: FloatArray,
    sold: IntArray,
    hours_to_show: FloatArray,
    curve_sigma: float = DEFAULT_CURVE_SIGMA,
    tau_hours: float = DEFAULT_BOOKING_TAU_HOURS,
) -> FloatArray:
    """Share of its bookings' information left once the curve's own error is counted (module doc)."""
    spread = (np.maximum(hours_to_show, 0.0) / tau_hours * curve_sigma) ** 2
    return 1.0 / (1.0 + np.maximum(expected, sold) * spread)


def learn_demand(
    baseline_demand: FloatArray,
    exposure: FloatArray,
    sold: IntArray,
    film: IntArray | None,
    weight: npt.ArrayLike,
    show_strength: float = DEFAULT_PRIOR_STRENGTH,
    film_strength: float = DEFAULT_FILM_PRIOR_STRENGTH,
) -> DemandEstimate:
    """Posterior appeal and pace (module docstring) for every row at once.

    ``film`` holds small non-negative integer codes (``None``: no pooling, appeal 1).
    ``weight`` in [0, 1] per row: how much its bookings count (``evidence_weight``; 0 for
    rows that must not inform their film, a bool mask works).
    """
    w = np.asarray(weight, dtype=np.float64)
    sold_w = w * sold
    expected = baseline_demand * exposure
    if film is None:
        appeal = np.ones_like(expected)
    else:
        film_sold = np.bincount(film, weights=sold_w)
        film_expected = np.bincount(film, weights=w * expected)
        appeal = ((film_strength + film_sold) / (film_strength + film_expected))[film]
    pace = (show_strength + sold_w) / (show_strength + appeal * w * expected)
    return DemandEstimate(appeal=appeal, pace=pace, expected_so_far=expected)


def remaining_demand(
    estimate: DemandEstimate,
    baseline_demand: FloatArray,
    booked_fraction: FloatArray,
    multipliers: npt.ArrayLike,
    elasticity: FloatArray,
) -> FloatArray:
    """Bookings still to come, shape (N, K), at each of the (K,) or (N, K) ``multipliers``."""
    to_come = estimate.factor * baseline_demand * (1.0 - booked_fraction)
    return to_come[:, None] * price_response(np.atleast_2d(multipliers), elasticity[:, None])


def expected_remaining_demand(
    multipliers: npt.ArrayLike,
    baseline_demand: FloatArray,
    elasticity: FloatArray,
    booked_fraction: FloatArray,
    sold: npt.ArrayLike,
    current_multiplier: FloatArray,
    prior_strength: float = DEFAULT_PRIOR_STRENGTH,
) -> FloatArray:
    """Expected bookings still to come, shape (N, K), learning from each showtime's pace only.

    The booking curve at ``current_multiplier`` stands in for the exposure, as if the price
    had never moved; ``reprice`` does better when given exposures and films.
    """
    exposure = booked_fraction * price_response(current_multiplier, elasticity)
    sold_arr = np.asarray(sold, dtype=np.int64)
    estimate = learn_demand(baseline_demand, exposure, sold_arr, None, np.ones(sold_arr.shape, bool),
                            prior_strength)  # fmt: skip
    return remaining_demand(estimate, baseline_demand, booked_fraction, multipliers, elasticity)
