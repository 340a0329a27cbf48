"""What each repricing run adds to a showtime's exposure, and when it stops adding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import numpy as np
import pytest

from app.pricing.exposure import exposure_after_run
from pricing_engine import default_booking_fraction

NOW = datetime(2030, 1, 8, 16, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def row(starts_in: float, exposure: float = 0.0, tracked_since: float | None = None,
        last_booking: float | None = None) -> SimpleNamespace:
    """A showtime starting in ``starts_in`` hours, tracked since ``tracked_since`` hours ago."""
    return SimpleNamespace(
        starts_at=NOW + starts_in * HOUR, demand_exposure=exposure,
        exposure_at=None if tracked_since is None else NOW - tracked_since * HOUR,
        last_booked_at=None if last_booking is None else NOW - last_booking * HOUR)


def run(rows, sold, capacity=40, bp=10_000, elasticity=-1.0):
    n = len(rows)
    return exposure_after_run(rows, NOW, np.asarray(sold, dtype=np.int64), np.full(n, capacity),
                              np.full(n, bp, dtype=np.int64), np.full(n, elasticity))


def curve(hours: float) -> float:
    return float(default_booking_fraction(hours))


def test_a_showtime_with_seats_left_adds_the_interval_at_the_price_in_force():
    exposure, moved = run([row(20, 0.3, tracked_since=1)], [10], bp=11_000)
    assert exposure[0] == pytest.approx(0.3 + (curve(20) - curve(21)) * np.exp(-0.1))
    assert moved.tolist() == [True]


def test_a_sold_out_showtime_counts_until_its_last_booking_then_adds_nothing():
    since_run = row(20, 0.3, tracked_since=2, last_booking=1)  # sold out between the two runs
    before_run = row(20, 0.3, tracked_since=2, last_booking=3)  # sold out before the last run
    exposure, _ = run([since_run, before_run], [40, 40])
    assert exposure[0] == pytest.approx(0.3 + curve(21) - curve(22))
    assert exposure[1] == 0.3


def test_an_untracked_showtime_starts_from_the_booking_curve_at_its_price():
    fresh, sold_out = row(30), row(30, last_booking=5)
    exposure, moved = run([fresh, sold_out], [0, 40], bp=9000, elasticity=-1.4)
    assert exposure.tolist() == pytest.approx([curve(30) * np.exp(0.14), curve(35) * np.exp(0.14)])
    assert moved.tolist() == [True, True]


def test_a_past_showtime_is_stored_until_its_last_interval_is_counted():
    exposure, moved = run([row(-0.5, 0.8, tracked_since=1), row(-3, 0.9, tracked_since=1)], [5, 5])
    assert exposure[0] == pytest.approx(0.8 + 1 - curve(0.5))
    assert exposure[1] == pytest.approx(0.9)
    assert moved.tolist() == [True, False]
