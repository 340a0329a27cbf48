"""The columns the repricing engine reads, one entry per showtime, validated on construction."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from pricing_engine.arrays import BoolArray, FloatArray, IntArray
from pricing_engine.basis_points import MAX_BP
from pricing_engine.demand import default_booking_fraction
from pricing_engine.errors import PricingInputError
from pricing_engine.rails import GuardRails


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


def _bools(value: npt.ArrayLike, name: str, n: int) -> BoolArray:
    arr = np.asarray(value)
    if arr.dtype != np.bool_ or arr.shape != (n,):
        raise PricingInputError(f"{name}: expected a bool array of shape ({n},)")
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

    Learning (``pricing_engine.learning``), all optional:

    * ``film``: int codes >= 0 grouping the rows of one film, whose appeal is learned from
      all of them. Rows of shows that already started (``hours_to_show <= 0``) are never
      repriced but do count as evidence: include the film's recent past showtimes.
    * ``exposure``: share of the forecast demand booked by now at the prices charged while
      seats were left (``advance_exposure``). Without it the booking curve at the current
      multiplier stands in, and sold-out rows cannot inform their film.

    Guard rails (``pricing_engine.rails``), all optional:

    * ``rails``: a ``GuardRails``; ``day_low_bp``/``day_high_bp``: the lowest and highest
      multiplier in force during the last 24 hours, current included (default: current);
      ``sales_open``: whether customers can see the price yet (default: all). Before
      sales open no step limit, rate limit, hysteresis or time rail applies.
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
    film: IntArray | None = None
    exposure: FloatArray | None = None
    rails: GuardRails | None = None
    day_low_bp: IntArray | None = None
    day_high_bp: IntArray | None = None
    sales_open: BoolArray | None = None

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
        self.frozen = _bools(self.frozen, "frozen", n)
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
        self._validate_learning(n)
        self._validate_rails(n)

    def _validate_learning(self, n: int) -> None:
        if self.film is not None:
            self.film = _ints(self.film, "film", n)
            _check(self.film >= 0, "film codes must be >= 0")
        if self.exposure is not None:
            self.exposure = _floats(self.exposure, "exposure", n)
            _check(self.exposure >= 0, "exposure must be >= 0")

    def _validate_rails(self, n: int) -> None:
        if self.rails is not None:
            self.rails = self.rails.validated(n)
        for name in ("day_low_bp", "day_high_bp"):
            value = getattr(self, name)
            setattr(self, name, self.current_bp if value is None else _ints(value, name, n))
        _check((self.day_low_bp <= self.current_bp) & (self.current_bp <= self.day_high_bp),
               "need day_low_bp <= current_bp <= day_high_bp")  # fmt: skip
        if self.sales_open is None:
            self.sales_open = np.ones(n, dtype=bool)
        else:
            self.sales_open = _bools(self.sales_open, "sales_open", n)
