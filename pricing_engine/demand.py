"""Price-response demand model for one showtime, vectorised over many showtimes.

Response curve (log-linear / exponential):

    D(m) = D0 * exp(eps * (m - 1))

``m`` is the price multiplier on the base price, ``D0`` the forecast demand over the whole
booking window at the base price (the caller's forecast; film age, genre, weekday and
screen live there), and ``eps < 0`` the point price elasticity AT the base price (the
elasticity at ``m`` is ``eps * m``, so demand becomes more price-sensitive as price rises,
unlike a constant-elasticity curve whose revenue optimum is always a corner). It is what
you get when each potential customer's willingness to pay, as a multiple of the base
price, is exponentially distributed with mean ``-1 / eps``; the simulator draws customers
exactly that way. Unconstrained, revenue m * D(m) peaks at ``m* = -1 / eps``.

Elasticity defaults (``default_elasticity``) are segment priors in the -0.5 .. -1.5 band:
aggregate cinema attendance has been found price-inelastic (Cameron 1990, UK), while
demand for a given showtime, which has close substitutes (other times, other films, cheap
days; de Roos & McKenzie 2014, "Cheap Tuesdays and the demand for cinema"), responds
more strongly, most of all off-peak. They are starting points to re-estimate from the
chain's own price experiments, not fitted values.

Booking pace: ``f(h)``, the expected fraction of a showtime's bookings already made when
``h`` hours remain, defaults to ``exp(-h / 30)`` (about half of the bookings in the final
day). How the demand level is learned from bookings against that curve is
``pricing_engine.learning``; remaining demand at ``m`` is then
``appeal * pace * D0 * (1 - f(h)) * exp(eps * (m - 1))``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from pricing_engine.arrays import FloatArray

DEFAULT_BOOKING_TAU_HOURS = 30.0
# Prior strength k of the Gamma prior on the forecast scale: a coefficient of variation of
# 1/sqrt(k) ~ 35 %, the order of a per-showtime attendance forecast error.
DEFAULT_PRIOR_STRENGTH = 8.0

PEAK_ELASTICITY = -0.6  # Fri/Sat evenings, weekend afternoons: fixed plans, few substitutes
SHOULDER_ELASTICITY = -1.0
OFF_PEAK_ELASTICITY = -1.4  # Mon-Thu before 17:00: flexible, price-sensitive audiences


def default_booking_fraction(
    hours_to_show: npt.ArrayLike, tau_hours: float = DEFAULT_BOOKING_TAU_HOURS
) -> FloatArray:
    """Expected cumulative share of bookings made when ``hours_to_show`` remain.

    Bookings cluster close to the show; an exponential lead-time curve is the simplest
    shape with that property. Callers with a fitted curve per weekday/time pass their own
    fractions instead.
    """
    hours = np.maximum(np.asarray(hours_to_show, dtype=np.float64), 0.0)
    return np.exp(-hours / tau_hours)


def default_elasticity(weekday: npt.ArrayLike, hour: npt.ArrayLike) -> FloatArray:
    """Segment prior for the price elasticity at base price, from local weekday/hour.

    Peak slots get less elastic demand (people planned the outing), weekday daytime more
    elastic demand (flexible audiences that shop on price), the rest sit in between.
    """
    day = np.asarray(weekday)
    hr = np.asarray(hour)
    peak = (np.isin(day, (4, 5)) & (hr >= 17)) | (np.isin(day, (5, 6)) & (hr >= 12) & (hr < 17))
    off_peak = (day <= 3) & (hr < 17)
    eps = np.full(np.broadcast(day, hr).shape, SHOULDER_ELASTICITY)
    eps[peak] = PEAK_ELASTICITY
    eps[off_peak] = OFF_PEAK_ELASTICITY
    return eps


def price_response(multiplier: npt.ArrayLike, elasticity: npt.ArrayLike) -> FloatArray:
    """Demand at ``multiplier`` relative to demand at the base price: exp(eps * (m - 1))."""
    m = np.asarray(multiplier, dtype=np.float64)
    return np.exp(np.asarray(elasticity, dtype=np.float64) * (m - 1.0))
