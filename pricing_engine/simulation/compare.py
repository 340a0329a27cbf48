"""Every policy and reference of the pricing benchmark, played on one season."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from pricing_engine.basis_points import BP_ONE
from pricing_engine.dynamic import RepricePolicy
from pricing_engine.simulation.play import Engine, RailSettings, StaticPrices, simulate
from pricing_engine.simulation.references import Sweep, fluid_bound, model_static_bp, sweep, true_static_bp
from pricing_engine.simulation.season import Season, World

ROWS = (
    "uniform",
    "best_single",
    "static_model",
    "dynamic",
    "dynamic_pace_only",
    "dynamic_true_level",
    "static_true",
    "fluid_bound",
    "hindsight_static",
)


@dataclass(eq=False)
class Comparison:
    """Season revenue (minor units) per row of ``ROWS``; ``None`` where it is not defined.

    ``dynamic_true_level``: the engine told each show's true demand level when sales open
    (elasticity stays the prior's), so ``dynamic`` against it says how much of the demand
    level's worth learning recovers. Where shows are independent, no learning from bookings
    beats it on average; with choice, a show's level is no longer its own (prices elsewhere
    move it), and the learning engine can do better.
    ``best_single_bp``: the multiplier of ``best_single``; ``price_changes`` and
    ``max_daily_span_bp``: the dynamic engine's mean changes per show and widest 24-hour
    range of multipliers.
    """

    revenue: dict[str, int | None]
    best_single_bp: int
    price_changes: float
    max_price_changes: int
    max_daily_span_bp: int


def compare(season: Season, rails: RailSettings | None, policy: RepricePolicy | None = None,
            grid_sweep: Sweep | None = None) -> Comparison:  # fmt: skip
    """Play every row of ``ROWS`` on ``season`` under ``rails`` (``None``: no rails).

    ``grid_sweep``: the season's ``sweep``, when several rail settings share it.
    """
    policy = policy or RepricePolicy()
    full = grid_sweep or sweep(season)
    allowed = full.within(season, rails)
    best_bp, best = allowed.best_single()
    myopic = season.config.world != World.CHOICE

    def static(bp: np.ndarray) -> int:
        return int(simulate(season, StaticPrices(bp)).revenue_minor.sum())

    def engine(learning: bool, played: Season = season):
        return simulate(played, Engine(policy, rails, learning=learning))

    told = replace(season, shows=replace(season.shows, forecast_demand=season.shows.true_demand))

    dynamic = engine(True)
    hindsight = int(allowed.revenue.max(axis=0).sum()) if myopic else static(allowed.best_per_show_bp())
    revenue: dict[str, int | None] = {
        "uniform": full.revenue_at(BP_ONE),
        "best_single": best,
        "static_model": static(model_static_bp(season, policy, rails)),
        "dynamic": int(dynamic.revenue_minor.sum()),
        "dynamic_pace_only": int(engine(False).revenue_minor.sum()),
        "dynamic_true_level": int(engine(False, told).revenue_minor.sum()),
        "static_true": static(true_static_bp(season, rails)) if myopic else None,
        "fluid_bound": int(np.floor(fluid_bound(season, rails).sum())) if myopic else None,
        "hindsight_static": hindsight,
    }
    return Comparison(
        revenue=revenue,
        best_single_bp=best_bp,
        price_changes=float(dynamic.price_changes.mean()),
        max_price_changes=int(dynamic.price_changes.max()),
        max_daily_span_bp=int(dynamic.max_daily_span_bp.max()),
    )
