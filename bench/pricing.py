"""Pricing benchmark: a seeded season under three policies, and the cost of repricing.

Prints season revenue under uniform prices (x1.00 everywhere), under the dynamic engine
(repricing every ``--step-minutes`` from bookings observed so far) and under the
perfect-information bound (see ``pricing_engine.simulator``), then the median wall time
to validate and reprice 10,000 showtimes in one call. The last line is one JSON object.

    .venv/bin/python bench/pricing.py [--showtimes 5000] [--seed 2025] [--step-minutes 15]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # allow `python bench/pricing.py`

import numpy as np  # noqa: E402

from pricing_engine import (  # noqa: E402
    RepricePolicy,
    ShowtimeBatch,
    default_booking_fraction,
    format_minor,
    reprice,
)
from pricing_engine.simulator import (  # noqa: E402
    SeasonConfig,
    make_season,
    perfect_information_bound,
    simulate,
)

TIMING_SHOWTIMES = 10_000
TIMING_RUNS = 9


def live_columns(seed: int) -> dict[str, np.ndarray]:
    """A mid-season snapshot of 10,000 showtimes at assorted lead times, as a job reads it."""
    season = make_season(SeasonConfig(n_showtimes=TIMING_SHOWTIMES, seed=seed))
    rng = np.random.default_rng(seed)
    hours = rng.uniform(-1.0, 168.0, TIMING_SHOWTIMES)
    expected = season.forecast_demand * default_booking_fraction(hours)
    return {
        "base_price_minor": season.base_price_minor,
        "capacity": season.capacity,
        "sold": np.minimum(rng.poisson(expected), season.capacity),
        "hours_to_show": hours,
        "baseline_demand": season.forecast_demand,
        "elasticity": season.prior_elasticity,
        "current_bp": rng.choice(np.arange(8000, 13001, 500), TIMING_SHOWTIMES),
        "minutes_since_change": rng.exponential(120.0, TIMING_SHOWTIMES),
        "frozen": rng.random(TIMING_SHOWTIMES) < 0.02,
    }


def time_reprice(seed: int, policy: RepricePolicy) -> tuple[float, float]:
    """Median seconds for (build + validate + reprice, reprice only) over several runs."""
    columns = live_columns(seed)
    full, core = [], []
    for _ in range(TIMING_RUNS):
        start = time.perf_counter()
        batch = ShowtimeBatch(**columns)
        built = time.perf_counter()
        reprice(batch, policy)
        done = time.perf_counter()
        full.append(done - start)
        core.append(done - built)
    return statistics.median(full), statistics.median(core)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--showtimes", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--step-minutes", type=int, default=15)
    args = parser.parse_args(argv)

    policy = RepricePolicy()
    config = SeasonConfig(n_showtimes=args.showtimes, seed=args.seed,
                          step_minutes=args.step_minutes)  # fmt: skip
    started = time.perf_counter()
    season = make_season(config)
    uniform = int(simulate(season).revenue_minor.sum())
    dynamic_run = simulate(season, policy)
    dynamic = int(dynamic_run.revenue_minor.sum())
    bound = int(perfect_information_bound(season).sum())
    simulated = time.perf_counter() - started
    reprice_full, reprice_core = time_reprice(args.seed, policy)

    uplift = 100.0 * (dynamic - uniform) / uniform
    captured = 100.0 * (dynamic - uniform) / (bound - uniform)
    print(f"season: {args.showtimes} showtimes, {season.customer_showtime.size} customers, "
          f"seed {args.seed}, repricing every {args.step_minutes} min "
          f"(simulated in {simulated:.1f} s)")  # fmt: skip
    print(f"uniform x1.00       {format_minor(uniform, 'EUR'):>16}")
    print(f"dynamic             {format_minor(dynamic, 'EUR'):>16}  ({uplift:+.2f} %)")
    print(f"perfect-info bound  {format_minor(bound, 'EUR'):>16}  "
          f"(dynamic captures {captured:.1f} % of the uniform->bound gap)")  # fmt: skip
    print(f"price changes per showtime: mean {dynamic_run.price_changes.mean():.2f}, "
          f"max {dynamic_run.price_changes.max()}")  # fmt: skip
    print(f"reprice {TIMING_SHOWTIMES} showtimes: median {reprice_full * 1000:.1f} ms "
          f"(of which reprice() {reprice_core * 1000:.1f} ms), {TIMING_RUNS} runs")  # fmt: skip
    print(json.dumps({
        "showtimes": args.showtimes,
        "seed": args.seed,
        "reprice_every_minutes": args.step_minutes,
        "currency": "EUR",
        "uniform_revenue": uniform,
        "dynamic_revenue": dynamic,
        "bound_revenue": bound,
        "uplift_pct": round(uplift, 2),
        "gap_captured_pct": round(captured, 1),
        "reprice_10k_seconds": round(reprice_full, 4),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
