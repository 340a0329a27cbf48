"""A mid-season snapshot of showtimes as the repricing job loads them, to time the engine on.

Films, exposures along the booking curve, a 24-hour price history and guard rails for two
seat categories: every input ``reprice`` reads on a live run, so a timing covers all of it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pricing_engine.demand import default_booking_fraction, price_response
from pricing_engine.rails import GuardRails


def live_columns(n: int, seed: int) -> dict[str, Any]:
    """``ShowtimeBatch`` keyword arguments for ``n`` showtimes up to a week before their show."""
    rng = np.random.default_rng(seed)
    hours = rng.uniform(-1.0, 168.0, n)
    capacity = rng.choice([60, 90, 120, 180, 250, 400], n)
    demand = capacity * rng.lognormal(-0.7, 0.6, n)
    eps = rng.choice([-0.6, -1.0, -1.4], n)
    current = rng.choice(np.arange(8500, 12501, 500), n)
    exposure = default_booking_fraction(hours) * price_response(current / 10000, eps)
    base = rng.choice([850, 990, 1150, 1290, 1450], n)
    categories = np.stack([base, base * 3 // 2], axis=1)
    rails = GuardRails(category_base_minor=categories, floor_minor=categories * 85 // 100,
                       ceiling_minor=categories * 125 // 100, max_daily_change_bp=1500,
                       no_rise_hours=4.0, only_fall=False)  # fmt: skip
    return {
        "base_price_minor": base,
        "capacity": capacity,
        "sold": np.minimum(rng.poisson(demand * exposure), capacity),
        "hours_to_show": hours,
        "baseline_demand": demand,
        "elasticity": eps,
        "current_bp": current,
        "minutes_since_change": rng.exponential(240.0, n),
        "frozen": rng.random(n) < 0.02,
        "film": rng.integers(0, 60, n),
        "exposure": exposure,
        "rails": rails,
        "day_low_bp": current - rng.choice([0, 500], n),
        "day_high_bp": current + rng.choice([0, 500], n),
    }
